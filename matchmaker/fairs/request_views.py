"""Meeting requests: partner recommendations, sending, answering and cancelling requests, and the
organizer's participants, requests and pairings."""
from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from . import meeting_requests

from .eligibility import is_local, requests_are_open

from .locking import claim_fair, scheduler_running

from .meeting_requests import check_request, existing_request, remove_meetings_of

from .partners import Recommendation, fair_matches, have_common_slot, reason_texts

from .slots import available_keys, fair_slots
from ..extensions import db
from ..formfields import options
from ..forms import EmptyForm
from ..i18n import current_locale
from ..models import utcnow
from ..notifications import notify
from ..security import get_or_404
from .errors import FairError
from .forms import AnswerForm, PairingForm, RequestForm
from .models import Fair, MeetingRequest, Participant
from .views import _back, _meetings, _participants, _refused, bp, organizer_fair, participant_required


def _request_map(fair: Fair, me: Participant) -> dict[int, MeetingRequest]:
    reqs = db.session.scalars(sa.select(MeetingRequest).where(
        MeetingRequest.fair_id == fair.id, sa.or_(MeetingRequest.from_id == me.id, MeetingRequest.to_id == me.id))).all()
    return {r.to_id if r.from_id == me.id else r.from_id: r for r in reqs}


@bp.route("/<int:fair_id>/partners", endpoint="partners")
@participant_required
def partners_page(fair: Fair, me: Participant):
    matches = fair_matches(fair)
    recs = matches.by_participant.get(me.id, [])
    people = {p.id: p for p in _participants(fair)}
    existing = _request_map(fair, me)
    loc = current_locale()
    rows = []
    for r in recs:
        p = people.get(r.participant_id)
        if p is None:
            continue
        offer_reasons, seek_reasons = reason_texts(r, loc)
        rows.append({"p": p, "rec": r, "offer_reasons": offer_reasons, "seek_reasons": seek_reasons,
                     "request": existing.get(p.id)})
    best = max((r.score for r in recs), default=0.0)
    for row in rows:
        row["strength"] = _strength(row["rec"], best)
    recommended = {r.participant_id for r in recs}
    others = sorted((p for pid_, p in people.items() if pid_ != me.id and pid_ not in recommended),
                    key=lambda p: p.firm.display_name(loc).casefold())
    return render_template("fairs/partners.html", fair=fair, me=me, rows=rows, others=others, existing=existing,
                           form=RequestForm(), requests_open=requests_are_open(fair))


def _strength(rec: Recommendation, best: float) -> str:
    """A word for a recommendation instead of its raw score, which reads like a grade it is not:
    "strong" when both sides have something for the other and it is among the closest of the
    firm's list (at least 60 % of the best score), "good" when it is mutual or close, else "partial"."""
    relative = rec.score / best if best > 0 else 0.0
    if rec.mutual and relative >= 0.6:
        return "strong"
    return "good" if rec.mutual or relative >= 0.6 else "partial"


@bp.route("/<int:fair_id>/requests/new", methods=["POST"])
@participant_required
def create_request(fair: Fair, me: Participant):
    form = RequestForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for e in errors:
                flash(str(e), "danger")
        return _back(fair, "fairs.partners")
    target = db.session.get(Participant, form.target.data)
    try:
        check_request(fair, me, target)
        req = meeting_requests.create_request(fair, me, target, (form.message.data or "").strip(), form.priority.data)
        db.session.flush()
        notify(firm_id=target.firm_id, key="request_received", fair=fair, firm=me.firm,
                       link=url_for("fairs.my_requests", fair_id=fair.id))
        db.session.commit()
    except FairError as e:
        db.session.rollback()
        flash(str(e), "danger")
        return _back(fair, "fairs.partners")
    except IntegrityError:  # the other side asked at the same moment
        db.session.rollback()
        flash(_("There is already a meeting request between you and this firm."), "danger")
        return _back(fair, "fairs.partners")
    flash(_("Your request has been sent to %(firm)s.", firm=target.firm.display_name(current_locale())), "success")
    return _back(fair, "fairs.my_requests")


