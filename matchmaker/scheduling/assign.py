"""Mutable assignment of pairs to slots with bitmask bookkeeping (shared by greedy, gaps, explain)."""
from __future__ import annotations

import numpy as np

from .problem import Problem


def idle_gaps(mask: int) -> int:
    """Number of idle gaps: runs of empty slots between a participant's first and last meeting."""
    if mask == 0:
        return 0
    blocks = (mask & ~(mask << 1)).bit_count()
    return blocks - 1


def idle_slots(mask: int) -> int:
    if mask == 0:
        return 0
    m = mask >> ((mask & -mask).bit_length() - 1)
    return m.bit_length() - m.bit_count()


class Assignment:
    """Non-locked meetings as pair -> slot, plus per-participant busy bitmasks (locked included)."""

    def __init__(self, prob: Problem) -> None:
        self.prob = prob
        S = prob.n_slots
        self.full_mask = (1 << S) - 1
        bits = 1 << np.arange(S, dtype=object)
        self.avail = [int(sum(bits[row])) for row in prob.avail]
        self.busy = [int(sum(bits[row])) for row in prob.locked_busy]
        self.count = [0] * prob.n_people  # non-locked meetings
        self.cap = prob.cap.tolist()  # remaining after locked
        self.covered = (prob.locked_count > 0).tolist()
        self.tables_left = prob.tables_left.tolist()
        self.used = [0] * S
        self.pa = prob.pair_a.tolist()
        self.pb = prob.pair_b.tolist()
        self.w = prob.weight.tolist()
        self.cand = [0] * len(self.w)  # candidate slot mask per pair
        for k, s in zip(prob.cand_pair.tolist(), prob.cand_slot.tolist()):
            self.cand[k] |= 1 << s
        self.pairs_of: list[list[int]] = [[] for _ in range(prob.n_people)]
        for k, m in enumerate(self.cand):
            if m:
                self.pairs_of[self.pa[k]].append(k)
                self.pairs_of[self.pb[k]].append(k)
        self.slot_of: dict[int, int] = {}
        self.in_slot: list[set[int]] = [set() for _ in range(S)]
        self.meeting_at: list[dict[int, int]] = [{} for _ in range(prob.n_people)]  # slot -> pair (non-locked)

    # -- queries ---------------------------------------------------------------------------
    def open_slots(self) -> int:
        m = 0
        for s, (u, t) in enumerate(zip(self.used, self.tables_left)):
            if u < t:
                m |= 1 << s
        return m

    def free_slots(self, k: int, open_mask: int | None = None) -> int:
        """Slots where pair k could be placed right now (ignoring caps and whether already placed)."""
        if open_mask is None:
            open_mask = self.open_slots()
        return self.cand[k] & ~self.busy[self.pa[k]] & ~self.busy[self.pb[k]] & open_mask

    def cap_ok(self, k: int) -> bool:
        return self.count[self.pa[k]] < self.cap[self.pa[k]] and self.count[self.pb[k]] < self.cap[self.pb[k]]

    def n_covered(self) -> int:
        return sum(1 for p, c in enumerate(self.covered) if c and self.prob.wanted[p])

    def total_weight(self) -> float:
        return sum(self.w[k] for k in self.slot_of)

    # -- updates ---------------------------------------------------------------------------
    def add(self, k: int, s: int) -> None:
        a, b = self.pa[k], self.pb[k]
        bit = 1 << s
        self.busy[a] |= bit
        self.busy[b] |= bit
        self.count[a] += 1
        self.count[b] += 1
        self.covered[a] = self.covered[b] = True
        self.used[s] += 1
        self.slot_of[k] = s
        self.in_slot[s].add(k)
        self.meeting_at[a][s] = k
        self.meeting_at[b][s] = k

    def remove(self, k: int) -> int:
        s = self.slot_of.pop(k)
        a, b = self.pa[k], self.pb[k]
        bit = 1 << s
        self.busy[a] &= ~bit
        self.busy[b] &= ~bit
        self.count[a] -= 1
        self.count[b] -= 1
        for p in (a, b):
            if self.count[p] == 0 and self.prob.locked_count[p] == 0:
                self.covered[p] = False
        self.used[s] -= 1
        self.in_slot[s].discard(k)
        del self.meeting_at[a][s]
        del self.meeting_at[b][s]
        return s

    def move(self, k: int, t: int) -> None:
        self.remove(k)
        self.add(k, t)

    def to_vector(self) -> np.ndarray:
        """0/1 per candidate of the problem (the MIP's column order)."""
        prob = self.prob
        x = np.zeros(len(prob.cand_pair), dtype=np.int8)
        if self.slot_of:
            lookup = {(k, s): i for i, (k, s) in enumerate(zip(prob.cand_pair.tolist(), prob.cand_slot.tolist()))}
            for k, s in self.slot_of.items():
                x[lookup[(k, s)]] = 1
        return x

    @classmethod
    def from_vector(cls, prob: Problem, x: np.ndarray) -> Assignment:
        asg = cls(prob)
        for i in np.nonzero(x)[0].tolist():
            asg.add(int(prob.cand_pair[i]), int(prob.cand_slot[i]))
        return asg

    def copy(self) -> Assignment:
        new = Assignment.__new__(Assignment)
        new.__dict__.update(self.__dict__)
        new.busy = list(self.busy)
        new.count = list(self.count)
        new.covered = list(self.covered)
        new.used = list(self.used)
        new.slot_of = dict(self.slot_of)
        new.in_slot = [set(x) for x in self.in_slot]
        new.meeting_at = [dict(x) for x in self.meeting_at]
        return new
