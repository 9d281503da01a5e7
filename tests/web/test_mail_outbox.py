"""The mail outbox: written with the action, sent after the commit to a real SMTP server, retried
when the server is down, never lost, never sent for a rolled-back action, never slowing a request."""
from __future__ import annotations

import time
from datetime import timedelta

import sqlalchemy as sa
from live import free_port

from matchmaker.extensions import db
from matchmaker.mail import deliver_due, send_mail
from matchmaker.mail.models import OutboxMessage
from matchmaker.mail.sender import stop_sender
from matchmaker.models import utcnow

from .conftest import count, fresh


def test_mail_is_sent_after_commit_in_the_recipients_language(app, mailbox):
    send_mail("hanako@example.com", "account_exists", "ja", user=_person("山田 花子", "hanako@example.com"),
              login="http://x/login", forgot="http://x/forgot")
    send_mail("somchai@example.com", "account_exists", "en", user=_person("Somchai", "somchai@example.com"),
              login="http://x/login", forgot="http://x/forgot")
    time.sleep(0.3)
    assert mailbox.messages == []  # nothing before the commit
    db.session.commit()
    ja = mailbox.wait("hanako@example.com")[0]
    en = mailbox.wait("somchai@example.com")[0]
    assert "山田 花子" in ja.body and "メールアドレス" in ja.subject
    assert en.subject.startswith("Someone tried to register") and "Hello Somchai" in en.body
    assert ja.message["Content-Type"].params["charset"].lower() == "utf-8"
    stop_sender(app)
    fresh()
    assert count(OutboxMessage, OutboxMessage.status == "sent") == 2


def test_rolled_back_action_sends_nothing(app, mailbox):
    send_mail("nobody@example.com", "account_exists", "en", user=_person("X", "nobody@example.com"), login="", forgot="")
    db.session.rollback()
    db.session.commit()
    stop_sender(app)
    assert count(OutboxMessage) == 0 and mailbox.to("nobody@example.com") == []


def test_a_down_mail_server_loses_nothing_and_is_retried(app, mailbox):
    app.config["MATCHMAKER_MAIL_BACKGROUND"] = False  # this test drives the sending itself
    down = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    app.config["MATCHMAKER_MAIL_URL"] = down
    send_mail("retry@example.com", "account_exists", "en", user=_person("R", "retry@example.com"), login="", forgot="")
    db.session.commit()
    assert deliver_due() == 0
    row = db.session.scalar(sa.select(OutboxMessage))
    assert row.status == "pending" and row.attempts == 1 and "Connection" in row.last_error
    assert deliver_due() == 0  # not due again yet: nothing is tried
    assert db.session.scalar(sa.select(OutboxMessage)).attempts == 1
    later = utcnow() + timedelta(minutes=2)
    app.config["MATCHMAKER_MAIL_URL"] = mailbox.url  # the server is back
    assert deliver_due(now=later) == 1
    assert mailbox.wait("retry@example.com")
    row = db.session.scalar(sa.select(OutboxMessage))
    assert row.status == "sent" and row.attempts == 2 and row.last_error == ""


def test_a_message_is_given_up_after_the_last_retry(app):
    app.config["MATCHMAKER_MAIL_BACKGROUND"] = False
    app.config["MATCHMAKER_MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"
    send_mail("lost@example.com", "account_exists", "en", user=_person("L", "lost@example.com"), login="", forgot="")
    db.session.commit()
    now = utcnow()
    for _ in range(20):
        deliver_due(now=now)
        now += timedelta(days=1)
    row = db.session.scalar(sa.select(OutboxMessage))
    assert row.status == "failed" and row.attempts == 8


def test_two_senders_send_a_message_once(app, mailbox):
    """Two processes (here: two calls) looking at the same due row: only one claims and sends it."""
    from matchmaker.mail.outbox import _claim

    app.config["MATCHMAKER_MAIL_BACKGROUND"] = False
    send_mail("once@example.com", "account_exists", "en", user=_person("O", "once@example.com"), login="", forgot="")
    db.session.commit()
    row_id = db.session.scalar(sa.select(OutboxMessage.id))
    now = utcnow()
    assert _claim(row_id, now) is True
    assert _claim(row_id, now) is False  # claimed: left alone until the lease ends
    assert deliver_due(now=now) == 0


def test_a_slow_mail_server_does_not_slow_the_request(app, client, member, mailbox):
    """Registering sends mail after the response; the request does not wait for SMTP."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection but never answers: a hanging server
    app.config["MATCHMAKER_MAIL_URL"] = f"smtp://127.0.0.1:{listener.getsockname()[1]}"
    app.config["MATCHMAKER_MAIL_TIMEOUT"] = 1
    t0 = time.monotonic()
    r = client.post("/account/password/forgot", data={"email": member.email})
    assert r.status_code == 200 and time.monotonic() - t0 < 3
    listener.close()
    assert count(OutboxMessage, OutboxMessage.to_addr == member.email) == 1


def _person(name, email):
    from types import SimpleNamespace

    return SimpleNamespace(name=name, email=email)


def test_tick_sends_what_is_due_and_expires_old_sessions(app, runner, mailbox, member, client, auth):
    from matchmaker.accounts.models import UserSession

    app.config["MATCHMAKER_MAIL_BACKGROUND"] = False
    send_mail("tick@example.com", "account_exists", "en", user=_person("T", "tick@example.com"), login="", forgot="")
    db.session.commit()
    auth.login(member.email)
    fresh()
    db.session.execute(sa.update(UserSession).values(last_seen_at=utcnow() - timedelta(days=40)))
    db.session.commit()
    result = runner.invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert "mail sent: 1" in result.output
    assert mailbox.wait("tick@example.com")
    assert count(UserSession) == 0
    assert client.get("/account/settings").status_code == 302
    result = runner.invoke(args=["tick"])  # again: nothing more to do
    assert "mail sent: 0" in result.output
