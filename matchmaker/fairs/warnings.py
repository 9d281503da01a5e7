"""What an organizer should know before publishing a fair's schedule.

Pending requests (the firms have not answered yet, so those meetings cannot be placed),
registered firms without any meeting (split by whether they had asked or been asked for one:
a firm that never had a request is left out of the scheduler's own count, not of the fair),
and meetings that conflict with the participants' current availability (schedule.schedule_conflicts,
which still blocks publishing). The schedule page shows them; publishing asks for confirmation
while any pending request or firm without a meeting remains.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..extensions import db
from .schedule import Conflict, schedule_conflicts
from .models import Fair, Meeting, MeetingRequest, Participant


@dataclass
class ScheduleWarnings:
    pending: list[MeetingRequest] = field(default_factory=list)
    idle_asked: list[Participant] = field(default_factory=list)    # had a pending or accepted request
    idle_unasked: list[Participant] = field(default_factory=list)  # no request at all
    conflicts: list[Conflict] = field(default_factory=list)
    meetings: int = 0

    @property
    def idle(self) -> int:
        return len(self.idle_asked) + len(self.idle_unasked)

    @property
    def conflicting(self) -> int:
        return len({c.meeting.id for c in self.conflicts})

    @property
    def need_confirmation(self) -> bool:
        """Publishing a schedule goes ahead only after the organizer confirms these (conflicts, or no
        meeting at all, refuse it outright)."""
        return bool(self.meetings and not self.conflicts and (self.pending or self.idle))

    def __bool__(self) -> bool:
        return bool(self.pending or self.idle or self.conflicts)


def schedule_warnings(fair: Fair) -> ScheduleWarnings:
    people = db.session.scalars(sa.select(Participant).where(Participant.fair_id == fair.id)
                                .order_by(Participant.id)).all()
    reqs = db.session.scalars(sa.select(MeetingRequest).where(MeetingRequest.fair_id == fair.id,
                                                               MeetingRequest.status.in_(("pending", "accepted")))
                              .order_by(MeetingRequest.created_at, MeetingRequest.id)).all()
    asked = {r.from_id for r in reqs} | {r.to_id for r in reqs}
    meetings: Counter = Counter()
    pairs = db.session.execute(sa.select(Meeting.a_id, Meeting.b_id).where(Meeting.fair_id == fair.id)).all()
    for a_id, b_id in pairs:
        meetings[a_id] += 1
        meetings[b_id] += 1
    idle = [p for p in people if not meetings[p.id]]
    return ScheduleWarnings(pending=[r for r in reqs if r.status == "pending"],
                            idle_asked=[p for p in idle if p.id in asked],
                            idle_unasked=[p for p in idle if p.id not in asked],
                            conflicts=schedule_conflicts(fair), meetings=len(pairs))
