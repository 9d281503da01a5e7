"""The rules of a request for quotation, shared by the pages, the API and `matchmaker tick`.

Every change is one transaction (the request with its invitations and files; an award with its
deals) and guards against doing it twice: the status moves by a conditional UPDATE, so two tabs,
a double click or two people of the buyer firm at once cannot award or close twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from .. import locality
from ..deals.service import record_rfq_deal
from ..extensions import db
from ..fairs.slots import fair_tz
from ..formfields import parse_id
from ..models import Firm, Need, User, utcnow
from ..notifications import notify
from ..threads.models import Thread
from .models import CANCEL_REASONS, DECLINE_REASONS, MAX_SUPPLIERS, Invitation, Quote, Rfq


class RfqError(ValueError):
    """A rule of the request was not met; str() is a code, :func:`error_text` the user's sentence."""


def error_text(code: str) -> str:
    """The sentence for an RfqError's code, in the request's language (the pages flash it, the API
    sends it as the problem's detail)."""
    from flask_babel import gettext as _

    return {
        "no_suppliers": _("Choose at least one supplier."),
        "too_many_suppliers": _("A request can go to at most %(n)d suppliers.", n=MAX_SUPPLIERS),
        "due_in_past": _("The due date may not be in the past."),
        "delivery_before_due": _("The delivery date may not be before the due date of the quotes."),
        "closed": _("This request no longer takes quotes."),
        "already_answered": _("Your firm has already answered this request."),
        "valid_until_past": _("The quote cannot be valid until a day in the past."),
        "not_yet": _("Quotes can be compared once every supplier has answered or the due date has passed."),
        "no_award": _("Choose at least one quote to award."),
        "not_quoted": _("Only suppliers that sent a quote can be awarded."),
        "already_decided": _("This request has already been decided."),
        "thread_closed": _("This request is decided; write to the firm with an inquiry instead."),
        "reason_needed": _("Please say why."),
        "bad_reason": _("Not a valid choice."),
    }.get(code, code)


# ------------------------------------------------------------------ who sees what


def as_buyer(rfq_id: int, firm_id: int | None) -> Rfq | None:
    """The request if `firm_id` sent it; None otherwise (the caller answers 404: it does not exist for them)."""
    rfq = db.session.get(Rfq, rfq_id) if parse_id(rfq_id) else None
    return rfq if rfq is not None and firm_id is not None and rfq.buyer_firm_id == firm_id else None


def as_supplier(rfq_id: int, firm_id: int | None) -> Invitation | None:
    """`firm_id`'s invitation to the request, if it was invited; None otherwise."""
    rfq = db.session.get(Rfq, rfq_id) if parse_id(rfq_id) else None
    if rfq is None or firm_id is None:
        return None
    return next((i for i in rfq.invitations if i.supplier_firm_id == firm_id), None)


def own_open_need(need_id: int, firm_id: int) -> Need | None:
    """A request may start from one of the buyer's own open needs only."""
    need = db.session.get(Need, need_id) if parse_id(need_id) else None
    return need if need is not None and need.firm_id == firm_id and need.is_open else None


def message_thread(rfq: Rfq, invitation_id: int, firm_id: int) -> Thread | None:
    """The thread between the buyer and one invited supplier, for either of them (None for anyone
    else); once the request is decided only the awarded supplier's thread stays open (RfqError)."""
    inv = next((i for i in rfq.invitations if i.id == invitation_id), None)
    if inv is None or firm_id not in (rfq.buyer_firm_id, inv.supplier_firm_id):
        return None
    if rfq.is_decided and inv.status not in ("awarded",):
        raise RfqError("thread_closed")
    return thread_of(inv)


def today() -> date:
    return datetime.now(fair_tz()).date()


def due_moment(rfq: Rfq) -> datetime:
    """Quotes are taken until the end of the due date, in the city's time zone."""
    return datetime.combine(rfq.due_date + timedelta(days=1), time(0), tzinfo=fair_tz())


def past_due(rfq: Rfq, now: datetime | None = None) -> bool:
    return (now or utcnow()) >= due_moment(rfq)


def everyone_answered(rfq: Rfq) -> bool:
    return all(i.status != "invited" for i in rfq.invitations)


def comparable(rfq: Rfq, now: datetime | None = None) -> bool:
    """The buyer sees the quotes side by side after the due date, or once every supplier answered."""
    return rfq.status != "open" or past_due(rfq, now) or everyone_answered(rfq)


def link_for_buyer(rfq: Rfq) -> str:
    return f"/rfqs/{rfq.id}"


