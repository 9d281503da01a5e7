"""New needs by mail: the needs a firm can answer, or those matching a search; daily or weekly; a
one-click link in the mail stops it."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from support import PASSWORD

from matchmaker.alerts.models import Alert
from matchmaker.extensions import db
from matchmaker.models import utcnow


def login(client, email):
    client.post("/account/logout")
    assert client.post("/account/login", data={"email": email, "password": PASSWORD}).status_code == 302


def subscribe(client, **data):
    return client.post("/alerts/", data={"action": "add", **data})


def _age(days):
    db.session.execute(sa.update(Alert).values(last_sent_at=utcnow() - timedelta(days=days)))
    db.session.commit()


def test_digest_of_needs_a_supplier_can_answer(app, client, market, make, mailbox):
    from matchmaker.tick import run

    login(client, "a@example.com")
    assert subscribe(client, kind="answerable", frequency="daily").status_code == 302
    assert subscribe(client, kind="search", frequency="weekly", query="亜鉛めっき").status_code == 302
    _age(1)
    buyer = market["buyer"].firm
    make.need(buyer, title="鉄部品の亜鉛めっき 500個", description="三価クロメート")
    make.need(buyer, title="社内システムの保守", description="Webアプリの改修")
    _age(8)
    assert run()["digests of new needs sent"] == 2
    mails = mailbox.wait("a@example.com", 2)
    bodies = "\n".join(m.body for m in mails)
    assert "亜鉛めっき 500個" in bodies and "社内システム" not in bodies
    assert "/needs/" in bodies and "/alerts/off/" in bodies
    # nothing new: no mail, and no second mail for the same period
    assert run()["digests of new needs sent"] == 0
    # the link stops it, without signing in
    client.post("/account/logout")
    off = mailbox.link("a@example.com", "/alerts/off/")
    assert client.get(off).status_code == 200
    db.session.rollback()
    assert db.session.scalars(sa.select(Alert.active)).all().count(False) == 1
    assert client.get("/alerts/off/forged-token").status_code == 404


def test_alerts_are_private_and_checked(client, market, other_member):
    login(client, "a@example.com")
    assert subscribe(client, kind="search", frequency="daily", query="").status_code == 302  # refused: no words
    assert subscribe(client, kind="hourly", frequency="daily").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Alert.id))) == 0
    subscribe(client, kind="answerable", frequency="weekly")
    alert_id = db.session.scalar(sa.select(Alert.id))
    login(client, other_member.email)
    assert client.post("/alerts/", data={"action": "delete", "id": alert_id}).status_code == 404
    assert client.post("/alerts/", data={"action": "delete", "id": "99999999999"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Alert.id))) == 1
