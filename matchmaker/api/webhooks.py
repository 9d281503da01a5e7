"""Outgoing webhooks: signed JSON events for new needs and offerings, and a firm's own events of
requests for quotation (rfq/service.py calls :func:`queue_for_firm`), through an outbox.

A SQLAlchemy ``after_flush`` hook (as search/changes.py does for the change log) queues one
delivery row per interested endpoint in the same transaction as the new listing, whoever made it
(a page, the API, the command line): no event for a rolled-back listing, none lost. ``matchmaker
tick`` delivers what is due, never a request: POST with ``X-Matchmaker-Signature: t=<unix time>,
v1=<hex HMAC-SHA256 of "<t>.<body>" with the endpoint's secret>``; a failure (no answer, not 2xx)
is retried with growing pauses, then marked failed. The rows are the delivery log.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from ..extensions import db
from ..models import Firm, Need, Offering, utcnow
from .models import WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)

RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                timedelta(hours=6), timedelta(hours=12))
CLAIM_LEASE = timedelta(minutes=5)
TIMEOUT = 5.0
_installed = False


def new_secret() -> str:
    return secrets.token_hex(32)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def url_problem(url: str, resolve: bool = False) -> str | None:
    """Why a URL cannot receive webhooks (None when it can): http(s) with a host, and unless
    MATCHMAKER_WEBHOOK_ALLOW_PRIVATE, no address on this machine or a private network. Registration
    checks the URL as written (no DNS look-up inside a request); delivery resolves the name too."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return "must be an http or https URL"
    if parts.scheme not in ("http", "https") or not host:
        return "must be an http or https URL"
    if current_app.config.get("MATCHMAKER_WEBHOOK_ALLOW_PRIVATE"):
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return "must not point to a private or local address"
    try:
        addresses = {str(ipaddress.ip_address(host))}
    except ValueError:
        if not resolve:
            return None
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(host, port or 443)}
        except (OSError, UnicodeError):
            return "the host name does not resolve"
    for a in addresses:
        ip = ipaddress.ip_address(a.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            return "must not point to a private or local address"
    return None


# ------------------------------------------------------------------ queueing (in the listing's transaction)


def _event(obj) -> tuple[str, int, int, str] | None:
    if isinstance(obj, Need):
        return "need.created", obj.id, obj.firm_id, obj.title
    if isinstance(obj, Offering):
        return "offering.created", obj.id, obj.firm_id, obj.title
    return None


def _after_flush(session: so.Session, flush_context) -> None:
    events = [e for e in (_event(o) for o in session.new) if e and e[1] is not None]
    if not events:
        return
    conn = session.connection()
    endpoints = conn.execute(sa.select(WebhookEndpoint.id, WebhookEndpoint.firm_id, WebhookEndpoint.events)).all()
    if not endpoints:
        return
    firm_ids = {e[2] for e in events}
    firms = {f.id: f for f in conn.execute(sa.select(Firm.id, Firm.name, Firm.name_en, Firm.city, Firm.country,
                                                     Firm.published_at, Firm.deleted_at)
                                           .where(Firm.id.in_(firm_ids)))}
    now = utcnow()
    rows = []
    for kind, item_id, firm_id, title in events:
        firm = firms.get(firm_id)
        if firm is None:
            continue
        listed = firm.published_at is not None and firm.deleted_at is None
        body = json.dumps({
            "type": kind, "created_at": now.isoformat(),
            "data": {"id": item_id, "title": title, "kind": kind.split(".")[0],
                     "firm": {"id": firm.id, "name": firm.name, "name_en": firm.name_en, "city": firm.city,
                              "country": firm.country}},
        }, ensure_ascii=False)
        for ep in endpoints:
            wanted = kind in ep.events.split()
            mine = ep.firm_id == firm_id or (ep.firm_id is None and listed)
            if wanted and mine:
                rows.append({"endpoint_id": ep.id, "event": kind, "payload": body, "status": "pending", "attempts": 0,
                             "next_attempt_at": now, "last_error": "", "created_at": now})
    if rows:
        conn.execute(sa.insert(WebhookDelivery), rows)


def queue_for_firm(kind: str, firm_id: int, data: dict) -> int:
    """A private event (a request for quotation's) for one firm's own endpoints that want it, in the
    current transaction: queued with the change that caused it, rolled back with it. City-wide
    endpoints never receive these. Returns how many deliveries were queued."""
    endpoints = db.session.execute(sa.select(WebhookEndpoint.id, WebhookEndpoint.events)
                                   .where(WebhookEndpoint.firm_id == firm_id)).all()
    wanted = [ep.id for ep in endpoints if kind in ep.events.split()]
    if not wanted:
        return 0
    now = utcnow()
    body = json.dumps({"type": kind, "created_at": now.isoformat(), "data": data}, ensure_ascii=False, default=str)
    db.session.execute(sa.insert(WebhookDelivery), [
        {"endpoint_id": ep_id, "event": kind, "payload": body, "status": "pending", "attempts": 0,
         "next_attempt_at": now, "last_error": "", "created_at": now} for ep_id in wanted])
    return len(wanted)


def install() -> None:
    global _installed
    if not _installed:
        sa.event.listen(so.Session, "after_flush", _after_flush)
        _installed = True


# ------------------------------------------------------------------ delivering (from tick)


def _aware(value: datetime) -> datetime:
    from datetime import timezone

    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _claim(row_id: int, now: datetime) -> bool:
    res = db.session.execute(sa.update(WebhookDelivery).where(
        WebhookDelivery.id == row_id, WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now,
    ).values(next_attempt_at=now + CLAIM_LEASE, attempts=WebhookDelivery.attempts + 1))
    db.session.commit()
    return res.rowcount == 1


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> tuple[int | None, str]:
    problem = url_problem(endpoint.url, resolve=True)
    if problem:
        return None, problem
    body = delivery.payload.encode()
    stamp = int(time.time())
    request = urllib.request.Request(endpoint.url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "matchmaker-webhooks/1",
        "X-Matchmaker-Event": delivery.event, "X-Matchmaker-Delivery": str(delivery.id),
        "X-Matchmaker-Signature": f"t={stamp},v1={sign(endpoint.secret, stamp, body)}",
    })
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            return response.status, ""
    except urllib.error.HTTPError as e:
        return e.code, f"HTTP {e.code}"
    except (OSError, ValueError) as e:
        return None, str(e)[:300] or e.__class__.__name__


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an invitation to post elsewhere (an internal address, say)."""

    def redirect_request(self, *args, **kwargs):
        return None


def deliver_due(now: datetime | None = None, limit: int = 100) -> int:
    """Send the deliveries that are due (oldest first); returns how many succeeded."""
    now = now or utcnow()
    due = db.session.scalars(sa.select(WebhookDelivery.id).where(
        WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.id).limit(limit)).all()
    sent = 0
    for row_id in due:
        if not _claim(row_id, now):
            continue
        delivery = db.session.get(WebhookDelivery, row_id)
        endpoint = db.session.get(WebhookEndpoint, delivery.endpoint_id)
        status, error = _post(endpoint, delivery)
        delivery.last_status, delivery.last_error = status, error
        if status is not None and 200 <= status < 300:
            delivery.status, delivery.delivered_at = "sent", utcnow()
            sent += 1
        elif delivery.attempts > len(RETRY_DELAYS):
            delivery.status = "failed"
        else:
            delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
        db.session.commit()
    return sent


def prune(now: datetime) -> int:
    """The delivery log keeps 30 days."""
    return db.session.execute(sa.delete(WebhookDelivery).where(
        WebhookDelivery.status != "pending", WebhookDelivery.created_at < now - timedelta(days=30))).rowcount
