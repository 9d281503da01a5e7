"""Two fiscal years of believable history for the city's indicators, loaded by `matchmaker seed-demo`
after the fairs and the trade (inside its transaction, never committing):

* the firms joined the platform over the two years (before their first request or deal), and the
  open needs were posted over the last months;
* three earlier local trade fairs, about half a year apart, with their meetings and both sides'
  follow-up; every fair meeting that led to an order is recorded as a deal (deals/service.py), as the
  follow-up form does;
* some needs of the past that no one answered and that were closed.

Deterministic for a given `today`.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from ..deals.models import Deal
from ..deals.service import record_fair_deal
from ..extensions import db
from ..fairs.eligibility import firm_eligible
from ..fairs.slots import fair_slots
from ..fairs.demo import _follow_up, _join, _pick
from ..fairs.models import Fair, Meeting, Participant
from ..models import Firm, Need
from ..rfq.models import Rfq

EARLIER_FAIRS = 3
FAIR_EVERY_DAYS = 182


def _at(d: date, hour: int = 9) -> datetime:
    return datetime.combine(d, time(hour), tzinfo=timezone.utc)


def load_demo_history(today: date) -> int:
    """Add the history; returns the number of fair deals recorded."""
    rng = random.Random(20250401)
    db.session.flush()
    firms = db.session.scalars(sa.select(Firm).order_by(Firm.id)).all()
    _registrations(firms, today, rng)
    _past_fairs(firms, today, rng)
    deals = _fair_deals(today, rng)
    _unanswered_needs(firms, today, rng)
    db.session.flush()
    return deals


def _registrations(firms: list[Firm], today: date, rng: random.Random) -> None:
    """Each firm registered some time in the last two years, before its first request, deal or fair."""
    first: dict[int, date] = {}
    for col_firm, col_day in ((Deal.buyer_firm_id, Deal.deal_date), (Deal.supplier_firm_id, Deal.deal_date)):
        for fid, day in db.session.execute(sa.select(col_firm, sa.func.min(col_day)).group_by(col_firm)):
            first[fid] = min(first.get(fid, day), day)
    for fid, at in db.session.execute(sa.select(Rfq.buyer_firm_id, sa.func.min(Rfq.created_at)).group_by(Rfq.buyer_firm_id)):
        day = at.date() if isinstance(at, datetime) else at
        first[fid] = min(first.get(fid, day), day)
    start = today - timedelta(days=730)
    for firm in firms:
        latest = first.get(firm.id, today) - timedelta(days=7)
        span = max((latest - start).days, 1)
        joined = start + timedelta(days=rng.randint(0, span)) if latest > start else latest
        updated = joined + timedelta(days=rng.randint(0, max((today - joined).days, 0)))
        firm.created_at, firm.updated_at = _at(joined), _at(updated, 15)
        # members confirm their profile now and then: most within the year, a few not for longer (shown as
        # stale); a generator of its own, so the rest of the history stays as it was
        back = random.Random(firm.id)
        days = back.randint(400, 520) if back.random() < 0.08 else back.randint(0, 300)
        firm.confirmed_at = _at(max(joined, today - timedelta(days=days)), 9)
        if firm.published_at is not None:
            firm.published_at = _at(joined, 10)
        for need in firm.needs:
            if need.status == "open":
                need.created_at = need.updated_at = _at(today - timedelta(days=rng.randint(1, 150)), 8)
        for o in firm.offerings:
            o.created_at = o.updated_at = _at(joined + timedelta(days=rng.randint(0, 20)), 11)


def _past_fairs(firms: list[Firm], today: date, rng: random.Random) -> None:
    last = db.session.scalar(sa.select(sa.func.min(Fair.start_date)).where(Fair.start_date < today)) \
        or today - timedelta(days=60)
    for k in range(1, EARLIER_FAIRS + 1):
        day = last - timedelta(days=FAIR_EVERY_DAYS * k)
        season = "春" if day.month in (3, 4, 5, 6, 7, 8) else "秋"
        fair = Fair(name_ja=f"藤沢 地産地消 ビジネスマッチング {day.year} {season}",
                    name_en=f"Fujisawa Local Sourcing Meetings, {'Spring' if season == '春' else 'Autumn'} {day.year}",
                    description_ja="市内と近隣の企業どうしの取引を増やすための商談会（地産地消）。",
                    description_en="Business meetings to keep more purchasing within the city and its neighbours.",
                    venue="藤沢市産業センター 6階 大会議室", start_date=day, end_date=day, day_start=time(13, 0),
                    day_end=time(17, 0), meeting_minutes=20, break_minutes=5, tables=8,
                    registration_deadline=day - timedelta(days=10), eligibility="local", published=True,
                    registration_open=False, created_at=_at(day - timedelta(days=45)),
                    schedule_published_at=_at(day - timedelta(days=5)))
        db.session.add(fair)
        db.session.flush()
        local = [f for f in firms if firm_eligible(fair, f)]
        people = _join(fair, _pick(local, rng.randint(16, 24), rng), rng)
        for p in people:
            p.created_at = p.updated_at = _at(day - timedelta(days=rng.randint(12, 30)))
        slots = [s.key for s in fair_slots(fair)]
        rows, busy = [], set()
        for slot in slots:
            free = [p for p in people if (slot, p.id) not in busy]
            rng.shuffle(free)
            for table, (a, b) in enumerate(zip(free[::2], free[1::2]), start=1):
                if table > fair.tables or rng.random() < 0.3:
                    continue
                rows.append(Meeting(fair_id=fair.id, a_id=a.id, b_id=b.id, slot=slot, table_no=table))
                busy.update({(slot, a.id), (slot, b.id)})
        db.session.add_all(rows)
        db.session.flush()
        _follow_up(rows, rng)


def _fair_deals(today: date, rng: random.Random) -> int:
    """A meeting either side reported as an order becomes a deal some weeks after the fair."""
    n = 0
    meetings = db.session.scalars(sa.select(Meeting).join(Fair, Fair.id == Meeting.fair_id)
                                  .where(Fair.start_date < today,
                                         sa.or_(Meeting.a_outcome == "order", Meeting.b_outcome == "order"))
                                  .order_by(Meeting.id)).all()
    for m in meetings:
        fair = db.session.get(Fair, m.fair_id)
        day = fair.start_date + timedelta(days=rng.randint(14, 50))
        if day >= today:
            continue
        a, b = db.session.get(Participant, m.a_id), db.session.get(Participant, m.b_id)
        buyer, supplier = (a.firm, b.firm) if rng.random() < 0.5 else (b.firm, a.firm)
        amount = int(rng.lognormvariate(12.5, 0.8)) // 1000 * 1000 + 20000
        record_fair_deal(m, buyer, supplier, amount, day, fair.name_ja)
        n += 1
    return n


def _unanswered_needs(firms: list[Firm], today: date, rng: random.Random) -> None:
    """Needs of the past that found no one on the platform and were closed by their buyer."""
    buyers = [f for f in firms if f.needs and not f.is_overseas]
    for _ in range(30):
        firm = rng.choice(buyers)
        model = rng.choice(firm.needs)
        at = _at(today - timedelta(days=rng.randint(60, 700)), 8)
        db.session.add(Need(firm_id=firm.id, title=model.title, description=model.description,
                            categories=list(model.categories or []), tags=list(model.tags or []),
                            supplier_scope=model.supplier_scope, status="closed", created_at=at,
                            updated_at=at + timedelta(days=rng.randint(20, 60))))
