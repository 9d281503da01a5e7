"""Integer programme over x[pair, slot] solved with HiGHS (highspy).

Rows: each pair meets at most once; each participant at most one meeting a slot; caps;
tables per slot; and, depending on the phase, coverage rows.
"""
from __future__ import annotations

import atexit
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np

from .problem import Problem

ProgressFn = Callable[[float, float, float], None]
"""progress(incumbent, bound, elapsed_seconds) called on MIP progress."""


@dataclass
class MipResult:
    x: np.ndarray | None  # 0/1 per candidate, or None without a solution
    objective: float
    bound: float
    optimal: bool
    status: str


def _base_rows(prob: Problem) -> tuple[list[np.ndarray], list[np.ndarray], list[float]]:
    """Packing rows (pair once, one meeting a slot, caps, tables) as COO pieces and their upper limits."""
    N = len(prob.cand_pair)
    cp, cs = prob.cand_pair, prob.cand_slot
    S = prob.n_slots
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    ub: list[float] = []
    offset = 0

    def add(keys: np.ndarray, members: np.ndarray, limit: np.ndarray) -> None:
        """Add one row per distinct key among members, limit indexed by key; skip rows that cannot bind."""
        nonlocal offset
        if len(keys) == 0:
            return
        uniq, inv, counts = np.unique(keys, return_inverse=True, return_counts=True)
        lim = limit[uniq]
        keep = counts > lim
        if not keep.any():
            return
        new_id = np.full(len(uniq), -1, dtype=np.int64)
        new_id[keep] = np.arange(int(keep.sum())) + offset
        r = new_id[inv]
        m = r >= 0
        rows.append(r[m])
        cols.append(members[m])
        ub.extend(lim[keep].astype(float).tolist())
        offset += int(keep.sum())

    idx = np.arange(N, dtype=np.int64)
    K = len(prob.weight)
    P = prob.n_people
    add(cp, idx, np.ones(K, dtype=np.int64))  # pair meets at most once
    a, b = prob.pair_a[cp], prob.pair_b[cp]
    both = np.concatenate([a, b])
    both_idx = np.concatenate([idx, idx])
    add(both * S + np.concatenate([cs, cs]), both_idx, np.ones(P * S, dtype=np.int64))  # one meeting a slot
    add(both, both_idx, prob.cap)  # max_meetings (what is left after locked meetings)
    add(cs, idx, prob.tables_left)  # tables per slot
    return rows, cols, ub


