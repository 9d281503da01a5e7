"""Deals: business that was done, from an award or a trade-fair meeting. One table, so that the city's
figures of local trade come from one place.

Where the supplier stands (``locality``: local / domestic / overseas, see locality.py) is decided
when the deal is recorded, with the setting of that day, and kept: a firm that moves later, or a
new radius, does not rewrite the past.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..models import Firm, utcnow

DEAL_SOURCES = ("rfq", "fair")


class Deal(db.Model):
    __tablename__ = "deals"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    source: so.Mapped[str] = so.mapped_column(sa.String(10))
    buyer_firm_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    supplier_firm_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    need_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("needs.id", ondelete="SET NULL"), index=True)
    rfq_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("rfqs.id", ondelete="SET NULL"), index=True)
    invitation_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("rfq_invitations.id", ondelete="SET NULL"), unique=True)
    meeting_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("fair_meetings.id", ondelete="SET NULL"),
                                                         unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    amount_jpy: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)  # as awarded (converted where needed)
    amount: so.Mapped[float | None] = so.mapped_column(sa.Numeric(16, 2))  # as quoted, in `currency`
    currency: so.Mapped[str] = so.mapped_column(sa.String(3), default="JPY")
    deal_date: so.Mapped[date] = so.mapped_column(sa.Date, index=True)
    # decided when recorded and kept (see the module's docstring)
    locality: so.Mapped[str] = so.mapped_column(sa.String(10), index=True)
    supplier_city: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    supplier_country: so.Mapped[str] = so.mapped_column(sa.String(2), default="")
    buyer_city: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    # where the buyer stood, decided the same way ("" for deals recorded before it was kept)
    buyer_locality: so.Mapped[str] = so.mapped_column(sa.String(10), default="", server_default="")
    distance_km: so.Mapped[float | None] = so.mapped_column(sa.Float)
    supplier_industry: so.Mapped[str] = so.mapped_column(sa.String(10), default="", index=True)  # JSIC code
    radius_km: so.Mapped[float | None] = so.mapped_column(sa.Float)  # the city's setting that decided `locality`
    # months later: was it delivered, did more business follow (the buyer's answer)
    followup_due: so.Mapped[date | None] = so.mapped_column(sa.Date, index=True)
    followup_asked_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    delivered: so.Mapped[bool | None] = so.mapped_column()
    repeat_business: so.Mapped[bool | None] = so.mapped_column()
    followup_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    followup_answered_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    buyer: so.Mapped[Firm] = so.relationship(foreign_keys=[buyer_firm_id])
    supplier: so.Mapped[Firm] = so.relationship(foreign_keys=[supplier_firm_id])

    __table_args__ = (
        sa.CheckConstraint("source IN ('rfq', 'fair')", name="source"),
        sa.CheckConstraint("locality IN ('local', 'domestic', 'overseas')", name="locality"),
        # the indicators: a pair's first deal (new business relationships)
        sa.Index("ix_deals_pair_date", "buyer_firm_id", "supplier_firm_id", "deal_date"),
        # the indicators' period scans (totals, localities, industries, months, radii, new relationships)
        # read the index alone
        sa.Index("ix_deals_period", "deal_date", "locality", "supplier_firm_id", "buyer_firm_id", "amount_jpy",
                 "supplier_industry", "radius_km", "buyer_locality"),
    )
