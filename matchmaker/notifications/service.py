"""Telling people: one notification on the site for the firm (or user), and a mail to each member who
did not switch that group off, in each member's language, through the outbox (sent after commit)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import force_locale

from ..extensions import db
from ..mail import send_mail
from ..models import User, utcnow
from ..urls import site_url_for_path
from .models import EmailPreference, Notification
from .texts import group_of, text


def names(obj) -> dict[str, str]:
    """A thing's name in both languages (a fair, a firm, a request)."""
    from ..fairs.models import Fair

    if isinstance(obj, Fair):
        return {"ja": obj.name_ja, "en": obj.name_en or obj.name_ja}
    if hasattr(obj, "name"):
        return {"ja": obj.name, "en": getattr(obj, "name_en", "") or obj.name}
    title = getattr(obj, "title", str(obj))
    return {"ja": title, "en": title}


def notify(firm_id: int | None = None, user_id: int | None = None, *, key: str, link: str = "", email: bool = True,
           **things) -> Notification:
    """Tell a firm's members (or one user). ``things``: named objects or values shown in the text."""
    params = {k: (v if isinstance(v, (str, int, float)) else names(v)) for k, v in things.items() if v is not None}
    n = Notification(firm_id=firm_id, user_id=user_id, key=key, link=link[:300], params=params)
    db.session.add(n)
    if email:
        for user in _recipients(firm_id, user_id, group_of(key)):
            with force_locale(user.locale):
                subject = text(key, params, user.locale)
            send_mail(user.email, "notification", user.locale, user=user, subject=subject,
                      link=site_url_for_path(link) if link else "", settings=site_url_for_path("/notifications/settings"))
    return n


def _recipients(firm_id: int | None, user_id: int | None, group: str) -> list[User]:
    cond = User.id == user_id if user_id is not None else User.firm_id == firm_id
    users = db.session.scalars(sa.select(User).where(cond, User.active.is_(True))).all()
    if not users:
        return []
    off = set(db.session.scalars(sa.select(EmailPreference.user_id).where(
        EmailPreference.user_id.in_([u.id for u in users]), EmailPreference.group == group,
        EmailPreference.email.is_(False))))
    return [u for u in users if u.id not in off and u.email_verified]


def for_user(user):
    """The notifications a user sees: their own and their firm's."""
    cond = Notification.user_id == user.id
    if user.firm_id is not None:
        cond = sa.or_(cond, Notification.firm_id == user.firm_id)
    return sa.select(Notification).where(cond)


def unread_count(user) -> int:
    q = for_user(user).where(Notification.read_at.is_(None))
    return db.session.scalar(sa.select(sa.func.count()).select_from(q.subquery())) or 0


def mark_read(user, notification_id: int | None = None) -> Notification | None:
    """Mark the user's notifications (or one of them) read; the one, if it is the user's."""
    query = for_user(user)
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    mine = db.session.scalars(query.where(Notification.read_at.is_(None)).with_only_columns(Notification.id)).all()
    if mine:
        db.session.execute(sa.update(Notification).where(Notification.id.in_(mine)).values(read_at=utcnow()),
                           execution_options={"synchronize_session": False})
    if notification_id is None:
        return None
    return db.session.scalar(query)


def email_settings(user) -> dict[str, bool]:
    from .texts import GROUPS

    rows = {p.group: p.email for p in db.session.scalars(sa.select(EmailPreference).where(EmailPreference.user_id == user.id))}
    return {g: rows.get(g, True) for g in GROUPS}


def set_email_settings(user, wanted: dict[str, bool]) -> None:
    from .texts import GROUPS

    rows = {p.group: p for p in db.session.scalars(sa.select(EmailPreference).where(EmailPreference.user_id == user.id))}
    for group in GROUPS:
        value = bool(wanted.get(group, False))
        row = rows.get(group)
        if row is None:
            db.session.add(EmailPreference(user_id=user.id, group=group, email=value))
        else:
            row.email = value
