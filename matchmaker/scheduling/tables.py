"""Table numbers: 1..tables per slot; locked tables stay; a participant keeps its table when it can."""
from __future__ import annotations

from .model import Meeting


def assign_tables(
    slot_order: list[str], tables: int, locked: list[Meeting], placed: list[tuple[str, str, str]]
) -> list[Meeting]:
    """placed: (a, b, slot) of the non-locked meetings. Returns all meetings, locked first per slot."""
    by_slot: dict[str, list[tuple[str, str]]] = {s: [] for s in slot_order}
    for a, b, s in placed:
        by_slot[s].append((a, b))
    locked_by_slot: dict[str, list[Meeting]] = {s: [] for s in slot_order}
    for m in locked:
        locked_by_slot[m.slot].append(m)
    out: list[Meeting] = []
    last_table: dict[str, int] = {}
    for s in slot_order:
        taken = {m.table for m in locked_by_slot[s]}
        out.extend(locked_by_slot[s])
        now: dict[str, int] = {m.a: m.table for m in locked_by_slot[s]} | {m.b: m.table for m in locked_by_slot[s]}
        rest: list[tuple[str, str]] = []
        for a, b in sorted(by_slot[s]):
            for p in (a, b):
                t = last_table.get(p)
                if t is not None and t not in taken:
                    taken.add(t)
                    out.append(Meeting(a, b, s, t))
                    now[a] = now[b] = t
                    break
            else:
                rest.append((a, b))
        free = (t for t in range(1, tables + 1) if t not in taken)
        for a, b in rest:
            t = next(free)
            out.append(Meeting(a, b, s, t))
            now[a] = now[b] = t
        last_table = now
    return out
