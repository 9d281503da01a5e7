"""Recommendations and search for the pages: database rows in, engine results out, rows back.

The engine only sees plain records (see records.py); this module turns its matches back into
firms, offerings and needs for the templates, and applies the rules that need the database
(a need's required certifications when an offering looks for needs, the industry filter).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from .. import locality, reference
from ..extensions import db
from ..wording import reason_texts
from ..matching import Query
from ..models import Firm, Need, Offering
from ..matching.records import match_from_json, match_to_json
from .cache import BoundedCache
from .index import get_index
from .records import firm_query, need_query, offering_query, scoped


@dataclass
class Hit:
    """One recommended firm (or need) with the listing that matched best and the reasons, in the reader's language."""

    firm: Firm
    score: float
    reasons: list[str]
    offering: Offering | None = None
    need: Need | None = None
    tier: str = ""
    strength: str = ""  # "strong", "good" or "partial" (see matching.Settings.strength)


@dataclass
class SupplierResults:
    hits: list[Hit] = field(default_factory=list)
    local_enough: bool = True  # False: no local supplier is good enough (the page offers the wider search)
    scope: str = "anywhere"


def _load(matches) -> list[tuple]:
    """(match, firm, offering, need) for engine matches, loading the rows in three queries."""
    ids = {"f": set(), "o": set(), "n": set()}
    for m in matches:
        ids[m.id[0]].add(int(m.id[1:]))
    offerings = {o.id: o for o in db.session.scalars(sa.select(Offering).where(Offering.id.in_(ids["o"])))} if ids["o"] else {}
    needs = {n.id: n for n in db.session.scalars(sa.select(Need).where(Need.id.in_(ids["n"])))} if ids["n"] else {}
    firm_ids = ids["f"] | {o.firm_id for o in offerings.values()} | {n.firm_id for n in needs.values()}
    firms = {f.id: f for f in db.session.scalars(sa.select(Firm).where(Firm.id.in_(firm_ids)))} if firm_ids else {}
    out = []
    for m in matches:
        kind, num = m.id[0], int(m.id[1:])
        o = offerings.get(num) if kind == "o" else None
        n = needs.get(num) if kind == "n" else None
        firm = firms.get(num if kind == "f" else (o.firm_id if o else n.firm_id if n else -1))
        if firm is not None and (kind == "f" or o is not None or n is not None):
            out.append((m, firm, o, n))
    return out


def _reasons(match) -> list[str]:
    return reason_texts(match.reasons)


def _by_firm(matches, tier: str = "") -> list[Hit]:
    """One hit per firm: the best-scoring of its profile and offerings."""
    hits: dict[int, Hit] = {}
    for m, firm, o, n in _load(matches):
        hit = hits.get(firm.id)
        if hit is None or m.score > hit.score:
            hits[firm.id] = Hit(firm=firm, score=m.score, reasons=_reasons(m), offering=o, need=n, tier=tier,
                                strength=m.strength)
    return sorted(hits.values(), key=lambda h: (-h.score, h.firm.id))


def _filter_industry(hits: list[Hit], code: str) -> list[Hit]:
    wanted = reference.industry_descendant_codes(code)
    return [h for h in hits if wanted & set(h.firm.industries) or (h.offering and wanted & set(h.offering.categories or []))]


def search_suppliers(query: Query, top: int, industry: str = "") -> list[Hit]:
    index = get_index()
    matches = index.supply.search(query, top=top * 4 if industry else top * 3, explain=True)
    hits = _by_firm(matches)
    if industry:
        hits = _filter_industry(hits, industry)
    return hits[:top]


