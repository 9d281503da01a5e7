"""New needs by mail: a member chooses what to hear about and how often; a link in each mail turns
the alert off in one click."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..formfields import clean_query, parse_id
from ..forms import EmptyForm
from ..security import firm_required
from . import service
from .models import FREQUENCIES, Alert

bp = Blueprint("alerts", __name__)
MAX_ALERTS = 20


def _mine():
    return db.session.scalars(db.select(Alert).where(Alert.user_id == current_user.id).order_by(Alert.id)).all()


@bp.route("/", methods=["GET", "POST"])
@firm_required
def index():
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        action = request.form.get("action")
        if action == "add":
            kind = request.form.get("kind")
            frequency = request.form.get("frequency")
            query = clean_query(request.form.get("query"), 200)
            if kind not in ("answerable", "search") or frequency not in FREQUENCIES or (kind == "search" and not query):
                flash(_("Choose what to hear about and how often; a search needs some words."), "danger")
            elif len(_mine()) >= MAX_ALERTS:
                flash(_("You have %(n)d alerts already; remove one first.", n=MAX_ALERTS), "danger")
            else:
                db.session.add(Alert(user_id=current_user.id, kind=kind, frequency=frequency,
                                     query=query if kind == "search" else ""))
                db.session.commit()
                flash(_("Alert saved: new needs come to %(email)s.", email=current_user.email), "success")
        else:
            alert = db.session.get(Alert, parse_id(request.form.get("id")) or 0)
            if alert is None or alert.user_id != current_user.id or action not in ("pause", "resume", "delete"):
                abort(404)
            if action == "delete":
                db.session.delete(alert)
            else:
                alert.active = action == "resume"
            db.session.commit()
        return redirect(url_for("alerts.index"))
    return render_template("alerts/index.html", alerts=_mine(), form=form, frequencies=FREQUENCIES,
                           query=clean_query(request.args.get("q"), 200))


@bp.route("/off/<token>", methods=["GET", "POST"])
def off(token: str):
    """From the mail: the alert stops at once (no sign-in needed; the signed link names one alert)."""
    alert = service.alert_from_token(token)
    if alert is None:
        abort(404)
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        alert.active = True
        db.session.commit()
        flash(_("The alert is on again."), "success")
    elif alert.active:
        alert.active = False
        db.session.commit()
    return render_template("alerts/off.html", alert=alert, form=form, token=token)
