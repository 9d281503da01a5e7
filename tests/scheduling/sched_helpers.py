"""Shared helpers for the scheduling tests: instance builders and an independent rule checker."""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any


def slots(n: int) -> list[dict[str, str]]:
    t0 = datetime(2027, 2, 10, 9, 0)
    return [{"id": f"S{i + 1}", "start": (t0 + timedelta(minutes=30 * i)).isoformat(timespec="minutes"),
             "end": (t0 + timedelta(minutes=30 * i + 25)).isoformat(timespec="minutes")} for i in range(n)]


def instance(n_slots: int, tables: int, people: list[Any], requests: list[tuple[str, str, float]]) -> dict[str, Any]:
    """people: ids or dicts; requests: (from, to, weight)."""
    parts = [p if isinstance(p, dict) else {"id": p} for p in people]
    return {"slots": slots(n_slots), "tables": tables, "participants": parts,
            "requests": [{"from": a, "to": b, "weight": w} for a, b, w in requests]}


def random_instance(rng: random.Random, n_people: int, n_requests: int, n_slots: int, tables: int) -> dict[str, Any]:
    ids = [f"P{i}" for i in range(n_people)]
    sl = [s["id"] for s in slots(n_slots)]
    people = []
    for pid in ids:
        p: dict[str, Any] = {"id": pid}
        if rng.random() < 0.3:
            lo = rng.randrange(n_slots)
            hi = rng.randrange(lo, n_slots)
            p["available"] = sl[lo:hi + 1]
        if rng.random() < 0.4:
            p["max_meetings"] = rng.randint(0 if rng.random() < 0.1 else 1, n_slots)
        people.append(p)
    seen: set[tuple[str, str]] = set()
    reqs = []
    for _ in range(n_requests * 3):
        if len(reqs) >= n_requests or n_people < 2:
            break
        a, b = rng.sample(ids, 2)
        if (a, b) in seen:
            continue
        seen.add((a, b))
        reqs.append((a, b, round(rng.uniform(0.05, 1.0), 3)))
    return instance(n_slots, tables, people, reqs)


def pair_weights(inst: dict[str, Any]) -> dict[tuple[str, str], float]:
    w: dict[tuple[str, str], float] = defaultdict(float)
    for r in inst["requests"]:
        w[tuple(sorted((r["from"], r["to"])))] += r["weight"]  # type: ignore[index]
    return dict(w)


def broken_rules(inst: dict[str, Any], sched: dict[str, Any]) -> list[str]:
    """Independent checker of every rule of the shared format."""
    w = pair_weights(inst)
    all_slots = [s["id"] for s in inst["slots"]]
    avail = {p["id"]: set(p.get("available", all_slots)) for p in inst["participants"]}
    caps = {p["id"]: p.get("max_meetings") for p in inst["participants"]}
    errors: list[str] = []
    busy, tables, met = set(), set(), set()
    count: dict[str, int] = defaultdict(int)
    for m in sched["meetings"]:
        a, b, s, t = m["a"], m["b"], m["slot"], m["table"]
        pair = tuple(sorted((a, b)))
        if pair not in w:
            errors.append(f"{pair}: no request")
        if pair in met:
            errors.append(f"{pair}: meets twice")
        met.add(pair)
        for p in pair:
            if s not in avail[p]:
                errors.append(f"{p} not available in {s}")
            if (p, s) in busy:
                errors.append(f"{p} double-booked in {s}")
            busy.add((p, s))
            count[p] += 1
        if not (isinstance(t, int) and 1 <= t <= inst["tables"]):
            errors.append(f"bad table {t}")
        if (s, t) in tables:
            errors.append(f"table {t} in {s} used twice")
        tables.add((s, t))
    for p, n in count.items():
        if caps[p] is not None and n > caps[p]:
            errors.append(f"{p} over max_meetings")
    return errors


def weight_of(inst: dict[str, Any], sched: dict[str, Any]) -> float:
    w = pair_weights(inst)
    return sum(w[tuple(sorted((m["a"], m["b"])))] for m in sched["meetings"])  # type: ignore[index]


def without_meeting(inst: dict[str, Any], sched: dict[str, Any]) -> set[str]:
    wanted = {p for pair in pair_weights(inst) for p in pair}
    return wanted - {m[k] for m in sched["meetings"] for k in ("a", "b")}
