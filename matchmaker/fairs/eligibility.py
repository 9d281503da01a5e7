"""Who may join a fair and when: locality, and the registration, request and follow-up windows."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from .. import locality
from ..extensions import db
from ..models import Firm
from .models import Fair, Participant
from .slots import today_local


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
