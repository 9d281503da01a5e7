"""Plain-language reasons for unscheduled request pairs and participants left without a meeting."""
from __future__ import annotations

from .assign import Assignment
from .model import Unscheduled, Unserved


def _limit(asg: Assignment, p: int) -> int | None:
    return asg.prob.inst.participants[p].max_meetings


def _total(asg: Assignment, p: int) -> int:
    return asg.count[p] + int(asg.prob.locked_count[p])


def explain(asg: Assignment, coverage_optimal: bool) -> tuple[list[Unscheduled], list[Unserved]]:
    prob = asg.prob
    names = prob.people
    tables_full = 0
    for s, (u, t) in enumerate(zip(asg.used, asg.tables_left)):
        if u >= t:
            tables_full |= 1 << s
    unscheduled: list[Unscheduled] = []
    for k in range(len(asg.w)):
        if k in asg.slot_of or k in prob.locked_pairs:
            continue
        a, b = asg.pa[k], asg.pb[k]
        A, B = names[a], names[b]
        shared = asg.avail[a] & asg.avail[b]
        reason: str
        if not shared:
            reason = f"{A} and {B} share no available slot"
        else:
            full = [x for x in (a, b) if _limit(asg, x) is not None and _total(asg, x) >= (_limit(asg, x) or 0)]
            if full:
                reason = " and ".join(f"{names[x]} reached max_meetings ({_limit(asg, x)})" for x in full)
            else:
                both_free = shared & ~asg.busy[a] & ~asg.busy[b]
                if both_free and both_free & ~tables_full == 0:
                    reason = "no table left in the slots both are free"
                elif both_free:
                    reason = "not placed within the time limit"
                else:
                    reason = (f"lower value than the meetings chosen: in every slot both are available, "
                              f"{A} or {B} already has another meeting")
        unscheduled.append(Unscheduled((A, B), reason))
    unserved: list[Unserved] = []
    for p in range(prob.n_people):
        if not prob.wanted[p] or asg.covered[p]:
            continue
        P = names[p]
        if asg.avail[p] == 0:
            reason = f"{P} is available in no slot"
        elif _limit(asg, p) == 0:
            reason = f"{P} has max_meetings 0"
        elif not asg.pairs_of[p]:
            mine = [k for k in range(len(asg.w)) if p in (asg.pa[k], asg.pb[k])]
            if all(not (asg.avail[asg.pa[k]] & asg.avail[asg.pb[k]]) for k in mine):
                reason = f"{P} shares no available slot with anyone they asked for or who asked for them"
            else:
                reason = (f"no one {P} asked for or who asked for {P} can meet {P}: "
                          f"no shared free slot, or max_meetings reached")
        else:
            reason = f"every participant {P} could meet is fully booked (slots, tables or max_meetings)"
            if coverage_optimal:
                reason += "; no schedule leaves fewer participants without a meeting"
        unserved.append(Unserved(P, reason))
    return unscheduled, unserved
