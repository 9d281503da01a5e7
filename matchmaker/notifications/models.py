"""Site notifications: a message on the site for one user or every member of one firm, and what each
user wants by e-mail."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..models import User, utcnow


class Notification(db.Model):
    """The text is a key plus parameters, worded in the reader's language when shown (texts.py)."""

    __tablename__ = "notifications"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    firm_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(50))
    params: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    link: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    read_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    user: so.Mapped[User | None] = so.relationship()

    __table_args__ = (sa.CheckConstraint("user_id IS NOT NULL OR firm_id IS NOT NULL", name="recipient"),)


class EmailPreference(db.Model):
    """A user's choice for one group of notifications (texts.GROUPS); without a row, mail is sent."""

    __tablename__ = "notification_email_prefs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    group: so.Mapped[str] = so.mapped_column(sa.String(30))
    email: so.Mapped[bool] = so.mapped_column(default=True)

    __table_args__ = (sa.UniqueConstraint("user_id", "group", name="uq_notification_email_prefs_user_group"),)
