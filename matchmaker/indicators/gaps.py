"""Supply gaps (地域の供給ギャップ): what the city's buyers ask for that the city's firms do not supply well.

The candidates are the needs not fulfilled (still open, or closed without an order) and the requests
for quotation no one quoted for (all declined or unanswered; a request made from a need counts as
its need). Each is searched against the city's suppliers exactly as on a need's own page
(search/records.py, the engine's supply index); those whose best local match is below "good" are
grouped by the capability concepts the engine reads in their text (its vocabulary: processes and
services), and for each concept the nearest firms outside the city that supply it well are listed
with their distance from the home city. The engine is only read.

Two halves, so that the page never runs the engine:

- :func:`check` (the job "supply gaps checked" of ``matchmaker tick``, and ``seed-demo``) writes a
  verdict per candidate (models.py): first the candidates with none, or whose text or the radius
  changed since (newest first), then those decided before the last change of any firm or offering
  (oldest decision first), at most ``MATCHMAKER_INDICATORS_GAP_NEEDS`` candidates (one engine
  search each) a run; and the nearest outside firms of as many gap concepts (two searches each,
  missing ones first, then the oldest) where the supply changed since they were found. It opens the matching index only when there is work.
- :func:`supply_gaps` reads them for a period: one GROUP BY over the period's candidates joined to
  their verdicts and concepts. A candidate whose verdict is missing or stale for its text counts
  as not yet checked (the page says how many of how many are).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from .. import locality, reference
from ..extensions import db
from ..matching import Query
from ..matching.vocabulary import default_vocabulary
from ..models import ChangeLog, Firm, Need, utcnow
from ..rfq.models import Invitation, Rfq
from ..search.records import need_query, scoped
from ..tick import job
from .figures import _during
from .models import GapCheck, GapConcept, GapNearest
from .periods import Period

GOOD = ("strong", "good")
NEAREST = 3


@dataclass
class Gaps:
    rows: list[dict] = field(default_factory=list)
    open_without_local: int = 0
    checked: int = 0
    candidates: int = 0


def capabilities(text: str, engine) -> list[str]:
    """The work a text asks to be done, as the engine reads a query (Engine.capabilities)."""
    return engine.capabilities(text, role="demand")


# ------------------------------------------------------------------ candidates (SQL)


def _quoted():
    """The request got a quote: one probe of the invitations' (request, answered, status) index."""
    return sa.exists().where(Invitation.rfq_id == Rfq.id, Invitation.answered_at.is_not(None),
                             Invitation.status != "declined")


def _candidates(period: Period | None):
    """One row per candidate: need_id or rfq_id (the other NULL), the buyer, whether it is an open
    need, the version of its text (``subject_at``: the need's last edit; a request's text does not
    change once sent) and when it was posted (``at``). All periods when ``period`` is None."""
    def when(col):
        return _during(col, period) if period is not None else sa.true()

    quoted = _quoted()
    unmet = (sa.select(Need.id.label("subject"), Need.id.label("need_id"), sa.cast(sa.null(), sa.Integer).label("rfq_id"),
                       Need.firm_id.label("buyer"),
                       (Need.status == "open").label("is_open"), Need.updated_at.label("subject_at"),
                       Need.created_at.label("at"))
             .join(Firm, Firm.id == Need.firm_id)
             .where(Need.status != "fulfilled", when(Need.created_at), Firm.deleted_at.is_(None)))
    # one pass over the period's requests: one with a need (not open) is that need, one without is itself
    unanswered = (sa.select(sa.func.coalesce(Need.id, -Rfq.id), Need.id, sa.case((Rfq.need_id.is_(None), Rfq.id)),
                            sa.func.coalesce(Need.firm_id, Rfq.buyer_firm_id), sa.false(), sa.func.coalesce(Need.updated_at, Rfq.created_at), Rfq.created_at)
                  .outerjoin(Need, Need.id == Rfq.need_id)
                  .where(when(Rfq.created_at), Rfq.status != "open", ~quoted,
                         sa.or_(Rfq.need_id.is_(None), Need.status != "open")))
    both = sa.union_all(unmet, unanswered).subquery("both")
    # a need can be both unmet and the need of an unanswered request: one candidate, its latest date
    cols = (both.c.subject, both.c.need_id, both.c.rfq_id, both.c.buyer, both.c.is_open, both.c.subject_at)
    return sa.select(*cols, sa.func.max(both.c.at).label("at")).group_by(*cols).subquery("c")


def _verdicts(c, radius: float):
    """The candidates with their verdict where there is one for their text as it is now and for the
    radius (``check_id`` NULL otherwise): one equality join on the verdicts' unique subject key."""
    return (sa.select(c.c.need_id, c.c.rfq_id, c.c.buyer, c.c.is_open, c.c.at, GapCheck.id.label("check_id"),
                      GapCheck.local_good.label("good"), GapCheck.position, GapCheck.checked_at)
            .select_from(c)
            .outerjoin(GapCheck, sa.and_(GapCheck.subject == c.c.subject, GapCheck.radius_km == radius,
                                         GapCheck.subject_at == c.c.subject_at)))