@bp.route("/<int:fair_id>/my-requests")
@participant_required
def my_requests(fair: Fair, me: Participant):
    reqs = db.session.scalars(sa.select(MeetingRequest).where(
        MeetingRequest.fair_id == fair.id, sa.or_(MeetingRequest.from_id == me.id, MeetingRequest.to_id == me.id))
        .order_by(MeetingRequest.created_at.desc(), MeetingRequest.id.desc())).all()
    incoming = [r for r in reqs if r.to_id == me.id and r.origin == "participant"]
    outgoing = [r for r in reqs if r.from_id == me.id and r.origin == "participant"]
    arranged = [r for r in reqs if r.origin == "organizer" and r.status == "accepted"]
    return render_template("fairs/my_requests.html", fair=fair, me=me, incoming=incoming, outgoing=outgoing,
                           arranged=arranged, answer_form=AnswerForm(), action_form=EmptyForm(),
                           requests_open=requests_are_open(fair))


def _own_request(fair: Fair, me: Participant, request_id: int) -> MeetingRequest:
    req = get_or_404(MeetingRequest, request_id)
    if req.fair_id != fair.id or not req.involves(me.id):
        abort(404)
    return req


@bp.route("/<int:fair_id>/my-requests/<int:request_id>/answer", methods=["POST"])
@participant_required
def answer_request(fair: Fair, me: Participant, request_id: int):
    req = _own_request(fair, me, request_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(_("Please choose to accept or decline."), "danger")
        return _back(fair, "fairs.my_requests")
    if req.to_id != me.id or req.status != "pending":
        flash(_("This request has already been answered."), "warning")
        return _back(fair, "fairs.my_requests")
    if not requests_are_open(fair):
        flash(_("Meeting requests are closed for this fair."), "danger")
        return _back(fair, "fairs.my_requests")
    refused = _refused(fair, "fairs.my_requests", published_error=_("Meeting requests are closed for this fair."))
    if refused:
        return refused
    accept = form.answer.data == "accept"
    req.status = "accepted" if accept else "declined"
    req.answer_priority = form.priority.data if accept else None
    req.answered_at = utcnow()
    notify(firm_id=req.requester.firm_id, key="request_accepted" if accept else "request_declined",
                   fair=fair, firm=me.firm, link=url_for("fairs.my_requests", fair_id=fair.id))
    db.session.commit()
    flash(_("You accepted the meeting request.") if accept else _("You declined the meeting request."), "success")
    return _back(fair, "fairs.my_requests")


@bp.route("/<int:fair_id>/my-requests/<int:request_id>/cancel", methods=["POST"])
@participant_required
def cancel_request(fair: Fair, me: Participant, request_id: int):
    req = _own_request(fair, me, request_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if req.from_id != me.id or req.origin != "participant" or req.status not in ("pending", "accepted"):
        flash(_("This request cannot be withdrawn."), "warning")
        return _back(fair, "fairs.my_requests")
    refused = _refused(fair, "fairs.my_requests",
                       published_error=_("The schedule is published; please contact the organizer to change it."))
    if refused:
        return refused
    req.status = "cancelled"
    req.answered_at = utcnow()
    remove_meetings_of(req)
    notify(firm_id=req.recipient.firm_id, key="request_cancelled", fair=fair, firm=me.firm,
                   link=url_for("fairs.my_requests", fair_id=fair.id))
    db.session.commit()
    flash(_("Your request has been withdrawn."), "success")
    return _back(fair, "fairs.my_requests")


@bp.route("/<int:fair_id>/participants")
@organizer_fair
def participants(fair: Fair):
    people = _participants(fair)
    slots = fair_slots(fair)
    keys = [s.key for s in slots]
    reqs = db.session.scalars(sa.select(MeetingRequest).where(MeetingRequest.fair_id == fair.id)).all()
    asked = Counter()
    for r in reqs:
        if r.status in ("pending", "accepted"):
            asked[r.from_id] += 1
            asked[r.to_id] += 1
    meetings = Counter()
    for m in _meetings(fair):
        meetings[m.a_id] += 1
        meetings[m.b_id] += 1
    presence = {p.id: len(available_keys(p, slots)) for p in people}
    return render_template("fairs/participants.html", fair=fair, people=people, asked=asked, meetings=meetings,
                           presence=presence, n_slots=len(keys), is_local=is_local)


@bp.route("/<int:fair_id>/requests")
@organizer_fair
def requests_admin(fair: Fair):
    status = request.args.get("status", "")
    query = sa.select(MeetingRequest).where(MeetingRequest.fair_id == fair.id)
    if status in ("pending", "accepted", "declined", "cancelled"):
        query = query.where(MeetingRequest.status == status)
    reqs = db.session.scalars(query.order_by(MeetingRequest.created_at.desc(), MeetingRequest.id.desc())).all()
    counts = Counter(dict(db.session.execute(sa.select(MeetingRequest.status, sa.func.count(MeetingRequest.id))
                                             .where(MeetingRequest.fair_id == fair.id)
                                             .group_by(MeetingRequest.status)).all()))
    form = _pairing_form(fair)
    return render_template("fairs/requests_admin.html", fair=fair, reqs=reqs, counts=counts, status=status,
                           form=form, action_form=EmptyForm())


def _pairing_form(fair: Fair) -> PairingForm:
    form = PairingForm()
    choices = [(p.id, p.firm.display_name(current_locale())) for p in _participants(fair)]
    form.a.choices = options(choices)
    form.b.choices = options(choices)
    if not form.is_submitted() and len(choices) >= 2:  # two different firms, never one firm with itself
        form.a.data, form.b.data = choices[0][0], choices[1][0]
    return form


@bp.route("/<int:fair_id>/pairings", methods=["POST"])
@organizer_fair
def add_pairing(fair: Fair):
    form = _pairing_form(fair)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for e in errors:
                flash(str(e), "danger")
        return _back(fair, "fairs.requests_admin")
    a, b = db.session.get(Participant, form.a.data), db.session.get(Participant, form.b.data)
    if a is None or b is None or a.fair_id != fair.id or b.fair_id != fair.id:
        flash(_("This firm does not take part in this fair."), "danger")
        return _back(fair, "fairs.requests_admin")
    try:
        claim_fair(fair, busy_error=scheduler_running())
        old = existing_request(fair, a.id, b.id)
        if old is not None and old.status == "accepted":
            raise FairError(_("These two firms already have an accepted meeting request."))
        if old is not None and old.status in ("pending", "declined"):
            # the organizer's decision overrides an open or declined request between the two
            old.status = "cancelled"
            db.session.flush()
        if not have_common_slot(a, b, [s.key for s in fair_slots(fair)]):
            raise FairError(_("These two firms have no time slot in common."))
        meeting_requests.create_request(fair, a, b, "", form.priority.data, origin="organizer")
        loc_link = url_for("fairs.my_requests", fair_id=fair.id)
        notify(firm_id=a.firm_id, key="pairing_added", fair=fair, firm=b.firm, link=loc_link)
        notify(firm_id=b.firm_id, key="pairing_added", fair=fair, firm=a.firm, link=loc_link)
        db.session.commit()
    except FairError as e:
        db.session.rollback()
        flash(str(e), "danger")
        return _back(fair, "fairs.requests_admin")
    except IntegrityError:
        db.session.rollback()
        flash(_("There is already a meeting request between these two firms."), "danger")
        return _back(fair, "fairs.requests_admin")
    flash(_("The pairing has been added."), "success")
    return _back(fair, "fairs.requests_admin")


@bp.route("/<int:fair_id>/requests/<int:request_id>/remove", methods=["POST"])
@organizer_fair
def remove_pairing(fair: Fair, request_id: int):
    req = get_or_404(MeetingRequest, request_id)
    if req.fair_id != fair.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if req.status == "cancelled":
        flash(_("This pairing has already been removed."), "info")
        return _back(fair, "fairs.requests_admin")
    refused = _refused(fair, "fairs.requests_admin", "danger", busy_error=scheduler_running())
    if refused:
        return refused
    req.status = "cancelled"
    req.answered_at = utcnow()
    remove_meetings_of(req)
    link = url_for("fairs.my_requests", fair_id=fair.id)
    notify(firm_id=req.requester.firm_id, key="pairing_removed", fair=fair, firm=req.recipient.firm, link=link)
    notify(firm_id=req.recipient.firm_id, key="pairing_removed", fair=fair, firm=req.requester.firm, link=link)
    db.session.commit()
    flash(_("The pairing has been removed."), "success")
    return _back(fair, "fairs.requests_admin")