def link_for_supplier(rfq: Rfq) -> str:
    return f"/rfqs/{rfq.id}/invitation"


# ------------------------------------------------------------------ who may be asked


def invitable(buyer: Firm, firm_ids: list[int]) -> list[Firm]:
    """The listed firms that may receive a request from `buyer` (not itself, not unlisted), in order."""
    ids = list(dict.fromkeys(i for i in firm_ids if i != buyer.id))
    if not ids:
        return []
    firms = {f.id: f for f in db.session.scalars(sa.select(Firm).where(Firm.id.in_(ids), Firm.public()))}
    return [firms[i] for i in ids if i in firms]


def strengths_for(need: Need | None, text: str, buyer: Firm, firm_ids: list[int]) -> dict[int, str]:
    """How well each supplier fits what is asked (the engine's strength label); '' when it did not come up."""
    from ..search.records import need_query
    from ..search.service import firm_strengths

    if need is not None:
        query = need_query(need)
    else:
        from ..search.records import firm_query

        query = firm_query(buyer)
        query.text = text
        query.categories, query.tags = [], []
    return firm_strengths(query, firm_ids)


# ------------------------------------------------------------------ the request


@dataclass
class RfqFields:
    title: str
    description: str
    quantity: Decimal | None
    unit: str
    delivery_date: date | None
    delivery_place: str
    due_date: date
    message: str


def create(buyer_user: User, need: Need | None, suppliers: list[Firm], fields: RfqFields) -> Rfq:
    """The request, its invitations and one thread per supplier, in the current transaction (files are
    attached by the caller before the commit); the suppliers are told."""
    buyer = buyer_user.firm
    if not suppliers:
        raise RfqError("no_suppliers")
    if len(suppliers) > MAX_SUPPLIERS:
        raise RfqError("too_many_suppliers")
    if fields.due_date < today():
        raise RfqError("due_in_past")
    if fields.delivery_date is not None and fields.delivery_date < fields.due_date:
        raise RfqError("delivery_before_due")
    strengths = strengths_for(need, f"{fields.title}\n{fields.description}", buyer, [s.id for s in suppliers])
    rfq = Rfq(buyer_firm_id=buyer.id, need_id=need.id if need else None, created_by_id=buyer_user.id,
              title=fields.title, description=fields.description, quantity=fields.quantity, unit=fields.unit,
              delivery_date=fields.delivery_date, delivery_place=fields.delivery_place, due_date=fields.due_date,
              message=fields.message, status="open", rates={})
    db.session.add(rfq)
    db.session.flush()
    for s in suppliers:
        inv = Invitation(rfq_id=rfq.id, supplier_firm_id=s.id, status="invited", strength=strengths.get(s.id, ""))
        db.session.add(inv)
        db.session.flush()
        db.session.add(Thread(kind="rfq", subject=fields.title[:200], starter_firm_id=buyer.id, other_firm_id=s.id,
                              invitation_id=inv.id))
        notify(firm_id=s.id, key="rfq_received", link=link_for_supplier(rfq), firm=buyer, rfq=rfq)
        _webhook("rfq.created", s.id, rfq, invitation_id=inv.id)
    return rfq


def _webhook(kind: str, firm_id: int, rfq: Rfq, **extra) -> None:
    """The firm's own webhooks hear of it (api/webhooks.py's outbox, in this transaction). Only what
    the receiving firm may see on its page: no quote amounts to the buyer before the comparison."""
    from ..api.webhooks import queue_for_firm

    buyer = rfq.buyer
    queue_for_firm(kind, firm_id, {
        "rfq_id": rfq.id, "title": rfq.title, "due_date": rfq.due_date.isoformat(), "status": rfq.status,
        "buyer": {"id": buyer.id, "name": buyer.name, "name_en": buyer.name_en, "city": buyer.city,
                  "country": buyer.country}, **extra})


def mark_viewed(inv: Invitation) -> None:
    if inv.viewed_at is None:
        inv.viewed_at = utcnow()


def _answerable(inv: Invitation) -> None:
    rfq = inv.rfq
    refresh(rfq)
    if rfq.status != "open" or past_due(rfq):
        raise RfqError("closed")
    if inv.status not in ("invited", "quoted"):
        raise RfqError("already_answered")


@dataclass
class QuoteFields:
    amount: Decimal
    currency: str
    price_basis: str
    lead_time_days: int | None
    valid_until: date | None
    notes: str


def submit_quote(inv: Invitation, user: User, fields: QuoteFields) -> Quote:
    """A new quote, or a new revision of the supplier's quote (earlier revisions are kept)."""
    _answerable(inv)
    if fields.valid_until is not None and fields.valid_until < today():
        raise RfqError("valid_until_past")
    revision = (inv.quotes[-1].revision + 1) if inv.quotes else 1
    q = Quote(invitation_id=inv.id, revision=revision, amount=fields.amount, currency=fields.currency,
              price_basis=fields.price_basis, lead_time_days=fields.lead_time_days, valid_until=fields.valid_until,
              notes=fields.notes, created_by_id=user.id)
    db.session.add(q)
    first = inv.status == "invited"
    inv.status, inv.answered_at = "quoted", utcnow()
    db.session.flush()
    notify(firm_id=inv.rfq.buyer_firm_id, key="quote_received" if first else "quote_revised",
           link=link_for_buyer(inv.rfq), firm=inv.supplier, rfq=inv.rfq)
    _webhook("quote.submitted", inv.rfq.buyer_firm_id, inv.rfq, invitation_id=inv.id, revision=revision,
             supplier={"id": inv.supplier.id, "name": inv.supplier.name, "name_en": inv.supplier.name_en})
    return q


def decline(inv: Invitation, user: User, reason: str, note: str) -> None:
    if reason not in DECLINE_REASONS:
        raise RfqError("bad_reason")
    if reason == "other" and not note:
        raise RfqError("reason_needed")
    _answerable(inv)
    inv.status, inv.answered_at = "declined", utcnow()
    inv.decline_reason, inv.decline_note = reason, note
    notify(firm_id=inv.rfq.buyer_firm_id, key="rfq_declined", link=link_for_buyer(inv.rfq), firm=inv.supplier,
           rfq=inv.rfq)


# ------------------------------------------------------------------ time passing


def refresh(rfq: Rfq, now: datetime | None = None) -> bool:
    """Close the request for quotes once its due date has passed (lazily, when a page reads it, and from
    tick); invited suppliers that did not answer expire. Idempotent; True if it closed it now."""
    now = now or utcnow()
    if rfq.status != "open" or not past_due(rfq, now):
        return False
    res = db.session.execute(sa.update(Rfq).where(Rfq.id == rfq.id, Rfq.status == "open")
                             .values(status="closed", closed_at=now).execution_options(synchronize_session=False))
    if res.rowcount != 1:  # another request closed it meanwhile
        db.session.refresh(rfq)
        return False
    rfq.status, rfq.closed_at = "closed", now
    for inv in rfq.invitations:
        if inv.status == "invited":
            inv.status = "expired"
            notify(firm_id=inv.supplier_firm_id, key="rfq_expired", link=link_for_supplier(rfq), firm=rfq.buyer,
                   rfq=rfq)
    notify(firm_id=rfq.buyer_firm_id, key="rfq_closed", link=link_for_buyer(rfq), rfq=rfq,
           count=sum(1 for i in rfq.invitations if i.status == "quoted"))
    return True


def remind_due_tomorrow(now: datetime) -> int:
    """Invited suppliers that have not answered hear, once, that quotes are due tomorrow."""
    tomorrow = datetime.now(fair_tz()).date() + timedelta(days=1)
    rfqs = db.session.scalars(sa.select(Rfq).where(Rfq.status == "open", Rfq.due_date == tomorrow,
                                                   Rfq.reminded_at.is_(None))).all()
    n = 0
    for rfq in rfqs:
        res = db.session.execute(sa.update(Rfq).where(Rfq.id == rfq.id, Rfq.reminded_at.is_(None))
                                 .values(reminded_at=now).execution_options(synchronize_session=False))
        if res.rowcount != 1:
            continue
        for inv in rfq.invitations:
            if inv.status == "invited":
                notify(firm_id=inv.supplier_firm_id, key="rfq_due_tomorrow", link=link_for_supplier(rfq),
                       firm=rfq.buyer, rfq=rfq)
                n += 1
    return n


def close_overdue(now: datetime) -> int:
    rfqs = db.session.scalars(sa.select(Rfq).where(Rfq.status == "open", Rfq.due_date < (now.astimezone(fair_tz()).date()))).all()
    return sum(1 for rfq in rfqs if refresh(rfq, now))


# ------------------------------------------------------------------ the decision


def amount_jpy(q: Quote, rates: dict) -> int | None:
    """The quote in yen: as it is in JPY, else with the rate the buyer typed (None without a rate)."""
    if q.currency == "JPY":
        return int(q.amount.to_integral_value())
    rate = rates.get(q.currency)
    if not rate:
        return None
    return int((q.amount * Decimal(str(rate))).to_integral_value())


