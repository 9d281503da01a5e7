"""Conversations between two firms: starting an inquiry, writing a message (with files), reading."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Firm, User, utcnow
from ..notifications import notify
from .models import Message, Thread


def start_inquiry(user: User, to: Firm, subject: str) -> Thread:
    t = Thread(kind="inquiry", subject=subject[:200], starter_firm_id=user.firm_id, other_firm_id=to.id)
    db.session.add(t)
    db.session.flush()
    return t


def post(thread: Thread, user: User, body: str, first: bool = False) -> Message:
    """A message from the user's firm; the other firm is told (an inquiry's first message as an inquiry)."""
    m = Message(thread_id=thread.id, firm_id=user.firm_id, author_id=user.id, body=body)
    db.session.add(m)
    now = utcnow()
    thread.last_message_at = now
    mine_is_starter = user.firm_id == thread.starter_firm_id
    if mine_is_starter:
        thread.starter_read_at = now
    else:
        thread.other_read_at = now
    db.session.flush()
    other = thread.other_firm_id if mine_is_starter else thread.starter_firm_id
    key = "inquiry_received" if first and thread.kind == "inquiry" else "message_received"
    notify(firm_id=other, key=key, link=link(thread, other), firm=user.firm, subject=thread.subject)
    return m


def link(thread: Thread, firm_id: int) -> str:
    """Where a firm reads the thread: an RFQ thread lives on the request's page."""
    if thread.kind == "rfq" and thread.invitation_id is not None:
        from ..rfq.models import Invitation

        inv = db.session.get(Invitation, thread.invitation_id)
        if inv is not None:
            return f"/rfqs/{inv.rfq_id}" + ("/invitation" if firm_id == inv.supplier_firm_id else f"#supplier-{inv.id}")
    return f"/messages/{thread.id}"


def mark_read(thread: Thread, firm_id: int) -> None:
    now = utcnow()
    if firm_id == thread.starter_firm_id:
        thread.starter_read_at = now
    elif firm_id == thread.other_firm_id:
        thread.other_read_at = now


def unread(thread: Thread, firm_id: int) -> bool:
    seen = thread.starter_read_at if firm_id == thread.starter_firm_id else thread.other_read_at
    return seen is None or _aware(seen) < _aware(thread.last_message_at)


def _aware(dt):
    return dt if dt.tzinfo else dt.replace(tzinfo=utcnow().tzinfo)


def of_firm(firm_id: int):
    """A firm's inquiries (RFQ threads are read on the request pages)."""
    return (sa.select(Thread).where(Thread.kind == "inquiry",
                                    sa.or_(Thread.starter_firm_id == firm_id, Thread.other_firm_id == firm_id))
            .order_by(Thread.last_message_at.desc(), Thread.id.desc()))
