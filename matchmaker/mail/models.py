"""The mail outbox: every message the site sends is first a row, written in the same transaction as
the business action that caused it, and sent after the commit (see outbox.py)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..models import utcnow

OUTBOX_STATUSES = ("pending", "sent", "failed")


class OutboxMessage(db.Model):
    __tablename__ = "mail_outbox"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))  # which mail (template name), for counts and tests
    to_addr: so.Mapped[str] = so.mapped_column(sa.String(254))
    subject: so.Mapped[str] = so.mapped_column(sa.String(300))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="pending")
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # When the next attempt is due; a sender claims a row by moving this forward (see outbox.claim).
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    last_error: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
        sa.Index("ix_mail_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )
