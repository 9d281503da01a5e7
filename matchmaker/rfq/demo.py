"""Demo trade between the demo firms, loaded by `matchmaker seed-demo` inside its transaction.

* Current requests for quotation on open demo needs, sent to the suppliers the engine recommends,
  in every state: open (some quotes in, some not), closed for quotes and waiting for the buyer,
  awarded (with deals), closed without an order; with quotes (some revised), declines with
  reasons, messages, and the notifications they caused.
* Two fiscal years of history: past needs, their requests and awards, and the deals they recorded,
  most with local suppliers, some elsewhere in Japan and a few abroad, most of the older ones
  with the buyer's follow-up answered.

Deterministic (fixed random seed) for a given `today`. Nothing is committed here; no mail is sent.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from .. import locality
from ..deals.models import Deal
from ..extensions import db
from ..models import Firm, Need, User
from ..notifications import notify
from ..threads.models import Message, Thread
from .models import DECLINE_REASONS, Invitation, Quote, Rfq

CURRENT = 22  # current requests
HISTORY_MONTHS = 24
HISTORY_PER_MONTH = (4, 9)
MESSAGES = [
    ("buyer", "図面を添付の仕様でお見積りをお願いいたします。材質証明の添付は可能でしょうか。"),
    ("supplier", "承知いたしました。ミルシートの添付が可能です。納期は受注後2週間を見込んでおります。"),
    ("buyer", "ありがとうございます。初回ロットは50個から始めたいと考えております。"),
    ("supplier", "Thank you for the request. Could you confirm the surface roughness required?"),
    ("buyer", "Ra1.6 でお願いします。"),
]
DECLINE_NOTES = {"no_capacity": "今月は設備が埋まっており、お受けできません。", "not_our_field": "",
                 "quantity_too_small": "", "quantity_too_large": "月産1000個までが上限です。",
                 "delivery_date": "ご希望の納期には間に合いません。", "other": "材料の調達が難しいためです。"}


@dataclass
class DemoTrade:
    requests: int = 0
    quotes: int = 0
    deals: int = 0


def _at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, time(hour), tzinfo=timezone.utc)


def _amount(rng: random.Random, need: Need | None) -> Decimal:
    if need is not None and need.budget_max:
        low = need.budget_min or need.budget_max // 2
        return Decimal(rng.randrange(max(low, 1000), need.budget_max + 1, 1000))
    return Decimal(int(rng.lognormvariate(12.3, 0.9)) // 1000 * 1000 + 10000)


def load_demo_trade(today: date) -> DemoTrade:
    rng = random.Random(20261204)
    counts = DemoTrade()
    firms = [f for f in db.session.scalars(db.select(Firm)).all() if f.is_public]
    members = {u.firm_id: u for u in db.session.scalars(db.select(User).where(User.firm_id.is_not(None)))}
    suppliers = [f for f in firms if f.offerings]
    _current(rng, today, counts, members)
    _history(rng, today, counts, firms, suppliers, members)
    return counts


# ------------------------------------------------------------------ current requests


def _recommended(need: Need, n: int) -> list[Firm]:
    from ..search.service import suppliers_for_need

    return [h.firm for h in suppliers_for_need(need, top=n).hits]


def _current(rng: random.Random, today: date, counts: DemoTrade, members: dict[int, User]) -> None:
    needs = [n for n in db.session.scalars(db.select(Need).where(Need.status == "open").order_by(Need.id))
             if n.firm.is_public and not n.firm.is_overseas]
    rng.shuffle(needs)
    plan = (["open"] * 7 + ["closed"] * 4 + ["awarded"] * 8 + ["cancelled"] * 3)[:CURRENT]
    for need, state in zip(needs, plan):
        picked = _recommended(need, 6)
        if len(picked) < 2:
            continue
        picked = picked[: rng.randint(2, min(5, len(picked)))]
        sent = today - timedelta(days=rng.randint(3, 25) if state != "open" else rng.randint(0, 4))
        due = today + timedelta(days=rng.randint(2, 12)) if state == "open" else sent + timedelta(days=rng.randint(2, 7))
        rfq = _request(need, need.firm, members, sent, due, rng)
        counts.requests += 1
        for i, firm in enumerate(picked):
            inv = _invite(rfq, firm, sent)
            notify(firm_id=firm.id, key="rfq_received", link=f"/rfqs/{rfq.id}/invitation", email=False,
                   firm=need.firm, rfq=rfq)
            roll = rng.random()
            if state == "open" and roll < 0.45:
                continue  # not answered yet
            if roll < 0.2 or (state != "open" and i == len(picked) - 1 and roll < 0.5):
                inv.status = "declined" if state == "open" or roll < 0.35 else "expired"
                if inv.status == "declined":
                    inv.decline_reason = rng.choice(DECLINE_REASONS)
                    inv.decline_note = DECLINE_NOTES[inv.decline_reason]
                    inv.answered_at = _at(sent + timedelta(days=1))
                    notify(firm_id=need.firm_id, key="rfq_declined", link=f"/rfqs/{rfq.id}", email=False, firm=firm,
                           rfq=rfq)
                continue
            _quote(inv, members, sent, rng, need, revise=rng.random() < 0.25)
            counts.quotes += len(inv.quotes)
            notify(firm_id=need.firm_id, key="quote_received", link=f"/rfqs/{rfq.id}", email=False, firm=firm, rfq=rfq)
        _talk(rfq, members, sent, rng)
        if state in ("closed", "awarded", "cancelled"):
            rfq.status, rfq.closed_at = "closed", _at(due + timedelta(days=1), 0)
            for inv in rfq.invitations:
                if inv.status == "invited":
                    inv.status = "expired"
        quoted = [i for i in rfq.invitations if i.status == "quoted"]
        if state == "awarded" and quoted:
            _award(rfq, _prefer_local(quoted, rng), due + timedelta(days=rng.randint(1, 3)), today, counts, notify_=True)
            if need.status == "open":
                need.status = "fulfilled"
        elif state == "cancelled":
            rfq.status, rfq.decided_at = "cancelled", _at(due + timedelta(days=2))
            rfq.close_reason, rfq.close_note = rng.choice([("prices_too_high", "予算を超えたため、社内で再検討します。"),
                                                           ("need_changed", "設計変更のため、改めてご依頼します。")])
            for inv in rfq.invitations:
                if inv.status in ("quoted", "invited"):
                    inv.status = "not_selected"


def _request(need: Need | None, buyer: Firm, members: dict[int, User], sent: date, due: date,
             rng: random.Random, title: str = "") -> Rfq:
    qty = rng.choice([None, 10, 50, 100, 200, 500, 1000])
    rfq = Rfq(buyer_firm_id=buyer.id, need_id=need.id if need else None, created_by_id=members[buyer.id].id,
              title=(need.title if need else title)[:200], description=(need.description if need else "")[:4000],
              quantity=Decimal(qty) if qty else None, unit="個" if qty else "", delivery_date=due + timedelta(days=30),
              delivery_place=f"{buyer.city} 本社工場" if buyer.city else "", due_date=due,
              message="お忙しいところ恐れ入りますが、お見積りをお願いいたします。", status="open", rates={},
              created_at=_at(sent, 9))
    db.session.add(rfq)
    db.session.flush()
    return rfq


def _invite(rfq: Rfq, firm: Firm, sent: date) -> Invitation:
    inv = Invitation(supplier_firm_id=firm.id, status="invited", invited_at=_at(sent, 9), viewed_at=_at(sent, 14))
    rfq.invitations.append(inv)
    db.session.flush()
    db.session.add(Thread(kind="rfq", subject=rfq.title, starter_firm_id=rfq.buyer_firm_id, other_firm_id=firm.id,
                          invitation_id=inv.id, created_at=_at(sent, 9), last_message_at=_at(sent, 9),
                          starter_read_at=_at(sent, 9), other_read_at=_at(sent, 14)))
    return inv


def _quote(inv: Invitation, members: dict[int, User], sent: date, rng: random.Random, need: Need | None,
           revise: bool = False) -> None:
    amount = _amount(rng, need)
    currency = "JPY" if not inv.supplier.is_overseas else rng.choice(["USD", "USD", "THB", "TWD"])
    if currency != "JPY":
        amount = (amount / Decimal({"USD": 150, "THB": 4, "TWD": 5}[currency])).quantize(Decimal("1"))
    author = members.get(inv.supplier_firm_id)
    for revision in range(1, 3 if revise else 2):
        inv.quotes.append(Quote(revision=revision, amount=amount, currency=currency,
                             price_basis=rng.choice(["lump_sum", "lump_sum", "unit"]),
                             lead_time_days=rng.choice([7, 10, 14, 21, 30]), valid_until=sent + timedelta(days=60),
                             notes=rng.choice(["送料込み", "材料費込み、検査成績書付き", "", "初回のみ型代別途"]),
                             created_by_id=author.id if author else None,
                             created_at=_at(sent + timedelta(days=revision), 11)))
        amount = (amount * Decimal("0.95")).quantize(Decimal("1"))
    inv.status, inv.answered_at = "quoted", _at(sent + timedelta(days=1), 11)


def _talk(rfq: Rfq, members: dict[int, User], sent: date, rng: random.Random) -> None:
    for inv in rfq.invitations[:2]:
        thread = db.session.scalar(db.select(Thread).where(Thread.invitation_id == inv.id))
        for k, (side, body) in enumerate(MESSAGES[: rng.randint(0, 3)]):
            firm_id = rfq.buyer_firm_id if side == "buyer" else inv.supplier_firm_id
            author = members.get(firm_id)
            at = _at(sent + timedelta(days=k), 15)
            db.session.add(Message(thread_id=thread.id, firm_id=firm_id, author_id=author.id if author else None,
                                   body=body, created_at=at))
            thread.last_message_at = at


def _prefer_local(quoted: list[Invitation], rng: random.Random) -> Invitation:
    """Most buyers end up choosing a local supplier when one quoted (the city's aim), not always."""
    local = [i for i in quoted if locality.of_firm(i.supplier) == "local"]
    if local and rng.random() < 0.8:
        return rng.choice(local)
    return rng.choice(quoted)


def _award(rfq: Rfq, winner: Invitation, day: date, today: date, counts: DemoTrade, notify_: bool) -> None:
    from ..deals.service import record_rfq_deal

    rfq.status, rfq.decided_at = "awarded", _at(day, 16)
    winner.status = "awarded"
    for inv in rfq.invitations:
        if inv is not winner and inv.status in ("quoted", "invited"):
            inv.status = "not_selected"
    q = winner.quote
    rates = {"USD": "150", "THB": "4.2", "TWD": "4.8"}
    rfq.rates = {q.currency: rates[q.currency]} if q.currency != "JPY" else {}
    deal = record_rfq_deal(rfq, winner, q, None, day)
    counts.deals += 1
    if notify_:
        notify(firm_id=winner.supplier_firm_id, key="rfq_awarded", link=f"/rfqs/{rfq.id}/invitation", email=False,
               firm=rfq.buyer, rfq=rfq)
    if deal.followup_due and deal.followup_due <= today:
        deal.followup_asked_at = _at(deal.followup_due)


# ------------------------------------------------------------------ history


def _history(rng: random.Random, today: date, counts: DemoTrade, firms: list[Firm], suppliers: list[Firm],
             members: dict[int, User]) -> None:
    buyers = [f for f in firms if not f.is_overseas and f.id in members]
    by_place = {"local": [], "domestic": [], "overseas": []}
    for f in suppliers:
        by_place[locality.of_firm(f)].append(f)
    start = today - timedelta(days=HISTORY_MONTHS * 30.5)
    for month in range(HISTORY_MONTHS):
        for _ in range(rng.randint(*HISTORY_PER_MONTH)):
            day = start + timedelta(days=month * 30.5 + rng.randint(0, 28))
            if day >= today - timedelta(days=30):
                continue
            buyer = rng.choice([b for b in buyers if locality.of_firm(b) == "local"] if rng.random() < 0.85 else buyers)
            place = rng.choices(["local", "domestic", "overseas"], weights=[70, 22, 8])[0]
            pool = [f for f in by_place[place] if f.id != buyer.id] or [f for f in suppliers if f.id != buyer.id]
            winner_firm = rng.choice(pool)
            offering = rng.choice(winner_firm.offerings)
            need = Need(firm_id=buyer.id, title=offering.title[:200], description=offering.description[:4000],
                        categories=list(offering.categories or []), tags=list(offering.tags or []),
                        supplier_scope="anywhere", status="fulfilled", created_at=_at(day, 8), updated_at=_at(day, 8))
            db.session.add(need)
            db.session.flush()
            due = day + timedelta(days=rng.randint(5, 10))
            rfq = _request(need, buyer, members, day, due, rng)
            counts.requests += 1
            others = rng.sample([f for f in suppliers if f.id not in (buyer.id, winner_firm.id)], rng.randint(1, 3))
            invs = [_invite(rfq, f, day) for f in [winner_firm, *others]]
            for inv in invs:
                if inv.supplier_firm_id == winner_firm.id or rng.random() < 0.6:
                    _quote(inv, members, day, rng, None)
                    counts.quotes += len(inv.quotes)
                else:
                    inv.status, inv.decline_reason = "declined", rng.choice(DECLINE_REASONS)
                    inv.answered_at = _at(day + timedelta(days=1))
            rfq.status, rfq.closed_at = "closed", _at(due + timedelta(days=1), 0)
            _award(rfq, invs[0], due + timedelta(days=rng.randint(1, 4)), today, counts, notify_=False)
            deal = db.session.scalar(db.select(Deal).where(Deal.rfq_id == rfq.id))
            if deal.followup_asked_at is not None and rng.random() < 0.7:
                deal.delivered = rng.random() < 0.95
                deal.repeat_business = rng.random() < 0.45
                deal.followup_answered_at = deal.followup_asked_at + timedelta(days=rng.randint(1, 10))
