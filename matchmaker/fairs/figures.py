"""The organizer's figures of a fair: registrations, requests, meetings held and deals reported."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from .models import DEAL_OUTCOMES, OUTCOMES, Fair, Meeting, MeetingRequest, Participant
from .eligibility import is_local


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
