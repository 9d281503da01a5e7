"""Validation of instances and locked meetings; every error names the offending item."""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from .model import MAX_WEIGHT, Instance, InstanceError, Meeting, Participant, Request, Slot


def parse_instance(d: Any) -> Instance:
    if not isinstance(d, dict):
        raise InstanceError("instance: expected a JSON object with slots, tables, participants, requests")
    for key in ("slots", "tables", "participants", "requests"):
        if key not in d:
            raise InstanceError(f"instance: missing key {key!r}")
    slots = _parse_slots(d["slots"])
    tables = d["tables"]
    if isinstance(tables, bool) or not isinstance(tables, int):
        raise InstanceError(f"tables: {tables!r} is not an integer")
    if tables < 1:
        raise InstanceError(f"tables: {tables} (need at least 1 table)")
    slot_ids = {s.id for s in slots}
    participants = _parse_participants(d["participants"], slot_ids)
    requests = _parse_requests(d["requests"], {p.id for p in participants})
    return Instance(tuple(slots), tables, tuple(participants), tuple(requests))


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise InstanceError(f"{what}: expected a list")
    return value


def _ident(item: Any, what: str) -> str:
    if not isinstance(item, dict):
        raise InstanceError(f"{what}: expected an object, got {item!r}")
    ident = item.get("id")
    if not isinstance(ident, str) or not ident:
        raise InstanceError(f"{what}: missing or empty id in {item!r}")
    return ident


def _duplicates(ids: Iterable[str], what: str) -> None:
    dup = [i for i, n in Counter(ids).items() if n > 1]
    if dup:
        raise InstanceError(f"duplicate {what} id {dup[0]!r}")


def _time(value: Any, where: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InstanceError(f"{where}: {value!r} is not an ISO date-time") from None


def _parse_slots(raw: Any) -> list[Slot]:
    slots = []
    for i, item in enumerate(_list(raw, "slots")):
        sid = _ident(item, f"slot #{i + 1}")
        start = _time(item.get("start"), f"slot {sid} start")
        end = _time(item.get("end"), f"slot {sid} end")
        if (start.tzinfo is None) != (end.tzinfo is None):
            raise InstanceError(f"slot {sid}: start and end mix time zones")
        if end <= start:
            raise InstanceError(f"slot {sid}: ends ({item['end']}) before it starts ({item['start']})")
        slots.append(Slot(sid, start, end))
    if not slots:
        raise InstanceError("slots: the instance has no slot")
    _duplicates((s.id for s in slots), "slot")
    try:
        ordered = sorted(slots, key=lambda s: s.start)
    except TypeError:
        raise InstanceError("slots: some slots have a time zone and others not") from None
    for prev, cur in zip(ordered, ordered[1:]):
        if cur.start < prev.end:
            raise InstanceError(f"slot {cur.id} overlaps slot {prev.id} in time")
    return ordered


def _parse_participants(raw: Any, slot_ids: set[str]) -> list[Participant]:
    people = []
    for i, item in enumerate(_list(raw, "participants")):
        pid = _ident(item, f"participant #{i + 1}")
        available = item.get("available")
        if available is not None:
            available = _list(available, f"participant {pid} available")
            for s in available:
                if s not in slot_ids:
                    raise InstanceError(f"participant {pid}: availability names unknown slot {s!r}")
            available = tuple(dict.fromkeys(available))
        cap = item.get("max_meetings")
        if cap is not None:
            if isinstance(cap, bool) or not isinstance(cap, int):
                raise InstanceError(f"participant {pid}: max_meetings {cap!r} is not an integer")
            if cap < 0:
                raise InstanceError(f"participant {pid}: negative max_meetings {cap}")
        people.append(Participant(pid, available, cap))
    _duplicates((p.id for p in people), "participant")
    return people


def _parse_requests(raw: Any, people: set[str]) -> list[Request]:
    requests = []
    for i, item in enumerate(_list(raw, "requests")):
        if not isinstance(item, dict):
            raise InstanceError(f"request #{i + 1}: expected an object, got {item!r}")
        a, b, w = item.get("from"), item.get("to"), item.get("weight", 1.0)
        where = f"request #{i + 1} ({a} -> {b})"
        for who in (a, b):
            if who not in people:
                raise InstanceError(f"{where}: unknown participant {who!r}")
        if a == b:
            raise InstanceError(f"{where}: a request to oneself")
        if isinstance(w, bool) or not isinstance(w, (int, float)):
            raise InstanceError(f"{where}: weight {w!r} is not a number")
        w = float(w)
        if math.isnan(w) or w < 0 or w > MAX_WEIGHT:
            raise InstanceError(f"{where}: weight {w} out of range 0..{MAX_WEIGHT:g}")
        requests.append(Request(str(a), str(b), w))
    return requests


def validate_locked(inst: Instance, locked: Iterable[Meeting]) -> list[Meeting]:
    """Check locked meetings against the rules; returns them marked locked."""
    people = {p.id: p for p in inst.participants}
    slot_ids = {s.id for s in inst.slots}
    weights = inst.pair_weights()
    out: list[Meeting] = []
    busy: set[tuple[str, str]] = set()
    tables_used: set[tuple[str, int]] = set()
    pairs: set[tuple[str, str]] = set()
    count: Counter[str] = Counter()
    for m in locked:
        where = f"locked meeting {m.a}-{m.b} in {m.slot} at table {m.table}"
        for p in (m.a, m.b):
            if p not in people:
                raise InstanceError(f"{where}: unknown participant {p!r}")
        if m.a == m.b:
            raise InstanceError(f"{where}: a meeting with oneself")
        if m.slot not in slot_ids:
            raise InstanceError(f"{where}: unknown slot")
        if m.pair not in weights:
            raise InstanceError(f"{where}: no request between them")
        if m.pair in pairs:
            raise InstanceError(f"{where}: the pair already meets")
        if isinstance(m.table, bool) or not isinstance(m.table, int) or not 1 <= m.table <= inst.tables:
            raise InstanceError(f"{where}: no such table (tables are 1..{inst.tables})")
        if (m.slot, m.table) in tables_used:
            raise InstanceError(f"{where}: the table is taken by another locked meeting")
        for p in (m.a, m.b):
            av = people[p].available
            if av is not None and m.slot not in av:
                raise InstanceError(f"{where}: {p} is not available")
            if (p, m.slot) in busy:
                raise InstanceError(f"{where}: {p} is already in a locked meeting in that slot")
            count[p] += 1
            cap = people[p].max_meetings
            if cap is not None and count[p] > cap:
                raise InstanceError(f"{where}: {p} would exceed max_meetings {cap}")
        busy.update({(m.a, m.slot), (m.b, m.slot)})
        tables_used.add((m.slot, m.table))
        pairs.add(m.pair)
        out.append(Meeting(m.a, m.b, m.slot, m.table, True))
    return out


__all__ = ["parse_instance", "validate_locked"]
