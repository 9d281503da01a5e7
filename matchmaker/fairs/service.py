"""Trade-fair rules shared by the pages, the demo loader and the tests.

Slots derived from the fair's settings, who may join, partner recommendations (matching
engine), request weights, the scheduler run (library `matchmaker.scheduling`) under a
database lock, hand moves, notifications and the fair's figures.
"""
from __future__ import annotations

import re
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from .. import locality
from ..extensions import db
from ..models import Firm, Need, Offering, utcnow
from .models import DEAL_OUTCOMES, OUTCOMES, Fair, Meeting, MeetingRequest, Participant


class FairError(Exception):
    """A rule of the fair refuses the action; the message is translated and shown to the user."""


class SchedulerBusy(FairError):
    pass


# ------------------------------------------------------------------ time and slots


def fair_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Tokyo")


def today_local() -> date:
    return datetime.now(fair_tz()).date()


@dataclass(frozen=True)
class Slot:
    key: str
    start: datetime  # local wall time, naive
    end: datetime
    index: int

    @property
    def day(self) -> date:
        return self.start.date()


def slot_key(start: datetime) -> str:
    return start.strftime("%Y%m%dT%H%M")


def compute_slots(start_date: date, end_date: date, day_start: time, day_end: time, meeting_minutes: int,
                  break_minutes: int, lunch_start: time | None = None, lunch_end: time | None = None,
                  limit: int = 2000) -> list[Slot]:
    """Meeting slots of each day: back to back with the break between, none overlapping lunch."""
    slots: list[Slot] = []
    if meeting_minutes <= 0 or break_minutes < 0 or end_date < start_date:
        return slots
    length = timedelta(minutes=meeting_minutes)
    step = timedelta(minutes=meeting_minutes + break_minutes)
    day = start_date
    while day <= end_date and len(slots) < limit:
        t = datetime.combine(day, day_start)
        stop = datetime.combine(day, day_end)
        ls = datetime.combine(day, lunch_start) if lunch_start and lunch_end else None
        le = datetime.combine(day, lunch_end) if lunch_start and lunch_end else None
        while t + length <= stop and len(slots) < limit:
            if ls is not None and t < le and t + length > ls:
                t = le  # skip over lunch, then carry on from its end
                continue
            slots.append(Slot(slot_key(t), t, t + length, len(slots)))
            t += step
        day += timedelta(days=1)
    return slots


def fair_slots(fair: Fair) -> list[Slot]:
    return compute_slots(fair.start_date, fair.end_date, fair.day_start, fair.day_end, fair.meeting_minutes,
                         fair.break_minutes, fair.lunch_start, fair.lunch_end)


def slot_map(fair: Fair) -> dict[str, Slot]:
    return {s.key: s for s in fair_slots(fair)}


def available_keys(participant: Participant, slots: list[Slot]) -> list[str]:
    keys = [s.key for s in slots]
    if participant.available is None:
        return keys
    chosen = set(participant.available)
    return [k for k in keys if k in chosen]


def to_utc(local: datetime) -> datetime:
    return local.replace(tzinfo=fair_tz()).astimezone(timezone.utc)


# ------------------------------------------------------------------ who may join


def is_local(firm: Firm) -> bool:
    return locality.is_local(firm)


def firm_eligible(fair: Fair, firm: Firm) -> bool:
    if fair.eligibility == "local":
        return locality.is_local(firm)
    if fair.eligibility == "domestic":
        return locality.of_firm(firm) != "overseas"
    return True


def registration_is_open(fair: Fair, today: date | None = None) -> bool:
    today = today or today_local()
    return fair.published and fair.registration_open and today <= fair.registration_deadline


def requests_are_open(fair: Fair, today: date | None = None) -> bool:
    """Participants may ask for meetings until the schedule is published or the fair is over."""
    today = today or today_local()
    return fair.published and not fair.schedule_published and today <= fair.end_date


def followup_is_open(fair: Fair, today: date | None = None) -> bool:
    today = today or today_local()
    return fair.schedule_published and today >= fair.start_date


def participant_of(fair: Fair, firm_id: int | None) -> Participant | None:
    if firm_id is None:
        return None
    return db.session.scalar(sa.select(Participant).where(Participant.fair_id == fair.id,
                                                          Participant.firm_id == firm_id))


