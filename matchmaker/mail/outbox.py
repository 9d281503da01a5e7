"""Putting mail in the outbox, and sending what is due.

``send_mail`` renders a message in the recipient's language and adds it to the current
transaction: if the business action rolls back, so does its mail. After the commit the process's
sender (sender.py) delivers it; a failed attempt is retried later with growing pauses, so a mail
server that is down loses nothing, slows no request and never undoes the action. Several
processes may send: each claims a row with a conditional UPDATE before sending it.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale

from ..extensions import db
from ..models import utcnow
from .models import OutboxMessage
from .transport import Transport, from_url

log = logging.getLogger(__name__)

# Pauses before the 2nd, 3rd, ... attempt; after the last one the message is marked failed (about a day).
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1),
                timedelta(hours=3), timedelta(hours=6), timedelta(hours=12))
CLAIM_LEASE = timedelta(minutes=5)  # a claimed row is left alone this long (then retried if its sender died)


def send_mail(to: str, kind: str, locale: str = "ja", **context) -> OutboxMessage:
    """Render ``templates/mail/<kind>.txt`` (first line: the subject) in ``locale`` and put it in the outbox."""
    with force_locale(locale if locale in current_app.config["MATCHMAKER_LANGUAGES"] else "ja"):
        text = render_template(f"mail/{kind}.txt", **context)
    subject, _, body = text.strip("\n").partition("\n")
    row = OutboxMessage(kind=kind, to_addr=to, subject=subject.strip()[:300], body=body.strip("\n") + "\n")
    db.session.add(row)
    db.session.info["mail_pending"] = True
    return row


def transport() -> Transport:
    return from_url(current_app.config["MATCHMAKER_MAIL_URL"], float(current_app.config["MATCHMAKER_MAIL_TIMEOUT"]))


def _message(row: OutboxMessage) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MATCHMAKER_MAIL_FROM"]
    msg["To"] = row.to_addr
    msg["Subject"] = row.subject
    msg["Message-ID"] = make_msgid(idstring=f"outbox{row.id}", domain="matchmaker.local")
    msg["Date"] = formatdate(localtime=False)
    msg.set_content(row.body, charset="utf-8")
    return msg


def _claim(row_id: int, now: datetime) -> bool:
    res = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .values(next_attempt_at=now + CLAIM_LEASE, attempts=OutboxMessage.attempts + 1)
    )
    db.session.commit()
    return res.rowcount == 1


def deliver_due(now: datetime | None = None, limit: int = 100, via: Transport | None = None) -> int:
    """Send the messages that are due (oldest first); returns how many were sent."""
    now = now or utcnow()
    ids = db.session.scalars(
        sa.select(OutboxMessage.id).where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
    ).all()
    db.session.commit()  # end the read transaction before the slow part
    sent = 0
    via = via or (transport() if ids else None)
    for row_id in ids:
        if not _claim(row_id, now):
            continue  # another process took it
        row = db.session.get(OutboxMessage, row_id)
        try:
            via.send(_message(row))
        except Exception as e:  # noqa: BLE001 - any failure of the mail server is retried later
            log.warning("mail %s to %s failed (attempt %d): %s", row.id, row.to_addr, row.attempts, e)
            row.last_error = f"{type(e).__name__}: {e}"[:1000]
            if row.attempts > len(RETRY_DELAYS):
                row.status = "failed"
            else:
                row.next_attempt_at = utcnow() + RETRY_DELAYS[row.attempts - 1]
        else:
            row.status, row.sent_at, row.last_error = "sent", utcnow(), ""
            sent += 1
        db.session.commit()
    return sent


def next_due() -> datetime | None:
    """When the earliest pending message is due (None when nothing is pending)."""
    return db.session.scalar(sa.select(sa.func.min(OutboxMessage.next_attempt_at))
                             .where(OutboxMessage.status == "pending"))
