"""A member's subscription to new needs by mail: the needs its firm can answer, or those matching a search."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..models import User, utcnow

ALERT_KINDS = ("answerable", "search")
FREQUENCIES = ("daily", "weekly")


class Alert(db.Model):
    __tablename__ = "alerts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(12))
    query: so.Mapped[str] = so.mapped_column(sa.String(200), default="")  # for kind "search"
    frequency: so.Mapped[str] = so.mapped_column(sa.String(8), default="daily")
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # needs posted after this moment are new to the subscriber
    last_sent_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    user: so.Mapped[User] = so.relationship()

    __table_args__ = (
        sa.CheckConstraint("kind IN ('answerable', 'search')", name="kind"),
        sa.CheckConstraint("frequency IN ('daily', 'weekly')", name="frequency"),
    )