def profile_texts(firm: Firm) -> tuple[str, str]:
    """What the firm seeks and offers, from its open needs and active offerings (registration prefill)."""
    needs = db.session.scalars(sa.select(Need).where(Need.firm_id == firm.id, Need.status == "open")
                               .order_by(Need.created_at.desc())).all()
    offerings = db.session.scalars(sa.select(Offering).where(Offering.firm_id == firm.id,
                                                             Offering.status == "active")
                                   .order_by(Offering.created_at.desc())).all()
    seeks = "\n".join(n.title for n in needs)
    offers = "\n".join(o.title for o in offerings)
    if not offers and firm.tags:
        offers = ", ".join(firm.tags)
    return seeks[:2000], offers[:2000]


def touch(fair: Fair) -> None:
    """Participants changed: invalidates the recommendation cache of this fair."""
    fair.changed_at = utcnow()


# ------------------------------------------------------------------ recommendations


@dataclass
class Recommendation:
    participant_id: int
    score: float  # 0..1, both directions combined
    they_offer: float  # their offer vs my seek
    they_seek: float  # their seek vs my offer
    reasons_offer: list = field(default_factory=list)  # matching.Reason
    reasons_seek: list = field(default_factory=list)

    @property
    def mutual(self) -> bool:
        return self.they_offer > 0 and self.they_seek > 0


@dataclass
class FairMatches:
    by_participant: dict[int, list[Recommendation]]
    pair_score: dict[tuple[int, int], float]

    def score(self, a: int, b: int) -> float:
        return self.pair_score.get((min(a, b), max(a, b)), 0.0)

    def between(self, me: int, other: int) -> Recommendation | None:
        for r in self.by_participant.get(me, []):
            if r.participant_id == other:
                return r
        return None


_cache: dict[int, tuple[datetime, int, FairMatches]] = {}
_cache_lock = threading.Lock()


