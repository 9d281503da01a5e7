"""Trade-fair meeting scheduler (plain Python: no Flask, no database).

Objective, lexicographic: first leave as few participants with requests as possible without
a meeting, then maximise the total weight of the meetings held, then (second aim) fewer idle
gaps in each participant's day. See SCHEDULER.md.
"""
from .model import (
    Instance,
    InstanceError,
    Meeting,
    Participant,
    Request,
    Schedule,
    Slot,
    SolveStats,
    Unscheduled,
    Unserved,
)
from .solver import Progress, solve

__all__ = [
    "Instance", "InstanceError", "Meeting", "Participant", "Progress", "Request", "Schedule", "Slot",
    "SolveStats", "Unscheduled", "Unserved", "solve",
]
