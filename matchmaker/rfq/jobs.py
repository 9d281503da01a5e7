"""What `matchmaker tick` does for requests for quotation and deals."""
from __future__ import annotations

from datetime import datetime

from ..deals.service import ask_followups
from ..tick import job
from . import service


@job("requests closed for quotes")
def close_overdue(now: datetime) -> int:
    return service.close_overdue(now)


@job("reminders sent (quotes due tomorrow)")
def remind(now: datetime) -> int:
    return service.remind_due_tomorrow(now)


@job("follow-up questions asked about deals")
def followups(now: datetime) -> int:
    return ask_followups(now)