def _stamp(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def fair_matches(fair: Fair) -> FairMatches:
    """Recommendations for every participant of the fair, cached in memory per fair and change time."""
    participants = db.session.scalars(sa.select(Participant).where(Participant.fair_id == fair.id)).all()
    key = (_stamp(fair.changed_at), len(participants))
    with _cache_lock:
        hit = _cache.get(fair.id)
        if hit and (hit[0], hit[1]) == key:
            return hit[2]
    result = compute_matches(fair, participants)
    with _cache_lock:
        _cache[fair.id] = (key[0], key[1], result)
    return result


def have_common_slot(a: Participant, b: Participant, keys: list[str]) -> bool:
    sa_ = set(keys) if a.available is None else set(a.available) & set(keys)
    sb = set(keys) if b.available is None else set(b.available) & set(keys)
    return bool(sa_ & sb)


def compute_matches(fair: Fair, participants) -> FairMatches:
    """Partners for every participant, both directions (matching/partners.py), among participants of
    different firms that share at least one free slot; mutual pairs first."""
    from ..matching.partners import partners
    from ..search.records import participant_query, participant_record

    keys = [s.key for s in fair_slots(fair)]
    by_id = {p.id: p for p in participants}
    found = partners([participant_record(p) for p in participants if p.offers.strip()],
                     {str(p.id): participant_query(p) for p in participants if p.seeks.strip()})
    pair_score: dict[tuple[int, int], float] = {}
    by_participant: dict[int, list[Recommendation]] = {p.id: [] for p in participants}
    for me, recs in found.items():
        pid_ = int(me)
        if pid_ not in by_id:
            continue
        out = by_participant[pid_]
        for other_id, r in recs.items():
            other = int(other_id)
            if other not in by_id or other == pid_ or by_id[other].firm_id == by_id[pid_].firm_id:
                continue
            if not have_common_slot(by_id[pid_], by_id[other], keys):
                continue  # they could never meet at this fair
            out.append(Recommendation(other, r.score, r.they_offer, r.they_seek, r.reasons_offer, r.reasons_seek))
            pair_score[(min(pid_, other), max(pid_, other))] = r.score
        out.sort(key=lambda r: (-r.mutual, -r.score, r.participant_id))
    return FairMatches(by_participant, pair_score)


def reason_texts(rec: Recommendation, lang: str = "") -> tuple[list[str], list[str]]:
    """Why: (their offer meets my need, my offer meets their need), worded for the reader, without repeats."""
    from ..wording import reason_texts as worded

    a = worded(rec.reasons_offer)
    b = [t for t in worded(rec.reasons_seek) if t not in a]
    return a[:6], b[:6]


# ------------------------------------------------------------------ requests and weights


def request_weight(score: float, priority_a: int, priority_b: int | None) -> float:
    """Match score combined with the priorities both sides gave (1..3; 2 when not given)."""
    pb = priority_b if priority_b in (1, 2, 3) else 2
    return round((0.5 + max(0.0, min(score, 1.0))) * (priority_a + pb) / 2.0, 4)


def existing_request(fair: Fair, a: int, b: int) -> MeetingRequest | None:
    return db.session.scalar(sa.select(MeetingRequest).where(MeetingRequest.fair_id == fair.id,
                                                             MeetingRequest.pair == MeetingRequest.pair_of(a, b)))


def check_request(fair: Fair, me: Participant, target: Participant | None) -> None:
    """Raises FairError when `me` may not ask `target` for a meeting."""
    if target is None or target.fair_id != fair.id:
        raise FairError(_("This firm does not take part in this fair."))
    if target.id == me.id or target.firm_id == me.firm_id:
        raise FairError(_("You cannot ask yourself for a meeting."))
    if not requests_are_open(fair):
        raise FairError(_("Meeting requests are closed for this fair."))
    old = existing_request(fair, me.id, target.id)
    if old is not None and old.status != "cancelled":
        raise FairError(_("There is already a meeting request between you and this firm."))
    if not have_common_slot(me, target, [s.key for s in fair_slots(fair)]):
        raise FairError(_("You and this firm have no time slot in common at this fair."))


def create_request(fair: Fair, me: Participant, target: Participant, message: str, priority: int,
                   origin: str = "participant") -> MeetingRequest:
    """Store a request (or an organizer pairing); a cancelled request between the two is reused."""
    if priority not in (1, 2, 3):
        raise FairError(_("The priority must be 1, 2 or 3."))
    old = existing_request(fair, me.id, target.id)
    if old is not None and old.status != "cancelled":
        raise FairError(_("There is already a meeting request between you and this firm."))
    req = old or MeetingRequest(fair_id=fair.id, pair=MeetingRequest.pair_of(me.id, target.id))
    req.from_id, req.to_id = me.id, target.id
    req.message, req.priority, req.origin = message, priority, origin
    req.created_at = utcnow()
    if origin == "organizer":
        req.status, req.answer_priority, req.answered_at = "accepted", priority, utcnow()
    else:
        req.status, req.answer_priority, req.answered_at = "pending", None, None
    if old is None:
        db.session.add(req)
    return req


def remove_meetings_of(req: MeetingRequest) -> None:
    db.session.execute(sa.delete(Meeting).where(
        Meeting.fair_id == req.fair_id,
        sa.or_(sa.and_(Meeting.a_id == req.from_id, Meeting.b_id == req.to_id),
               sa.and_(Meeting.a_id == req.to_id, Meeting.b_id == req.from_id))))


def claim_fair(fair: Fair, published_error: str | None = None, busy_error: str | None = None) -> None:
    """Begin a change that affects the fair's schedule; the caller makes it and commits, one transaction.

    The fair row is updated first, on the condition that no scheduler run holds it (a lock older
    than lock_stale_after counts as left behind by a crashed run) and, when `published_error` is
    given, that the schedule is not published. A run or a publication starting meanwhile waits for
    this transaction (PostgreSQL row lock, SQLite writer lock) and then sees the change. While a run
    is in progress this raises SchedulerBusy (`busy_error`, or a message for participants); once
    the schedule is published, FairError(published_error). Nothing is changed then.
    """
    stale = utcnow() - timedelta(seconds=lock_stale_after(scheduler_time_limit()))
    conditions = [Fair.id == fair.id, sa.or_(Fair.scheduling_token.is_(None), Fair.scheduling_started_at < stale)]
    if published_error is not None:
        conditions.append(Fair.schedule_published_at.is_(None))
    claimed = db.session.execute(sa.update(Fair).where(*conditions).values(updated_at=utcnow()),
                                 execution_options={"synchronize_session": False})
    if claimed.rowcount != 1:
        db.session.refresh(fair)
        if published_error is not None and fair.schedule_published:  # published meanwhile
            raise FairError(published_error)
        raise SchedulerBusy(busy_error or _("The organizer is planning the meetings right now. Please try again in a "
                                            "few minutes."))
    db.session.expire(fair, ["updated_at"])


def withdraw(fair: Fair, me: Participant, link: str) -> int:
    """Remove a firm from a fair with its requests and meetings; the firms it was talking to are told.

    Returns how many firms were notified. The caller commits (one transaction). Refused while the
    scheduler runs for the fair and once the schedule is published (claim_fair), so a run or a
    publication starting meanwhile waits for this transaction and then sees the firm gone."""
    claim_fair(fair, published_error=_("Registration is closed; please contact the organizer to withdraw."))
    touch(fair)
    involves = sa.or_(MeetingRequest.from_id == me.id, MeetingRequest.to_id == me.id)
    requests = db.session.scalars(sa.select(MeetingRequest).where(MeetingRequest.fair_id == fair.id, involves)).all()
    others = {req.to_id if req.from_id == me.id else req.from_id
              for req in requests if req.status in ("pending", "accepted")}
    firms = db.session.scalars(sa.select(Participant.firm_id).where(Participant.id.in_(others))).all() if others else []
    for firm_id in sorted(set(firms)):
        notify(firm_id=firm_id, key="participant_withdrew", fair=fair, firm=me.firm, link=link)
    db.session.execute(sa.delete(Meeting).where(
        Meeting.fair_id == fair.id, sa.or_(Meeting.a_id == me.id, Meeting.b_id == me.id)))
    db.session.execute(sa.delete(MeetingRequest).where(MeetingRequest.fair_id == fair.id, involves))
    db.session.delete(me)
    return len(set(firms))


# ------------------------------------------------------------------ notifications


def notify(firm_id: int | None = None, user_id: int | None = None, *, key: str, link: str = "",
           fair: Fair | None = None, firm: Firm | None = None, email: bool = True):
    """A fair event for a firm's members (on the site and by mail): see notifications/."""
    from ..notifications import notify as tell

    return tell(firm_id=firm_id, user_id=user_id, key=key, link=link, fair=fair, firm=firm, email=email)


# ------------------------------------------------------------------ the scheduler


def scheduler_time_limit() -> float:
    return float(current_app.config["MATCHMAKER_SCHEDULER_TIME_LIMIT"])


def lock_stale_after(limit: float) -> float:
    """Seconds after which a scheduler lock counts as left behind by a crashed run."""
    return max(3 * limit + 60, 120)


def scheduler_running() -> str:
    """What the organizer is told while a scheduler run holds the fair."""
    return _("The scheduler is already running for this fair. Please wait and reload.")


def acquire_scheduler_lock(fair_id: int, stale_after: float) -> str:
    """Atomically mark the fair as being scheduled; raises SchedulerBusy when another run holds it."""
    token = uuid.uuid4().hex
    now = utcnow()
    stale = now - timedelta(seconds=stale_after)
    result = db.session.execute(
        sa.update(Fair)
        .where(Fair.id == fair_id, sa.or_(Fair.scheduling_token.is_(None), Fair.scheduling_started_at < stale))
        .values(scheduling_token=token, scheduling_started_at=now),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    if result.rowcount != 1:
        raise SchedulerBusy(scheduler_running())
    return token


def release_scheduler_lock(fair_id: int, token: str) -> None:
    db.session.execute(
        sa.update(Fair).where(Fair.id == fair_id, Fair.scheduling_token == token)
        .values(scheduling_token=None, scheduling_started_at=None),
        execution_options={"synchronize_session": False},
    )


def pid(p_id: int) -> str:
    return f"P{p_id}"


def accepted_requests(fair: Fair) -> list[MeetingRequest]:
    return db.session.scalars(sa.select(MeetingRequest).where(MeetingRequest.fair_id == fair.id,
                                                              MeetingRequest.status == "accepted")
                              .order_by(MeetingRequest.id)).all()


def build_instance_dict(fair: Fair, participants, requests, matches: FairMatches) -> dict:
    slots = fair_slots(fair)
    keys = {s.key for s in slots}
    people = []
    for p in participants:
        d = {"id": pid(p.id)}
        if p.available is not None:
            d["available"] = [k for k in p.available if k in keys]
        if p.max_meetings is not None:
            d["max_meetings"] = int(p.max_meetings)
        people.append(d)
    reqs = [{"from": pid(r.from_id), "to": pid(r.to_id),
             "weight": request_weight(matches.score(r.from_id, r.to_id), r.priority, r.answer_priority)}
            for r in requests]
    return {
        "slots": [{"id": s.key, "start": s.start.isoformat(timespec="minutes"),
                   "end": s.end.isoformat(timespec="minutes")} for s in slots],
        "tables": fair.tables,
        "participants": people,
        "requests": reqs,
    }


def meeting_problem(fair: Fair, meeting: Meeting, slot: str, table_no: int, others=None,
                    slots: dict[str, Slot] | None = None) -> str | None:
    """Why `meeting` may not take place at (slot, table_no), or None when it may."""
    slots = slots if slots is not None else slot_map(fair)
    if slot not in slots:
        return _("There is no such time slot at this fair.")
    if not 1 <= table_no <= fair.tables:
        return _("There is no table %(n)d (tables are 1 to %(max)d).", n=table_no, max=fair.tables)
    for p in (meeting.a, meeting.b):
        if p.available is not None and slot not in p.available:
            return _("%(firm)s is not present in this slot.", firm=p.firm.display_name(_locale()))
    if others is None:
        others = db.session.scalars(sa.select(Meeting).where(Meeting.fair_id == fair.id)).all()
    for m in others:
        if m.id == meeting.id or m.slot != slot:
            continue
        if m.table_no == table_no:
            return _("Table %(n)d is already taken in this slot.", n=table_no)
        for p in (meeting.a, meeting.b):
            if m.involves(p.id):
                return _("%(firm)s already has another meeting in this slot.", firm=p.firm.display_name(_locale()))
    return None


def _locale() -> str:
    from ..i18n import current_locale

    try:
        return current_locale()
    except Exception:  # noqa: BLE001 - outside a request
        return "ja"


@dataclass
class RunResult:
    meetings: int
    locked: int
    total_weight: float
    upper_bound: float
    without: int


def compute_schedule(fair: Fair, participants, requests, matches: FairMatches, locked_rows, limit: float):
    """Solve with the library; returns (new Meeting rows, not added to the session; the run's report).

    Locked rows are kept as they are; the new rows replace every other meeting of the fair.
    Raises FairError when the library refuses the instance.
    """
    from ..scheduling import Instance as SInstance
    from ..scheduling import InstanceError, solve
    from ..scheduling import Meeting as SMeeting

    data = build_instance_dict(fair, participants, requests, matches)
    try:
        instance = SInstance.from_dict(data)
        locked = [SMeeting(pid(m.a_id), pid(m.b_id), m.slot, m.table_no, True) for m in locked_rows]
        schedule = solve(instance, time_limit=limit, locked=locked)
    except InstanceError as e:
        raise FairError(_("The schedule could not be computed: %(error)s", error=_readable(str(e), participants)))
    weights: dict[str, float] = {}
    for r in data["requests"]:
        k = MeetingRequest.pair_of(int(r["from"][1:]), int(r["to"][1:]))
        weights[k] = weights.get(k, 0.0) + r["weight"]
    req_by_pair = {r.pair: r for r in requests}
    locked_keys = {MeetingRequest.pair_of(m.a_id, m.b_id) for m in locked_rows}
    rows = []
    for sm in schedule.meetings:
        a, b = int(sm.a[1:]), int(sm.b[1:])
        k = MeetingRequest.pair_of(a, b)
        if k in locked_keys:
            continue
        req = req_by_pair.get(k)
        rows.append(Meeting(fair_id=fair.id, request_id=req.id if req else None, a_id=a, b_id=b,
                            slot=sm.slot, table_no=int(sm.table), locked=False, weight=weights.get(k, 0.0)))
    for m in locked_rows:
        m.weight = weights.get(MeetingRequest.pair_of(m.a_id, m.b_id), m.weight)
    wanted = {r.from_id for r in requests} | {r.to_id for r in requests}
    stats = getattr(schedule, "stats", None)
    report = {
        "total_weight": round(float(schedule.total_weight), 4),
        "upper_bound": round(float(schedule.upper_bound), 4),
        "ratio": round(float(schedule.ratio), 4),
        "meetings": len(schedule.meetings),
        "requested": len(requests),
        "wanted": len(wanted),
        "unscheduled": [{"a": _pid_int(u.pair[0]), "b": _pid_int(u.pair[1]), "reason": u.reason, "code": u.code,
                         "params": u.params} for u in schedule.unscheduled],
        "without": [{"id": _pid_int(u.participant), "reason": u.reason, "code": u.code, "params": u.params}
                    for u in schedule.participants_without_meeting],
        "avg_idle_gaps": round(float(getattr(schedule, "avg_idle_gaps", 0.0) or 0.0), 3),
        "optimal": bool(getattr(stats, "optimal", False)),
        "seconds": round(float(getattr(stats, "solve_seconds", 0.0) or 0.0), 2),
        "time_limit": limit,
    }
    return rows, report


def run_scheduler(fair: Fair, time_limit: float | None = None) -> RunResult:
    """Compute the schedule and store it; locked meetings are kept. Raises FairError with a message.

    A lock on the fair row (atomic UPDATE checked by rowcount) keeps two runs apart; the new
    meetings replace the unlocked ones in one transaction, which also releases the lock.
    """
    if fair.schedule_published:
        raise FairError(_("The schedule is published; unpublish it before running the scheduler again."))
    limit = scheduler_time_limit() if time_limit is None else time_limit
    token = acquire_scheduler_lock(fair.id, stale_after=lock_stale_after(limit))
    try:
        db.session.refresh(fair)
        participants = db.session.scalars(sa.select(Participant).where(Participant.fair_id == fair.id)
                                          .order_by(Participant.id)).all()
        requests = accepted_requests(fair)
        if not requests:
            raise FairError(_("There are no accepted meeting requests to schedule yet."))
        matches = fair_matches(fair)
        existing = db.session.scalars(sa.select(Meeting).where(Meeting.fair_id == fair.id)).all()
        locked_rows = [m for m in existing if m.locked]
        pairs = {r.pair for r in requests}
        slots = slot_map(fair)
        for m in locked_rows:
            if MeetingRequest.pair_of(m.a_id, m.b_id) not in pairs:
                problem = _("there is no accepted request between them any more.")
            else:
                problem = meeting_problem(fair, m, m.slot, m.table_no, others=locked_rows, slots=slots)
            if problem:
                raise FairError(_("The locked meeting %(a)s – %(b)s cannot be kept: %(problem)s Unlock or move it "
                                  "first.", a=m.a.firm.display_name(_locale()), b=m.b.firm.display_name(_locale()),
                                  problem=problem))
        rows, report = compute_schedule(fair, participants, requests, matches, locked_rows, limit)
        db.session.execute(sa.delete(Meeting).where(Meeting.fair_id == fair.id, Meeting.locked.is_(False)))
        db.session.add_all(rows)
        fair.schedule_report = report
        fair.schedule_run_at = utcnow()
        release_scheduler_lock(fair.id, token)
        db.session.commit()
        return RunResult(len(rows) + len(locked_rows), len(locked_rows), report["total_weight"],
                         report["upper_bound"], len(report["without"]))
    except BaseException:
        db.session.rollback()
        release_scheduler_lock(fair.id, token)
        db.session.commit()
        raise


@dataclass(frozen=True)
class Conflict:
    """A scheduled meeting that a change made after the run contradicts.

    reason: "request" (no accepted request between the two any more), "absent" (`participant`
    is not present in the meeting's slot), "too_many" (`participant` now wants fewer meetings
    than it has; its latest ones are flagged), "place" (the slot or table no longer exists).
    """

    meeting: Meeting
    reason: str
    participant: Participant | None = None


def schedule_conflicts(fair: Fair) -> list[Conflict]:
    """The fair's meetings that its current rows contradict, in slot and table order.

    Computed on the fly: changes that affect the schedule wait for a scheduler run or are refused
    during one (claim_fair), but a change made after a run may leave meetings that no longer
    hold; the organizer sees them, and publishing is refused while there are any.
    """
    meetings = db.session.scalars(sa.select(Meeting).where(Meeting.fair_id == fair.id)
                                  .order_by(Meeting.slot, Meeting.table_no)).all()
    accepted = {r.pair for r in accepted_requests(fair)}
    slots = slot_map(fair)
    seen: Counter = Counter()
    out: list[Conflict] = []
    for m in meetings:
        if m.slot not in slots or not 1 <= m.table_no <= fair.tables:
            out.append(Conflict(m, "place"))
        if MeetingRequest.pair_of(m.a_id, m.b_id) not in accepted:
            out.append(Conflict(m, "request"))
        for p in (m.a, m.b):
            seen[p.id] += 1
            if p.available is not None and m.slot not in p.available:
                out.append(Conflict(m, "absent", p))
            elif p.max_meetings is not None and seen[p.id] > p.max_meetings:
                out.append(Conflict(m, "too_many", p))
    return out


def publish_schedule(fair: Fair, link: str) -> None:
    """Publish the schedule and tell every participant; the caller commits.

    Refused (FairError) while the scheduler runs, when there is nothing to publish, and while
    any meeting conflicts with a change made after the run.
    """
    claim_fair(fair, busy_error=scheduler_running())
    if not db.session.scalar(sa.select(sa.func.count(Meeting.id)).where(Meeting.fair_id == fair.id)):
        raise FairError(_("There is no schedule to publish yet: run the scheduler first."))
    conflicts = schedule_conflicts(fair)
    if conflicts:
        raise FairError(_("The schedule cannot be published while meetings conflict with changes made after the "
                          "scheduler ran (%(n)d). Run the scheduler again or move them first.",
                          n=len({c.meeting.id for c in conflicts})))
    fair.schedule_published_at = utcnow()
    for p in db.session.scalars(sa.select(Participant).where(Participant.fair_id == fair.id)):
        notify(firm_id=p.firm_id, key="schedule_published", fair=fair, link=link)


def _pid_int(value: str) -> int | None:
    try:
        return int(str(value)[1:])
    except ValueError:
        return None


def _readable(text: str, participants) -> str:
    """Library messages name participants P<id>: put the firms' names in."""
    names = {p.id: p.firm.display_name(_locale()) for p in participants}
    return re.sub(r"\bP(\d+)\b", lambda m: names.get(int(m.group(1)), m.group(0)), text)


# ------------------------------------------------------------------ figures


@dataclass
class Figures:
    participants: int
    requests: Counter
    planned: int
    held: int
    no_shows: int
    unreported: int
    outcomes: Counter
    deals: int
    local_deals: int


def fair_figures(fair: Fair) -> Figures:
    participants = db.session.scalar(sa.select(sa.func.count(Participant.id)).where(Participant.fair_id == fair.id))
    reqs = Counter(dict(db.session.execute(
        sa.select(MeetingRequest.status, sa.func.count(MeetingRequest.id))
        .where(MeetingRequest.fair_id == fair.id).group_by(MeetingRequest.status)).all()))
    meetings = db.session.scalars(sa.select(Meeting).where(Meeting.fair_id == fair.id)).all()
    held = sum(1 for m in meetings if m.held is True)
    no_shows = sum(1 for m in meetings if m.held is False)
    outcomes = Counter({o: 0 for o in OUTCOMES})
    deals = local_deals = 0
    for m in meetings:
        if m.held is not True:
            continue
        o = m.outcome
        if o:
            outcomes[o] += 1
        if o in DEAL_OUTCOMES:
            deals += 1
            if is_local(m.a.firm) and is_local(m.b.firm):
                local_deals += 1
    return Figures(participants, reqs, len(meetings), held, no_shows, len(meetings) - held - no_shows, outcomes,
                   deals, local_deals)