def suppliers_for_need(need: Need, top: int = 10) -> SupplierResults:
    """Local first, then the rest of Japan, then abroad when the need allows it.

    The engine's answer is kept (a bounded cache per process, as the dashboard's other lists) until any
    change to matchable data is applied to the index: the need's page and its owner's dashboard ask
    again and again; the rows are loaded afresh each time."""
    index = get_index()
    key = (str(db.engine.url), need.id, top, index.last_change, index.supply.serial)
    scope, tiers = _suppliers_cache.get_or_make(key, lambda: _supplier_matches(need, top, index))
    seen: set[int] = set()
    result = SupplierResults(scope=scope)
    for tier, matches in tiers:
        for hit in _by_firm(matches, tier):
            if hit.firm.id not in seen and len(result.hits) < top:
                seen.add(hit.firm.id)
                result.hits.append(hit)
    # "Good enough" is relative: a local firm close to the best match found anywhere (the engine
    # already dropped what is below its minimum score).
    ratio = float(current_app.config.get("MATCHMAKER_LOCAL_GOOD_RATIO", 0.6))
    best = max((h.score for h in result.hits), default=0.0)
    result.local_enough = any(h.tier == "local" and h.score >= ratio * best for h in result.hits)
    return result


_suppliers_cache: BoundedCache[tuple] = BoundedCache(2048)  # needs' engine answers (a few dozen matches each)


def _supplier_matches(need: Need, top: int, index) -> tuple[str, list[tuple[str, list]]]:
    """The need's scope and, per tier searched, the engine's matches."""
    base = need_query(need)
    scope = need.supplier_scope
    tiers = {"local": ["local"], "domestic": ["local", "domestic"], "overseas": ["overseas"],
             "anywhere": ["local", "domestic", "overseas"]}.get(scope, ["local", "domestic"])
    # kept without their records (what the pages show is loaded from the database): a bounded few KB per need
    return scope, [(tier, [dataclasses.replace(m, record=None)
                           for m in index.supply.search(scoped(base, tier), top=top * 3, explain=True)])
                   for tier in tiers]


def needs_for_offering(offering: Offering, top: int = 10) -> list[Hit]:
    """Open needs this offering can answer."""
    return [h for h, _m in _answerable(offering.firm, offering_query(offering), {f"o{offering.id}"}, top)]


def needs_for_firm(firm: Firm, top: int = 10) -> list[Hit]:
    """Open needs the firm as a whole (profile or any offering) can answer: the dashboard's list.

    Worked out once per firm and index state: kept (a bounded cache per process) until any change
    to matchable data is applied to the index, the firm's own included."""
    index = get_index()
    key = (str(db.engine.url), firm.id, top, index.last_change, index.supply.serial)
    found = _answerable_cache.get_or_make(key, lambda: [
        (h.need.id, h.score, dataclasses.replace(m, record=None), h.strength)
        for h, m in _answerable(firm, firm_query(firm), index.owned_by(firm.id), top)],
        shared_key=(firm.id, top, index.last_change))
    needs = {n.id: n for n in db.session.scalars(sa.select(Need).where(Need.id.in_([f[0] for f in found]))
                                                 .options(so.selectinload(Need.firm)))} if found else {}
    return [Hit(firm=needs[nid].firm, score=score, reasons=_reasons(m), need=needs[nid], strength=strength)
            for nid, score, m, strength in found if nid in needs]


# How many candidate needs are checked in the need's own direction (see _answerable).
ANSWERABLE_POOL = 40
def _encode_answerable(found: list) -> list:
    return [[nid, score, match_to_json(m), strength] for nid, score, m, strength in found]


def _decode_answerable(rows: list) -> list:
    return [(int(nid), float(score), match_from_json(m), str(strength)) for nid, score, m, strength in rows]


# firms' lists (a few needs' ids, scores, reasons)
_answerable_cache: BoundedCache[list] = BoundedCache(2048, "answerable", _encode_answerable, _decode_answerable)
# Each candidate need's best suppliers (ids and scores, no reasons), shared by every firm it is a candidate of
_need_top_cache: BoundedCache[tuple] = BoundedCache(
    8192, "need-top", lambda top: [list(t) for t in top], lambda rows: tuple((str(i), float(s)) for i, s in rows))


