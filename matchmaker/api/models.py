"""Personal access tokens for the JSON API (and, with webhooks.py, the firms' webhook endpoints)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..models import User, utcnow

SCOPES = ("read", "write", "organizer")


class ApiToken(db.Model):
    """A token a member made on the account settings page. The raw token is shown once; only its
    SHA-256 is stored, so a copy of the table authenticates nobody. Revoked tokens keep their row
    (the settings page lists them) until the tick prunes them."""

    __tablename__ = "api_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    prefix: so.Mapped[str] = so.mapped_column(sa.String(12))  # the first characters, to tell tokens apart
    scopes: so.Mapped[str] = so.mapped_column(sa.String(60))  # space-separated, from SCOPES
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    user: so.Mapped[User] = so.relationship()

    @property
    def scope_list(self) -> list[str]:
        return [s for s in self.scopes.split() if s in SCOPES]

    def has_scope(self, scope: str) -> bool:
        return scope in self.scope_list
