"""Supply gaps (地域の供給ギャップ): what the city's buyers ask for that the city's firms do not supply well.

The needs posted in the period that were not fulfilled (still open, or closed without an order), and the requests for quotation of the period that
no one quoted for (all declined or unanswered), are each searched against the city's suppliers exactly
as on a need's own page (search/records.py, the engine's supply index); those whose best local match is
below "good" are grouped by the capability concepts the engine reads in their text (its vocabulary:
processes and services), and for each concept the nearest firms outside the city that supply it well
are listed with their distance from the home city. The engine is only read.

Checking a need is one engine search; the most recent ``MATCHMAKER_INDICATORS_GAP_NEEDS`` candidates
of the period are checked and the page says how many of how many. Results are kept per process until
the index changes.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from .. import locality, reference
from ..extensions import db
from ..matching import Query
from ..models import Firm, Need
from ..rfq.models import Invitation, Rfq
from ..search.index import get_index
from ..search.records import need_query, scoped
from .figures import _during
from .periods import Period

GOOD = ("strong", "good")
NEAREST = 3
_cache: dict[tuple, "Gaps"] = {}
_cache_lock = threading.Lock()


@dataclass
class Gaps:
    rows: list[dict] = field(default_factory=list)
    open_without_local: int = 0
    checked: int = 0
    candidates: int = 0


def capabilities(text: str, engine) -> list[str]:
    """The work a text asks to be done, as the engine reads a query (Engine.capabilities)."""
    return engine.capabilities(text, role="demand")


def supply_gaps(period: Period) -> Gaps:
    index = get_index()
    key = (period, index.supply.serial, index.last_change, locality.radius_km(),
           int(current_app.config["MATCHMAKER_INDICATORS_GAP_NEEDS"]))
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    found = _compute(period, index)
    with _cache_lock:
        if len(_cache) > 32:
            _cache.clear()
        _cache[key] = found
    return found


_verdict_cache: dict[tuple, dict] = {}


def _verdicts(index) -> dict:
    """Per need or request (key with its last change): None when a local firm supplies it well, else the
    capabilities it asks for. Kept while the index does not change."""
    version = (index.supply.serial, index.last_change)
    with _cache_lock:
        if version not in _verdict_cache:
            _verdict_cache.clear()
            _verdict_cache[version] = {}
        return _verdict_cache[version]


def _queries(period: Period, limit: int) -> tuple[list[tuple[str, Query, int, bool]], int]:
    """(key, query, buyer firm id, is an open need) for the most recent candidates, and how many there were."""
    open_needs = (sa.select(Need.id, Need.created_at).join(Firm, Firm.id == Need.firm_id)
                  .where(Need.status != "fulfilled", _during(Need.created_at, period), Firm.deleted_at.is_(None)))
    quoted = sa.select(Invitation.rfq_id).where(Invitation.answered_at.is_not(None), Invitation.status != "declined")
    unanswered = (sa.select(Rfq.id, Rfq.created_at).where(_during(Rfq.created_at, period), Rfq.status != "open",
                                                          Rfq.id.not_in(quoted), Rfq.need_id.is_(None)))
    unanswered_needs = (sa.select(Need.id, Rfq.created_at).join(Rfq, Rfq.need_id == Need.id)
                        .where(_during(Rfq.created_at, period), Rfq.status != "open", Rfq.id.not_in(quoted),
                               Need.status != "open"))
    total = sum(db.session.scalar(sa.select(sa.func.count()).select_from(q.subquery())) or 0
                for q in (open_needs, unanswered, unanswered_needs))
    rows = [("n", i, at) for i, at in db.session.execute(open_needs.order_by(Need.created_at.desc()).limit(limit))]
    rows += [("n", i, at) for i, at in db.session.execute(unanswered_needs.order_by(Rfq.created_at.desc()).limit(limit))]
    rows += [("r", i, at) for i, at in db.session.execute(unanswered.order_by(Rfq.created_at.desc()).limit(limit))]
    rows.sort(key=lambda r: (r[2], r[1]), reverse=True)
    seen, picked = set(), []
    for kind, i, _at in rows:
        if (kind, i) not in seen:
            seen.add((kind, i))
            picked.append((kind, i))
    picked = picked[:limit]
    need_ids = [i for k, i in picked if k == "n"]
    rfq_ids = [i for k, i in picked if k == "r"]
    needs = {n.id: n for n in db.session.scalars(sa.select(Need).where(Need.id.in_(need_ids))
                                                  .options(so.selectinload(Need.firm)))} if need_ids else {}
    rfqs = {r.id: r for r in db.session.scalars(sa.select(Rfq).where(Rfq.id.in_(rfq_ids))
                                                 .options(so.selectinload(Rfq.buyer)))} if rfq_ids else {}
    out = []
    for kind, i in picked:
        if kind == "n" and i in needs:
            n = needs[i]
            out.append((f"n{i}@{n.updated_at}", need_query(n), n.firm_id, n.status == "open"))
        elif kind == "r" and i in rfqs:
            r, f = rfqs[i], rfqs[i].buyer
            q = Query(id=f"r{i}", text=f"{r.title}\n{r.description}", city=f.city or None, country=f.country,
                      lat=f.latitude, lon=f.longitude, languages=list(f.languages), exclude_owner=str(f.id))
            out.append((f"r{i}", q, f.id, False))
    return out, total


def _compute(period: Period, index) -> Gaps:
    limit = int(current_app.config["MATCHMAKER_INDICATORS_GAP_NEEDS"])
    queries, total = _queries(period, limit)
    engine = index.supply
    groups: dict[str, dict] = {}
    without = 0
    verdicts = _verdicts(index)
    for key, q, buyer_id, is_open_need in queries:
        if key not in verdicts:
            best = engine.search(scoped(q, "local"), top=1, explain=False)
            verdicts[key] = None if best and best[0].strength in GOOD else capabilities(q.text, engine)
        concepts = verdicts[key]
        if concepts is None:
            continue
        without += is_open_need
        for cid in concepts:
            g = groups.setdefault(cid, {"concept": cid, "needs": 0, "buyers": set()})
            g["needs"] += 1
            g["buyers"].add(buyer_id)
    rows = sorted(groups.values(), key=lambda g: (-g["needs"], g["concept"]))
    home = locality.home_place()
    out = []
    for g in rows:
        c = engine.vocabulary.concepts[g["concept"]]
        out.append({"concept": g["concept"], "label_ja": c.label("ja"), "label_en": c.label("en"),
                    "needs": g["needs"], "firms": len(g["buyers"]),
                    "nearest": verdicts.setdefault(("nearest", c.id), _nearest(engine, c, home))})
    _firm_names(out)
    return Gaps(rows=out, open_without_local=without, checked=len(queries), candidates=total)


def _firm_names(rows: list[dict]) -> None:
    """The firms' names as they are now (the engine's record of an offering is named by its title)."""
    ids = {f["firm_id"] for g in rows for f in g["nearest"]}
    names = dict(db.session.execute(sa.select(Firm.id, Firm.name).where(Firm.id.in_(ids))).all()) if ids else {}
    for g in rows:
        g["nearest"] = [dict(f, name=names[f["firm_id"]]) for f in g["nearest"] if f["firm_id"] in names]


def _nearest(engine, concept, home) -> list[dict]:
    """The nearest firms outside the city that supply the concept well (one per firm)."""
    if home is None:
        return []
    text = " ".join(t for t in (concept.ja, concept.en) if t)
    found: dict[str, dict] = {}
    for scope in ("domestic", "overseas"):
        q = scoped(Query(text=text, city=home.name, country=locality.home_country(), lat=home.lat, lon=home.lon),
                   scope)
        for m in engine.search(q, top=30, explain=False):
            r = m.record
            if m.strength not in GOOD or r is None or r.owner in found:
                continue
            place = locality.classify(r.city, r.country)
            if place == "local":
                continue
            km = (reference.haversine_km(home.lat, home.lon, r.lat, r.lon)
                  if r.lat is not None and r.lon is not None else None)
            found[r.owner] = {"firm_id": int(r.owner), "name": "",
                              "locality": place, "city": r.city or "", "country": r.country or "",
                              "distance_km": round(km) if km is not None else None}
    return sorted(found.values(), key=lambda f: (f["distance_km"] is None, f["distance_km"] or 0))[:NEAREST]
