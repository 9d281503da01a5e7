"""Demo: one open abuse report, so the staff's report pages have something to show on first run."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import User
from ..threads.models import Message, Thread
from .models import AbuseReport


def load_demo_report() -> int:
    """A supplier reports the first request thread whose buyer wrote to it, after a sales pitch in it."""
    thread = db.session.scalar(sa.select(Thread).join(Message, Message.thread_id == Thread.id)
                               .where(Thread.kind == "rfq", Message.firm_id == Thread.starter_firm_id)
                               .order_by(Thread.id).limit(1))
    if thread is None:
        return 0
    reporter = db.session.scalar(sa.select(User).where(User.firm_id == thread.other_firm_id).order_by(User.id).limit(1))
    if reporter is None:
        return 0
    last = db.session.scalar(sa.select(Message).where(Message.thread_id == thread.id).order_by(Message.id.desc()).limit(1))
    db.session.add(Message(thread_id=thread.id, firm_id=thread.starter_firm_id, author_id=last.author_id,
                           body="弊社取扱いの工業用洗浄剤のご案内です。今月中のご注文に限り特別価格でご提供いたします。"
                                "詳しくは担当までお電話ください。", created_at=last.created_at))
    db.session.add(AbuseReport(thread_id=thread.id, reporter_id=reporter.id, reporter_firm_id=thread.other_firm_id,
                               reported_firm_id=thread.starter_firm_id, category="spam",
                               text="見積依頼とは関係のない自社製品の売り込みが、このやり取りで何度も届いています。"))
    return 1
