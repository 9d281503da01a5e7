"""Meeting requests between participants: their weight, the rules for sending one, and withdrawal."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..extensions import db
from ..models import utcnow
from ..notifications import notify
from .models import Fair, Meeting, MeetingRequest, Participant
from .errors import FairError
from .slots import fair_slots
from .eligibility import requests_are_open
from .partners import have_common_slot, touch
from .locking import claim_fair


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