def _decide(rfq: Rfq, status: str, now: datetime) -> None:
    res = db.session.execute(sa.update(Rfq).where(Rfq.id == rfq.id, Rfq.status.in_(("open", "closed")))
                             .values(status=status, decided_at=now).execution_options(synchronize_session=False))
    if res.rowcount != 1:
        raise RfqError("already_decided")
    rfq.status, rfq.decided_at = status, now
    if rfq.closed_at is None:
        rfq.closed_at = now


@dataclass
class AwardLine:
    invitation: Invitation
    amount_jpy: int | None  # what was awarded in yen (default: the quote converted)


def award_lines(rfq: Rfq, picks: list[tuple[int, int | None]]) -> list[AwardLine] | None:
    """(invitation id, awarded yen or None) as award lines; None when an id is not one of this
    request's invitations (a forged form: the caller answers 400)."""
    by_id = {i.id: i for i in rfq.invitations}
    if any(inv_id not in by_id for inv_id, _amount in picks):
        return None
    return [AwardLine(by_id[inv_id], amount) for inv_id, amount in picks]


def award(rfq: Rfq, user: User, lines: list[AwardLine], keep_need_open: bool, note_to_others: str) -> list:
    """Award one supplier or several (a split order); every award writes a deal; the others are told they
    were not selected; the need is fulfilled unless the buyer keeps it open."""
    refresh(rfq)
    if not comparable(rfq):
        raise RfqError("not_yet")
    if not lines:
        raise RfqError("no_award")
    chosen = {line.invitation.id for line in lines}
    for line in lines:
        if line.invitation.rfq_id != rfq.id or line.invitation.status != "quoted":
            raise RfqError("not_quoted")
    now = utcnow()
    _decide(rfq, "awarded", now)
    rfq.keep_need_open = keep_need_open
    deals = []
    for line in lines:
        inv = line.invitation
        inv.status = "awarded"
        deals.append(record_rfq_deal(rfq, inv, inv.quote, line.amount_jpy, today()))
        notify(firm_id=inv.supplier_firm_id, key="rfq_awarded", link=link_for_supplier(rfq), firm=rfq.buyer, rfq=rfq)
    for inv in rfq.invitations:
        if inv.id not in chosen and inv.status in ("quoted", "invited"):
            inv.status = "not_selected"
            inv.not_selected_note = note_to_others
            notify(firm_id=inv.supplier_firm_id, key="rfq_not_selected", link=link_for_supplier(rfq), firm=rfq.buyer,
                   rfq=rfq)
    if rfq.need is not None and not keep_need_open and rfq.need.status == "open":
        rfq.need.status = "fulfilled"
    for inv in rfq.invitations:
        if inv.status in ("awarded", "not_selected"):
            _webhook("rfq.awarded", inv.supplier_firm_id, rfq, invitation_id=inv.id, outcome=inv.status)
    return deals


def cancel(rfq: Rfq, user: User, reason: str, note: str) -> None:
    """Close the request without an award; every supplier still in it is told."""
    if reason not in CANCEL_REASONS:
        raise RfqError("bad_reason")
    _decide(rfq, "cancelled", utcnow())
    rfq.close_reason, rfq.close_note = reason, note
    for inv in rfq.invitations:
        if inv.status in ("quoted", "invited"):
            inv.status = "not_selected"
            inv.not_selected_note = note
            notify(firm_id=inv.supplier_firm_id, key="rfq_cancelled", link=link_for_supplier(rfq), firm=rfq.buyer,
                   rfq=rfq)


def set_rates(rfq: Rfq, rates: dict[str, Decimal]) -> None:
    rfq.rates = {c: str(r) for c, r in rates.items() if r and r > 0}


# ------------------------------------------------------------------ reading


def for_buyer(firm_id: int):
    return sa.select(Rfq).where(Rfq.buyer_firm_id == firm_id).order_by(Rfq.created_at.desc(), Rfq.id.desc())


def for_supplier(firm_id: int):
    return (sa.select(Invitation).join(Rfq).where(Invitation.supplier_firm_id == firm_id)
            .order_by(Rfq.created_at.desc(), Invitation.id.desc()))


def thread_of(inv: Invitation) -> Thread:
    return db.session.scalar(sa.select(Thread).where(Thread.invitation_id == inv.id))


def supplier_locality(inv: Invitation) -> str:
    return locality.of_firm(inv.supplier)


def config_limit(name: str) -> str:
    return current_app.config[name]
