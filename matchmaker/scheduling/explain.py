"""Why a requested pair got no meeting, or a participant none at all: a code with its parameters (the
site words it through its catalog) and the same in plain English (for the command line).

Codes of pairs: ``no_common_slot``, ``max_meetings`` (params: ``full``, the ids that reached their
maximum), ``no_table``, ``time_limit``, ``lower_value``. Codes of participants: ``absent``,
``wants_none``, ``no_common_slot_with_anyone``, ``no_one_can_meet``, ``fully_booked`` (param:
``optimal``, no schedule leaves fewer without a meeting)."""
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
        params: dict = {}
        if not shared:
            code, reason = "no_common_slot", f"{A} and {B} share no available slot"
        else:
            full = [x for x in (a, b) if _limit(asg, x) is not None and _total(asg, x) >= (_limit(asg, x) or 0)]
            if full:
                code, params = "max_meetings", {"full": [names[x] for x in full]}
                reason = " and ".join(f"{names[x]} reached max_meetings ({_limit(asg, x)})" for x in full)
            else:
                both_free = shared & ~asg.busy[a] & ~asg.busy[b]
                if both_free and both_free & ~tables_full == 0:
                    code, reason = "no_table", "no table left in the slots both are free"
                elif both_free:
                    code, reason = "time_limit", "not placed within the time limit"
                else:
                    code = "lower_value"
                    reason = (f"lower value than the meetings chosen: in every slot both are available, "
                              f"{A} or {B} already has another meeting")
        unscheduled.append(Unscheduled((A, B), reason, code, params))
    unserved: list[Unserved] = []
    for p in range(prob.n_people):
        if not prob.wanted[p] or asg.covered[p]:
            continue
        P = names[p]
        params: dict = {}
        if asg.avail[p] == 0:
            code, reason = "absent", f"{P} is available in no slot"
        elif _limit(asg, p) == 0:
            code, reason = "wants_none", f"{P} has max_meetings 0"
        elif not asg.pairs_of[p]:
            mine = [k for k in range(len(asg.w)) if p in (asg.pa[k], asg.pb[k])]
            if all(not (asg.avail[asg.pa[k]] & asg.avail[asg.pb[k]]) for k in mine):
                code = "no_common_slot_with_anyone"
                reason = f"{P} shares no available slot with anyone they asked for or who asked for them"
            else:
                code = "no_one_can_meet"
                reason = (f"no one {P} asked for or who asked for {P} can meet {P}: "
                          f"no shared free slot, or max_meetings reached")
        else:
            code, params = "fully_booked", {"optimal": bool(coverage_optimal)}
            reason = f"every participant {P} could meet is fully booked (slots, tables or max_meetings)"
            if coverage_optimal:
                reason += "; no schedule leaves fewer participants without a meeting"
        unserved.append(Unserved(P, reason, code, params))
    return unscheduled, unserved
