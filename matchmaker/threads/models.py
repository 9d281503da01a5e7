"""Conversations between two firms: an inquiry (問い合わせ), or the thread of one supplier's
invitation to a request for quotation."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..models import Firm, User, utcnow

THREAD_KINDS = ("inquiry", "rfq")


class Thread(db.Model):
    __tablename__ = "threads"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(10))
    subject: so.Mapped[str] = so.mapped_column(sa.String(200))
    # the firm that started it (the buyer of an RFQ) and the other one (the supplier)
    starter_firm_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    other_firm_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    invitation_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("rfq_invitations.id", ondelete="CASCADE"), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_message_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    # what each side has read up to (message time), for the unread marks
    starter_read_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    other_read_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    starter: so.Mapped[Firm] = so.relationship(foreign_keys=[starter_firm_id])
    other: so.Mapped[Firm] = so.relationship(foreign_keys=[other_firm_id])
    messages: so.Mapped[list["Message"]] = so.relationship(back_populates="thread", order_by="Message.id",
                                                           cascade="all, delete-orphan")

    __table_args__ = (sa.CheckConstraint("kind IN ('inquiry', 'rfq')", name="kind"),)

    def involves(self, firm_id: int | None) -> bool:
        return firm_id is not None and firm_id in (self.starter_firm_id, self.other_firm_id)

    def counterpart(self, firm_id: int) -> Firm:
        return self.other if firm_id == self.starter_firm_id else self.starter


class Message(db.Model):
    __tablename__ = "thread_messages"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    thread_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    firm_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="CASCADE"))
    author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    thread: so.Mapped[Thread] = so.relationship(back_populates="messages")
    author: so.Mapped[User | None] = so.relationship()
    files: so.Mapped[list["StoredFile"]] = so.relationship(  # noqa: F821
        "StoredFile", primaryjoin="StoredFile.message_id == Message.id", order_by="StoredFile.id", viewonly=True)
