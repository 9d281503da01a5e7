"""solve(): greedy warm start -> MIP (coverage, then weight) -> idle-gap reduction -> tables -> reasons."""
from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from .assign import Assignment, idle_gaps, idle_slots
from .explain import explain
from .gaps import reduce_gaps
from .greedy import cover_pass, greedy, improve, weight_pass
from .milp import solve_mip
from .model import Instance, Meeting, Schedule, SolveStats
from .problem import Problem, compile_problem
from .tables import assign_tables
from .validate import validate_locked

N_PHASES = 4


@dataclass(frozen=True)
class Progress:
    phase: int
    name: str
    incumbent: float
    bound: float
    elapsed: float

    def __str__(self) -> str:
        inc = f"{self.incumbent:.1f}" if math.isfinite(self.incumbent) else "-"
        bnd = f"{self.bound:.1f}" if math.isfinite(self.bound) else "-"
        return f"phase {self.phase}/{N_PHASES}: {self.name}, incumbent {inc}, bound {bnd}, {self.elapsed:.1f} s"


ProgressCallback = Callable[[Progress], None]


def _key(asg: Assignment) -> tuple[int, float]:
    return (asg.n_covered(), asg.total_weight())


def _simple_bound(prob: Problem) -> float:
    """Cheap bound for when the MIP has no good one: min of (heaviest pairs that fit the tables) and
    (half the sum, over participants, of their heaviest pairs up to their meeting limit)."""
    open_pair = np.zeros(len(prob.weight), dtype=bool)
    open_pair[prob.cand_pair] = True
    w = prob.weight[open_pair]
    by_tables = float(np.sort(w)[::-1][: int(prob.tables_left.sum())].sum())
    per_person: list[list[float]] = [[] for _ in range(prob.n_people)]
    for a, b, x in zip(prob.pair_a[open_pair].tolist(), prob.pair_b[open_pair].tolist(), w.tolist()):
        per_person[a].append(x)
        per_person[b].append(x)
    free = (prob.avail & ~prob.locked_busy).sum(axis=1)
    limit = np.minimum(prob.cap, free).tolist()
    by_people = 0.5 * sum(sum(sorted(ws, reverse=True)[:m]) for ws, m in zip(per_person, limit))
    return min(by_tables, by_people) + prob.locked_weight


@dataclass
class _Run:
    """State of one solve() call, passed between its phases."""

    prob: Problem
    t0: float
    deadline: float
    reserve: float
    progress: ProgressCallback | None
    phases: list[str]
    asg: Assignment
    who: np.ndarray  # participants the coverage counts (coverable, not covered by a locked meeting)
    bound: float = math.inf  # MIP bound on the non-locked weight
    coverage_optimal: bool = False
    weight_optimal: bool = False
    used_mip: bool = False

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def note(self, text: str) -> None:
        self.phases.append(f"{text} ({self.elapsed():.1f} s)")

    def report(self, phase: int, name: str, inc: float, bound: float) -> None:
        if self.progress is not None:
            lw = self.prob.locked_weight
            self.progress(Progress(phase, name, inc + lw, bound + lw, self.elapsed()))

    def covered(self) -> int:
        return sum(1 for p in self.who.tolist() if self.asg.covered[p])

    def mip_time_left(self) -> float:
        return self.deadline - time.monotonic() - self.reserve


def _coverage_phase(run: _Run, start: np.ndarray) -> np.ndarray:
    """Most participants covered; weight only as a tie-break worth less than one participant."""
    prob, target = run.prob, len(run.who)
    eps = 0.5 / (float(prob.weight.sum()) + 1.0)
    r = solve_mip(
        prob, eps * prob.weight[prob.cand_pair], 0.4 * run.mip_time_left(),
        cover_count=(run.who, 0), cover_reward=1.0, start=start, stop_at=float(target),
        mip_gap=0.0, abs_gap=0.4,  # weight part < 0.5, so a gap < 0.5 proves the coverage optimal
        progress=(lambda i, b, e: run.report(2, "MIP coverage", i, b)) if run.progress else None,
    )
    if r.x is not None:
        cand = Assignment.from_vector(prob, r.x)
        if _key(cand) > _key(run.asg):
            run.asg, start = cand, r.x
    got = run.covered()
    run.coverage_optimal = got == target or (math.isfinite(r.bound) and math.floor(r.bound + 1e-7) <= got)
    run.note(f"MIP coverage: covered {got} of {target}, {r.status}")
    return start


