"""Trade fairs: the event, its participants, meeting requests and scheduled meetings.

Times of day are the fair's local time (the app's time zone, Asia/Tokyo); a slot is named by its
local start (``20270210T1000``) so that a participant's availability survives edits of the
fair that keep the slot.
"""
from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..models import Firm, User, utcnow

ELIGIBILITY = ("local", "domestic", "international")
REQUEST_STATUSES = ("pending", "accepted", "declined", "cancelled")
REQUEST_ORIGINS = ("participant", "organizer")
OUTCOMES = ("nothing", "talks", "quote", "order")
DEAL_OUTCOMES = ("quote", "order")


class Fair(db.Model):
    __tablename__ = "fairs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name_ja: so.Mapped[str] = so.mapped_column(sa.String(200))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    description_ja: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    description_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    venue: so.Mapped[str] = so.mapped_column(sa.String(300))
    venue_en: so.Mapped[str] = so.mapped_column(sa.String(300), default="", server_default="")
    start_date: so.Mapped[date] = so.mapped_column(sa.Date, index=True)
    end_date: so.Mapped[date] = so.mapped_column(sa.Date)
    day_start: so.Mapped[time] = so.mapped_column(sa.Time)
    day_end: so.Mapped[time] = so.mapped_column(sa.Time)
    meeting_minutes: so.Mapped[int] = so.mapped_column(default=20)
    break_minutes: so.Mapped[int] = so.mapped_column(default=5)
    lunch_start: so.Mapped[time | None] = so.mapped_column(sa.Time)
    lunch_end: so.Mapped[time | None] = so.mapped_column(sa.Time)
    tables: so.Mapped[int] = so.mapped_column(default=10)
    registration_deadline: so.Mapped[date] = so.mapped_column(sa.Date)
    eligibility: so.Mapped[str] = so.mapped_column(sa.String(20), default="domestic")
    published: so.Mapped[bool] = so.mapped_column(default=False)
    registration_open: so.Mapped[bool] = so.mapped_column(default=False)
    schedule_published_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    # The scheduler lock: set by an atomic UPDATE ... WHERE scheduling_token IS NULL (or stale).
    scheduling_token: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    scheduling_started_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    # The last scheduler run, for the organizer's result page.
    schedule_run_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    schedule_report: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # Bumped whenever participants change: the recommendation cache is keyed by it.
    changed_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    participants: so.Mapped[list[Participant]] = so.relationship(
        back_populates="fair", cascade="all, delete-orphan", order_by="Participant.id"
    )

    __table_args__ = (
        sa.CheckConstraint("eligibility IN ('local', 'domestic', 'international')", name="eligibility"),
        sa.CheckConstraint("meeting_minutes > 0", name="meeting_minutes"),
        sa.CheckConstraint("break_minutes >= 0", name="break_minutes"),
        sa.CheckConstraint("tables >= 1", name="tables"),
        sa.CheckConstraint("end_date >= start_date", name="dates"),
    )

    def display_name(self, locale: str = "ja") -> str:
        if locale != "ja" and self.name_en:
            return self.name_en
        return self.name_ja

    def venue_name(self, locale: str = "ja") -> str:
        """The venue in the reader's language: the English one where given, else the Japanese."""
        if locale != "ja" and self.venue_en:
            return self.venue_en
        return self.venue

    def description(self, locale: str = "ja") -> str:
        if locale == "ja":
            return self.description_ja or self.description_en
        return self.description_en or self.description_ja

    @property
    def schedule_published(self) -> bool:
        return self.schedule_published_at is not None

    def __repr__(self) -> str:
        return f"<Fair {self.id} {self.name_ja}>"


class Participant(db.Model):
    """A firm registered for a fair, with what it seeks and offers there and when it is present."""

    __tablename__ = "fair_participants"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    fair_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("fairs.id", ondelete="CASCADE"), index=True)
    firm_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    seeks: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    offers: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # Slot keys the firm attends; None = every slot.
    available: so.Mapped[list | None] = so.mapped_column(sa.JSON)
    max_meetings: so.Mapped[int | None] = so.mapped_column()
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    fair: so.Mapped[Fair] = so.relationship(back_populates="participants")
    firm: so.Mapped[Firm] = so.relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("fair_id", "firm_id", name="uq_fair_participants_fair_firm"),
        sa.CheckConstraint("max_meetings IS NULL OR max_meetings >= 0", name="max_meetings"),
    )

    def __repr__(self) -> str:
        return f"<Participant {self.id} fair={self.fair_id} firm={self.firm_id}>"


