"""A member list uploaded on the organizer's page, and the checks and imports run on it in the background."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..models import utcnow


class ImportUpload(db.Model):
    """The file lives in the upload storage under a random key (files/storage.py), under instance/ by default;
    the city's organizers (and admins) see it. ``imported_at`` is set once, in the import's own transaction, so
    a list is imported at most once. Removed by `matchmaker tick` after a day (the file is removed at once
    after a successful import)."""

    __tablename__ = "import_uploads"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    storage_key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    filename: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    size: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    imported_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    result: so.Mapped[dict | None] = so.mapped_column(sa.JSON)


JOB_KINDS = ("check", "import")
JOB_STATES = ("queued", "running", "done", "failed")
LIVE = ("queued", "running")


class ImportJob(db.Model):
    """One check (dry run) or import of an upload, run outside the request (jobs.py): any server process
    reads its state and progress. ``heartbeat_at`` is renewed every few seconds by the process running it;
    a job whose process is gone stops renewing it and is marked failed (``interrupted``). The partial unique
    index lets an upload have one import that has not failed: a confirmation posted twice starts one."""

    __tablename__ = "import_jobs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    upload_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("import_uploads.id", ondelete="CASCADE"), index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(10))
    params: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)  # columns, options, decisions, locale
    state: so.Mapped[str] = so.mapped_column(sa.String(10), default="queued", index=True)
    stage: so.Mapped[str] = so.mapped_column(sa.String(10), default="")  # waiting | read | check | write
    done: so.Mapped[int] = so.mapped_column(default=0)  # rows of the stage done
    total: so.Mapped[int] = so.mapped_column(default=0)
    result: so.Mapped[dict | None] = so.mapped_column(sa.JSON)  # the report (service.report) and the columns
    error: so.Mapped[str] = so.mapped_column(sa.String(30), default="")  # a code of jobs.ERRORS
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    started_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    heartbeat_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    finished_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    user = so.relationship("User", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("kind IN ('check', 'import')", name="kind"),
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
        sa.Index("uq_import_jobs_one_import", "upload_id", unique=True,
                 sqlite_where=sa.text("kind = 'import' AND state != 'failed'"),
                 postgresql_where=sa.text("kind = 'import' AND state != 'failed'")),
    )

    @property
    def live(self) -> bool:
        return self.state in LIVE

    @property
    def percent(self) -> int:
        """Of the whole job: an import's check is its first 80%, the writing the rest."""
        if self.state == "done":
            return 100
        part = min(1.0, self.done / self.total) if self.total else 0.0
        if self.kind == "import" and self.stage in ("check", "write"):
            return int(80 * part) if self.stage == "check" else 80 + int(20 * part)
        return int(100 * part) if self.stage == "check" else 0