def _weight_phase(run: _Run, start: np.ndarray) -> None:
    """Largest weight among schedules covering as many participants as found."""
    prob = run.prob
    got = run.covered()
    cover: dict[str, object] = {"cover_all": run.who} if got == len(run.who) else {"cover_count": (run.who, got)}
    r = solve_mip(
        prob, prob.weight[prob.cand_pair], run.mip_time_left(), start=start,
        progress=(lambda i, b, e: run.report(3, "MIP", i, b)) if run.progress else None,
        **cover,  # type: ignore[arg-type]
    )
    if r.x is not None:
        cand = Assignment.from_vector(prob, r.x)
        if _key(cand) >= _key(run.asg):
            run.asg = cand
    run.bound, run.weight_optimal = r.bound, r.optimal
    lw = prob.locked_weight
    run.note(f"MIP weight: {r.objective + lw:.3f}, bound {r.bound + lw:.3f}, {r.status}")


def solve(
    instance: Instance,
    time_limit: float = 30.0,
    locked: Iterable[Meeting] = (),
    progress: ProgressCallback | None = None,
    *,
    mip: bool = True,
    gap_rounds: bool = True,
) -> Schedule:
    """Schedule the requested meetings within time_limit seconds (wall clock).

    Lexicographic objective: fewest participants with requests left without a meeting, then
    the largest total weight, then fewer idle gaps. Locked meetings stay as given (slot and
    table); InstanceError names a locked meeting that breaks a rule. progress receives
    Progress events. mip=False keeps to the greedy + local improvement (for comparison);
    gap_rounds=False skips the idle-gap phase.
    """
    t0 = time.monotonic()
    time_limit = min(float(time_limit), 7 * 86400.0)  # "no limit" still needs a finite clock
    locked_list = validate_locked(instance, locked)
    prob = compile_problem(instance, locked_list)
    run = _Run(
        prob, t0, t0 + max(0.1, time_limit),
        reserve=min(0.33 * time_limit, 10.0),  # local improvement, idle gaps, tables, reasons
        progress=progress, phases=[],
        asg=greedy(prob, time_budget=min(0.04 * time_limit, 1.2)),
        who=np.nonzero(prob.coverable() & ~prob.covered_by_locked())[0],
    )
    lw = prob.locked_weight
    run.note(f"greedy: covered {run.asg.n_covered()}, weight {run.asg.total_weight() + lw:.3f}")
    run.report(1, "greedy", run.asg.total_weight(), math.inf)
    run.coverage_optimal = run.covered() == len(run.who)

    if mip and len(prob.cand_pair) and run.mip_time_left() > 0.2:
        run.used_mip = True
        start = run.asg.to_vector()
        if not run.coverage_optimal:
            start = _coverage_phase(run, start)
        if run.mip_time_left() > 0.1:
            _weight_phase(run, start)

    asg = run.asg
    cover_pass(asg)  # after an early stop: add whatever still fits,
    weight_pass(asg)
    if not run.weight_optimal:  # then local improvement on the incumbent
        before = asg.total_weight()
        improve(asg, min(run.deadline - 0.55 * run.reserve, time.monotonic() + 0.45 * run.reserve))
        run.note(f"local improvement: {before + lw:.3f} -> {asg.total_weight() + lw:.3f}")
    total = asg.total_weight()
    upper = _simple_bound(prob)
    if math.isfinite(run.bound):
        upper = min(upper, run.bound + lw)
    upper = max(upper, total + lw)
    run.report(3, "weight done", total, upper - lw)

    if gap_rounds:
        before_gaps = sum(idle_gaps(m) for m in asg.busy)
        removed = reduce_gaps(asg, max(run.deadline - 0.2 * run.reserve - 0.2, time.monotonic() + 0.05))
        run.note(f"idle gaps: {before_gaps} -> {before_gaps - removed}")
        weight_pass(asg)  # moved meetings may have freed a slot for an unplaced pair (weight comes first)
        total = asg.total_weight()
        upper = max(upper, total + lw)
        run.report(4, "idle gaps", total, upper - lw)

    placed = [(prob.people[asg.pa[k]], prob.people[asg.pb[k]], prob.slot_ids[s]) for k, s in asg.slot_of.items()]
    meetings = assign_tables(prob.slot_ids, instance.tables, locked_list, placed)
    unscheduled, unserved = explain(asg, run.coverage_optimal)
    served = [m for m in asg.busy if m]
    avg_gaps = sum(idle_gaps(m) for m in served) / len(served) if served else 0.0
    avg_idle = sum(idle_slots(m) for m in served) / len(served) if served else 0.0
    stats = SolveStats(
        method="HiGHS MIP (lexicographic: coverage, then weight)" if run.used_mip else "greedy + local improvement",
        optimal=run.coverage_optimal and (run.weight_optimal or total + lw >= upper - 1e-6),
        solve_seconds=time.monotonic() - t0,
        coverage_optimal=run.coverage_optimal,
        phases=run.phases,
    )
    return Schedule(meetings, total + lw, upper, unscheduled, unserved, avg_gaps, avg_idle, stats)