class MeetingRequest(db.Model):
    """One participant asks another for a meeting (or the organizer pairs two).

    One request per pair and fair, whichever side asked: `pair` ("12-34", lower id first)
    carries the unique constraint, so two simultaneous requests cannot both be stored.
    """

    __tablename__ = "fair_requests"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    fair_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("fairs.id", ondelete="CASCADE"), index=True)
    from_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("fair_participants.id", ondelete="CASCADE"), index=True)
    to_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("fair_participants.id", ondelete="CASCADE"), index=True)
    pair: so.Mapped[str] = so.mapped_column(sa.String(40))
    message: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    priority: so.Mapped[int] = so.mapped_column(default=2)  # the asking side's priority, 1 (low) .. 3 (high)
    answer_priority: so.Mapped[int | None] = so.mapped_column()  # the other side's, given when accepting
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="pending", index=True)
    origin: so.Mapped[str] = so.mapped_column(sa.String(20), default="participant")
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    answered_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    requester: so.Mapped[Participant] = so.relationship(foreign_keys=[from_id], lazy="joined")
    recipient: so.Mapped[Participant] = so.relationship(foreign_keys=[to_id], lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("fair_id", "pair", name="uq_fair_requests_fair_pair"),
        sa.CheckConstraint("from_id <> to_id", name="not_self"),
        sa.CheckConstraint("priority BETWEEN 1 AND 3", name="priority"),
        sa.CheckConstraint("answer_priority IS NULL OR answer_priority BETWEEN 1 AND 3", name="answer_priority"),
        sa.CheckConstraint("status IN ('pending', 'accepted', 'declined', 'cancelled')", name="status"),
        sa.CheckConstraint("origin IN ('participant', 'organizer')", name="origin"),
    )

    @staticmethod
    def pair_of(a: int, b: int) -> str:
        return f"{min(a, b)}-{max(a, b)}"

    def other(self, participant_id: int) -> Participant:
        return self.recipient if participant_id == self.from_id else self.requester

    def involves(self, participant_id: int) -> bool:
        return participant_id in (self.from_id, self.to_id)


class Meeting(db.Model):
    """A scheduled meeting: two participants at one table in one slot; follow-up recorded per side."""

    __tablename__ = "fair_meetings"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    fair_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("fairs.id", ondelete="CASCADE"), index=True)
    request_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("fair_requests.id", ondelete="SET NULL"), index=True
    )
    a_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("fair_participants.id", ondelete="CASCADE"), index=True)
    b_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("fair_participants.id", ondelete="CASCADE"), index=True)
    slot: so.Mapped[str] = so.mapped_column(sa.String(20))
    table_no: so.Mapped[int] = so.mapped_column()
    locked: so.Mapped[bool] = so.mapped_column(default=False)
    weight: so.Mapped[float] = so.mapped_column(sa.Float, default=0.0)
    # Follow-up, recorded by each side after the fair.
    a_held: so.Mapped[bool | None] = so.mapped_column()
    a_outcome: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    b_held: so.Mapped[bool | None] = so.mapped_column()
    b_outcome: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    a: so.Mapped[Participant] = so.relationship(foreign_keys=[a_id], lazy="joined")
    b: so.Mapped[Participant] = so.relationship(foreign_keys=[b_id], lazy="joined")
    request: so.Mapped[MeetingRequest | None] = so.relationship()

    __table_args__ = (
        sa.UniqueConstraint("fair_id", "slot", "table_no", name="uq_fair_meetings_fair_slot_table"),
        sa.CheckConstraint("a_id <> b_id", name="not_self"),
        sa.CheckConstraint("table_no >= 1", name="table_no"),
    )

    def involves(self, participant_id: int) -> bool:
        return participant_id in (self.a_id, self.b_id)

    def partner(self, participant_id: int) -> Participant:
        return self.b if participant_id == self.a_id else self.a

    def side(self, participant_id: int) -> str:
        return "a" if participant_id == self.a_id else "b"

    @property
    def held(self) -> bool | None:
        """True when either side says it took place; False when someone said no and nobody yes."""
        answers = [x for x in (self.a_held, self.b_held) if x is not None]
        if not answers:
            return None
        return any(answers)

    @property
    def outcome(self) -> str | None:
        """The furthest outcome either side reported."""
        reported = [o for o in (self.a_outcome, self.b_outcome) if o in OUTCOMES]
        if not reported:
            return None
        return max(reported, key=OUTCOMES.index)
