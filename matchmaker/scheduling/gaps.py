"""Second aim: fewer idle gaps in each participant's day, without changing which pairs meet.

Local search over the slots of the chosen meetings: relocate a meeting to another free slot,
swap it with a meeting of another pair in a slot whose tables are all taken, or swap the
slots of two meetings that share a participant. A move is kept when the total
number of idle gaps does not grow (sideways moves help to cross plateaus).
"""
from __future__ import annotations

import random
import time

from .assign import Assignment, idle_gaps


def total_gaps(asg: Assignment) -> int:
    return sum(idle_gaps(m) for m in asg.busy)


def _delta(asg: Assignment, changes: dict[int, int]) -> int:
    """changes: participant -> new busy mask."""
    return sum(idle_gaps(new) - idle_gaps(asg.busy[p]) for p, new in changes.items())


def reduce_gaps(asg: Assignment, deadline: float, seed: int = 0) -> int:
    """Improve asg in place until deadline or a local optimum; returns the number of gaps removed."""
    rng = random.Random(seed)
    before = total_gaps(asg)
    stale = 0
    while time.monotonic() < deadline:
        bad = [p for p in range(len(asg.busy)) if idle_gaps(asg.busy[p]) > 0 and asg.meeting_at[p]]
        if not bad:
            break
        improved = False
        rng.shuffle(bad)
        for i, p in enumerate(bad):
            if i % 32 == 0 and time.monotonic() >= deadline:
                break
            if _improve_participant(asg, p, rng):
                improved = True
        stale = 0 if improved else stale + 1
        if stale >= 3:
            break
    return before - total_gaps(asg)


def _improve_participant(asg: Assignment, p: int, rng: random.Random) -> bool:
    """Best move touching one of p's meetings; applied if it does not add gaps. True if strictly better."""
    best: tuple[int, float, tuple] | None = None
    open_mask = asg.open_slots()
    for s, k in list(asg.meeting_at[p].items()):
        a, b = asg.pa[k], asg.pb[k]
        bit = 1 << s
        # relocate k from s to t
        free = asg.free_slots(k, open_mask) & ~bit
        while free:
            t = (free & -free).bit_length() - 1
            free &= free - 1
            tb = 1 << t
            d = _delta(asg, {a: (asg.busy[a] & ~bit) | tb, b: (asg.busy[b] & ~bit) | tb})
            cand = (d, rng.random(), ("move", k, t))
            if best is None or cand < best:
                best = cand
        # swap k (at s) with a meeting k2 of another pair in a full slot t (tables are the limit)
        full = asg.cand[k] & ~asg.busy[a] & ~asg.busy[b] & ~open_mask
        while full:
            t = (full & -full).bit_length() - 1
            full &= full - 1
            tb = 1 << t
            others = list(asg.in_slot[t])
            for k2 in rng.sample(others, min(12, len(others))):
                c, e = asg.pa[k2], asg.pb[k2]
                if not asg.cand[k2] & bit or (asg.busy[c] | asg.busy[e]) & bit:
                    continue
                d = _delta(asg, {
                    a: (asg.busy[a] & ~bit) | tb, b: (asg.busy[b] & ~bit) | tb,
                    c: (asg.busy[c] & ~tb) | bit, e: (asg.busy[e] & ~tb) | bit,
                })
                cand = (d, rng.random(), ("swap", k, k2))
                if best is None or cand < best:
                    best = cand
        # swap k (at s) with another meeting k2 of a or b (at t)
        for q in (a, b):
            other = b if q == a else a
            for t, k2 in asg.meeting_at[q].items():
                if t == s:
                    continue
                tb = 1 << t
                c = asg.pb[k2] if asg.pa[k2] == q else asg.pa[k2]
                if not (asg.cand[k] & tb and asg.cand[k2] & bit):
                    continue
                if asg.busy[other] & tb or asg.busy[c] & bit:
                    continue
                changes = {
                    other: (asg.busy[other] & ~bit) | tb,
                    c: (asg.busy[c] & ~tb) | bit,
                }
                d = _delta(asg, changes)
                cand = (d, rng.random(), ("swap", k, k2))
                if best is None or cand < best:
                    best = cand
    if best is None or best[0] > 0:
        return False
    if best[0] == 0 and rng.random() < 0.7:
        return False
    kind = best[2]
    if kind[0] == "move":
        asg.move(kind[1], kind[2])
    else:
        k, k2 = kind[1], kind[2]
        s, t = asg.slot_of[k], asg.slot_of[k2]
        asg.remove(k)
        asg.remove(k2)
        asg.add(k, t)
        asg.add(k2, s)
    return best[0] < 0
