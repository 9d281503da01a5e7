"""Time passes on its own: the jobs that `matchmaker tick` runs (a cron or systemd timer calls it every
few minutes). Every job is idempotent: running tick twice, or from two machines at once, does each
thing once. Areas add their jobs with ``@job("name")``."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa

from .extensions import db
from .models import utcnow

_JOBS: dict[str, Callable[[datetime], int]] = {}


def job(name: str):
    """Register ``fn(now) -> how many things it did`` to run on every tick."""

    def decorator(fn: Callable[[datetime], int]) -> Callable[[datetime], int]:
        _JOBS[name] = fn
        return fn

    return decorator


def run(now: datetime | None = None) -> dict[str, int]:
    """Run every job once; what each did, in order."""
    _load_jobs()
    now = now or utcnow()
    done: dict[str, int] = {}
    for name, fn in _JOBS.items():
        done[name] = fn(now)
        db.session.commit()
    from .api import webhooks
    from .mail import deliver_due

    done["webhooks delivered"] = webhooks.deliver_due(now)
    db.session.commit()
    done["mail sent"] = deliver_due(now)  # last: the jobs above may have queued mail
    return done


def _load_jobs() -> None:
    """Import the modules that register jobs (each area's own)."""
    from .alerts import jobs as alert_jobs  # noqa: F401
    from .firms import freshness  # noqa: F401
    from .imports import routes as import_routes  # noqa: F401
    from .indicators import gaps  # noqa: F401
    from .rfq import jobs  # noqa: F401


@job("expired sign-in sessions and links removed")
def prune_accounts(now: datetime) -> int:
    from .accounts.models import AccountToken, UserSession
    from .accounts.sessions import IDLE_LIMIT
    from .idempotency import FormSubmission

    n = db.session.execute(sa.delete(UserSession).where(
        UserSession.last_seen_at < now - timedelta(days=31),
        sa.or_(UserSession.remember.is_(True), UserSession.last_seen_at < now - IDLE_LIMIT))).rowcount
    n += db.session.execute(sa.delete(AccountToken).where(AccountToken.expires_at < now - timedelta(days=7))).rowcount
    n += db.session.execute(sa.delete(FormSubmission).where(FormSubmission.created_at < now - timedelta(days=30))).rowcount
    from .api import tokens, webhooks

    n += tokens.prune(now) + webhooks.prune(now)
    return n
