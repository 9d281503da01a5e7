"""Organizer operations (a token with the `organizer` scope of an organizer or admin): a fair's
participants, meeting requests and schedule, running the scheduler, and the fair's figures, through
the same service functions as the organizer's pages."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..extensions import db
from ..fairs.errors import FairError
from ..fairs import figures as fair_results
from ..fairs.schedule import run_scheduler
from ..fairs.slots import fair_tz, slot_map
from ..fairs.models import Fair, Meeting, MeetingRequest, Participant
from . import auth, paging
from .blueprint import blp
from .present import _zoned, firm_summary
from .problems import problem
from .read import BEARER, load
from .schemas import (EmptyArgs, FairFiguresSchema, MeetingRequestPage, PageArgs, ParticipantPage, RunResultSchema,
                      ScheduleSchema)


def _fair(fair_id: int) -> Fair:
    fair = load(Fair, fair_id)
    if fair is None:
        raise problem(404, _("No such fair."))
    return fair


@blp.route("/fairs/<int:fair_id>/participants")
@auth.require("organizer")
@blp.arguments(PageArgs, location="query")
@blp.response(200, ParticipantPage, headers={"Link": {"schema": {"type": "string"}}})
@blp.doc(security=BEARER)
def fair_participants(args, fair_id: int):
    """A fair's participants with what they seek and offer."""
    fair = _fair(fair_id)
    rows, cursor = paging.page_of_rows(sa.select(Participant).where(Participant.fair_id == fair.id), Participant.id,
                                       args, f"participants{fair.id}")
    return paging.answer([{"id": p.id, "firm": firm_summary(p.firm), "seeks": p.seeks or "", "offers": p.offers or "",
                           "max_meetings": p.max_meetings, "available_slots": p.available} for p in rows], cursor)


@blp.route("/fairs/<int:fair_id>/requests")
@auth.require("organizer")
@blp.arguments(PageArgs, location="query")
@blp.response(200, MeetingRequestPage, headers={"Link": {"schema": {"type": "string"}}})
@blp.doc(security=BEARER)
def fair_requests(args, fair_id: int):
    """A fair's meeting requests, every status."""
    fair = _fair(fair_id)
    rows, cursor = paging.page_of_rows(sa.select(MeetingRequest).where(MeetingRequest.fair_id == fair.id),
                                       MeetingRequest.id, args, f"requests{fair.id}")
    return paging.answer([{"id": r.id, "from_participant": r.from_id, "to_participant": r.to_id, "status": r.status,
                           "priority": r.priority, "answer_priority": r.answer_priority, "origin": r.origin,
                           "created_at": _zoned(r.created_at)} for r in rows], cursor)


def _schedule(fair: Fair) -> dict:
    slots = slot_map(fair)
    meetings = sa.select(Meeting).where(Meeting.fair_id == fair.id).order_by(Meeting.slot, Meeting.table_no)
    tz = fair_tz()

    def moment(key: str, end: bool):
        slot = slots.get(key)
        return (slot.end if end else slot.start).replace(tzinfo=tz) if slot else None

    return {"published": fair.schedule_published, "run_at": _zoned(fair.schedule_run_at), "meetings": [
        {"id": m.id, "a": m.a_id, "b": m.b_id, "slot": m.slot, "start": moment(m.slot, False),
         "end": moment(m.slot, True), "table": m.table_no, "locked": m.locked}
        for m in db.session.scalars(meetings)]}


@blp.route("/fairs/<int:fair_id>/schedule")
@auth.require("organizer")
@blp.etag
@blp.arguments(EmptyArgs, location="query")
@blp.response(200, ScheduleSchema)
@blp.doc(security=BEARER)
def fair_schedule(_args, fair_id: int):
    """A fair's meetings: slot (start and end with the fair's time zone), table, whether locked."""
    return _schedule(_fair(fair_id))


@blp.route("/fairs/<int:fair_id>/schedule/run", methods=["POST"])
@auth.require("organizer")
@blp.arguments(EmptyArgs, location="query")
@blp.response(200, RunResultSchema)
@blp.doc(security=BEARER)
def run_fair_scheduler(_args, fair_id: int):
    """Run the scheduler (locked meetings are kept), as the schedule page's button does. 409 when it
    cannot run (published schedule, no accepted requests, already running, a locked meeting that
    cannot be kept)."""
    fair = _fair(fair_id)
    try:
        result = run_scheduler(fair)
    except FairError as e:
        raise problem(409, str(e)) from None
    return {"meetings": result.meetings, "locked": result.locked, "total_weight": result.total_weight,
            "upper_bound": result.upper_bound, "without": result.without}


@blp.route("/fairs/<int:fair_id>/figures")
@auth.require("organizer")
@blp.arguments(EmptyArgs, location="query")
@blp.response(200, FairFiguresSchema)
@blp.doc(security=BEARER)
def fair_figures(_args, fair_id: int):
    """A fair's figures: participants, requests by status, meetings planned and held, no-shows,
    outcomes, deals and how many stayed local (the figures page's)."""
    f = fair_results.fair_figures(_fair(fair_id))
    return {"participants": f.participants, "requests": dict(f.requests), "planned": f.planned, "held": f.held,
            "no_shows": f.no_shows, "unreported": f.unreported, "outcomes": dict(f.outcomes), "deals": f.deals,
            "local_deals": f.local_deals}
