"""A report of a thread by a member of one of its two firms, and the audit log of staff reading it."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..models import Firm, User, utcnow

CATEGORIES = ("spam", "harassment", "fraud", "inappropriate", "other")
STATUSES = ("open", "closed")


class AbuseReport(db.Model):
    __tablename__ = "abuse_reports"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    thread_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    reporter_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reporter_firm_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="CASCADE"))
    reported_firm_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    category: so.Mapped[str] = so.mapped_column(sa.String(20))
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="open", index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    closed_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    closed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    close_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    thread: so.Mapped["Thread"] = so.relationship()  # noqa: F821
    reporter: so.Mapped[User | None] = so.relationship(foreign_keys=[reporter_id])
    closed_by: so.Mapped[User | None] = so.relationship(foreign_keys=[closed_by_id])
    reporter_firm: so.Mapped[Firm] = so.relationship(foreign_keys=[reporter_firm_id])
    reported_firm: so.Mapped[Firm] = so.relationship(foreign_keys=[reported_firm_id])

    __table_args__ = (
        sa.CheckConstraint("status IN ('open', 'closed')", name="status"),
        sa.CheckConstraint("category IN ('spam', 'harassment', 'fraud', 'inappropriate', 'other')", name="category"),
        # one open report per thread and reporter: posting twice (two tabs, a double click) makes one
        sa.Index("uq_abuse_reports_open", "thread_id", "reporter_id", unique=True,
                 sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'")),
    )

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class AbuseReportView(db.Model):
    """Audit log: a member of the city's staff read a reported thread or downloaded one of its files."""

    __tablename__ = "abuse_report_views"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("abuse_reports.id", ondelete="CASCADE"), index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    user_email: so.Mapped[str] = so.mapped_column(sa.String(254))  # kept if the account is deleted later
    what: so.Mapped[str] = so.mapped_column(sa.String(10))  # thread | file
    file_id: so.Mapped[int | None] = so.mapped_column()  # the file downloaded (no key: the log outlives it)
    at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    user: so.Mapped[User | None] = so.relationship()

    __table_args__ = (sa.CheckConstraint("what IN ('thread', 'file')", name="what"),)
