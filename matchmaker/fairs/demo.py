"""Demo trade fairs over the demo firms, loaded by `matchmaker seed-demo` inside its transaction.

* An upcoming fair with registration open: about 40 participants with seek/offer texts from
  their needs and offerings, some arriving late or leaving early, and meeting requests in every
  state (pending, accepted, declined, withdrawn) plus organizer pairings, with the
  notifications they caused. Requests follow the fair's partner recommendations.
* A past fair for local firms with a published schedule computed by the scheduler and the
  follow-up both sides recorded, so the organizer's figures come from these rows.

Deterministic (fixed random seed) for a given `today`. Nothing is committed here.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from ..extensions import db
from ..models import Firm, User
from .eligibility import firm_eligible
from .partners import compute_matches
from .schedule import compute_schedule
from .slots import fair_slots, today_local
from ..notifications import notify
from ..notifications.models import Notification
from .models import Fair, Meeting, MeetingRequest, Participant

UPCOMING_PARTICIPANTS = 40
PAST_PARTICIPANTS = 26


def _texts(firm: Firm) -> tuple[str, str]:
    seeks = "\n".join(n.title for n in firm.needs if n.status == "open")
    offers = "\n".join(o.title for o in firm.offerings if o.status == "active")
    if not offers and firm.tags:
        offers = "、".join(firm.tags)
    return seeks[:2000], offers[:2000]


def _aware(d: date, hour: int = 9) -> datetime:
    return datetime.combine(d, time(hour), tzinfo=timezone.utc)


def _pick(firms: list[Firm], n: int, rng: random.Random) -> list[Firm]:
    """Mostly firms that both buy and sell (they make a lively fair), some that only sell."""
    both = [f for f in firms if any(x.status == "open" for x in f.needs) and f.offerings]
    rest = [f for f in firms if f not in both and (f.needs or f.offerings)]
    chosen = rng.sample(both, min(len(both), n * 3 // 4))
    chosen += rng.sample(rest, min(len(rest), n - len(chosen)))
    return chosen


def _join(fair: Fair, firms: list[Firm], rng: random.Random) -> list[Participant]:
    keys = [s.key for s in fair_slots(fair)]
    people = []
    for firm in firms:
        seeks, offers = _texts(firm)
        p = Participant(fair=fair, firm=firm, seeks=seeks, offers=offers)
        roll = rng.random()
        if roll < 0.12:  # arrives late
            p.available = keys[rng.randint(3, 6):]
        elif roll < 0.24:  # leaves early
            p.available = keys[:len(keys) - rng.randint(3, 6)]
        elif roll < 0.30:  # present in the morning and late afternoon only
            p.available = keys[:4] + keys[-4:]
        if rng.random() < 0.35:
            p.max_meetings = rng.choice([3, 4, 5, 6])
        db.session.add(p)
        people.append(p)
    db.session.flush()
    return people


def _request(fair: Fair, a: Participant, b: Participant, status: str, priority: int, rng: random.Random,
             at: datetime, message: str = "", origin: str = "participant") -> MeetingRequest:
    req = MeetingRequest(fair_id=fair.id, from_id=a.id, to_id=b.id, pair=MeetingRequest.pair_of(a.id, b.id),
                         message=message, priority=priority, status=status, origin=origin, created_at=at)
    if status in ("accepted", "declined") or origin == "organizer":
        req.answered_at = at + timedelta(hours=rng.randint(2, 40))
    if status == "accepted":
        req.answer_priority = priority if origin == "organizer" else rng.choice([1, 2, 2, 3])
    db.session.add(req)
    return req


MESSAGES = [
    "御社の加工実績について詳しく伺いたいです。図面を持参します。",
    "試作品の相談をさせてください。",
    "現在の外注先の見直しを検討しています。短時間でもお話しできれば幸いです。",
    "量産時の単価と納期についてご相談したいです。",
    "",
    "We would like to discuss a small trial order.",
]


def _requests_from_recommendations(fair: Fair, people: list[Participant], rng: random.Random, per_firm: int,
                                   statuses: list[tuple[str, float]], base: datetime) -> list[MeetingRequest]:
    matches = compute_matches(fair, people)
    by_id = {p.id: p for p in people}
    seen: set[str] = set()
    out = []
    for p in people:
        recs = matches.by_participant.get(p.id, [])[: per_firm + 2]
        rng.shuffle(recs)
        for rec in recs[:per_firm]:
            pair = MeetingRequest.pair_of(p.id, rec.participant_id)
            if pair in seen:
                continue
            seen.add(pair)
            r = rng.random()
            status = statuses[-1][0]
            acc = 0.0
            for name, share in statuses:
                acc += share
                if r < acc:
                    status = name
                    break
            at = base + timedelta(hours=rng.randint(0, 24 * 10))
            out.append(_request(fair, p, by_id[rec.participant_id], status, rng.choice([1, 2, 2, 3, 3]), rng, at,
                                rng.choice(MESSAGES)))
    db.session.flush()
    return out


def _notify_for(fair: Fair, req: MeetingRequest) -> None:
    """The notifications the site would have sent for this request."""
    link = f"/fairs/{fair.id}/my-requests"
    a, b = req.requester, req.recipient
    if req.origin == "organizer":
        notify(firm_id=a.firm_id, key="pairing_added", fair=fair, firm=b.firm, link=link, email=False)
        notify(firm_id=b.firm_id, key="pairing_added", fair=fair, firm=a.firm, link=link, email=False)
        return
    notify(firm_id=b.firm_id, key="request_received", fair=fair, firm=a.firm, link=link, email=False)
    if req.status == "accepted":
        notify(firm_id=a.firm_id, key="request_accepted", fair=fair, firm=b.firm, link=link, email=False)
    elif req.status == "declined":
        notify(firm_id=a.firm_id, key="request_declined", fair=fair, firm=b.firm, link=link, email=False)
    elif req.status == "cancelled":
        notify(firm_id=b.firm_id, key="request_cancelled", fair=fair, firm=a.firm, link=link, email=False)


def load_demo_fairs(today: date | None = None, time_limit: float = 5.0) -> tuple[Fair, Fair]:
    """Add the two demo fairs to the session (flushes, never commits)."""
    today = today or today_local()
    rng = random.Random(20270210)
    db.session.flush()
    organizer = db.session.scalar(sa.select(User).where(User.role == "organizer").order_by(User.id))
    firms = db.session.scalars(sa.select(Firm).order_by(Firm.id)).all()
    if len(firms) < 4:
        raise ValueError("the demo fairs need the demo firms")

    # ---- the upcoming fair, registration open
    start = today + timedelta(days=45)
    upcoming = Fair(
        name_ja="湘南ものづくり商談会 2027", name_en="Shonan Manufacturing Business Meetings 2027",
        description_ja="藤沢市と近隣の製造業・サービス業が、発注と受注の相手を事前予約の個別商談で探す一日です。"
                       "登録時に「探しているもの」「提供できるもの」を書くと、相性の良い参加企業をおすすめします。",
        description_en="One day of pre-arranged one-to-one business meetings between manufacturers and service firms "
                       "of Fujisawa and the region. Say what you seek and offer when registering and we recommend "
                       "the participants worth meeting.",
        venue="藤沢市産業センター 6階 大会議室", venue_en="Fujisawa Industry Center, 6th floor, Main Hall", start_date=start, end_date=start,
        day_start=time(10, 0), day_end=time(17, 0), meeting_minutes=20, break_minutes=5,
        lunch_start=time(12, 0), lunch_end=time(13, 0), tables=15,
        registration_deadline=start - timedelta(days=14), eligibility="domestic",
        published=True, registration_open=True, created_by_id=organizer.id if organizer else None,
        created_at=_aware(today - timedelta(days=20)),
    )
    db.session.add(upcoming)
    db.session.flush()
    eligible = [f for f in firms if firm_eligible(upcoming, f)]
    people = _join(upcoming, _pick(eligible, UPCOMING_PARTICIPANTS, rng), rng)
    reqs = _requests_from_recommendations(
        upcoming, people, rng, per_firm=3,
        statuses=[("pending", 0.35), ("accepted", 0.40), ("declined", 0.15), ("cancelled", 0.10)],
        base=_aware(today - timedelta(days=12)))
    pairs = {r.pair for r in reqs}
    added = 0
    for a, b in zip(people[::2], people[1::2]):
        if added >= 3:
            break
        if MeetingRequest.pair_of(a.id, b.id) in pairs:
            continue
        reqs.append(_request(upcoming, a, b, "accepted", 2, rng, _aware(today - timedelta(days=2)), origin="organizer"))
        pairs.add(MeetingRequest.pair_of(a.id, b.id))
        added += 1
    db.session.flush()
    for r in reqs:
        _notify_for(upcoming, r)

    # ---- the past fair: local firms, schedule published, follow-up recorded
    past_start = today - timedelta(days=60)
    past = Fair(
        name_ja="藤沢 地産地消 ビジネスマッチング 2026 秋", name_en="Fujisawa Local Sourcing Meetings, Autumn 2026",
        description_ja="市内と近隣の企業どうしの取引を増やすための商談会（地産地消）。",
        description_en="Business meetings to keep more purchasing within the city and its neighbours.",
        venue="湘南藤沢 市民会館 展示室", venue_en="Shonan Fujisawa Civic Hall, Exhibition Room", start_date=past_start, end_date=past_start,
        day_start=time(13, 0), day_end=time(17, 0), meeting_minutes=20, break_minutes=5, tables=10,
        registration_deadline=past_start - timedelta(days=10), eligibility="local",
        published=True, registration_open=False, created_by_id=organizer.id if organizer else None,
        created_at=_aware(past_start - timedelta(days=40)),
        schedule_published_at=_aware(past_start - timedelta(days=5)),
    )
    db.session.add(past)
    db.session.flush()
    local = [f for f in firms if firm_eligible(past, f)]
    past_people = _join(past, _pick(local, PAST_PARTICIPANTS, rng), rng)
    past_reqs = _requests_from_recommendations(
        past, past_people, rng, per_firm=4, statuses=[("accepted", 0.85), ("declined", 0.15)],
        base=_aware(past_start - timedelta(days=25)))
    for r in past_reqs:
        _notify_for(past, r)
    accepted = [r for r in past_reqs if r.status == "accepted"]
    if accepted:
        matches = compute_matches(past, past_people)
        rows, report = compute_schedule(past, past_people, accepted, matches, [], time_limit)
        db.session.add_all(rows)
        past.schedule_report = report
        past.schedule_run_at = _aware(past_start - timedelta(days=6))
        db.session.flush()
        for p in past_people:
            notify(firm_id=p.firm_id, key="schedule_published", fair=past, link=f"/fairs/{past.id}/agenda", email=False)
        _follow_up(rows, rng)
    # old notifications are read already
    db.session.flush()
    db.session.execute(sa.update(Notification).where(Notification.link.like(f"/fairs/{past.id}/%"))
                       .values(read_at=_aware(past_start)), execution_options={"synchronize_session": False})
    return upcoming, past


def _follow_up(meetings: list[Meeting], rng: random.Random) -> None:
    outcomes = ["nothing"] * 35 + ["talks"] * 35 + ["quote"] * 20 + ["order"] * 10
    for m in meetings:
        roll = rng.random()
        if roll < 0.08:  # no-show: the side that came says so
            m.a_held = False
            m.a_outcome = "nothing"
            continue
        if roll < 0.14:  # nobody reported
            continue
        outcome = rng.choice(outcomes)
        m.a_held, m.a_outcome = True, outcome
        if rng.random() < 0.75:  # the other side reports too, sometimes one step less far
            m.b_held = True
            m.b_outcome = outcome if rng.random() < 0.7 else ["nothing", "nothing", "talks", "quote"][
                ["nothing", "talks", "quote", "order"].index(outcome)]
