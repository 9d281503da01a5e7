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


CLAIM_KINDS = ("invitation", "request")
CLAIM_STATUSES = ("pending", "sent", "used", "rejected")


class FirmClaim(db.Model):
    """Someone from a firm the city listed takes it over: an organizer's invitation (a single-use link that
    expires, mailed to the list's address), or a "this is my firm" request that an organizer approves by
    sending that link. Only the hash of the link's token is stored."""

    __tablename__ = "firm_claims"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    firm_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="pending")
    email: so.Mapped[str] = so.mapped_column(sa.String(254))
    name: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    message: so.Mapped[str] = so.mapped_column(sa.String(1000), default="")
    token_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    expires_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    decided_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    firm: so.Mapped[Firm] = so.relationship()

    __table_args__ = (
        sa.CheckConstraint("kind IN ('invitation', 'request')", name="kind"),
        sa.CheckConstraint("status IN ('pending', 'sent', 'used', 'rejected')", name="status"),
    )
