"""Signed-in sessions kept on the server, so that they can be ended.

The session cookie (and the "keep me signed in" cookie) names the user and a random session
token; the server keeps only the token's hash, in ``user_sessions``. Logging out deletes that row,
which ends the session for every copy of the cookie; a password change or reset ends every other
session of the account. Each login gets a new token, so remember-me cookies differ per login.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g, session
from flask_login import current_user, login_user, logout_user

from ..extensions import db
from ..models import User, utcnow
from .models import UserSession

TOUCH_EVERY = timedelta(minutes=5)  # how often "last seen" is written
IDLE_LIMIT = timedelta(days=14)  # a session not used this long ends (unless "keep me signed in")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, remember: bool = False) -> None:
    """Sign `user` in with a new server-side session; the CSRF token changes too (no fixation)."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_hash(token), remember=remember))
    user.last_login_at = utcnow()
    db.session.commit()
    user.session_token = token
    _new_csrf_token()
    login_user(user, remember=remember)


def load(cookie_id: str) -> User | None:
    """Flask-Login's user loader: the user of a live session named by the cookie, else None."""
    uid, _, token = (cookie_id or "").partition(":")
    if not uid.isdigit() or not token or len(token) > 100:
        return None
    row = db.session.scalar(sa.select(UserSession).where(UserSession.token_hash == _hash(token)))
    if row is None or row.user_id != int(uid):
        return None
    now = utcnow()
    seen = row.last_seen_at if row.last_seen_at.tzinfo else row.last_seen_at.replace(tzinfo=now.tzinfo)
    limit = timedelta(seconds=int(current_app.config["REMEMBER_COOKIE_DURATION"])) if row.remember else IDLE_LIMIT
    if now - seen > limit:
        g.session_write = sa.delete(UserSession).where(UserSession.id == row.id)
        return None
    if now - seen > TOUCH_EVERY:
        g.session_write = sa.update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now)
    user = row.user
    user.session_token = token
    return user


def end_rows(statement) -> None:
    """Run one change to the sessions table in its own short transaction (not the request's)."""
    with db.engine.begin() as conn:
        conn.execute(statement)


def write_after_request(exc=None) -> None:
    """Teardown: "last seen" or the end of an expired session, written once the view is done."""
    statement = g.pop("session_write", None)
    if statement is not None:
        try:
            end_rows(statement)
        except sa.exc.SQLAlchemyError:  # a busy database: the next request tries again
            current_app.logger.warning("could not record the session's last use", exc_info=True)


def end_current() -> None:
    """Log out: this session ends on the server, whoever holds a copy of its cookie."""
    token = getattr(current_user, "session_token", None) if current_user.is_authenticated else None
    if token:
        end_rows(sa.delete(UserSession).where(UserSession.token_hash == _hash(token)))
    logout_user()
    _new_csrf_token()


def _new_csrf_token() -> None:
    """Forget the CSRF token (in the session and this request's cache): Flask-WTF makes a new one for the
    next form, so a token seen before signing in is worthless after it."""
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(name, None)
    g.pop(name, None)


def end_others(user: User) -> None:
    """Every session of `user` but the current one ends (after a password change)."""
    keep = _hash(user.session_token) if user.session_token else ""
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id, UserSession.token_hash != keep))


def end_all(user_id: int) -> None:
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user_id))
