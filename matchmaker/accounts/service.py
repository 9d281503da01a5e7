"""Account rules shared by the pages, the admin pages and the command line: links we mail (confirm
an address, reset a password), and deleting an account or a whole firm."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..mail import send_mail
from ..models import Firm, Need, Offering, User, utcnow
from ..urls import site_url
from .models import AccountToken, UserSession


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, purpose: str, hours: float) -> str:
    """A new single-use link token for `user`; earlier unused ones for the same purpose stop working."""
    now = utcnow()
    db.session.execute(sa.update(AccountToken).where(AccountToken.user_id == user.id, AccountToken.purpose == purpose,
                                                     AccountToken.used_at.is_(None)).values(used_at=now))
    raw = secrets.token_urlsafe(32)
    db.session.add(AccountToken(user_id=user.id, purpose=purpose, token_hash=_hash(raw),
                                expires_at=now + timedelta(hours=hours)))
    return raw


def token_user(raw: str, purpose: str) -> User | None:
    """The user a live (unused, unexpired) token belongs to, without using it."""
    row = _live_token(raw, purpose)
    return row.user if row is not None else None


def use_token(raw: str, purpose: str) -> User | None:
    """Use a token once: the user it belongs to, or None (unknown, expired or already used). Two
    requests with the same link at once: only one gets the user (conditional update)."""
    row = _live_token(raw, purpose)
    if row is None:
        return None
    res = db.session.execute(sa.update(AccountToken).where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
                             .values(used_at=utcnow()))
    return row.user if res.rowcount == 1 else None


def _live_token(raw: str, purpose: str) -> AccountToken | None:
    if not raw or len(raw) > 100:
        return None
    row = db.session.scalar(sa.select(AccountToken).where(AccountToken.token_hash == _hash(raw),
                                                          AccountToken.purpose == purpose))
    if row is None or row.used_at is not None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=utcnow().tzinfo)
    return row if expires > utcnow() else None


# ------------------------------------------------------------------ e-mail address


def send_verification(user: User) -> None:
    hours = float(current_app.config["MATCHMAKER_VERIFY_EMAIL_HOURS"])
    raw = issue_token(user, "verify_email", hours)
    send_mail(user.email, "verify_email", user.locale, user=user, link=site_url("accounts.verify", token=raw),
              hours=int(hours))


def mark_verified(user: User) -> None:
    """The address is confirmed; the user's firm is published if it was waiting for it."""
    now = utcnow()
    if user.email_verified_at is None:
        user.email_verified_at = now
    firm = user.firm
    if firm is not None and firm.published_at is None and firm.deleted_at is None:
        firm.published_at = now


def send_password_reset(user: User) -> None:
    hours = float(current_app.config["MATCHMAKER_RESET_PASSWORD_HOURS"])
    raw = issue_token(user, "reset_password", hours)
    send_mail(user.email, "reset_password", user.locale, user=user,
              link=site_url("accounts.reset_password", token=raw), hours=int(hours))


# ------------------------------------------------------------------ deleting


def delete_user(user: User) -> None:
    """Delete an account and what only it owns (sessions, links, its notifications), in the current transaction."""
    from ..alerts.models import Alert
    from ..fairs.models import Fair
    from ..notifications.models import EmailPreference, Notification
    from ..idempotency import FormSubmission
    from ..legal.models import LegalAcceptance, LegalDocument

    uid = user.id
    for model in (UserSession, AccountToken, FormSubmission, Notification, EmailPreference, Alert, LegalAcceptance):
        db.session.execute(sa.delete(model).where(model.user_id == uid))
    db.session.execute(sa.update(Fair).where(Fair.created_by_id == uid).values(created_by_id=None))
    db.session.execute(sa.update(LegalDocument).where(LegalDocument.created_by_id == uid).values(created_by_id=None))
    db.session.delete(user)


def last_member(user: User) -> bool:
    if user.firm_id is None:
        return False
    others = db.session.scalar(sa.select(sa.func.count(User.id)).where(User.firm_id == user.firm_id, User.id != user.id))
    return others == 0


def delete_firm(firm: Firm) -> None:
    """Delete a firm, its listings and its members' accounts in the current transaction.

    Other firms' records that name it (past fair meetings, deals) keep the row, anonymised:
    no name, text, address or contact remains, and it is shown nowhere."""
    from ..notifications.models import Notification

    for user in list(firm.members):
        delete_user(user)
    for model in (Offering, Need):
        for row in db.session.scalars(sa.select(model).where(model.firm_id == firm.id)):
            db.session.delete(row)
    db.session.execute(sa.delete(Notification).where(Notification.firm_id == firm.id))
    from ..files.media import remove_all

    remove_all(firm.id)  # logo, photos, catalogue (their bytes once this commits)
    firm.facets = []
    firm.name, firm.name_en, firm.name_kana = "（削除された企業）", "(deleted firm)", ""
    firm.description_ja = firm.description_en = firm.website = firm.address = ""
    firm.latitude = firm.longitude = None
    firm.employees, firm.founded_year = "", None
    firm.published_at = None
    firm.deleted_at = utcnow()