# ------------------------------------------------------------------ the page: reads only


def supply_gaps(period: Period) -> Gaps:
    radius = locality.radius_km()
    v = _verdicts(_candidates(period), radius).cte("v")
    # one statement: the totals (concept NULL), then each concept's gaps and buyers
    totals = sa.select(sa.cast(sa.null(), sa.String).label("concept"), sa.func.count().label("n"),
                       sa.func.count(v.c.check_id).label("m"),
                       sa.func.coalesce(sa.func.sum(sa.case((sa.and_(v.c.good.is_(False), v.c.is_open), 1), else_=0)),
                                        0).label("k"))
    concepts = (sa.select(GapConcept.concept, sa.func.count(), sa.func.count(sa.distinct(v.c.buyer)), sa.literal(0))
                .select_from(v).join(GapConcept, GapConcept.check_id == v.c.check_id)
                .where(v.c.good.is_(False)).group_by(GapConcept.concept))
    found = db.session.execute(sa.union_all(totals, concepts)).all()
    total, checked, without = next((r[1], r[2], r[3]) for r in found if r[0] is None)
    rows = [r[:3] for r in found if r[0] is not None]
    vocabulary = default_vocabulary()
    nearest = _stored_nearest([r[0] for r in rows], radius)
    out = []
    for cid, n, buyers in sorted(rows, key=lambda r: (-r[1], r[0])):
        concept = vocabulary.concepts.get(cid)
        if concept is None:  # a concept the package's vocabulary no longer has
            continue
        out.append({"concept": cid, "label_ja": concept.label("ja"), "label_en": concept.label("en"),
                    "needs": int(n), "firms": int(buyers), "nearest": nearest.get(cid, [])})
    _firm_names(out)
    return Gaps(rows=out, open_without_local=int(without or 0), checked=int(checked or 0), candidates=int(total or 0))


def _stored_nearest(concepts: list[str], radius: float) -> dict[str, list[dict]]:
    if not concepts:
        return {}
    rows = db.session.execute(sa.select(GapNearest.concept, GapNearest.firms)
                              .where(GapNearest.concept.in_(concepts), GapNearest.radius_km == radius)).all()
    return {cid: list(firms or []) for cid, firms in rows}


def _firm_names(rows: list[dict]) -> None:
    """The firms' names as they are now (the engine's record of an offering is named by its title)."""
    ids = {f["firm_id"] for g in rows for f in g["nearest"]}
    names = dict(db.session.execute(sa.select(Firm.id, Firm.name).where(Firm.id.in_(ids), Firm.deleted_at.is_(None)))
                 .all()) if ids else {}
    for g in rows:
        g["nearest"] = [dict(f, name=names[f["firm_id"]]) for f in g["nearest"] if f["firm_id"] in names]


# ------------------------------------------------------------------ the job: runs the engine


def supply_position() -> int:
    """The change_log id of the last change to what suppliers offer (a firm, an offering, a rebuild of the index)."""
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(ChangeLog.id), 0))
                                 .where(ChangeLog.entity.in_(("firm", "offering", "all")))) or 0)


def pending(limit: int) -> list[tuple[int | None, int | None]]:
    """Up to ``limit`` candidates (need_id, rfq_id) to check now: without a verdict for their text and
    the radius, newest first; then those decided before the supply last changed, oldest decision first."""
    v = _verdicts(_candidates(None), locality.radius_km()).subquery("v")
    out = [(r[0], r[1]) for r in db.session.execute(
        sa.select(v.c.need_id, v.c.rfq_id).where(v.c.check_id.is_(None))
        .order_by(v.c.at.desc(), v.c.need_id, v.c.rfq_id).limit(limit))]
    if len(out) < limit:
        out += [(r[0], r[1]) for r in db.session.execute(
            sa.select(v.c.need_id, v.c.rfq_id).where(v.c.check_id.is_not(None), v.c.position < supply_position())
            .order_by(v.c.position, v.c.checked_at, v.c.need_id, v.c.rfq_id).limit(limit - len(out)))]
    return out


CHUNK = 500  # candidates loaded, decided and committed together


