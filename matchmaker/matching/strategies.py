"""Kinds of recommendation, as small strategy objects in a registry.

    from matchmaker.matching.strategies import STRATEGIES, get_strategy
    rec = get_strategy("suppliers")(offerings_engine).recommend(need_record)

Each strategy takes Engine(s) and plain Records and returns a :class:`Recommendation`
(matches, optional tiers, flags the page can act on). The web layer decides which
records go into which engine (e.g. an engine of offerings/firms and one of open needs).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar

from .engine import Engine
from .records import Match, Query, Record

STRATEGIES: dict[str, type["Strategy"]] = {}


def register(cls: type["Strategy"]) -> type["Strategy"]:
    STRATEGIES[cls.name] = cls
    return cls


def get_strategy(name: str) -> type["Strategy"]:
    try:
        return STRATEGIES[name]
    except KeyError:
        raise KeyError(f"unknown strategy {name!r}; known: {', '.join(sorted(STRATEGIES))}") from None


@dataclass
class Recommendation:
    matches: list[Match] = field(default_factory=list)
    tiers: dict[str, list[Match]] = field(default_factory=dict)
    flags: dict[str, bool] = field(default_factory=dict)


@dataclass
class PartnerMatch:
    """A firm that fits in one or both directions (for trade-fair matchmaking)."""

    owner: str
    score: float
    mutual: bool
    they_supply_me: list[Match] = field(default_factory=list)  # their offerings for my needs
    i_supply_them: list[Match] = field(default_factory=list)  # my offerings for their needs


def query_from_record(r: Record, **overrides: Any) -> Query:
    """What a record asks for, phrased as a query from the record's own place and languages."""
    q = Query(
        text=" ".join(p for p in (r.name if r.kind == "firm" else "", r.text) if p),
        id=r.id,
        city=r.city,
        country=r.country,
        lat=r.lat,
        lon=r.lon,
        languages=list(r.languages),
        categories=list(r.categories),
        tags=list(r.tags),
        exclude_owner=r.owner,
    )
    return dataclasses.replace(q, **overrides)


class Strategy:
    name: ClassVar[str] = ""

    def recommend(self, *args: Any, **kwargs: Any) -> Recommendation:  # pragma: no cover - interface
        raise NotImplementedError


@register
class Suppliers(Strategy):
    """Suppliers for a need: local first, then domestic, then overseas when the need allows it.

    ``flags["no_good_local_supplier"]`` is set when no local candidate reaches ``good_score``,
    so the page can say so and offer the wider search."""

    name = "suppliers"

    def __init__(self, engine: Engine, good_score: float | None = None):
        self.engine = engine
        self.good_score = good_score if good_score is not None else max(2 * engine.settings.min_score, 0.2)

    def recommend(self, need: Record | Query, top: int = 10, allow_overseas: bool = True,
                  required_certifications: list[str] | None = None) -> Recommendation:
        q = need if isinstance(need, Query) else query_from_record(need)
        q = dataclasses.replace(q, prefer="local", kinds=q.kinds or ["firm", "offering"])
        if required_certifications is not None:
            q = dataclasses.replace(q, required_certifications=list(required_certifications))
        tiers: dict[str, list[Match]] = {}
        seen: set[str] = set()
        scopes = ["local", "domestic"] + (["overseas"] if allow_overseas else [])
        for scope in scopes:
            prefer = "any" if scope == "overseas" else "local"
            found = self.engine.search(dataclasses.replace(q, scope=scope, prefer=prefer), top=top + len(seen))
            tiers[scope] = [m for m in found if m.id not in seen][:top]
            seen.update(m.id for m in tiers[scope])
        local = tiers.get("local", [])
        no_good_local = not local or local[0].score < self.good_score
        ordered = [m for scope in scopes for m in tiers[scope]][:top]
        return Recommendation(ordered, tiers, {"no_good_local_supplier": no_good_local})


@register
class NeedsForOffering(Strategy):
    """Open needs that an offering (or a firm profile) can serve."""

    name = "needs_for_offering"

    def __init__(self, needs_engine: Engine, is_open: Callable[[Record], bool] | None = None):
        self.engine = needs_engine
        self.is_open = is_open

    def recommend(self, offering: Record, top: int = 10, prefer: str = "any") -> Recommendation:
        q = query_from_record(offering, prefer=prefer, kinds=["need"])
        found = self.engine.search(q, top=top * 3 if self.is_open else top)
        if self.is_open is not None:
            found = [m for m in found if m.record is None or self.is_open(m.record)]
        return Recommendation(found[:top])


@register
class Partners(Strategy):
    """Partner firms in both directions: their offerings for my needs and my offerings for their needs.

    A pair where both sides benefit ranks higher: score = best direction + ``mutual_bonus`` x the other."""

    name = "partners"

    def __init__(self, offerings_engine: Engine, needs_engine: Engine, mutual_bonus: float = 0.5):
        self.offerings = offerings_engine
        self.needs = needs_engine
        self.mutual_bonus = mutual_bonus

    def recommend(self, firm_id: str, my_needs: list[Record], my_offerings: list[Record], top: int = 10,
                  per_side: int = 20, prefer: str = "any") -> list[PartnerMatch]:  # type: ignore[override]
        supply: dict[str, list[Match]] = {}
        demand: dict[str, list[Match]] = {}
        for need in my_needs:
            q = query_from_record(need, prefer=prefer, exclude_owner=firm_id, kinds=["offering", "firm"])
            for m in self.offerings.search(q, top=per_side):
                owner = _owner(m)
                if owner and owner != firm_id:
                    supply.setdefault(owner, []).append(m)
        for off in my_offerings:
            q = query_from_record(off, prefer=prefer, exclude_owner=firm_id, kinds=["need"])
            for m in self.needs.search(q, top=per_side):
                owner = _owner(m)
                if owner and owner != firm_id:
                    demand.setdefault(owner, []).append(m)
        out = []
        for owner in set(supply) | set(demand):
            a = max((m.score for m in supply.get(owner, [])), default=0.0)
            b = max((m.score for m in demand.get(owner, [])), default=0.0)
            score = max(a, b) + self.mutual_bonus * min(a, b)
            out.append(PartnerMatch(owner, min(score, 1.0), a > 0 and b > 0,
                                    sorted(supply.get(owner, []), key=lambda m: -m.score),
                                    sorted(demand.get(owner, []), key=lambda m: -m.score)))
        out.sort(key=lambda p: (-p.score, p.owner))
        return out[:top]


@register
class Overseas(Strategy):
    """Contacts abroad for a firm, offering or need: candidates in another country than the asker,
    sharing at least one business language; the text may be in any language (concepts bridge it)."""

    name = "overseas"

    def __init__(self, engine: Engine, require_shared_language: bool = True):
        self.engine = engine
        self.require_shared_language = require_shared_language

    def recommend(self, record: Record | Query, top: int = 10) -> Recommendation:
        q = record if isinstance(record, Query) else query_from_record(record)
        langs = q.languages_filter if q.languages_filter is not None else (
            list(q.languages) if self.require_shared_language and q.languages else None)
        q = dataclasses.replace(q, prefer="overseas", scope="overseas", languages_filter=langs)
        return Recommendation(self.engine.search(q, top=top))


def _owner(m: Match) -> str | None:
    if m.record is not None:
        return m.record.owner or m.record.id
    return None
