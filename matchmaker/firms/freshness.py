"""How fresh a profile is: when its members last confirmed it, when it counts as stale (a setting,
12 months by default), and the reminder `matchmaker tick` mails to the members of a stale profile
(once per stale period: confirming or saving the profile starts a new one)."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..mail import send_mail
from ..models import Firm, User, utcnow
from ..tick import job


def stale_after() -> timedelta:
    months = float(current_app.config["MATCHMAKER_CONFIRM_MONTHS"])
    return timedelta(days=round(months * 365.25 / 12))


def is_stale(firm: Firm, now: datetime | None = None) -> bool:
    last = firm.last_confirmed
    if last is None:
        return False
    if last.tzinfo is None:  # SQLite returns naive UTC
        last = last.replace(tzinfo=(now or utcnow()).tzinfo)
    return last < (now or utcnow()) - stale_after()


def last_confirmed_sql() -> sa.ColumnElement:
    """Firm.last_confirmed in SQL (NULL for a listed firm nobody from it has confirmed)."""
    return sa.case((Firm.confirmed_at.is_not(None), Firm.confirmed_at),
                   (Firm.imported_at.is_(None), Firm.created_at), else_=None)


def confirm(firm: Firm) -> None:
    """A member says the profile is still right (saving it does the same)."""
    firm.confirmed_at = utcnow()


@job("reminders to confirm old profiles sent")
def remind_stale_profiles(now: datetime) -> int:
    from ..urls import site_url

    cutoff = now - stale_after()
    last = last_confirmed_sql()
    ids = db.session.scalars(sa.select(Firm.id).where(
        Firm.public(), last < cutoff,
        sa.or_(Firm.confirm_reminded_at.is_(None), Firm.confirm_reminded_at < last),
        sa.exists().where(User.firm_id == Firm.id, User.active.is_(True), User.email_verified_at.is_not(None)),
    ).order_by(Firm.id).limit(500)).all()
    sent = 0
    for firm_id in ids:
        # Claim the firm: two ticks at once remind once.
        claimed = db.session.execute(sa.update(Firm).where(
            Firm.id == firm_id, sa.or_(Firm.confirm_reminded_at.is_(None), Firm.confirm_reminded_at < last_confirmed_sql())
        ).values(confirm_reminded_at=now).execution_options(synchronize_session=False)).rowcount
        if not claimed:
            continue
        firm = db.session.get(Firm, firm_id)
        for user in firm.members:
            if user.active and user.email_verified_at is not None:
                send_mail(user.email, "confirm_profile", user.locale, user=user, firm=firm,
                          last=firm.last_confirmed, link=site_url("firms.dashboard"))
                sent += 1
        db.session.commit()
    return sent