def solve_mip(
    prob: Problem,
    objective: np.ndarray,
    time_limit: float,
    *,
    cover_all: np.ndarray | None = None,
    cover_count: tuple[np.ndarray, int] | None = None,
    cover_reward: float = 0.0,
    start: np.ndarray | None = None,
    mip_gap: float = 1e-6,
    abs_gap: float = 1e-6,
    progress: ProgressFn | None = None,
    stop_at: float | None = None,
    threads: int | None = None,
    options: dict[str, object] | None = None,
    grace: float = 0.5,
) -> MipResult:
    """Maximise objective·x + cover_reward·sum(y).

    cover_all: participants (indices) that must each get at least one meeting.
    cover_count: (participants, k): y_p <= sum of p's x, y_p in [0, 1], and sum y_p >= k.
    """
    hard_stop = time.monotonic() + max(0.05, float(time_limit))  # model building counts too
    N = len(prob.cand_pair)
    rows, cols, ub = _base_rows(prob)
    lb = [-math.inf] * len(ub)
    n_rows = len(ub)
    n_cols = N
    cp = prob.cand_pair
    a, b = prob.pair_a[cp], prob.pair_b[cp]
    idx = np.arange(N, dtype=np.int64)
    vals = [np.ones(len(r)) for r in rows]
    if cover_all is not None and len(cover_all):
        row_of = np.full(prob.n_people, -1, dtype=np.int64)
        row_of[cover_all] = np.arange(len(cover_all)) + n_rows
        for side in (a, b):
            r = row_of[side]
            m = r >= 0
            rows.append(r[m]); cols.append(idx[m]); vals.append(np.ones(int(m.sum())))
        lb += [1.0] * len(cover_all)
        ub += [math.inf] * len(cover_all)
        n_rows += len(cover_all)
    cost = np.asarray(objective, dtype=float)
    integrality = [highspy.HighsVarType.kInteger] * N
    col_upper = np.ones(N)
    if cover_count is not None:
        who, k = cover_count
        ny = len(who)
        ycol = np.arange(ny) + n_cols
        row_of = np.full(prob.n_people, -1, dtype=np.int64)
        row_of[who] = np.arange(ny) + n_rows
        # y_p - sum x_p <= 0
        rows.append(row_of[who]); cols.append(ycol); vals.append(np.ones(ny))
        for side in (a, b):
            r = row_of[side]
            m = r >= 0
            rows.append(r[m]); cols.append(idx[m]); vals.append(-np.ones(int(m.sum())))
        lb += [-math.inf] * ny
        ub += [0.0] * ny
        n_rows += ny
        if k > 0:
            rows.append(np.full(ny, n_rows)); cols.append(ycol); vals.append(np.ones(ny))
            lb.append(float(k)); ub.append(math.inf)
            n_rows += 1
        cost = np.concatenate([cost, np.full(ny, cover_reward)])
        integrality += [highspy.HighsVarType.kContinuous] * ny
        col_upper = np.concatenate([col_upper, np.ones(ny)])
        n_cols += ny
    r_all = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c_all = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    v_all = np.concatenate(vals) if vals else np.zeros(0)
    order = np.lexsort((r_all, c_all))  # column-wise, rows ascending within a column
    starts = np.zeros(n_cols + 1, dtype=np.int64)
    np.cumsum(np.bincount(c_all, minlength=n_cols), out=starts[1:])

    h = highspy.Highs()
    h.silent(not os.environ.get("MATCHMAKER_HIGHS_LOG"))  # set it to see HiGHS's own log
    h.setOptionValue("time_limit", max(0.05, hard_stop - time.monotonic()))
    h.setOptionValue("mip_rel_gap", mip_gap)
    h.setOptionValue("mip_abs_gap", abs_gap)
    h.setOptionValue("presolve", "off")  # HiGHS presolve/probing costs more than it saves on these models
    # feasibility jump cannot be interrupted and takes ~20 s on 300k columns; the greedy warm start replaces it
    h.setOptionValue("mip_heuristic_run_feasibility_jump", False)
    if threads:
        h.setOptionValue("threads", threads)
    for key, value in (options or {}).items():
        h.setOptionValue(key, value)
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(n_cols)
    lp.col_upper_ = col_upper
    lp.row_lower_ = np.array(lb, dtype=float)
    lp.row_upper_ = np.array(ub, dtype=float)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = starts.astype(np.int32)
    lp.a_matrix_.index_ = r_all[order].astype(np.int32)
    lp.a_matrix_.value_ = v_all[order].astype(float)
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    lp.integrality_ = integrality
    h.passModel(lp)

    if start is not None:
        sol = highspy.HighsSolution()
        full = np.zeros(n_cols)
        full[:N] = start
        if cover_count is not None:
            who, _ = cover_count
            cnt = np.zeros(prob.n_people)
            np.add.at(cnt, a, start)
            np.add.at(cnt, b, start)
            full[N:] = np.minimum(1.0, cnt[who])
        sol.col_value = full.tolist()
        sol.value_valid = True
        h.setSolution(sol)

    t0 = time.monotonic()
    seen = {"last": 0.0, "bound": math.inf, "obj": -math.inf}
    incumbent: list[np.ndarray] = []

    def on_interrupt(e: Any) -> None:
        # HiGHS checks its own time limit only now and then (not inside some heuristics): enforce it here
        now = time.monotonic()
        if now >= hard_stop:
            e.data_in.user_interrupt = True
        if e.callback_type != highspy.cb.HighsCallbackType.kCallbackMipInterrupt:
            return
        d = e.data_out
        seen["bound"] = d.mip_dual_bound
        if stop_at is not None and d.mip_primal_bound >= stop_at:
            e.data_in.user_interrupt = True  # good enough: e.g. everybody covered
        if progress is not None and now - t0 - seen["last"] >= 1.0:
            seen["last"] = now - t0
            progress(d.mip_primal_bound, d.mip_dual_bound, now - t0)

    def on_improving(e: Any) -> None:
        d = e.data_out
        if d.objective_function_value > seen["obj"]:
            seen["obj"] = d.objective_function_value
            incumbent[:] = [np.asarray(d.mip_solution)[:N] > 0.5]

    h.cbMipInterrupt.subscribe(on_interrupt)
    h.cbSimplexInterrupt.subscribe(on_interrupt)
    h.cbIpmInterrupt.subscribe(on_interrupt)
    h.cbMipImprovingSolution.subscribe(on_improving)
    # Run in a daemon thread: some HiGHS heuristics go seconds without a callback, so the caller
    # does not wait past the limit; it takes the last incumbent and HiGHS stops at its next check.
    # Our own thread, not highspy's startSolve()/wait(): their "solver running" lock is a class
    # attribute shared by every Highs object, so a run left behind at its time limit (or another
    # fair's run in another thread) would make this one fail with "Solver is already running".
    failure: list[BaseException] = []

    def run_highs() -> None:
        try:
            h.run()
        except BaseException as exc:  # pragma: no cover - HiGHS reports problems through its status
            failure.append(exc)

    thread = threading.Thread(target=run_highs, name="highs", daemon=True)
    thread.start()
    thread.join(max(0.05, hard_stop + grace - time.monotonic()))
    finished = not thread.is_alive()
    if finished and failure:  # pragma: no cover
        raise failure[0]
    if not finished:
        _ABANDONED.append(thread)
        best = incumbent[0].astype(np.int8) if incumbent else None
        return MipResult(best, float(seen["obj"]), float(seen["bound"]), False, "Stopped at the time limit")
    status = h.getModelStatus()
    info = h.getInfo()
    has_sol = info.primal_solution_status == 2  # kSolutionStatusFeasible
    x: np.ndarray | None = None
    obj = -math.inf
    if has_sol:
        vals_out = np.asarray(h.getSolution().col_value)
        x = (vals_out[:N] > 0.5).astype(np.int8)
        obj = float(info.objective_function_value)
    bound = float(info.mip_dual_bound)
    if not math.isfinite(bound):
        bound = math.inf
    optimal = status == highspy.HighsModelStatus.kOptimal or (
        stop_at is not None and obj >= stop_at and math.isfinite(obj))
    return MipResult(x, obj, bound, optimal, h.modelStatusToString(status))


_ABANDONED: list[threading.Thread] = []


@atexit.register
def _wait_for_abandoned_runs() -> None:
    """Let an overrunning HiGHS thread reach its next interrupt check before the interpreter goes away
    (a C++ thread still running at interpreter shutdown aborts the process)."""
    for t in _ABANDONED:
        t.join()


def solver_still_running() -> bool:
    """True while a HiGHS run that overran its time limit has not yet stopped (it will at its next check)."""
    _ABANDONED[:] = [t for t in _ABANDONED if t.is_alive()]
    return bool(_ABANDONED)
