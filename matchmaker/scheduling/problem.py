"""Compiled, index-based view of an instance plus locked meetings, shared by the solvers.

Slots are indexed 0..S-1 in time order, participants 0..P-1, pairs 0..K-1.
A *candidate* is a (pair, slot) where the pair could still meet given the locked meetings:
both available, neither busy with a locked meeting, a table left, caps not exhausted.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import Instance, Meeting


@dataclass
class Problem:
    inst: Instance
    slot_ids: list[str]
    people: list[str]
    pindex: dict[str, int]
    avail: np.ndarray  # bool [P, S]
    cap: np.ndarray  # int [P]: remaining meetings allowed (after locked ones), at most S
    tables_left: np.ndarray  # int [S]
    pair_a: np.ndarray  # int [K]
    pair_b: np.ndarray  # int [K]
    weight: np.ndarray  # float [K]
    pair_index: dict[tuple[int, int], int]
    locked: list[Meeting]
    locked_pairs: set[int]
    locked_busy: np.ndarray  # bool [P, S]
    locked_count: np.ndarray  # int [P]
    wanted: np.ndarray  # bool [P]: has a request (either direction)
    # candidates
    cand_pair: np.ndarray  # int [N]
    cand_slot: np.ndarray  # int [N]

    @property
    def n_slots(self) -> int:
        return len(self.slot_ids)

    @property
    def n_people(self) -> int:
        return len(self.people)

    @property
    def locked_weight(self) -> float:
        return float(sum(self.weight[self.pair_index[self._pk(m.a, m.b)]] for m in self.locked))

    def _pk(self, a: str, b: str) -> tuple[int, int]:
        i, j = self.pindex[a], self.pindex[b]
        return (i, j) if i < j else (j, i)

    def pair_of(self, a: str, b: str) -> int:
        return self.pair_index[self._pk(a, b)]

    def covered_by_locked(self) -> np.ndarray:
        return self.locked_count > 0

    def coverable(self) -> np.ndarray:
        """Participants with requests who have a meeting already or at least one candidate."""
        ok = self.covered_by_locked().copy()
        if len(self.cand_pair):
            ok[self.pair_a[self.cand_pair]] = True
            ok[self.pair_b[self.cand_pair]] = True
        return ok & self.wanted


def compile_problem(inst: Instance, locked: list[Meeting]) -> Problem:
    slot_ids = [s.id for s in inst.slots]
    sidx = {s: i for i, s in enumerate(slot_ids)}
    S = len(slot_ids)
    people = [p.id for p in inst.participants]
    pindex = {p: i for i, p in enumerate(people)}
    P = len(people)
    avail = np.zeros((P, S), dtype=bool)
    cap = np.full(P, S, dtype=np.int64)
    for i, p in enumerate(inst.participants):
        if p.available is None:
            avail[i, :] = True
        else:
            avail[i, [sidx[s] for s in p.available]] = True
        if p.max_meetings is not None:
            cap[i] = min(S, p.max_meetings)

    weights: dict[tuple[int, int], float] = {}
    for (a, b), w in inst.pair_weights().items():
        i, j = pindex[a], pindex[b]
        weights[(i, j) if i < j else (j, i)] = w
    keys = sorted(weights)
    pair_index = {k: n for n, k in enumerate(keys)}
    pair_a = np.array([k[0] for k in keys], dtype=np.int64)
    pair_b = np.array([k[1] for k in keys], dtype=np.int64)
    weight = np.array([weights[k] for k in keys], dtype=float)
    wanted = np.zeros(P, dtype=bool)
    wanted[pair_a] = True
    wanted[pair_b] = True

    locked_busy = np.zeros((P, S), dtype=bool)
    locked_count = np.zeros(P, dtype=np.int64)
    tables_left = np.full(S, inst.tables, dtype=np.int64)
    locked_pairs: set[int] = set()
    for m in locked:
        i, j = pindex[m.a], pindex[m.b]
        s = sidx[m.slot]
        locked_busy[i, s] = locked_busy[j, s] = True
        locked_count[i] += 1
        locked_count[j] += 1
        tables_left[s] -= 1
        locked_pairs.add(pair_index[(i, j) if i < j else (j, i)])
    cap = np.maximum(cap - locked_count, 0)

    free = avail & ~locked_busy & (tables_left > 0)[None, :]
    open_pair = np.ones(len(keys), dtype=bool)
    if locked_pairs:
        open_pair[list(locked_pairs)] = False
    open_pair &= (cap[pair_a] > 0) & (cap[pair_b] > 0)
    both = free[pair_a] & free[pair_b] & open_pair[:, None]  # [K, S]
    cand_pair, cand_slot = np.nonzero(both)
    return Problem(
        inst, slot_ids, people, pindex, avail, cap, tables_left, pair_a, pair_b, weight, pair_index,
        list(locked), locked_pairs, locked_busy, locked_count, wanted,
        cand_pair.astype(np.int64), cand_slot.astype(np.int64),
    )


__all__ = ["Problem", "compile_problem"]
