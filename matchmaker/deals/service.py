"""Recording deals (from an award or a fair meeting) and asking, months later, how they went."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from .. import locality
from ..extensions import db
from ..models import Firm, utcnow
from .models import Deal


def _where(buyer: Firm, supplier: Firm) -> dict:
    """Where the supplier stands, decided now with today's setting, and kept."""
    distance = locality.distance_km(buyer, supplier)
    return {
        "locality": locality.of_firm(supplier), "supplier_city": supplier.city or "",
        "supplier_country": supplier.country or "", "buyer_city": buyer.city or "",
        "buyer_locality": locality.of_firm(buyer),
        "distance_km": round(distance, 1) if distance is not None else None,
        "supplier_industry": (supplier.industries or [""])[0], "radius_km": locality.radius_km(),
    }


def _followup_due(day: date) -> date:
    return day + timedelta(days=int(current_app.config["MATCHMAKER_DEAL_FOLLOWUP_DAYS"]))


def record_rfq_deal(rfq, inv, quote, amount_jpy: int | None, day: date) -> Deal:
    from ..rfq.service import amount_jpy as converted

    if amount_jpy is None and quote is not None:
        amount_jpy = converted(quote, rfq.rates or {})
    deal = Deal(source="rfq", buyer_firm_id=rfq.buyer_firm_id, supplier_firm_id=inv.supplier_firm_id,
                need_id=rfq.need_id, rfq_id=rfq.id, invitation_id=inv.id, title=rfq.title[:200],
                amount_jpy=amount_jpy, amount=quote.amount if quote else None,
                currency=quote.currency if quote else "JPY", deal_date=day, followup_due=_followup_due(day),
                **_where(rfq.buyer, inv.supplier))
    db.session.add(deal)
    return deal


def record_fair_deal(meeting, buyer: Firm, supplier: Firm, amount_jpy: int | None, day: date, title: str) -> Deal:
    """A fair meeting that led to an order; one deal per meeting (a later report updates it)."""
    deal = db.session.scalar(sa.select(Deal).where(Deal.meeting_id == meeting.id))
    if deal is None:
        deal = Deal(source="fair", meeting_id=meeting.id, deal_date=day, followup_due=_followup_due(day))
        db.session.add(deal)
    deal.buyer_firm_id, deal.supplier_firm_id = buyer.id, supplier.id
    deal.title, deal.amount_jpy, deal.amount, deal.currency = title[:200], amount_jpy, amount_jpy, "JPY"
    for k, v in _where(buyer, supplier).items():
        setattr(deal, k, v)
    return deal


def ask_followups(now: datetime) -> int:
    """The buyer of each deal whose follow-up date has come is asked, once, how it went."""
    from ..notifications import notify

    today = now.date()
    due = db.session.scalars(sa.select(Deal).where(Deal.followup_due <= today, Deal.followup_asked_at.is_(None),
                                                   Deal.followup_answered_at.is_(None))).all()
    n = 0
    for deal in due:
        res = db.session.execute(sa.update(Deal).where(Deal.id == deal.id, Deal.followup_asked_at.is_(None))
                                 .values(followup_asked_at=now).execution_options(synchronize_session=False))
        if res.rowcount == 1:
            notify(firm_id=deal.buyer_firm_id, key="deal_followup", link=f"/deals/{deal.id}", firm=deal.supplier,
                   subject=deal.title or "")
            n += 1
    return n


def for_firm(firm_id: int):
    return (sa.select(Deal).where(sa.or_(Deal.buyer_firm_id == firm_id, Deal.supplier_firm_id == firm_id))
            .order_by(Deal.deal_date.desc(), Deal.id.desc()))
