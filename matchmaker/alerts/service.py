"""Digests of new needs: which new open needs each alert should carry, and the mail that carries them.

"Answerable" uses the same rule as the dashboard's "needs you can answer": a need counts when the
subscriber's firm would itself be recommended for it, at least as a good match. "Search" runs the
subscriber's words against the open needs, as the needs search of the site would."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..extensions import db
from ..mail import send_mail
from ..models import Firm, Need, utcnow
from ..urls import site_url, site_url_for_path
from .models import Alert

PERIOD = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
GOOD = ("strong", "good")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="alert-off")


def off_token(alert: Alert) -> str:
    return _serializer().dumps(alert.id)


def alert_from_token(token: str) -> Alert | None:
    try:
        alert_id = _serializer().loads(token)
    except BadSignature:
        return None
    return db.session.get(Alert, alert_id) if isinstance(alert_id, int) else None


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=utcnow().tzinfo)


def due_alerts(now: datetime) -> list[Alert]:
    alerts = db.session.scalars(sa.select(Alert).where(Alert.active.is_(True))).all()
    return [a for a in alerts if now - _aware(a.last_sent_at) >= PERIOD[a.frequency] - timedelta(minutes=5)]


def new_needs(since: datetime) -> list[Need]:
    return db.session.scalars(sa.select(Need).join(Firm, Firm.id == Need.firm_id)
                              .where(Need.status == "open", Need.created_at > since, Firm.public())
                              .order_by(Need.created_at)).all()


def answerable_by(needs: list[Need]) -> dict[int, set[int]]:
    """For each need, the firms that would be recommended for it as a good or strong match."""
    from ..search.records import need_query
    from ..search.service import get_index

    index = get_index()
    out: dict[int, set[int]] = {}
    for need in needs:
        firms = set()
        for m in index.supply.search(need_query(need), top=50, explain=False):
            if m.strength in GOOD and m.record is not None and m.record.owner:
                firms.add(int(m.record.owner))
        out[need.id] = firms
    return out


def matching_search(query: str, needs: list[Need]) -> list[Need]:
    from ..matching import Query
    from ..search.service import get_index

    wanted = {f"n{n.id}": n for n in needs}
    hits = get_index().demand.search(Query(text=query), top=200, explain=False)
    return [wanted[m.id] for m in hits if m.id in wanted]


def send_digests(now: datetime) -> int:
    """Mail every due alert its new needs (none: no mail); each alert moves on to now. Idempotent per period."""
    alerts = due_alerts(now)
    if not alerts:
        return 0
    oldest = min(_aware(a.last_sent_at) for a in alerts)
    needs = new_needs(oldest)
    fits = answerable_by(needs) if any(a.kind == "answerable" for a in alerts) else {}
    sent = 0
    for alert in alerts:
        res = db.session.execute(sa.update(Alert).where(Alert.id == alert.id, Alert.last_sent_at == alert.last_sent_at)
                                 .values(last_sent_at=now).execution_options(synchronize_session=False))
        if res.rowcount != 1:  # another tick took it
            continue
        since = _aware(alert.last_sent_at)
        mine = [n for n in needs if _aware(n.created_at) > since and n.firm_id != alert.user.firm_id]
        if alert.kind == "answerable":
            firm_id = alert.user.firm_id
            mine = [n for n in mine if firm_id in fits.get(n.id, ())]
        else:
            mine = matching_search(alert.query, mine)
        if not mine or not alert.user.active or not alert.user.email_verified:
            continue
        send_mail(alert.user.email, "needs_digest", alert.user.locale, user=alert.user, alert=alert,
                  needs=[{"title": n.title, "firm": n.firm, "link": site_url_for_path(f"/needs/{n.id}")} for n in mine[:30]],
                  more=max(0, len(mine) - 30), off=site_url("alerts.off", token=off_token(alert)),
                  manage=site_url("alerts.index"))
        sent += 1
    return sent
