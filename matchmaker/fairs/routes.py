"""Trade fairs: events, registration, partner recommendations, meeting requests, the schedule,
agendas, follow-up and the organizer's figures.

Three audiences: anyone (published fairs), organizers (everything about a fair), and members of
a participating firm (their own registration, requests, agenda and follow-up).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from functools import wraps

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from ..extensions import db, login_manager
from ..formfields import options, page_number
from ..forms import EmptyForm
from ..i18n import current_locale
from ..models import Firm, utcnow
from ..security import firm_required, get_or_404, organizer_required, verified_required
from ..spreadsheet import csv_response
from . import service
from .forms import AnswerForm, FairForm, FollowUpForm, MoveForm, PairingForm, RegistrationForm, RequestForm
from .ical import agenda_calendar
from .models import OUTCOMES, Fair, Meeting, MeetingRequest, Participant
from ..deals.service import record_fair_deal
from ..wording import scheduling_reason
from .service import FairError
from .warnings import schedule_warnings

bp = Blueprint("fairs", __name__)

FAIR_FIELDS = ("name_ja", "name_en", "description_ja", "description_en", "venue", "venue_en", "start_date", "end_date",
               "day_start", "day_end", "meeting_minutes", "break_minutes", "lunch_start", "lunch_end", "tables",
               "registration_deadline", "eligibility")


# ------------------------------------------------------------------ helpers


@bp.app_template_global("fair_name")
def _fair_name(fair: Fair) -> str:
    return fair.display_name(current_locale())


@bp.app_template_global()
def fair_ended(fair: Fair) -> bool:
    """After the fair's last day (in the fair's time zone)."""
    return fair.end_date < service.today_local()


@bp.app_template_global()
def slot_label(slot: service.Slot | None, with_date: bool = True) -> str:
    if slot is None:
        return "—"
    # slot times are the fair's local wall time: no time-zone conversion
    t = f"{format_time(slot.start, 'short', rebase=False)}–{format_time(slot.end, 'short', rebase=False)}"
    return f"{format_date(slot.start.date(), 'medium')} {t}" if with_date else t


@bp.app_template_global()
def outcome_label(code: str | None) -> str:
    return {"nothing": _("Nothing further"), "talks": _("Further talks"), "quote": _("Quote requested"),
            "order": _("Order placed")}.get(code or "", "—")


@bp.app_template_global()
def request_status_label(code: str) -> str:
    return {"pending": _("Waiting for an answer"), "accepted": _("Accepted"), "declined": _("Declined"),
            "cancelled": _("Withdrawn")}.get(code, code)


@bp.app_template_global()
def eligibility_label(code: str) -> str:
    return {"local": _("Local firms only"), "domestic": _("Firms in Japan"),
            "international": _("Firms from anywhere")}.get(code, code)


@bp.app_template_global()
def priority_label(value: int | None) -> str:
    return {3: _("High"), 2: _("Normal"), 1: _("Low")}.get(value or 0, "—")


def _visible_fair(fair_id: int) -> Fair:
    """Published fairs are public; drafts only for organizers (404 for everyone else)."""
    fair = get_or_404(Fair, fair_id)
    if not fair.published and not (current_user.is_authenticated and current_user.is_organizer):
        abort(404)
    return fair


def participant_required(view):
    """The signed-in user's firm must take part in the fair; passes (fair, participant) to the view."""

    @wraps(view)
    def wrapped(fair_id: int, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        fair = get_or_404(Fair, fair_id)
        me = service.participant_of(fair, current_user.firm_id)
        if me is None or not fair.published:
            abort(403)
        return view(fair, me, **kwargs)

    return wrapped


def organizer_fair(view):
    """Organizer pages: 302 to login for anonymous users, 403 for members; passes the fair."""

    @organizer_required
    @wraps(view)
    def wrapped(fair_id: int, **kwargs):
        return view(get_or_404(Fair, fair_id), **kwargs)

    return wrapped


def _back(fair: Fair, endpoint: str = "fairs.view", **kw):
    return redirect(url_for(endpoint, fair_id=fair.id, **kw))


def _refused(fair: Fair, endpoint: str, category: str = "warning", **claim):
    """service.claim_fair for a view: None when the change may go ahead (in this transaction), else a
    redirect to `endpoint` with the reason flashed, nothing changed."""
    try:
        service.claim_fair(fair, **claim)
    except FairError as e:
        db.session.rollback()
        flash(str(e), category)
        return _back(fair, endpoint)
    return None


def _participants(fair: Fair) -> list[Participant]:
    return db.session.scalars(sa.select(Participant).where(Participant.fair_id == fair.id)
                              .join(Firm, Participant.firm_id == Firm.id).order_by(Firm.name)).all()


def _meetings(fair: Fair) -> list[Meeting]:
    return db.session.scalars(sa.select(Meeting).where(Meeting.fair_id == fair.id)
                              .order_by(Meeting.slot, Meeting.table_no)).all()


def _fill_fair(fair: Fair, form: FairForm) -> None:
    for name in FAIR_FIELDS:
        value = getattr(form, name).data
        setattr(fair, name, value.strip() if isinstance(value, str) else value)


# ------------------------------------------------------------------ events


@bp.route("/")
def index():
    query = sa.select(Fair)
    organizer = current_user.is_authenticated and current_user.is_organizer
    if not organizer:
        query = query.where(Fair.published.is_(True))
    fairs = db.session.scalars(query.order_by(Fair.start_date.desc(), Fair.id.desc())).all()
    today = service.today_local()
    upcoming = [f for f in fairs if f.end_date >= today]
    upcoming.reverse()
    past = [f for f in fairs if f.end_date < today]
    mine = set()
    if current_user.is_authenticated and current_user.firm_id:
        mine = set(db.session.scalars(sa.select(Participant.fair_id).where(
            Participant.firm_id == current_user.firm_id)).all())
    return render_template("fairs/index.html", upcoming=upcoming, past=past, mine=mine, organizer=organizer)


@bp.route("/new", methods=["GET", "POST"])
@organizer_required
def create():
    form = FairForm()
    if form.validate_on_submit():
        fair = Fair(created_by_id=current_user.id)
        _fill_fair(fair, form)
        db.session.add(fair)
        db.session.commit()
        flash(_("The fair has been created as a draft. Publish it when it is ready."), "success")
        return _back(fair)
    return render_template("fairs/edit.html", form=form, fair=None)


@bp.route("/<int:fair_id>/edit", methods=["GET", "POST"])
@organizer_fair
def edit(fair: Fair):
    form = FairForm(obj=fair)
    if form.validate_on_submit():
        refused = _refused(fair, "fairs.view", "danger", busy_error=service.scheduler_running())
        if refused:  # a scheduler run plans with the slots and tables
            return refused
        new_keys = {s.key for s in service.compute_slots(
            form.start_date.data, form.end_date.data, form.day_start.data, form.day_end.data,
            form.meeting_minutes.data, form.break_minutes.data, form.lunch_start.data, form.lunch_end.data)}
        lost = [m for m in _meetings(fair) if m.slot not in new_keys or m.table_no > form.tables.data]
        if lost:
            db.session.rollback()
            form.meeting_minutes.errors.append(_(
                "%(n)d scheduled meetings would lose their slot or table, so the change is refused. "
                "Keep the slots and the number of tables as they are.", n=len(lost)))
        else:
            _fill_fair(fair, form)
            service.touch(fair)
            db.session.commit()
            flash(_("Saved."), "success")
            return _back(fair)
    return render_template("fairs/edit.html", form=form, fair=fair)


@bp.route("/<int:fair_id>/status", methods=["POST"])
@organizer_fair
def set_status(fair: Fair):
    form = EmptyForm()
    action = request.form.get("action", "")
    if not form.validate_on_submit() or action not in ("publish", "unpublish", "open", "close"):
        abort(400)
    if action == "publish":
        fair.published = True
        flash(_("The fair is published."), "success")
    elif action == "unpublish":
        fair.published = False
        fair.registration_open = False
        flash(_("The fair is a draft again; only organizers see it."), "success")
    elif action == "open":
        if service.today_local() > fair.registration_deadline:
            flash(_("The registration deadline has passed; change it before opening registration."), "danger")
            return _back(fair)
        fair.registration_open = True
        fair.published = True
        flash(_("Registration is open."), "success")
    else:
        fair.registration_open = False
        flash(_("Registration is closed."), "success")
    db.session.commit()
    return _back(fair)


@bp.route("/<int:fair_id>")
def view(fair_id: int):
    fair = _visible_fair(fair_id)
    slots = service.fair_slots(fair)
    count = db.session.scalar(sa.select(sa.func.count(Participant.id)).where(Participant.fair_id == fair.id))
    me = None
    eligible = None
    if current_user.is_authenticated and current_user.firm_id:
        me = service.participant_of(fair, current_user.firm_id)
        eligible = service.firm_eligible(fair, current_user.firm)
    days = defaultdict(list)
    for s in slots:
        days[s.day].append(s)
    return render_template("fairs/view.html", fair=fair, slots=slots, days=dict(days), count=count, me=me,
                           eligible=eligible, registration_open=service.registration_is_open(fair),
                           requests_open=service.requests_are_open(fair),
                           followup_open=service.followup_is_open(fair), action_form=EmptyForm())


# ------------------------------------------------------------------ registration


def _slot_text(slot: service.Slot) -> str:
    return slot_label(slot)


@bp.route("/<int:fair_id>/register", methods=["GET", "POST"])
@firm_required
@verified_required
def register(fair_id: int):
    fair = _visible_fair(fair_id)
    firm = current_user.firm
    me = service.participant_of(fair, firm.id)
    if me is None and not service.firm_eligible(fair, firm):
        abort(403)
    if not service.registration_is_open(fair):
        flash(_("Registration for this fair is closed."), "warning")
        return _back(fair)
    slots = service.fair_slots(fair)
    form = RegistrationForm(obj=me)
    form.setup(slots, _slot_text)
    if request.method == "GET":
        if me is None:
            form.seeks.data, form.offers.data = service.profile_texts(firm)
        chosen = service.available_keys(me, slots) if me else [s.key for s in slots]
        if chosen:
            form.first_slot.data, form.last_slot.data = chosen[0], chosen[-1]
            if me is not None and me.available is not None:
                form.slots.data = chosen
    if form.validate_on_submit():
        new = me is None
        if new:
            me = Participant(fair_id=fair.id, firm_id=firm.id)
            db.session.add(me)
        else:  # when it is present and how many meetings it wants: the schedule depends on it
            refused = _refused(fair, "fairs.view", published_error=_(
                "The schedule is published; please contact the organizer to change your registration."))
            if refused:
                return refused
        me.seeks = (form.seeks.data or "").strip()
        me.offers = (form.offers.data or "").strip()
        chosen = form.chosen_slots()
        if chosen is not None and not chosen:
            form.slots.errors.append(_("Choose at least one slot you are present."))
            db.session.rollback()
        else:
            me.available = chosen
            me.max_meetings = form.max_meetings.data
            service.touch(fair)
            try:
                db.session.commit()
            except IntegrityError:  # registered twice at the same moment
                db.session.rollback()
                flash(_("Your firm is already registered for this fair."), "info")
                return _back(fair)
            flash(_("Your firm is registered for this fair.") if new else _("Your registration has been updated."),
                  "success")
            return _back(fair, "fairs.partners")
    return render_template("fairs/register.html", fair=fair, form=form, me=me, slots=slots, withdraw_form=EmptyForm())


@bp.route("/<int:fair_id>/withdraw", methods=["POST"])
@participant_required
def withdraw(fair: Fair, me: Participant):
    if not EmptyForm().validate_on_submit():
        abort(400)
    if fair.schedule_published or not service.registration_is_open(fair):
        flash(_("Registration is closed; please contact the organizer to withdraw."), "warning")
        return _back(fair)
    try:
        service.withdraw(fair, me, link=url_for("fairs.view", fair_id=fair.id))
    except FairError as e:
        db.session.rollback()
        flash(str(e), "warning")
        return _back(fair)
    db.session.commit()
    flash(_("Your firm no longer takes part in this fair. Its meeting requests are cancelled."), "success")
    return _back(fair)


# ------------------------------------------------------------------ recommendations and requests


def _request_map(fair: Fair, me: Participant) -> dict[int, MeetingRequest]:
    reqs = db.session.scalars(sa.select(MeetingRequest).where(
        MeetingRequest.fair_id == fair.id, sa.or_(MeetingRequest.from_id == me.id, MeetingRequest.to_id == me.id))).all()
    return {r.to_id if r.from_id == me.id else r.from_id: r for r in reqs}


@bp.route("/<int:fair_id>/partners")
@participant_required
def partners(fair: Fair, me: Participant):
    matches = service.fair_matches(fair)
    recs = matches.by_participant.get(me.id, [])
    people = {p.id: p for p in _participants(fair)}
    existing = _request_map(fair, me)
    loc = current_locale()
    rows = []
    for r in recs:
        p = people.get(r.participant_id)
        if p is None:
            continue
        offer_reasons, seek_reasons = service.reason_texts(r, loc)
        rows.append({"p": p, "rec": r, "offer_reasons": offer_reasons, "seek_reasons": seek_reasons,
                     "request": existing.get(p.id)})
    best = max((r.score for r in recs), default=0.0)
    for row in rows:
        row["strength"] = _strength(row["rec"], best)
    recommended = {r.participant_id for r in recs}
    others = sorted((p for pid_, p in people.items() if pid_ != me.id and pid_ not in recommended),
                    key=lambda p: p.firm.display_name(loc).casefold())
    return render_template("fairs/partners.html", fair=fair, me=me, rows=rows, others=others, existing=existing,
                           form=RequestForm(), requests_open=service.requests_are_open(fair))


def _strength(rec: service.Recommendation, best: float) -> str:
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
        service.check_request(fair, me, target)
        req = service.create_request(fair, me, target, (form.message.data or "").strip(), form.priority.data)
        db.session.flush()
        service.notify(firm_id=target.firm_id, key="request_received", fair=fair, firm=me.firm,
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
                           requests_open=service.requests_are_open(fair))


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
    if not service.requests_are_open(fair):
        flash(_("Meeting requests are closed for this fair."), "danger")
        return _back(fair, "fairs.my_requests")
    refused = _refused(fair, "fairs.my_requests", published_error=_("Meeting requests are closed for this fair."))
    if refused:
        return refused
    accept = form.answer.data == "accept"
    req.status = "accepted" if accept else "declined"
    req.answer_priority = form.priority.data if accept else None
    req.answered_at = utcnow()
    service.notify(firm_id=req.requester.firm_id, key="request_accepted" if accept else "request_declined",
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
    service.remove_meetings_of(req)
    service.notify(firm_id=req.recipient.firm_id, key="request_cancelled", fair=fair, firm=me.firm,
                   link=url_for("fairs.my_requests", fair_id=fair.id))
    db.session.commit()
    flash(_("Your request has been withdrawn."), "success")
    return _back(fair, "fairs.my_requests")


# ------------------------------------------------------------------ organizer: participants and requests


@bp.route("/<int:fair_id>/participants")
@organizer_fair
def participants(fair: Fair):
    people = _participants(fair)
    slots = service.fair_slots(fair)
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
    presence = {p.id: len(service.available_keys(p, slots)) for p in people}
    return render_template("fairs/participants.html", fair=fair, people=people, asked=asked, meetings=meetings,
                           presence=presence, n_slots=len(keys), is_local=service.is_local)


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
        service.claim_fair(fair, busy_error=service.scheduler_running())
        old = service.existing_request(fair, a.id, b.id)
        if old is not None and old.status == "accepted":
            raise FairError(_("These two firms already have an accepted meeting request."))
        if old is not None and old.status in ("pending", "declined"):
            # the organizer's decision overrides an open or declined request between the two
            old.status = "cancelled"
            db.session.flush()
        if not service.have_common_slot(a, b, [s.key for s in service.fair_slots(fair)]):
            raise FairError(_("These two firms have no time slot in common."))
        service.create_request(fair, a, b, "", form.priority.data, origin="organizer")
        loc_link = url_for("fairs.my_requests", fair_id=fair.id)
        service.notify(firm_id=a.firm_id, key="pairing_added", fair=fair, firm=b.firm, link=loc_link)
        service.notify(firm_id=b.firm_id, key="pairing_added", fair=fair, firm=a.firm, link=loc_link)
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
    refused = _refused(fair, "fairs.requests_admin", "danger", busy_error=service.scheduler_running())
    if refused:
        return refused
    req.status = "cancelled"
    req.answered_at = utcnow()
    service.remove_meetings_of(req)
    link = url_for("fairs.my_requests", fair_id=fair.id)
    service.notify(firm_id=req.requester.firm_id, key="pairing_removed", fair=fair, firm=req.recipient.firm, link=link)
    service.notify(firm_id=req.recipient.firm_id, key="pairing_removed", fair=fair, firm=req.requester.firm, link=link)
    db.session.commit()
    flash(_("The pairing has been removed."), "success")
    return _back(fair, "fairs.requests_admin")


# ------------------------------------------------------------------ organizer: the schedule


@bp.route("/<int:fair_id>/schedule")
@organizer_fair
def schedule(fair: Fair):
    slots = service.fair_slots(fair)
    meetings = _meetings(fair)
    grid = {(m.slot, m.table_no): m for m in meetings}
    people = _participants(fair)
    counts = Counter()
    for m in meetings:
        counts[m.a_id] += 1
        counts[m.b_id] += 1
    accepted = service.accepted_requests(fair)
    wanted = {r.from_id for r in accepted} | {r.to_id for r in accepted}
    names = {p.id: p.firm.display_name(current_locale()) for p in people}
    report = fair.schedule_report or {}
    without = [{"name": names.get(w["id"], "?"),
                "reason": scheduling_reason(w.get("code", ""), w.get("params"), w["reason"], names)}
               for w in report.get("without", []) if w.get("id") in names and counts[w["id"]] == 0]
    unscheduled = [{"a": names.get(u["a"], "?"), "b": names.get(u["b"], "?"),
                    "reason": scheduling_reason(u.get("code", ""), u.get("params"), u["reason"], names)}
                   for u in report.get("unscheduled", [])]
    busy = fair.scheduling_token is not None
    conflicts = _conflict_rows(fair)
    return render_template("fairs/schedule.html", fair=fair, slots=slots, grid=grid, meetings=meetings,
                           people=people, counts=counts, wanted=wanted, report=report, without=without,
                           unscheduled=unscheduled, accepted=len(accepted), busy=busy, action_form=EmptyForm(),
                           time_limit=service.scheduler_time_limit(), conflicts=conflicts,
                           conflicting={c["m"].id for c in conflicts}, warnings=schedule_warnings(fair))


def _conflict_rows(fair: Fair) -> list[dict]:
    """The schedule's conflicts (service.schedule_conflicts) in the reader's language, each with a link
    to where it is resolved."""
    loc = current_locale()
    slots = service.slot_map(fair)
    rows = []
    for c in service.schedule_conflicts(fair):
        firm = c.participant.firm.display_name(loc) if c.participant is not None else ""
        if c.reason == "request":
            why = _("the meeting request between them is no longer accepted")
            link = url_for("fairs.requests_admin", fair_id=fair.id)
        elif c.reason == "absent":
            why = _("%(firm)s is not present in this slot.", firm=firm)
            link = url_for("fairs.participants", fair_id=fair.id, _anchor=f"p{c.participant.id}")
        elif c.reason == "too_many":
            why = _("%(firm)s now wants at most %(n)d meetings", firm=firm, n=c.participant.max_meetings)
            link = url_for("fairs.participants", fair_id=fair.id, _anchor=f"p{c.participant.id}")
        else:
            why = _("this slot or table no longer exists")
            link = url_for("fairs.edit", fair_id=fair.id)
        rows.append({"m": c.meeting, "slot": slots.get(c.meeting.slot), "why": why, "link": link})
    return rows


@bp.route("/<int:fair_id>/schedule/run", methods=["POST"])
@organizer_fair
def run_schedule(fair: Fair):
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        result = service.run_scheduler(fair)
    except FairError as e:
        flash(str(e), "danger")
        return _back(fair, "fairs.schedule")
    flash(_("The scheduler placed %(n)d meetings (%(locked)d locked).", n=result.meetings, locked=result.locked),
          "success")
    return _back(fair, "fairs.schedule")


@bp.route("/<int:fair_id>/schedule/publish", methods=["POST"])
@organizer_fair
def publish_schedule(fair: Fair):
    if not EmptyForm().validate_on_submit():
        abort(400)
    action = request.form.get("action", "publish")
    if action == "unpublish":
        fair.schedule_published_at = None
        db.session.commit()
        flash(_("The schedule is no longer published; participants do not see their agenda."), "success")
        return _back(fair, "fairs.schedule")
    warnings = schedule_warnings(fair)
    if warnings.need_confirmation and fair.scheduling_token is None and request.form.get("confirmed") != "1":
        # pending requests or firms without a meeting: the organizer publishes only after reading them
        return render_template("fairs/publish_confirm.html", fair=fair, warnings=warnings, action_form=EmptyForm())
    try:
        service.publish_schedule(fair, link=url_for("fairs.agenda", fair_id=fair.id))
    except FairError as e:
        db.session.rollback()
        flash(str(e), "danger")
        return _back(fair, "fairs.schedule")
    db.session.commit()
    flash(_("The schedule is published; every participant has been notified."), "success")
    return _back(fair, "fairs.schedule")


def _fair_meeting(fair: Fair, meeting_id: int) -> Meeting:
    m = get_or_404(Meeting, meeting_id)
    if m.fair_id != fair.id:
        abort(404)
    return m


@bp.route("/<int:fair_id>/meetings/<int:meeting_id>/lock", methods=["POST"])
@organizer_fair
def lock_meeting(fair: Fair, meeting_id: int):
    m = _fair_meeting(fair, meeting_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    refused = _refused(fair, "fairs.schedule", "danger", busy_error=service.scheduler_running())
    if refused:
        return refused
    m.locked = not m.locked
    db.session.commit()
    flash(_("The meeting is locked: the scheduler keeps it.") if m.locked else _("The meeting is unlocked."), "success")
    return _back(fair, "fairs.schedule")


@bp.route("/<int:fair_id>/meetings/<int:meeting_id>/move", methods=["GET", "POST"])
@organizer_fair
def move_meeting(fair: Fair, meeting_id: int):
    m = _fair_meeting(fair, meeting_id)
    slots = service.fair_slots(fair)
    form = MoveForm(obj=None)
    form.slot.choices = options((s.key, slot_label(s)) for s in slots)
    if request.method == "GET":
        form.slot.data, form.table.data = m.slot, m.table_no
    if form.validate_on_submit():
        if fair.schedule_published:
            flash(_("The schedule is published; unpublish it before changing meetings."), "danger")
            return _back(fair, "fairs.schedule")
        refused = _refused(fair, "fairs.schedule", "danger", busy_error=service.scheduler_running())
        if refused:
            return refused
        problem = service.meeting_problem(fair, m, form.slot.data, form.table.data)
        if problem:
            form.slot.errors.append(problem)
        else:
            m.slot, m.table_no, m.locked = form.slot.data, form.table.data, True
            try:
                db.session.commit()
            except IntegrityError:  # someone took the table meanwhile
                db.session.rollback()
                flash(_("Table %(n)d is already taken in this slot.", n=form.table.data), "danger")
                return _back(fair, "fairs.schedule")
            flash(_("The meeting has been moved and locked."), "success")
            return _back(fair, "fairs.schedule")
    # free places, for the organizer's choice
    meetings = _meetings(fair)
    taken = {(x.slot, x.table_no) for x in meetings if x.id != m.id}
    busy = {x.slot for x in meetings if x.id != m.id and (x.involves(m.a_id) or x.involves(m.b_id))}
    slot_options = []
    for s in slots:
        ok = s.key not in busy and all(p.available is None or s.key in p.available for p in (m.a, m.b))
        free = [t for t in range(1, fair.tables + 1) if (s.key, t) not in taken]
        slot_options.append({"slot": s, "ok": ok and bool(free), "free": free[:8], "n_free": len(free)})
    return render_template("fairs/move.html", fair=fair, m=m, form=form, options=slot_options,
                           slots=service.slot_map(fair))


@bp.route("/<int:fair_id>/schedule.csv")
@organizer_fair
def schedule_csv(fair: Fair):
    slots = service.slot_map(fair)
    loc = current_locale()
    rows = [[_("Slot start"), _("Slot end"), _("Table"), _("Firm A"), _("Firm B"), _("Status")]]
    for m in _meetings(fair):
        s = slots.get(m.slot)
        if m.held is True:
            status = _("held")
        elif m.held is False:
            status = _("no-show")
        else:
            status = _("locked") if m.locked else _("planned")
        rows.append([s.start.strftime("%Y-%m-%d %H:%M") if s else m.slot, s.end.strftime("%Y-%m-%d %H:%M") if s else "",
                     m.table_no, m.a.firm.display_name(loc), m.b.firm.display_name(loc), status])
    return csv_response(rows, f"fair-{fair.id}-schedule.csv")


@bp.route("/<int:fair_id>/table-cards")
@organizer_fair
def table_cards(fair: Fair):
    slots = service.fair_slots(fair)
    by_slot = defaultdict(list)
    for m in _meetings(fair):
        by_slot[m.slot].append(m)
    pages = [(s, by_slot[s.key]) for s in slots if by_slot.get(s.key)]
    return render_template("fairs/table_cards.html", fair=fair, pages=pages)


@bp.route("/<int:fair_id>/figures")
@organizer_fair
def figures(fair: Fair):
    return render_template("fairs/figures.html", fair=fair, fig=service.fair_figures(fair), outcomes=OUTCOMES)


# ------------------------------------------------------------------ participants: agenda and follow-up


def _my_meetings(fair: Fair, me: Participant) -> list[tuple[service.Slot | None, Meeting]]:
    slots = service.slot_map(fair)
    ms = db.session.scalars(sa.select(Meeting).where(Meeting.fair_id == fair.id,
                                                     sa.or_(Meeting.a_id == me.id, Meeting.b_id == me.id))).all()
    # slot keys ("20270210T1000") sort in time order
    return [(slots.get(m.slot), m) for m in sorted(ms, key=lambda m: (m.slot, m.table_no))]


def _agenda_rows(fair: Fair, me: Participant) -> list[dict]:
    matches = service.fair_matches(fair)
    loc = current_locale()
    rows = []
    for slot, m in _my_meetings(fair, me):
        partner = m.partner(me.id)
        rec = matches.between(me.id, partner.id)
        why_offer, why_seek = service.reason_texts(rec, loc) if rec else ([], [])
        rows.append({"slot": slot, "m": m, "partner": partner, "why_offer": why_offer, "why_seek": why_seek,
                     "request": m.request})
    return rows


@bp.route("/<int:fair_id>/agenda")
@participant_required
def agenda(fair: Fair, me: Participant):
    rows = _agenda_rows(fair, me) if fair.schedule_published else []
    return render_template("fairs/agenda.html", fair=fair, me=me, rows=rows)


@bp.route("/<int:fair_id>/agenda.ics")
@participant_required
def agenda_ics(fair: Fair, me: Participant):
    if not fair.schedule_published:
        abort(404)
    loc = current_locale()
    events = []
    for row in _agenda_rows(fair, me):
        if row["slot"] is None:
            continue
        partner = row["partner"]
        why = row["why_offer"] + row["why_seek"]
        desc = [_("Meeting with %(firm)s", firm=partner.firm.display_name(loc))]
        if why:
            desc.append(_("Why: %(reasons)s", reasons=", ".join(why)))
        desc.append(url_for("firms.view", firm_id=partner.firm_id, _external=True))
        events.append({
            "uid": f"fair{fair.id}-meeting{row['m'].id}-p{me.id}@{request.host.split(':')[0] or 'matchmaker'}",
            "start": service.to_utc(row["slot"].start),
            "end": service.to_utc(row["slot"].end),
            "summary": _("Meeting: %(firm)s (table %(n)d)", firm=partner.firm.display_name(loc), n=row["m"].table_no),
            "location": f"{fair.venue_name(current_locale())} – " + _("Table %(n)d", n=row["m"].table_no),
            "description": "\n".join(desc),
        })
    body = agenda_calendar(events, name=fair.display_name(loc))
    return Response(body.encode("utf-8"), mimetype="text/calendar",  # Werkzeug adds "; charset=utf-8"
                    headers={"Content-Disposition": f'attachment; filename="fair-{fair.id}-agenda.ics"'})


@bp.route("/<int:fair_id>/follow-up", methods=["GET"])
@participant_required
def followup(fair: Fair, me: Participant):
    rows = []
    for slot, m in _my_meetings(fair, me):
        side = m.side(me.id)
        form = FollowUpForm(prefix=f"m{m.id}")
        held, outcome = getattr(m, f"{side}_held"), getattr(m, f"{side}_outcome")
        form.held.data = "no" if held is False else "yes"
        form.outcome.data = outcome or "nothing"
        rows.append({"slot": slot, "m": m, "partner": m.partner(me.id), "form": form, "held": held,
                     "outcome": outcome})
    return render_template("fairs/followup.html", fair=fair, me=me, rows=rows,
                           open=service.followup_is_open(fair))


@bp.route("/<int:fair_id>/follow-up/<int:meeting_id>", methods=["POST"])
@participant_required
def record_followup(fair: Fair, me: Participant, meeting_id: int):
    m = get_or_404(Meeting, meeting_id)
    if m.fair_id != fair.id or not m.involves(me.id):
        abort(404)
    if not service.followup_is_open(fair):
        flash(_("Follow-up can be recorded once the fair has begun and its schedule is published."), "warning")
        return _back(fair, "fairs.followup")
    form = FollowUpForm(prefix=f"m{m.id}")
    if not form.validate_on_submit():
        flash(_("Please choose whether the meeting took place and its outcome."), "danger")
        return _back(fair, "fairs.followup")
    held = form.held.data == "yes"
    side = m.side(me.id)
    setattr(m, f"{side}_held", held)
    setattr(m, f"{side}_outcome", form.outcome.data if held else "nothing")
    if held and form.outcome.data == "order":
        other = m.b if side == "a" else m.a
        buyer, supplier = ((me.firm, other.firm) if form.direction.data == "we_bought" else (other.firm, me.firm))
        record_fair_deal(m, buyer, supplier, form.amount_jpy.data, service.today_local(), fair.name_ja)
    db.session.commit()
    flash(_("Thank you, the follow-up has been saved."), "success")
    return _back(fair, "fairs.followup")