def _answerable(firm: Firm, query: Query, own_ids: set[str], top: int) -> list[tuple[Hit, object]]:
    """Needs for which this firm would itself be recommended as a supplier, with the engine's match.

    The engine is calibrated for a need looking for suppliers, so the direction is kept: the
    needs index only proposes candidates (shared words and concepts), then each candidate need
    searches the suppliers exactly as on its own page, and counts when one of `own_ids` comes
    back. The need's required certifications, scope and distance thus apply as they do there.
    Candidates are checked without reasons; only the needs shown are searched again to explain them.
    """
    index = get_index()
    min_score = float(current_app.config["MATCHMAKER_ANSWERABLE_MIN_SCORE"])
    pool = index.demand.candidates(query)[:ANSWERABLE_POOL]
    needs = {f"n{n.id}": n for n in db.session.scalars(
        sa.select(Need).where(Need.id.in_([int(i[1:]) for i in pool])).options(so.selectinload(Need.firm)))} if pool else {}
    found: list[tuple[float, int, Need]] = []
    for rid in pool:
        need = needs.get(rid)
        if need is None or not need.is_open or need.firm_id == firm.id or not _scope_allows(need, firm):
            continue
        mine = [(rid, score) for rid, score in _need_top(need, index) if rid in own_ids and score >= min_score]
        if mine:
            found.append((mine[0][1], need.id, need))
    hits: list[tuple[Hit, object]] = []
    for _score, _nid, need in sorted(found, key=lambda t: (-t[0], t[1]))[:top]:
        mine = [m for m in index.supply.search(need_query(need), top=50, explain=True) if m.id in own_ids]
        if mine:
            hits.append((Hit(firm=need.firm, score=mine[0].score, reasons=_reasons(mine[0]), need=need,
                             strength=mine[0].strength), mine[0]))
    return hits


def _need_top(need: Need, index) -> tuple[tuple[str, float], ...]:
    """The need's best 50 supplier records as its own page searches them (ids and scores), per index state:
    firms with the same candidate need (a city's similar shops) share the search."""
    key = (str(db.engine.url), need.id, index.last_change, index.supply.serial)
    return _need_top_cache.get_or_make(key, lambda: tuple(
        (m.id, m.score) for m in index.supply.search(need_query(need), top=50, explain=False)),
        shared_key=(need.id, index.last_change))


def _scope_allows(need: Need, supplier: Firm) -> bool:
    buyer = need.firm
    if need.supplier_scope == "overseas":
        return supplier.country != buyer.country
    if need.supplier_scope in ("local", "domestic"):
        if supplier.country != buyer.country:
            return False
        distance = locality.distance_km(supplier, buyer)
        if need.supplier_scope == "local" and distance is not None:
            return distance <= locality.radius_km()
    return True


def overseas_contacts(firm: Firm, top: int = 10) -> list[Hit]:
    """Firms abroad that fit this firm's profile (cross-lingual), both as suppliers and as buyers."""
    index = get_index()
    q = firm_query(firm, prefer="overseas")
    q.scope = "overseas"
    supply = _by_firm(index.supply.search(q, top=top * 3, explain=True), "supplier")
    buyers = [h for h in _by_firm(index.demand.search(q, top=top * 3, explain=True), "buyer")]
    merged: dict[int, Hit] = {}
    for h in supply + buyers:
        if h.firm.id not in merged or h.score > merged[h.firm.id].score:
            merged[h.firm.id] = h
    return sorted(merged.values(), key=lambda h: -h.score)[:top]


def firm_strengths(query: Query, firm_ids: list[int], pool: int = 200) -> dict[int, str]:
    """How strongly each of these firms matches the query (its best record), by the engine's label."""
    wanted = {str(i) for i in firm_ids}
    out: dict[int, str] = {}
    order = {"strong": 3, "good": 2, "partial": 1}
    for m in get_index().supply.search(query, top=pool, explain=False):
        owner = m.record.owner if m.record is not None else None
        if owner is None:
            continue
        if owner in wanted and order.get(m.strength, 0) > order.get(out.get(int(owner), ""), 0):
            out[int(owner)] = m.strength
    return out
