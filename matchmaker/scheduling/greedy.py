"""Coverage-first greedy construction plus local improvement (warm start and fallback for the MIP)."""
from __future__ import annotations

import time

from .assign import Assignment
from .problem import Problem


def _lowest(mask: int) -> int:
    return (mask & -mask).bit_length() - 1


def _best_slot(asg: Assignment, k: int, free: int) -> int:
    """Pick among free slots: next to the pair's other meetings (fewer idle gaps), then most tables left."""
    a, b = asg.pa[k], asg.pb[k]
    near = ((asg.busy[a] | asg.busy[b]) << 1 | (asg.busy[a] | asg.busy[b]) >> 1) & free
    pool = near or free
    best, best_key = -1, None
    m = pool
    while m:
        s = _lowest(m)
        m &= m - 1
        key = (asg.tables_left[s] - asg.used[s], -s)
        if best_key is None or key > best_key:
            best, best_key = s, key
    return best


def cover_pass(asg: Assignment) -> None:
    """Give a meeting to every participant that still has none, hardest (fewest options) first."""
    prob = asg.prob
    todo = [p for p in range(prob.n_people) if prob.wanted[p] and not asg.covered[p] and asg.pairs_of[p]]
    todo.sort(key=lambda p: (len(asg.pairs_of[p]), sum(asg.cand[k].bit_count() for k in asg.pairs_of[p])))
    for p in todo:
        if asg.covered[p]:
            continue
        open_mask = asg.open_slots()
        best, best_key = -1, None
        for k in asg.pairs_of[p]:
            if k in asg.slot_of or not asg.cap_ok(k):
                continue
            free = asg.free_slots(k, open_mask)
            if not free:
                continue
            other = asg.pb[k] if asg.pa[k] == p else asg.pa[k]
            key = (not asg.covered[other], asg.cap[other] - asg.count[other] > 1, asg.w[k])
            if best_key is None or key > best_key:
                best, best_key = k, key
        if best >= 0:
            asg.add(best, _best_slot(asg, best, asg.free_slots(best, open_mask)))


def weight_pass(asg: Assignment) -> None:
    """Heaviest pair first, into a free slot."""
    order = sorted((k for k, m in enumerate(asg.cand) if m and k not in asg.slot_of), key=lambda k: -asg.w[k])
    open_mask = asg.open_slots()
    for k in order:
        if not asg.cap_ok(k):
            continue
        free = asg.free_slots(k, open_mask)
        if free:
            s = _best_slot(asg, k, free)
            asg.add(k, s)
            if asg.used[s] >= asg.tables_left[s]:
                open_mask &= ~(1 << s)


def _relocate(asg: Assignment, m: int, forbid: int, log: list[tuple[int, int]]) -> bool:
    """Move placed meeting m to another slot (not in forbid) where it fits; True on success."""
    free = asg.free_slots(m) & ~forbid & ~(1 << asg.slot_of[m])
    if not free:
        return False
    log.append((m, asg.slot_of[m]))
    asg.move(m, _best_slot(asg, m, free))
    return True


def _locked_at(asg: Assignment, p: int, s: int) -> bool:
    return bool(asg.busy[p] >> s & 1) and s not in asg.meeting_at[p]


def _try_insert(asg: Assignment, k: int) -> bool:
    """Place unplaced pair k by moving (not dropping) the meetings that block it in one slot."""
    a, b = asg.pa[k], asg.pb[k]
    m = asg.cand[k]
    while m:
        s = _lowest(m)
        m &= m - 1
        bit = 1 << s
        if _locked_at(asg, a, s) or _locked_at(asg, b, s):
            continue
        blockers = {asg.meeting_at[p][s] for p in (a, b) if asg.busy[p] & bit}
        log: list[tuple[int, int]] = []
        ok = all(_relocate(asg, x, bit, log) for x in blockers)
        if ok and asg.used[s] >= asg.tables_left[s]:
            ok = any(_relocate(asg, x, bit, log) for x in list(asg.in_slot[s])[:50])
        if ok:
            asg.add(k, s)
            return True
        for x, t in reversed(log):
            asg.move(x, t)
    return False


def _try_swap_out(asg: Assignment, k: int) -> bool:
    """Place unplaced pair k in place of lighter meetings, keeping everyone covered."""
    a, b = asg.pa[k], asg.pb[k]
    m = asg.cand[k]
    best = None
    while m:
        s = _lowest(m)
        m &= m - 1
        bit = 1 << s
        if _locked_at(asg, a, s) or _locked_at(asg, b, s):
            continue
        drop = {asg.meeting_at[p][s] for p in (a, b) if asg.busy[p] & bit}
        if asg.used[s] - len(drop) >= asg.tables_left[s]:  # no table: drop the lightest droppable meeting
            light = [x for x in asg.in_slot[s] if x not in drop and asg.w[x] < asg.w[k]
                     and asg.count[asg.pa[x]] + asg.prob.locked_count[asg.pa[x]] > 1
                     and asg.count[asg.pb[x]] + asg.prob.locked_count[asg.pb[x]] > 1]
            if not light:
                continue
            drop.add(min(light, key=lambda x: asg.w[x]))
        for p in (a, b):  # caps: drop p's lightest other meeting if p is full
            if asg.count[p] - sum(1 for x in drop if p in (asg.pa[x], asg.pb[x])) >= asg.cap[p]:
                mine = [x for x in asg.meeting_at[p].values() if x not in drop]
                if not mine:
                    break
                drop.add(min(mine, key=lambda x: asg.w[x]))
        else:
            loss = sum(asg.w[x] for x in drop)
            if loss >= asg.w[k] - 1e-9:
                continue
            # coverage: every participant losing a meeting must keep one (or be a or b)
            lost: dict[int, int] = {}
            for x in drop:
                for p in (asg.pa[x], asg.pb[x]):
                    lost[p] = lost.get(p, 0) + 1
            if any(p not in (a, b) and asg.count[p] - n <= 0 and asg.prob.locked_count[p] == 0
                   for p, n in lost.items()):
                continue
            if best is None or loss < best[0]:
                best = (loss, s, drop)
    if best is None:
        return False
    _, s, drop = best
    for x in drop:
        asg.remove(x)
    asg.add(k, s)
    return True


def improve(asg: Assignment, deadline: float) -> None:
    """Local improvement: insert unplaced pairs by relocating blockers, else by swapping out lighter ones."""
    changed = True
    while changed and time.monotonic() < deadline:
        changed = False
        order = sorted((k for k, m in enumerate(asg.cand) if m and k not in asg.slot_of), key=lambda k: -asg.w[k])
        for i, k in enumerate(order):
            if i % 64 == 0 and time.monotonic() >= deadline:
                return
            if k in asg.slot_of:
                continue
            if asg.cap_ok(k) and _try_insert(asg, k):
                changed = True
            elif _try_swap_out(asg, k):
                changed = True
        cover_pass(asg)


def greedy(prob: Problem, time_budget: float = 1.0) -> Assignment:
    deadline = time.monotonic() + time_budget
    asg = Assignment(prob)
    cover_pass(asg)
    weight_pass(asg)
    improve(asg, deadline)
    return asg
