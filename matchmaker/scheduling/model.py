"""Data model of the trade-fair meeting scheduler (plain Python, no framework imports).

`Instance.from_dict` reads the shared JSON format (see FORMAT.md in the evaluation folder)
and validates it; `Schedule.to_dict` writes the shared schedule format plus extra keys.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

MAX_WEIGHT = 1000.0
"""Largest accepted request weight: bigger values are almost certainly a data error."""


class InstanceError(ValueError):
    """Bad input: the message names the offending item."""


@dataclass(frozen=True)
class Slot:
    id: str
    start: datetime
    end: datetime

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "start": _fmt_time(self.start), "end": _fmt_time(self.end)}


@dataclass(frozen=True)
class Participant:
    id: str
    available: tuple[str, ...] | None = None
    """Slot ids the participant can attend; None means every slot."""
    max_meetings: int | None = None
    """None means no limit beyond one meeting a slot."""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id}
        if self.available is not None:
            d["available"] = list(self.available)
        if self.max_meetings is not None:
            d["max_meetings"] = self.max_meetings
        return d


@dataclass(frozen=True)
class Request:
    from_id: str
    to_id: str
    weight: float

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.from_id, "to": self.to_id, "weight": self.weight}


@dataclass(frozen=True)
class Meeting:
    a: str
    b: str
    slot: str
    table: int
    locked: bool = False

    @property
    def pair(self) -> tuple[str, str]:
        return pair_key(self.a, self.b)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"a": self.a, "b": self.b, "slot": self.slot, "table": self.table}
        if self.locked:
            d["locked"] = True
        return d

    @classmethod
    def from_dict(cls, d: Any, *, locked: bool = True) -> Meeting:
        if not isinstance(d, dict):
            raise InstanceError(f"locked meeting {d!r}: expected an object with a, b, slot, table")
        try:
            a, b, slot, table = d["a"], d["b"], d["slot"], d["table"]
        except KeyError as e:
            raise InstanceError(f"locked meeting {d!r}: missing key {e.args[0]!r}") from None
        if isinstance(table, bool) or not isinstance(table, int):
            raise InstanceError(f"locked meeting {a}-{b} in {slot}: table {table!r} is not an integer")
        return cls(str(a), str(b), str(slot), table, locked)


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True)
class Instance:
    slots: tuple[Slot, ...]
    tables: int
    participants: tuple[Participant, ...]
    requests: tuple[Request, ...]

    @classmethod
    def from_dict(cls, d: Any) -> Instance:
        """Parse and validate; raises InstanceError naming the offending item."""
        from .validate import parse_instance

        return parse_instance(d)

    def to_dict(self) -> dict[str, Any]:
        return {
            "slots": [s.to_dict() for s in self.slots],
            "tables": self.tables,
            "participants": [p.to_dict() for p in self.participants],
            "requests": [r.to_dict() for r in self.requests],
        }

    def pair_weights(self) -> dict[tuple[str, str], float]:
        """Weight of each pair: the sum of the requests between the two, either direction."""
        w: dict[tuple[str, str], float] = {}
        for r in self.requests:
            k = pair_key(r.from_id, r.to_id)
            w[k] = w.get(k, 0.0) + r.weight
        return w


class Unscheduled(NamedTuple):
    """A requested pair without a meeting: ``code`` says why (explain.py), ``reason`` says it in English."""

    pair: tuple[str, str]
    reason: str
    code: str = ""
    params: dict = {}


class Unserved(NamedTuple):
    participant: str
    reason: str
    code: str = ""
    params: dict = {}


@dataclass
class SolveStats:
    method: str
    optimal: bool
    solve_seconds: float
    coverage_optimal: bool = False
    phases: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "optimal": self.optimal,
            "coverage_optimal": self.coverage_optimal,
            "solve_seconds": round(self.solve_seconds, 3),
            "phases": list(self.phases),
        }


@dataclass
class Schedule:
    meetings: list[Meeting]
    total_weight: float
    upper_bound: float
    """Proven bound on the weight of any schedule leaving no more participants without a meeting."""
    unscheduled: list[Unscheduled]
    participants_without_meeting: list[Unserved]
    avg_idle_gaps: float
    """Average number of idle gaps (runs of empty slots between two meetings) per participant with meetings."""
    avg_idle_slots: float
    """Average number of idle slots between first and last meeting per participant with meetings."""
    stats: SolveStats

    @property
    def ratio(self) -> float:
        return self.total_weight / self.upper_bound if self.upper_bound > 0 else 1.0

    @property
    def gap(self) -> float:
        """Relative optimality gap (0 = proven optimal)."""
        return max(0.0, 1.0 - self.ratio)

    def to_dict(self) -> dict[str, Any]:
        return {
            "meetings": [m.to_dict() for m in self.meetings],
            "total_weight": round(self.total_weight, 6),
            "upper_bound": round(self.upper_bound, 6),
            "ratio": round(self.ratio, 6),
            "unscheduled": [{"a": u.pair[0], "b": u.pair[1], "reason": u.reason, "code": u.code, "params": u.params}
                            for u in self.unscheduled],
            "participants_without_meeting": [
                {"id": u.participant, "reason": u.reason, "code": u.code, "params": u.params}
                for u in self.participants_without_meeting
            ],
            "avg_idle_gaps": round(self.avg_idle_gaps, 4),
            "avg_idle_slots": round(self.avg_idle_slots, 4),
            "stats": self.stats.to_dict(),
        }


def _fmt_time(t: datetime) -> str:
    return t.isoformat(timespec="minutes" if t.second == 0 and t.microsecond == 0 else "auto")
