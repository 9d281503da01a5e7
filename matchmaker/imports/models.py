"""A member list uploaded on the organizer's page, kept between the dry run and the confirmation."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..models import utcnow


class ImportUpload(db.Model):
    """The file lives in the upload storage under a random key (files/storage.py); only the organizer who
    uploaded it (or an admin) sees it; ``imported_at`` is set once, in the import's own transaction, so a
    confirmation posted twice imports once. Removed by `matchmaker tick` after a day."""

    __tablename__ = "import_uploads"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    storage_key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    filename: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    size: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    imported_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    result: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
