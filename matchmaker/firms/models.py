"""What organizers did to a firm's listing, and who: verification (and its removal), kept for good."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..models import Firm, User, utcnow

AUDIT_ACTIONS = ("verified", "unverified")


class FirmAudit(db.Model):
    __tablename__ = "firm_audit"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    firm_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    # Kept when the account is deleted (the name too, so the log still says who).
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    user_name: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    action: so.Mapped[str] = so.mapped_column(sa.String(20))
    note: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    firm: so.Mapped[Firm] = so.relationship()
    user: so.Mapped[User | None] = so.relationship()

    __table_args__ = (sa.CheckConstraint("action IN ('verified', 'unverified')", name="action"),)
