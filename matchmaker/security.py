"""Sign-in, roles and HTTP hardening."""
from __future__ import annotations

import os

import unicodedata
from functools import wraps
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import abort, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from flask_login import current_user, user_logged_out

from .extensions import db, login_manager
from .formfields import parse_id


class SessionInterface(SecureCookieSessionInterface):
    """Session cookie marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app) -> bool:
        if app.config.get("SESSION_COOKIE_SECURE"):
            return True
        try:
            return request.is_secure
        except RuntimeError:  # outside a request
            return False


def init_security(app) -> None:
    from .models import User

    app.session_interface = SessionInterface()
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    from .accounts import sessions

    login_manager.user_loader(sessions.load)
    app.teardown_request(sessions.write_after_request)

    if app.config.get("MATCHMAKER_PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    warn_about_deployment(app)

    user_logged_out.connect(_note_signed_out)

    @app.after_request
    def security_headers(response):
        if request.is_secure:
            _secure_remember_cookie(response)
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if _signed_in_response():
            response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        )
        return response


def _note_signed_out(sender, **extra) -> None:
    g.signed_out = True


def _signed_in_response() -> bool:
    """The response is for a signed-in user, or signs one in or out: no browser or proxy may keep it.

    Static files, and responses a view marks with g.same_for_everyone (reference data, public firms'
    pictures), are the same for everyone and stay cacheable. Decided from the session, with no
    database query, so it holds on error pages too.
    """
    if (request.endpoint or "").rpartition(".")[2] == "static" or g.get("same_for_everyone", False):
        return False
    return ("_user_id" in session or g.get("signed_out", False)
            or login_manager_cookie_name() in request.cookies)


def _secure_remember_cookie(response) -> None:
    """Flask-Login's "keep me signed in" cookie gets the Secure flag whenever the request came over HTTPS."""
    name = login_manager_cookie_name()
    headers = response.headers.getlist("Set-Cookie")
    if not any(h.startswith(name + "=") for h in headers):
        return
    response.headers.remove("Set-Cookie")
    for h in headers:
        if h.startswith(name + "=") and "; secure" not in h.lower():
            h += "; Secure"
        response.headers.add("Set-Cookie", h)


def login_manager_cookie_name() -> str:
    from flask import current_app

    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")


def role_required(*roles: str):
    """Only users with one of `roles` pass; anonymous users are sent to log in, others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


organizer_required = role_required("organizer", "admin")
admin_required = role_required("admin")


def firm_required(view):
    """The signed-in user must belong to a firm (organizer accounts may not)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.firm_id is None:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def get_or_404(model, ident):
    # Ids come from the URL; one beyond the integer column's range would fail in the database.
    ident = parse_id(ident)
    if ident is None:
        abort(404)
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def require_own_firm(firm_id: int) -> None:
    """403 unless the signed-in user belongs to the firm that owns the row."""
    if not current_user.is_authenticated or current_user.firm_id != firm_id:
        abort(403)


def safe_next_url(target: str | None) -> str | None:
    """Only plain same-site paths are followed after login: no open redirect, and no control
    character or white space (CR/LF would split the Location header; browsers drop tabs, so
    "/\t/evil.example" would become "//evil.example")."""
    if not target or any(unicodedata.category(ch)[0] in "CZ" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def verified_required(view):
    """The signed-in member must have confirmed the e-mail address before publishing anything."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.email_verified:
            from flask import flash, redirect, url_for
            from flask_babel import gettext as _

            flash(_("Please confirm your email address first: follow the link we sent you (or ask for a new one "
                    "on this page)."), "warning")
            return redirect(url_for("firms.dashboard"))
        return view(*args, **kwargs)

    return wrapped


def _bound_behind_a_proxy(args: list[str]) -> bool:
    """Whether a server's command line binds a loopback address or a Unix socket (only a proxy reaches it)."""
    binds = []
    for i, a in enumerate(args):
        if a in ("-b", "--bind", "--socket", "--http") and i + 1 < len(args):
            binds.append(args[i + 1])
        elif a.startswith(("--bind=", "--socket=", "--http=")):
            binds.append(a.split("=", 1)[1])
        elif a.startswith("-b") and len(a) > 2:
            binds.append(a[2:])
    return any(b.startswith(("127.", "localhost", "unix:", "[::1]", "/")) for b in binds)


def warn_about_deployment(app) -> None:
    """Say so, loudly and once, when the site runs in a way that quietly weakens its protection."""
    import sys

    multi_process = any(name in sys.modules for name in ("gunicorn", "uwsgi"))
    if multi_process and str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
        app.logger.warning(
            "Rate limits are kept in this process's memory: with several worker processes each counts on its own, "
            "so sign-in and search limits are multiplied by the number of workers. Set REDIS_URL (see the README's "
            "production section).")
    if app.config.get("MATCHMAKER_PROXY_FIX"):
        return
    if multi_process and _bound_behind_a_proxy(sys.argv[1:] + os.environ.get("GUNICORN_CMD_ARGS", "").split()):
        app.logger.warning(
            "MATCHMAKER_PROXY_FIX is not set, but the server listens on a loopback address or a socket, as it does "
            "behind a reverse proxy: then every client looks like the proxy and the whole city shares one client's "
            "rate limits (60 searches a minute). Set MATCHMAKER_PROXY_FIX=true behind a proxy (README, production).")
    warned: list[bool] = []

    @app.before_request
    def proxy_warning():
        if not warned and request.headers.get("X-Forwarded-For"):
            warned.append(True)
            app.logger.warning(
                "Requests come through a reverse proxy (X-Forwarded-For) but MATCHMAKER_PROXY_FIX is not set: every "
                "client looks like the proxy, so all users share one rate limit. Set MATCHMAKER_PROXY_FIX=true.")
