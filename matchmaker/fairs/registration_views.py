"""A firm registers for a fair (availability, what it offers and seeks) or withdraws."""
from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from . import meeting_requests

from .eligibility import firm_eligible, participant_of, registration_is_open

from .partners import profile_texts, touch

from .slots import Slot, available_keys, fair_slots
from ..extensions import db
from ..forms import EmptyForm
from ..security import firm_required, verified_required
from .errors import FairError
from .forms import RegistrationForm
from .models import Fair, Participant
from .views import _back, _refused, _visible_fair, bp, participant_required, slot_label


def _slot_text(slot: Slot) -> str:
    return slot_label(slot)


@bp.route("/<int:fair_id>/register", methods=["GET", "POST"])
@firm_required
@verified_required
def register(fair_id: int):
    fair = _visible_fair(fair_id)
    firm = current_user.firm
    me = participant_of(fair, firm.id)
    if me is None and not firm_eligible(fair, firm):
        abort(403)
    if not registration_is_open(fair):
        flash(_("Registration for this fair is closed."), "warning")
        return _back(fair)
    slots = fair_slots(fair)
    form = RegistrationForm(obj=me)
    form.setup(slots, _slot_text)
    if request.method == "GET":
        if me is None:
            form.seeks.data, form.offers.data = profile_texts(firm)
        chosen = available_keys(me, slots) if me else [s.key for s in slots]
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
            touch(fair)
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
    if fair.schedule_published or not registration_is_open(fair):
        flash(_("Registration is closed; please contact the organizer to withdraw."), "warning")
        return _back(fair)
    try:
        meeting_requests.withdraw(fair, me, link=url_for("fairs.view", fair_id=fair.id))
    except FairError as e:
        db.session.rollback()
        flash(str(e), "warning")
        return _back(fair)
    db.session.commit()
    flash(_("Your firm no longer takes part in this fair. Its meeting requests are cancelled."), "success")
    return _back(fair)
