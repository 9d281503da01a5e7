"""What the supply gaps need from the matching engine, stored so that the indicators page only reads.

A :class:`GapCheck` is the verdict on one unmet need or one request no one quoted for: whether a
local firm supplies it well (its best local match is "good" or better), and if not, the capability
concepts it asks for (:class:`GapConcept`, one row each, so that the page groups them in SQL). A
verdict holds for the need's text as it was (``subject_at``: the need's ``updated_at``, or the
request's ``created_at``), the radius of the day and the supply index at ``position`` (a change_log
id). :class:`GapNearest` keeps, per concept, the nearest firms outside the city that supply it well.

The scheduled job in gaps.py (``matchmaker tick``) writes them; the page never runs the engine.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..models import utcnow


class GapCheck(db.Model):
    __tablename__ = "indicator_gap_checks"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # exactly one of the two: the need, or the request (a request with a need is checked as its need)
    need_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("needs.id", ondelete="CASCADE"), unique=True)
    rfq_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("rfqs.id", ondelete="CASCADE"), unique=True)
    # the key the page joins on: the need's id, or minus the request's id (always set, always selective)
    subject: so.Mapped[int] = so.mapped_column(sa.BigInteger, unique=True)
    subject_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True))
    radius_km: so.Mapped[float] = so.mapped_column(sa.Float)
    position: so.Mapped[int] = so.mapped_column(sa.BigInteger)  # change_log id of the index that decided
    local_good: so.Mapped[bool] = so.mapped_column()
    checked_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("(need_id IS NULL) <> (rfq_id IS NULL)", name="one_subject"),
        sa.Index("ix_indicator_gap_checks_position", "position"),
    )


class GapConcept(db.Model):
    __tablename__ = "indicator_gap_concepts"

    check_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("indicator_gap_checks.id", ondelete="CASCADE"),
                                                primary_key=True)
    concept: so.Mapped[str] = so.mapped_column(sa.String(80), primary_key=True)


class GapNearest(db.Model):
    __tablename__ = "indicator_gap_nearest"

    concept: so.Mapped[str] = so.mapped_column(sa.String(80), primary_key=True)
    radius_km: so.Mapped[float] = so.mapped_column(sa.Float)
    position: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    # [{"firm_id", "locality", "city", "country", "distance_km"}], nearest first
    firms: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    checked_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
