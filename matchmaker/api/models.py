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


WEBHOOK_EVENTS = ("need.created", "offering.created", "rfq.created", "quote.submitted", "rfq.awarded")
RFQ_EVENTS = ("rfq.created", "quote.submitted", "rfq.awarded")  # a firm's own, never the city's
DELIVERY_STATUSES = ("pending", "sent", "failed")


class WebhookEndpoint(db.Model):
    """A URL that receives signed events: a firm's own (its new needs and offerings; the requests for
    quotation it receives, the quotes it gets, the awards), or, registered by an organizer, the
    city's (every listed firm's new needs and offerings)."""

    __tablename__ = "webhook_endpoints"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    firm_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    url: so.Mapped[str] = so.mapped_column(sa.String(500))
    secret: so.Mapped[str] = so.mapped_column(sa.String(64))  # HMAC key: kept, as the receiver checks with it
    events: so.Mapped[str] = so.mapped_column(sa.String(200))  # space-separated, from WEBHOOK_EVENTS
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    @property
    def event_list(self) -> list[str]:
        return [e for e in self.events.split() if e in WEBHOOK_EVENTS]


class WebhookDelivery(db.Model):
    """One event for one endpoint: the outbox row while pending, the delivery log afterwards."""

    __tablename__ = "webhook_deliveries"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    endpoint_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("webhook_endpoints.id", ondelete="CASCADE"),
                                                   index=True)
    event: so.Mapped[str] = so.mapped_column(sa.String(40))
    payload: so.Mapped[str] = so.mapped_column(sa.Text)  # the exact JSON body that is signed and sent
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="pending", index=True)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    last_status: so.Mapped[int | None] = so.mapped_column()
    last_error: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    delivered_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),)
