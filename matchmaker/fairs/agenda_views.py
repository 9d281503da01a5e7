"""A participant's agenda (page, print, iCalendar) and the follow-up of its meetings."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, flash, render_template, request, url_for
from flask_babel import gettext as _

from .eligibility import followup_is_open

from .partners import fair_matches, reason_texts

from .slots import Slot, slot_map, to_utc, today_local
from ..deals.service import record_fair_deal
from ..extensions import db
from ..i18n import current_locale
from ..security import get_or_404
from .forms import FollowUpForm
from .ical import agenda_calendar
from .models import Fair, Meeting, Participant
from .views import _back, bp, participant_required


def _my_meetings(fair: Fair, me: Participant) -> list[tuple[Slot | None, Meeting]]:
    slots = slot_map(fair)
    ms = db.session.scalars(sa.select(Meeting).where(Meeting.fair_id == fair.id,
                                                     sa.or_(Meeting.a_id == me.id, Meeting.b_id == me.id))).all()
    # slot keys ("20270210T1000") sort in time order
    return [(slots.get(m.slot), m) for m in sorted(ms, key=lambda m: (m.slot, m.table_no))]


def _agenda_rows(fair: Fair, me: Participant) -> list[dict]:
    matches = fair_matches(fair)
    loc = current_locale()
    rows = []
    for slot, m in _my_meetings(fair, me):
        partner = m.partner(me.id)
        rec = matches.between(me.id, partner.id)
        why_offer, why_seek = reason_texts(rec, loc) if rec else ([], [])
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
            "start": to_utc(row["slot"].start),
            "end": to_utc(row["slot"].end),
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
                           open=followup_is_open(fair))


@bp.route("/<int:fair_id>/follow-up/<int:meeting_id>", methods=["POST"])
@participant_required
def record_followup(fair: Fair, me: Participant, meeting_id: int):
    m = get_or_404(Meeting, meeting_id)
    if m.fair_id != fair.id or not m.involves(me.id):
        abort(404)
    if not followup_is_open(fair):
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
        record_fair_deal(m, buyer, supplier, form.amount_jpy.data, today_local(), fair.name_ja)
    db.session.commit()
    flash(_("Thank you, the follow-up has been saved."), "success")
    return _back(fair, "fairs.followup")
