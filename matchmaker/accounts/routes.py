"""Register (user and firm in one step), confirm the address, log in and out, reset a password,
account settings, delete an account (and the firm of its last member)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.security import check_password_hash, generate_password_hash

from .. import reference
from ..extensions import db, limiter
from ..firms.service import apply_location, city_error
from ..formfields import options
from ..forms import EmptyForm
from ..i18n import current_locale
from ..legal import service as legal
from ..mail import send_mail
from ..models import Firm, User
from ..security import safe_next_url
from ..urls import site_url
from . import service, sessions
from .forms import (ApiTokenForm, DeleteAccountForm, ForgotPasswordForm, LoginForm, PasswordForm, RegisterForm,
                    ResetPasswordForm, SettingsForm)

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["MATCHMAKER_LOGIN_LIMIT"]


def _login_address_limit() -> str:
    return current_app.config["MATCHMAKER_LOGIN_ADDRESS_LIMIT"]


def _register_limit() -> str:
    return current_app.config["MATCHMAKER_REGISTER_LIMIT"]


def _reset_limit() -> str:
    return current_app.config["MATCHMAKER_PASSWORD_RESET_LIMIT"]


def _account_key() -> str:
    """Rate-limit key of the account a form names (sign-in attempts and reset mails are counted per account)."""
    return "account:" + User.normalize_email(request.form.get("email", ""))[:254]


_dummy_hash: list[str] = []


def _spend_like_a_password_check(password: str) -> None:
    """An unknown address takes as long as a wrong password (no telling accounts apart by timing)."""
    if not _dummy_hash:
        _dummy_hash.append(generate_password_hash("not-a-password-of-anyone", method="scrypt"))
    check_password_hash(_dummy_hash[0], password or "")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_address_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_account_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(User).where(User.email == User.normalize_email(form.email.data)))
        if user is None:
            _spend_like_a_password_check(form.password.data)
        if user is None or not user.check_password(form.password.data) or not user.active:
            flash(_("Wrong email or password."), "danger")
        else:
            sessions.start(user, remember=form.remember.data)
            flash(_("Welcome back, %(name)s.", name=user.name), "success")
            return redirect(safe_next_url(request.args.get("next")) or url_for("firms.dashboard"))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    sessions.end_current()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("firms.dashboard"))
    form = RegisterForm()
    form.country.choices = options(reference.country_choices(current_locale()))
    form.industries.choices = reference.industry_select_choices(current_locale(), form.industries.data)
    if request.method == "GET":
        form.locale.data = current_locale()
    shown = {kind: legal.current(kind) for kind in legal.ACCEPTED_AT_REGISTRATION}
    if form.validate_on_submit():
        problem = city_error(form.city.data, form.country.data)
        changed = [k for k, doc in shown.items() if getattr(form, f"{k}_version").data != str(doc.version)]
        if problem:
            form.city.errors.append(problem)
        elif changed:
            form.accept_terms.errors.append(_("The terms of use or the privacy policy changed while you were "
                                              "registering. Please read them again and confirm."))
        else:
            email = User.normalize_email(form.email.data)
            existing = db.session.scalar(sa.select(User).where(User.email == email))
            if existing is not None:
                # Same page, same work, as for a new account; the owner of the address is told by mail.
                generate_password_hash(form.password.data, method="scrypt")
                send_mail(existing.email, "account_exists", existing.locale, user=existing,
                          login=site_url("accounts.login"), forgot=site_url("accounts.forgot_password"))
                db.session.commit()
            else:
                _create_account(form, email, {k: doc.version for k, doc in shown.items()})
            return render_template("accounts/check_email.html", email=email)
    form.terms_version.data = str(shown["terms"].version)
    form.privacy_version.data = str(shown["privacy"].version)
    return render_template("accounts/register.html", form=form)


def _create_account(form: RegisterForm, email: str, accepted: dict[str, int]) -> None:
    firm = Firm(
        name=form.firm_name.data.strip(),
        name_en=(form.firm_name_en.data or "").strip(),
        city=form.city.data.strip(),
        country=form.country.data,
        languages=["ja"] if form.country.data == "JP" else ["en"],
    )
    firm.industries = form.industries.data
    apply_location(firm)
    user = User(email=email, name=form.name.data.strip(), role="member", locale=form.locale.data, firm=firm)
    user.set_password(form.password.data)
    db.session.add_all([firm, user])
    db.session.flush()
    legal.record_acceptance(user, accepted)
    service.send_verification(user)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same address registered at the same moment: one account only
        db.session.rollback()


@bp.route("/verify/<token>")
def verify(token: str):
    """The link we mailed: confirms the address (it does not sign anyone in: mail scanners open links too)."""
    user = service.use_token(token, "verify_email")
    if user is None:
        db.session.rollback()
        flash(_("This link has expired or was already used. Log in to get a new one."), "warning")
        return redirect(url_for("accounts.login"))
    service.mark_verified(user)
    db.session.commit()
    flash(_("Thank you: your email address is confirmed and your firm is now listed."), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("firms.dashboard"))
    return redirect(url_for("accounts.login"))


@bp.route("/verify", methods=["POST"])
@login_required
@limiter.limit(_reset_limit, key_func=lambda: f"verify:{current_user.id}")
def resend_verification():
    if not EmptyForm().validate_on_submit():
        flash(_("Your form expired. Please try again."), "danger")
    elif current_user.email_verified:
        flash(_("Your email address is already confirmed."), "info")
    else:
        service.send_verification(current_user)
        db.session.commit()
        flash(_("We sent a new link to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("firms.dashboard"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_address_limit, methods=["POST"])
@limiter.limit(_reset_limit, methods=["POST"], key_func=_account_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(User).where(User.email == User.normalize_email(form.email.data)))
        if user is not None and user.active:
            service.send_password_reset(user)
            db.session.commit()
        # The same answer whether or not the address has an account.
        return render_template("accounts/check_email.html", email=User.normalize_email(form.email.data), reset=True)
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = service.token_user(token, "reset_password")
    if user is None:
        flash(_("This link has expired or was already used. Ask for a new one."), "warning")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        if service.use_token(token, "reset_password") is None:  # used by a concurrent request meanwhile
            db.session.rollback()
            flash(_("This link has expired or was already used. Ask for a new one."), "warning")
            return redirect(url_for("accounts.forgot_password"))
        user.set_password(form.password.data)
        service.mark_verified(user)  # following the link proves the address too
        sessions.end_all(user.id)
        db.session.commit()
        if current_user.is_authenticated:
            sessions.end_current()
        flash(_("Your password has been changed. Please log in with the new one."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, user=user)


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
            sessions.end_others(current_user)  # a stolen session or remember cookie stops working
            db.session.commit()
            flash(_("Your password has been changed. You were signed out everywhere else."), "success")
            return redirect(url_for("accounts.settings"))
    return _settings_page(form, pw_form)


def _settings_page(form=None, pw_form=None, token_form=None, new_token: str | None = None, status: int = 200):
    from ..api import tokens

    form = form or SettingsForm(obj=current_user)
    token_form = token_form or ApiTokenForm(prefix="tok")
    if not current_user.is_organizer:
        del token_form.scope_organizer
    return render_template("accounts/settings.html", form=form, pw_form=pw_form or PasswordForm(prefix="pw"),
                           verify_form=EmptyForm(), token_form=token_form, revoke_form=EmptyForm(prefix="rev"),
                           api_tokens=tokens.of_user(current_user), token_state=tokens.state,
                           new_token=new_token), status


@bp.route("/tokens", methods=["POST"])
@login_required
def create_token():
    """A personal access token for the API; the page that answers shows it once, never again."""
    from ..api import tokens

    form = ApiTokenForm(prefix="tok")
    if not current_user.is_organizer:
        del form.scope_organizer
    if not form.validate_on_submit():
        return _settings_page(token_form=form, status=400)
    scopes = [s for s in ("read", "write", "organizer")
              if getattr(form, f"scope_{s}", None) is not None and getattr(form, f"scope_{s}").data]
    if not scopes:
        form.scope_read.errors.append(_("Choose at least one scope."))
        return _settings_page(token_form=form, status=400)
    if tokens.live_count(current_user) >= tokens.MAX_TOKENS_PER_USER:
        form.token_name.errors.append(_("You have too many tokens. Please revoke one you no longer use."))
        return _settings_page(token_form=form, status=400)
    _token, raw = tokens.create(current_user, form.token_name.data, scopes, int(form.expires.data or 0) or None)
    db.session.commit()
    # Rendered, not redirected: the raw token is never stored anywhere, not even in a flash message.
    return _settings_page(new_token=raw)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    from ..api import tokens

    form = EmptyForm(prefix="rev")
    if form.validate_on_submit() and tokens.revoke(current_user, token_id):
        db.session.commit()
        flash(_("The token was revoked; programs using it can no longer connect."), "success")
    return redirect(url_for("accounts.settings"))


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    last = service.last_member(current_user)
    firm = current_user.firm
    if form.validate_on_submit():
        if not current_user.check_password(form.password.data):
            form.password.errors.append(_("Wrong password."))
        elif current_user.is_admin and _last_admin(current_user):
            flash(_("You are the last admin: give another account the admin role first."), "danger")
        else:
            delete_firm = bool(last and firm is not None and form.delete_firm.data)
            if delete_firm:
                service.delete_firm(firm)
            else:
                service.delete_user(current_user._get_current_object())
            db.session.commit()
            sessions.end_current()
            session.clear()
            flash(_("Your account has been deleted.") + (" " + _("Your firm has been deleted.") if delete_firm else ""),
                  "success")
            return redirect(url_for("main.index"))
    return render_template("accounts/delete.html", form=form, last=last, firm=firm)


def _last_admin(user: User) -> bool:
    return db.session.scalar(sa.select(sa.func.count(User.id)).where(User.role == "admin", User.id != user.id)) == 0


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
