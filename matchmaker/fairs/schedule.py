"""The schedule: the scheduler run (library `matchmaker.scheduling`), hand moves and their
conflicts, and publishing."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from ..extensions import db
from ..models import utcnow
from ..notifications import notify
from .models import Fair, Meeting, MeetingRequest, Participant
from .errors import FairError
from .slots import Slot, fair_slots, slot_map
from .partners import FairMatches, fair_matches
from .locking import acquire_scheduler_lock, claim_fair, lock_stale_after, release_scheduler_lock, scheduler_running, scheduler_time_limit
from .meeting_requests import request_weight


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
