"""Webhooks: registered through the API, queued with the listing (page or API), delivered by the
tick to a real HTTP server on localhost, signed with HMAC-SHA256, retried, logged."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from matchmaker.api.models import WebhookDelivery
from matchmaker.extensions import db
from matchmaker.models import utcnow


class Receiver:
    """A local HTTP server that records what it receives and answers with `status`."""

    def __init__(self):
        self.received: list[dict] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()


@pytest.fixture
def app_config():
    return {"MATCHMAKER_WEBHOOK_ALLOW_PRIVATE": True}


def _deliveries():
    db.session.expire_all()
    return db.session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)).all()


def test_signed_delivery_retry_and_log(app, client, make, member, other_member, organizer, bearer, receiver):
    from matchmaker import tick

    h = bearer(member)
    r = client.post("/api/v1/webhooks", json={"url": receiver.url, "events": ["need.created"]}, headers=h)
    assert r.status_code == 201
    hook = r.get_json()
    secret = hook["secret"]
    assert "secret" not in client.get("/api/v1/webhooks", headers=h).get_json()["items"][0]
    # Another firm's new need is not this firm's event; its own new need (made on the API) is.
    make.need(other_member.firm)
    assert client.post("/api/v1/needs", json={"title": "黒アルマイト"}, headers=h).status_code == 201
    assert [d.event for d in _deliveries()] == ["need.created"]
    assert receiver.received == []  # never inside the request
    receiver.status = 500
    tick.run()
    first = _deliveries()[0]
    assert first.status == "pending" and first.attempts == 1 and first.last_status == 500
    receiver.status = 200
    tick.run()
    assert _deliveries()[0].status == "pending"  # not due yet: retried after a pause
    tick.run(now=utcnow() + timedelta(minutes=2))
    assert _deliveries()[0].status == "sent"
    got = receiver.received[-1]
    stamp, signature = (part.split("=", 1)[1] for part in got["headers"]["X-Matchmaker-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + got["body"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(signature, expected)
    event = json.loads(got["body"])
    assert event["type"] == "need.created" and event["data"]["firm"]["id"] == member.firm_id
    log = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=h).get_json()["items"]
    assert [(d["status"], d["attempts"], d["last_status"]) for d in log] == [("sent", 2, 200)]
    # Another firm sees neither the webhook nor its log; a city-wide one is for organizers only.
    other = bearer(other_member)
    assert client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=other).status_code == 404
    assert client.delete(f"/api/v1/webhooks/{hook['id']}", headers=other).status_code == 404
    assert client.post("/api/v1/webhooks", json={"url": receiver.url, "scope": "city"}, headers=h).status_code == 403
    org = bearer(organizer, scopes=("read", "organizer"))
    assert client.post("/api/v1/webhooks", json={"url": receiver.url, "scope": "city"}, headers=org).status_code == 201
    make.offering(other_member.firm)  # made outside the API: the city's webhook hears of it too
    assert [d.event for d in _deliveries()][-1] == "offering.created"
    assert client.delete(f"/api/v1/webhooks/{hook['id']}", headers=h).status_code == 204


def test_gives_up_after_the_retries(app, member, bearer, client, receiver, make):
    from matchmaker.api import webhooks

    client.post("/api/v1/webhooks", json={"url": receiver.url}, headers=bearer(member))
    make.offering(member.firm)
    receiver.status = 503
    now = utcnow()
    for _ in range(len(webhooks.RETRY_DELAYS) + 1):
        webhooks.deliver_due(now)
        now += timedelta(days=1)
    d = _deliveries()[0]
    assert d.status == "failed" and d.attempts == len(webhooks.RETRY_DELAYS) + 1


def test_private_addresses_refused_by_default(client, member, bearer, app):
    app.config["MATCHMAKER_WEBHOOK_ALLOW_PRIVATE"] = False
    r = client.post("/api/v1/webhooks", json={"url": "http://127.0.0.1:9/x"}, headers=bearer(member))
    assert r.status_code == 422 and "json.url" in r.get_json(force=True)["errors"]
