"""Server-side sessions and single-use account links (e-mail confirmation, password reset)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..models import User, utcnow

TOKEN_PURPOSES = ("verify_email", "reset_password")


class UserSession(db.Model):
    """One signed-in browser. The cookie carries the raw token; only its hash is stored, so a copy of
    the table signs nobody in. Logging out deletes the row, which ends the session everywhere."""

    __tablename__ = "user_sessions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    remember: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_seen_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    user: so.Mapped[User] = so.relationship()


class AccountToken(db.Model):
    """A link we mailed: usable once, until it expires. Only the hash of the token is stored."""

    __tablename__ = "account_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: so.Mapped[str] = so.mapped_column(sa.String(20))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True))
    used_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    user: so.Mapped[User] = so.relationship()

    __table_args__ = (sa.CheckConstraint("purpose IN ('verify_email', 'reset_password')", name="purpose"),)
