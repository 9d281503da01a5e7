"""Register (user and firm in one step), log in, log out, account settings."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import reference
from ..extensions import db, limiter
from ..firms.service import apply_location, city_error
from ..formfields import options
from ..i18n import current_locale
from ..models import Firm, User, utcnow
from .forms import LoginForm, PasswordForm, RegisterForm, SettingsForm
from ..security import safe_next_url

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["MATCHMAKER_LOGIN_LIMIT"]


def _register_limit() -> str:
    return current_app.config["MATCHMAKER_REGISTER_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(User).where(User.email == User.normalize_email(form.email.data)))
        if user is None or not user.check_password(form.password.data) or not user.active:
            flash(_("Wrong email or password."), "danger")
        else:
            login_user(user, remember=form.remember.data)
            user.last_login_at = utcnow()
            db.session.commit()
            flash(_("Welcome back, %(name)s.", name=user.name), "success")
            return redirect(safe_next_url(request.args.get("next")) or url_for("firms.dashboard"))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("firms.dashboard"))
    form = RegisterForm()
    form.country.choices = options(reference.country_choices(current_locale()))
    form.industries.choices = options(reference.industry_choices(current_locale()))
    if request.method == "GET":
        form.locale.data = current_locale()
    if form.validate_on_submit():
        problem = city_error(form.city.data, form.country.data)
        if problem:
            form.city.errors.append(problem)
        else:
            firm = Firm(
                name=form.firm_name.data.strip(),
                name_en=(form.firm_name_en.data or "").strip(),
                city=form.city.data.strip(),
                country=form.country.data,
                languages=["ja"] if form.country.data == "JP" else ["en"],
            )
            firm.industries = form.industries.data
            apply_location(firm)
            user = User(
                email=User.normalize_email(form.email.data), name=form.name.data.strip(), role="member",
                locale=form.locale.data, firm=firm,
            )
            user.set_password(form.password.data)
            db.session.add_all([firm, user])
            db.session.commit()
            login_user(user)
            flash(_("Your account has been created. Complete your company profile so buyers can find you."), "success")
            return redirect(url_for("firms.edit", firm_id=firm.id))
    return render_template("accounts/register.html", form=form)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(obj=current_user)
    pw_form = PasswordForm(prefix="pw")
    if "submit" in request.form and form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.locale = form.locale.data
        db.session.commit()
        flash(_("Your settings have been saved."), "success")
        return redirect(url_for("accounts.settings"))
    if "pw-submit" in request.form and pw_form.validate_on_submit():
        if not current_user.check_password(pw_form.current.data):
            pw_form.current.errors.append(_("Wrong password."))
        else:
            current_user.set_password(pw_form.password.data)
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.settings"))
    return render_template("accounts/settings.html", form=form, pw_form=pw_form)


@bp.route("/language", methods=["POST"])
def set_language():
    """The language switcher: remembered in the session, and in the account when signed in."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["MATCHMAKER_LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next_url(request.form.get("next")) or url_for("main.index"))
