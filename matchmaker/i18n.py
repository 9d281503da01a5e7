"""Japanese and English through Flask-Babel.

The language is chosen by the signed-in user's setting, then the switcher (kept in the
session), then the browser's Accept-Language; Japanese is the default.
"""
from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale as babel_get_locale
from flask_babel import refresh
from flask_login import current_user

from .extensions import babel


def supported() -> list[str]:
    return list(current_app.config["MATCHMAKER_LANGUAGES"])


def select_locale() -> str:
    langs = supported()
    if not has_request_context():  # a command, a mail rendered with force_locale: the default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):  # the API reads no session: Accept-Language alone
        return request.accept_languages.best_match(langs) or current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in langs:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in langs:
        return chosen
    return request.accept_languages.best_match(langs) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def current_locale() -> str:
    loc = babel_get_locale()
    return loc.language if loc else "ja"


def init_babel(app) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    # Flask-Babel caches the locale on the application context; a request that reuses an outer
    # context (scripts, tests) must choose its own language again.
    app.before_request(refresh)