def check(limit: int | None = None, now: datetime | None = None) -> int:
    """Decide up to ``limit`` candidates (default: the setting) and refresh the nearest outside firms
    of the gap concepts; how many engine searches it made. Opens the matching index only when there
    is something to do; commits every ``CHUNK`` candidates."""
    from ..search.index import get_index

    limit = int(current_app.config["MATCHMAKER_INDICATORS_GAP_NEEDS"]) if limit is None else limit
    todo = pending(limit)
    if not todo and not _stale_nearest(supply_position()):
        return 0
    index = get_index()
    searches = 0
    for start in range(0, len(todo), CHUNK):
        searches += _decide(todo[start:start + CHUNK], index, now or utcnow())
        db.session.commit()
    engine, home, radius = index.supply, locality.home_place(), locality.radius_km()
    for cid in _stale_nearest(supply_position())[:limit]:  # the oldest first, as many as candidates
        concept = engine.vocabulary.concepts.get(cid)
        if concept is None:
            continue
        db.session.execute(sa.delete(GapNearest).where(GapNearest.concept == cid))
        db.session.add(GapNearest(concept=cid, radius_km=radius, position=index.last_change,
                                  firms=_nearest(engine, concept, home), checked_at=now or utcnow()))
        searches += 2
    db.session.commit()
    return searches


def _decide(todo: list[tuple[int | None, int | None]], index, now: datetime) -> int:
    """Search each candidate among the local suppliers and store its verdict (replacing the old one)."""
    engine, radius = index.supply, locality.radius_km()
    need_ids = [n for n, _r in todo if n is not None]
    rfq_ids = [r for _n, r in todo if r is not None]
    needs = {n.id: n for n in db.session.scalars(sa.select(Need).where(Need.id.in_(need_ids))
                                                  .options(so.selectinload(Need.firm)))} if need_ids else {}
    rfqs = {r.id: r for r in db.session.scalars(sa.select(Rfq).where(Rfq.id.in_(rfq_ids))
                                                 .options(so.selectinload(Rfq.buyer)))} if rfq_ids else {}
    subjects = [n if n is not None else -r for n, r in todo]
    db.session.execute(sa.delete(GapConcept).where(GapConcept.check_id.in_(
        sa.select(GapCheck.id).where(GapCheck.subject.in_(subjects)))))
    db.session.execute(sa.delete(GapCheck).where(GapCheck.subject.in_(subjects)))
    decided: list[tuple[GapCheck, list[str]]] = []
    for need_id, rfq_id in todo:
        if need_id is not None and need_id in needs:
            n = needs[need_id]
            q, subject_at = need_query(n), n.updated_at
        elif rfq_id is not None and rfq_id in rfqs:
            r, f = rfqs[rfq_id], rfqs[rfq_id].buyer
            q = Query(id=f"r{r.id}", text=f"{r.title}\n{r.description}", city=f.city or None, country=f.country,
                      lat=f.latitude, lon=f.longitude, languages=list(f.languages), exclude_owner=str(f.id))
            subject_at = r.created_at
        else:
            continue
        best = engine.search(scoped(q, "local"), top=1, explain=False)
        good = bool(best) and best[0].strength in GOOD
        row = GapCheck(need_id=need_id, rfq_id=rfq_id, subject=need_id if need_id is not None else -rfq_id,
                       subject_at=subject_at, radius_km=radius, position=index.last_change, local_good=good,
                       checked_at=now)
        decided.append((row, [] if good else list(dict.fromkeys(capabilities(q.text, engine)))))
    db.session.add_all([row for row, _c in decided])
    db.session.flush()
    db.session.add_all([GapConcept(check_id=row.id, concept=cid) for row, concepts in decided for cid in concepts])
    return len(decided)


def _stale_nearest(position: int) -> list[str]:
    """Concepts of gaps whose nearest outside firms are missing, or were found before the supply or
    the radius last changed."""
    radius = locality.radius_km()
    gap_concepts = (sa.select(GapConcept.concept).join(GapCheck, GapCheck.id == GapConcept.check_id)
                    .where(GapCheck.local_good.is_(False)).distinct().subquery())
    return list(db.session.scalars(
        sa.select(gap_concepts.c.concept).outerjoin(GapNearest, GapNearest.concept == gap_concepts.c.concept)
        .where(sa.or_(GapNearest.concept.is_(None), GapNearest.position < position, GapNearest.radius_km != radius))
        .order_by(GapNearest.concept.is_not(None), GapNearest.position, gap_concepts.c.concept)))


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
            if m.strength not in GOOD or r is None or r.owner in found or not r.owner.isdigit():
                continue
            place = locality.classify(r.city, r.country)
            if place == "local":
                continue
            km = (reference.haversine_km(home.lat, home.lon, r.lat, r.lon)
                  if r.lat is not None and r.lon is not None else None)
            found[r.owner] = {"firm_id": int(r.owner), "locality": place, "city": r.city or "",
                              "country": r.country or "", "distance_km": round(km) if km is not None else None}
    return sorted(found.values(), key=lambda f: (f["distance_km"] is None, f["distance_km"] or 0))[:NEAREST]


@job("supply gaps checked")
def check_job(now: datetime) -> int:
    return check(now=now)
