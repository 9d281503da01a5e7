"""The organizer's schedule: the scheduler run, publishing, locks and hand moves, the CSV, table
cards and the fair's figures."""
from __future__ import annotations

from collections import Counter, defaultdict

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from . import schedule

from .figures import fair_figures

from .locking import scheduler_running, scheduler_time_limit

from .schedule import accepted_requests, meeting_problem, run_scheduler, schedule_conflicts

from .slots import fair_slots, slot_map
from ..extensions import db
from ..formfields import options
from ..forms import EmptyForm
from ..i18n import current_locale
from ..security import get_or_404
from ..spreadsheet import csv_response
from ..wording import scheduling_reason
from .errors import FairError
from .forms import MoveForm
from .models import OUTCOMES, Fair, Meeting
from .views import _back, _meetings, _participants, _refused, bp, organizer_fair, slot_label
from .warnings import schedule_warnings


@bp.route("/<int:fair_id>/schedule", endpoint="schedule")
@organizer_fair
def schedule_page(fair: Fair):
    slots = fair_slots(fair)
    meetings = _meetings(fair)
    grid = {(m.slot, m.table_no): m for m in meetings}
    people = _participants(fair)
    counts = Counter()
    for m in meetings:
        counts[m.a_id] += 1
        counts[m.b_id] += 1
    accepted = accepted_requests(fair)
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
                           time_limit=scheduler_time_limit(), conflicts=conflicts,
                           conflicting={c["m"].id for c in conflicts}, warnings=schedule_warnings(fair))


def _conflict_rows(fair: Fair) -> list[dict]:
    """The schedule's conflicts (schedule_conflicts) in the reader's language, each with a link
    to where it is resolved."""
    loc = current_locale()
    slots = slot_map(fair)
    rows = []
    for c in schedule_conflicts(fair):
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
        result = run_scheduler(fair)
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
        schedule.publish_schedule(fair, link=url_for("fairs.agenda", fair_id=fair.id))
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
    refused = _refused(fair, "fairs.schedule", "danger", busy_error=scheduler_running())
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
    slots = fair_slots(fair)
    form = MoveForm(obj=None)
    form.slot.choices = options((s.key, slot_label(s)) for s in slots)
    if request.method == "GET":
        form.slot.data, form.table.data = m.slot, m.table_no
    if form.validate_on_submit():
        if fair.schedule_published:
            flash(_("The schedule is published; unpublish it before changing meetings."), "danger")
            return _back(fair, "fairs.schedule")
        refused = _refused(fair, "fairs.schedule", "danger", busy_error=scheduler_running())
        if refused:
            return refused
        problem = meeting_problem(fair, m, form.slot.data, form.table.data)
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
                           slots=slot_map(fair))


@bp.route("/<int:fair_id>/schedule.csv")
@organizer_fair
def schedule_csv(fair: Fair):
    slots = slot_map(fair)
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
    slots = fair_slots(fair)
    by_slot = defaultdict(list)
    for m in _meetings(fair):
        by_slot[m.slot].append(m)
    pages = [(s, by_slot[s.key]) for s in slots if by_slot.get(s.key)]
    return render_template("fairs/table_cards.html", fair=fair, pages=pages)


@bp.route("/<int:fair_id>/figures", endpoint="figures")
@organizer_fair
def figures_page(fair: Fair):
    return render_template("fairs/figures.html", fair=fair, fig=fair_figures(fair), outcomes=OUTCOMES)
