"""Fair pages for everyone and the organizer's fair settings: list, view, create, edit, status."""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from .eligibility import firm_eligible, followup_is_open, participant_of, registration_is_open, requests_are_open

from .locking import scheduler_running

from .partners import touch

from .slots import compute_slots, fair_slots, today_local
from ..extensions import db
from ..forms import EmptyForm
from ..security import organizer_required
from .forms import FairForm
from .models import Fair, Participant
from .views import _back, _meetings, _refused, _visible_fair, bp, organizer_fair


FAIR_FIELDS = ("name_ja", "name_en", "description_ja", "description_en", "venue", "venue_en", "start_date", "end_date",
               "day_start", "day_end", "meeting_minutes", "break_minutes", "lunch_start", "lunch_end", "tables",
               "registration_deadline", "eligibility")


def _fill_fair(fair: Fair, form: FairForm) -> None:
    for name in FAIR_FIELDS:
        value = getattr(form, name).data
        setattr(fair, name, value.strip() if isinstance(value, str) else value)


@bp.route("/")
def index():
    query = sa.select(Fair)
    organizer = current_user.is_authenticated and current_user.is_organizer
    if not organizer:
        query = query.where(Fair.published.is_(True))
    fairs = db.session.scalars(query.order_by(Fair.start_date.desc(), Fair.id.desc())).all()
    today = today_local()
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
        refused = _refused(fair, "fairs.view", "danger", busy_error=scheduler_running())
        if refused:  # a scheduler run plans with the slots and tables
            return refused
        new_keys = {s.key for s in compute_slots(
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
            touch(fair)
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
        if today_local() > fair.registration_deadline:
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
    slots = fair_slots(fair)
    count = db.session.scalar(sa.select(sa.func.count(Participant.id)).where(Participant.fair_id == fair.id))
    me = None
    eligible = None
    if current_user.is_authenticated and current_user.firm_id:
        me = participant_of(fair, current_user.firm_id)
        eligible = firm_eligible(fair, current_user.firm)
    days = defaultdict(list)
    for s in slots:
        days[s.day].append(s)
    return render_template("fairs/view.html", fair=fair, slots=slots, days=dict(days), count=count, me=me,
                           eligible=eligible, registration_open=registration_is_open(fair),
                           requests_open=requests_are_open(fair),
                           followup_open=followup_is_open(fair), action_form=EmptyForm())
