"""Requests for quotation (見積依頼): a buyer asks up to ten suppliers for a price; each invited supplier
quotes (and may revise until the due date) or declines; the buyer awards one or several, or none.

Statuses (a small state machine, as Tryton's purchase request for quotation and Prozorro's price
quotation): a request is ``open`` until its due date (or until every invited supplier answered),
then ``closed`` for quotes; it ends ``awarded`` or ``cancelled`` (closed without an award, with a
reason). An invitation is ``invited`` until the supplier ``quoted`` or ``declined``; an invited
supplier that did not answer by the due date is ``expired``; after the award each quoted
invitation is ``awarded`` or ``not_selected``.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..models import Firm, Need, User, utcnow

RFQ_STATUSES = ("open", "closed", "awarded", "cancelled")
INVITATION_STATUSES = ("invited", "quoted", "declined", "expired", "awarded", "not_selected")
DECLINE_REASONS = ("not_our_field", "no_capacity", "quantity_too_small", "quantity_too_large", "delivery_date", "other")
CANCEL_REASONS = ("prices_too_high", "no_suitable_quote", "need_changed", "bought_elsewhere", "other")
PRICE_BASES = ("lump_sum", "unit")
MAX_SUPPLIERS = 10


class Rfq(db.Model):
    __tablename__ = "rfqs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    buyer_firm_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    need_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("needs.id", ondelete="SET NULL"), index=True)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # what is asked (copied from the need when there is one, so the request stays as it was sent)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    quantity: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(14, 3))
    unit: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    delivery_date: so.Mapped[date | None] = so.mapped_column(sa.Date)
    delivery_place: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    due_date: so.Mapped[date] = so.mapped_column(sa.Date, index=True)  # quotes until the end of this day (JST)
    message: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="open", index=True)
    # exchange rates the buyer typed for the comparison (JPY per unit of each currency); never fetched
    rates: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    close_reason: so.Mapped[str] = so.mapped_column(sa.String(30), default="")
    close_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    keep_need_open: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    closed_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    decided_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    reminded_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))  # "due tomorrow" sent

    buyer: so.Mapped[Firm] = so.relationship(foreign_keys=[buyer_firm_id])
    need: so.Mapped[Need | None] = so.relationship()
    created_by: so.Mapped[User | None] = so.relationship()
    invitations: so.Mapped[list["Invitation"]] = so.relationship(back_populates="rfq", order_by="Invitation.id",
                                                                 cascade="all, delete-orphan")
    files: so.Mapped[list["StoredFile"]] = so.relationship(  # noqa: F821
        "StoredFile", primaryjoin="StoredFile.rfq_id == Rfq.id", order_by="StoredFile.id", viewonly=True)

    __table_args__ = (
        sa.CheckConstraint("status IN ('open', 'closed', 'awarded', 'cancelled')", name="status"),
        sa.Index("ix_rfqs_period", "created_at", "status", "buyer_firm_id", "need_id"),  # the indicators
    )

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def is_decided(self) -> bool:
        return self.status in ("awarded", "cancelled")


class Invitation(db.Model):
    """One supplier asked in one request; its thread with the buyer and its quotes hang off it."""

    __tablename__ = "rfq_invitations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    rfq_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("rfqs.id", ondelete="CASCADE"), index=True)
    supplier_firm_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(15), default="invited", index=True)
    strength: so.Mapped[str] = so.mapped_column(sa.String(10), default="")  # how well the need fit, when invited
    decline_reason: so.Mapped[str] = so.mapped_column(sa.String(30), default="")
    decline_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    not_selected_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    invited_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    answered_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    viewed_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    rfq: so.Mapped[Rfq] = so.relationship(back_populates="invitations")
    supplier: so.Mapped[Firm] = so.relationship(foreign_keys=[supplier_firm_id])
    quotes: so.Mapped[list["Quote"]] = so.relationship(back_populates="invitation", order_by="Quote.revision",
                                                       cascade="all, delete-orphan")

    __table_args__ = (
        sa.UniqueConstraint("rfq_id", "supplier_firm_id", name="uq_rfq_invitations_rfq_supplier"),
        sa.CheckConstraint("status IN ('invited', 'quoted', 'declined', 'expired', 'awarded', 'not_selected')",
                           name="status"),
        # the indicators: the funnel of a period's requests, and who answered in a period
        sa.Index("ix_rfq_invitations_funnel", "rfq_id", "answered_at", "status", "supplier_firm_id", "invited_at"),
        sa.Index("ix_rfq_invitations_answered", "answered_at", "supplier_firm_id"),
    )

    @property
    def quote(self) -> "Quote | None":
        """The current quote: the last revision."""
        return self.quotes[-1] if self.quotes else None


class Quote(db.Model):
    """One revision of a supplier's quote (御見積). Revisions are kept; the last one counts."""

    __tablename__ = "rfq_quotes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    invitation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("rfq_invitations.id", ondelete="CASCADE"),
                                                     index=True)
    revision: so.Mapped[int] = so.mapped_column(default=1)
    amount: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(16, 2))
    currency: so.Mapped[str] = so.mapped_column(sa.String(3), default="JPY")
    price_basis: so.Mapped[str] = so.mapped_column(sa.String(10), default="lump_sum")
    lead_time_days: so.Mapped[int | None] = so.mapped_column()
    valid_until: so.Mapped[date | None] = so.mapped_column(sa.Date)
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    invitation: so.Mapped[Invitation] = so.relationship(back_populates="quotes")
    files: so.Mapped[list["StoredFile"]] = so.relationship(  # noqa: F821
        "StoredFile", primaryjoin="StoredFile.quote_id == Quote.id", order_by="StoredFile.id", viewonly=True)

    __table_args__ = (
        sa.Index("ix_rfq_quotes_first", "invitation_id", "revision", "created_at"),  # the indicators: first quote
        sa.UniqueConstraint("invitation_id", "revision", name="uq_rfq_quotes_invitation_revision"),
        sa.CheckConstraint("price_basis IN ('lump_sum', 'unit')", name="price_basis"),
        sa.CheckConstraint("amount >= 0", name="amount"),
    )
