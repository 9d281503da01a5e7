"""Errors of the fair's rules: the message is translated and shown to the user."""
from __future__ import annotations

class FairError(Exception):
    """A rule of the fair refuses the action; the message is translated and shown to the user."""


class SchedulerBusy(FairError):
    pass
