"""The scheduler's lock on a fair, and the claim that keeps a change from racing a scheduler run
or changing a published schedule."""
from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..extensions import db
from ..models import utcnow
from .models import Fair
from .errors import FairError, SchedulerBusy


def claim_fair(fair: Fair, published_error: str | None = None, busy_error: str | None = None) -> None:
    """Begin a change that affects the fair's schedule; the caller makes it and commits, one transaction.

    The fair row is updated first, on the condition that no scheduler run holds it (a lock older
    than lock_stale_after counts as left behind by a crashed run) and, when `published_error` is
    given, that the schedule is not published. A run or a publication starting meanwhile waits for
    this transaction (PostgreSQL row lock, SQLite writer lock) and then sees the change. While a run
    is in progress this raises SchedulerBusy (`busy_error`, or a message for participants); once
    the schedule is published, FairError(published_error). Nothing is changed then.
    """
    stale = utcnow() - timedelta(seconds=lock_stale_after(scheduler_time_limit()))
    conditions = [Fair.id == fair.id, sa.or_(Fair.scheduling_token.is_(None), Fair.scheduling_started_at < stale)]
    if published_error is not None:
        conditions.append(Fair.schedule_published_at.is_(None))
    claimed = db.session.execute(sa.update(Fair).where(*conditions).values(updated_at=utcnow()),
                                 execution_options={"synchronize_session": False})
    if claimed.rowcount != 1:
        db.session.refresh(fair)
        if published_error is not None and fair.schedule_published:  # published meanwhile
            raise FairError(published_error)
        raise SchedulerBusy(busy_error or _("The organizer is planning the meetings right now. Please try again in a "
                                            "few minutes."))
    db.session.expire(fair, ["updated_at"])


def scheduler_time_limit() -> float:
    return float(current_app.config["MATCHMAKER_SCHEDULER_TIME_LIMIT"])


def lock_stale_after(limit: float) -> float:
    """Seconds after which a scheduler lock counts as left behind by a crashed run."""
    return max(3 * limit + 60, 120)


def scheduler_running() -> str:
    """What the organizer is told while a scheduler run holds the fair."""
    return _("The scheduler is already running for this fair. Please wait and reload.")


def acquire_scheduler_lock(fair_id: int, stale_after: float) -> str:
    """Atomically mark the fair as being scheduled; raises SchedulerBusy when another run holds it."""
    token = uuid.uuid4().hex
    now = utcnow()
    stale = now - timedelta(seconds=stale_after)
    result = db.session.execute(
        sa.update(Fair)
        .where(Fair.id == fair_id, sa.or_(Fair.scheduling_token.is_(None), Fair.scheduling_started_at < stale))
        .values(scheduling_token=token, scheduling_started_at=now),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    if result.rowcount != 1:
        raise SchedulerBusy(scheduler_running())
    return token


def release_scheduler_lock(fair_id: int, token: str) -> None:
    db.session.execute(
        sa.update(Fair).where(Fair.id == fair_id, Fair.scheduling_token == token)
        .values(scheduling_token=None, scheduling_started_at=None),
        execution_options={"synchronize_session": False},
    )
