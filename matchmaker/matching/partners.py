"""Partners in both directions: who offers what another seeks, and who seeks what another offers.

One engine holds what each party offers; each party's seek text is searched against it, the
direction the engine is calibrated for (a need as the query). A match counts for both sides of
the pair: for the seeker "they offer what you seek", for the other "they seek what you offer".
A pair where both directions match ranks first: best direction + ``mutual_bonus`` x the other.
Plain records in, plain results out: the trade fairs (fairs/partners.py) decide who takes part.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

from .engine import Engine
from .reasons import Reason
from .records import Query, Record


@dataclass
class Partner:
    other: str  # the other party's id (the id of its offer record)
    they_offer: float = 0.0  # their offer vs my seek
    they_seek: float = 0.0  # their seek vs my offer
    reasons_offer: list[Reason] = field(default_factory=list)
    reasons_seek: list[Reason] = field(default_factory=list)
    score: float = 0.0  # 0..1, both directions combined

    @property
    def mutual(self) -> bool:
        return self.they_offer > 0 and self.they_seek > 0


def partners(offers: Sequence[Record], seeks: Mapping[str, Query], mutual_bonus: float = 0.5,
             engine: Engine | None = None) -> dict[str, dict[str, Partner]]:
    """For each party (the ids of ``offers`` and the keys of ``seeks``): the other parties that fit, by id.

    A party's seek query should exclude its own offer (``Query.exclude_owner``)."""
    engine = engine or Engine()
    engine.build(offers)
    found: dict[str, dict[str, Partner]] = {}
    top = max(len(offers), 1)
    for me, query in seeks.items():
        if not offers or not (query.text or "").strip():
            continue
        for m in engine.search(query, top=top, explain=True):
            if m.id == me:
                continue
            mine = found.setdefault(me, {}).setdefault(m.id, Partner(m.id))
            mine.they_offer, mine.reasons_offer = float(m.score), list(m.reasons)
            theirs = found.setdefault(m.id, {}).setdefault(me, Partner(me))
            theirs.they_seek, theirs.reasons_seek = float(m.score), list(m.reasons)
    for recs in found.values():
        for p in recs.values():
            hi, lo = max(p.they_offer, p.they_seek), min(p.they_offer, p.they_seek)
            p.score = min(1.0, hi + mutual_bonus * lo)
    return found
