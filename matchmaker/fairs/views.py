"""The fairs blueprint and what its pages share: template helpers, access decorators and small queries.

Three audiences: anyone (published fairs), organizers (everything about a fair), and members of
a participating firm (their own registration, requests, agenda and follow-up). Each concern's pages
are in their own module: events_views, registration_views, request_views, schedule_views and
agenda_views."""
from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_login import current_user

from .eligibility import participant_of

from .locking import claim_fair

from .slots import Slot, today_local
from ..extensions import db, login_manager
from ..i18n import current_locale
from ..models import Firm
from ..security import get_or_404, organizer_required
from .errors import FairError
from .models import Fair, Meeting, Participant


bp = Blueprint("fairs", __name__)


@bp.app_template_global("fair_name")
def _fair_name(fair: Fair) -> str:
    return fair.display_name(current_locale())


@bp.app_template_global()
def fair_ended(fair: Fair) -> bool:
    """After the fair's last day (in the fair's time zone)."""
    return fair.end_date < today_local()


@bp.app_template_global()
def slot_label(slot: Slot | None, with_date: bool = True) -> str:
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
        me = participant_of(fair, current_user.firm_id)
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
    """claim_fair for a view: None when the change may go ahead (in this transaction), else a
    redirect to `endpoint` with the reason flashed, nothing changed."""
    try:
        claim_fair(fair, **claim)
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
