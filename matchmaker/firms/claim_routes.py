"""Routes for taking over a listed firm (claims.py): invitations, "this is my firm" requests, the link."""
from __future__ import annotations

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from ..accounts import sessions
from ..accounts.forms import PasswordRules
from ..extensions import db, limiter
from ..formfields import no_control_chars
from ..forms import EmptyForm
from ..i18n import current_locale
from ..models import Firm, User, utcnow
from ..security import get_or_404, organizer_required
from . import claims
from .models import FirmClaim
from .routes import bp


class ClaimForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=100), no_control_chars])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200), PasswordRules()])
    password2 = PasswordField(
        _l("Repeat password"), validators=[DataRequired(), EqualTo("password", message=_l("Passwords do not match."))])


class ClaimRequestForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=100), no_control_chars])
    email = StringField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    message = TextAreaField(_l("How you belong to the firm (for the city's staff)"),
                            validators=[Optional(), Length(max=1000), no_control_chars])


def _request_limit() -> str:
    return current_app.config["MATCHMAKER_REGISTER_LIMIT"]


@bp.route("/<int:firm_id>/invite", methods=["POST"])
@organizer_required
def invite(firm_id: int):
    """Mail a claim invitation to the list's address (or the one the organizer typed)."""
    firm = get_or_404(Firm, firm_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not claims.invitable(firm):
        flash(_("This firm already has members."), "warning")
        return redirect(url_for("firms.view", firm_id=firm.id))
    try:
        email = validate_email((request.form.get("email") or firm.contact_email).strip(),
                               check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        flash(_("Please enter a valid e-mail address."), "danger")
        return redirect(url_for("firms.view", firm_id=firm.id))
    claims.invite(firm, email, current_user)
    db.session.commit()
    flash(_("The invitation was sent to %(email)s.", email=email), "success")
    return redirect(url_for("firms.view", firm_id=firm.id))


@bp.route("/claims", methods=["GET", "POST"])
@organizer_required
def claim_requests():
    """"This is my firm" requests to decide, and the invitation of every listed firm at once."""
    form = EmptyForm()
    if form.validate_on_submit():
        action = request.form.get("action")
        if action == "invite_all":
            n = claims.invite_all(current_user)
            db.session.commit()
            flash(_("%(n)d invitations were sent.", n=n), "success")
        elif action in ("approve", "reject"):
            claim = db.session.get(FirmClaim, request.form.get("claim", type=int) or 0)
            if claim is None or claim.kind != "request" or claim.status != "pending":
                flash(_("This request has already been decided."), "info")
            elif action == "approve":
                claims.send_link(claim, current_locale())
                db.session.commit()
                flash(_("The link was sent to %(email)s.", email=claim.email), "success")
            else:
                claim.status, claim.decided_at = "rejected", utcnow()
                db.session.commit()
                flash(_("The request was declined."), "info")
        return redirect(url_for("firms.claim_requests"))
    pending = db.session.scalars(sa.select(FirmClaim).where(FirmClaim.kind == "request", FirmClaim.status == "pending")
                                 .order_by(FirmClaim.created_at)).all()
    return render_template("firms/claim_requests.html", pending=pending, form=form)


@bp.route("/<int:firm_id>/this-is-my-firm", methods=["GET", "POST"])
@limiter.limit(_request_limit, methods=["POST"])
def request_claim(firm_id: int):
    """"This is my firm": anyone may ask; an organizer decides and, if right, mails the link."""
    firm = get_or_404(Firm, firm_id)
    if not claims.invitable(firm):
        abort(404)
    form = ClaimRequestForm()
    if form.validate_on_submit():
        db.session.add(FirmClaim(firm_id=firm.id, kind="request", status="pending", name=form.name.data.strip(),
                                 email=User.normalize_email(form.email.data), message=(form.message.data or "").strip()))
        db.session.commit()
        flash(_("Thank you. The city's staff will check your request and send you a link by mail."), "success")
        return redirect(url_for("firms.view", firm_id=firm.id))
    return render_template("firms/claim_request.html", firm=firm, form=form)


@bp.route("/<int:firm_id>/claim/<token>", methods=["GET", "POST"])
def claim(firm_id: int, token: str):
    """The mailed link: create an account as the firm's member, then check and complete the profile."""
    firm = get_or_404(Firm, firm_id)
    found = claims.live_claim(firm.id, token)
    if found is None or not claims.invitable(firm):
        return render_template("firms/claim_gone.html", firm=firm), 410
    taken = db.session.scalar(sa.select(User.id).where(User.email == found.email)) is not None
    form = ClaimForm()
    if not taken and form.validate_on_submit():
        if not claims.use(found):  # the same link posted twice at once
            db.session.rollback()
            return render_template("firms/claim_gone.html", firm=firm), 410
        user = User(email=found.email, name=form.name.data.strip(), role="member", firm_id=firm.id,
                    locale=current_locale(), email_verified_at=utcnow())  # the link came to this address
        user.set_password(form.password.data)
        db.session.add(user)
        db.session.flush()
        found.user_id = user.id
        db.session.commit()
        sessions.start(user)
        flash(_("Welcome! Please check the data the city listed and complete your profile."), "success")
        return redirect(url_for("firms.edit", firm_id=firm.id))
    return render_template("firms/claim.html", firm=firm, form=form, email=found.email, taken=taken)
