"""The matching index's lifecycle inside a server process.

Built on first use from the database, then kept current incrementally: every request that
needs it first applies the `change_log` rows this process has not seen (one cheap
`max(id)` query when nothing changed). Several gunicorn workers each keep their own copy
and each notice changes the same way. `matchmaker reindex` writes a `rebuild` row that makes
every process rebuild from scratch on its next use.

Two engines: `supply` holds firm profiles and active offerings (what buyers search), `demand`
holds open needs (what suppliers can answer).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from ..extensions import db
from ..matching import Engine, Settings
from ..models import ChangeLog, Firm, Need, Offering
from .records import firm_record, need_record, offering_record


@dataclass
class MatchIndex:
    supply: Engine
    demand: Engine
    last_change: int = 0
    built_at: float = 0.0
    build_seconds: float = 0.0
    owners: dict[str, set[str]] = field(default_factory=dict)  # firm id -> record ids in either engine
    lock: threading.RLock = field(default_factory=threading.RLock)

    # ------------------------------------------------------------------ building

    @classmethod
    def create(cls, settings: Settings | None = None) -> "MatchIndex":
        return cls(supply=Engine(settings=settings), demand=Engine(settings=settings))

    def rebuild(self) -> None:
        """Build new engines from the database and swap them in: searches keep using the old ones meanwhile."""
        with self.lock:
            t0 = time.perf_counter()
            last = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(ChangeLog.id), 0)))
            firms = db.session.scalars(sa.select(Firm).where(Firm.public())
                                       .options(so.selectinload(Firm.offerings), so.selectinload(Firm.needs))).all()
            supply, demand = [], []
            owners: dict[str, set[str]] = {}
            for firm in firms:
                ids = owners.setdefault(str(firm.id), set())
                supply.append(firm_record(firm))
                ids.add(supply[-1].id)
                for o in firm.offerings:
                    if o.is_open:
                        supply.append(offering_record(o))
                        ids.add(supply[-1].id)
                for n in firm.needs:
                    if n.is_open:
                        demand.append(need_record(n))
                        ids.add(demand[-1].id)
            new_supply = Engine(settings=self.supply.settings, vocabulary=self.supply.vocabulary)
            new_demand = Engine(settings=self.demand.settings, vocabulary=self.demand.vocabulary)
            new_supply.build(supply)
            new_demand.build(demand)
            self.supply, self.demand, self.owners = new_supply, new_demand, owners
            self.last_change = last
            self.built_at = time.time()
            self.build_seconds = time.perf_counter() - t0

    def owned_by(self, firm_id: int) -> set[str]:
        """The record ids (in either engine) of one firm's profile and listings: a copy."""
        with self.lock:
            return set(self.owners.get(str(firm_id), ()))

    # ------------------------------------------------------------------ incremental updates

    def refresh(self) -> int:
        """Apply the changes this process has not seen; return how many rows were applied.

        One thread applies them (the others go on searching the engines meanwhile, or wait here
        for the changes to be applied, so that a page never shows less than its own request wrote)."""
        latest = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(ChangeLog.id), 0)))
        if latest == self.last_change:
            return 0
        with self.lock:
            latest = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(ChangeLog.id), 0)))
            if latest < self.last_change:  # the log was emptied (database reset): start over
                self.rebuild()
                return 0
            if latest == self.last_change:  # another thread applied them meanwhile
                return 0
            rows = db.session.execute(
                sa.select(ChangeLog.id, ChangeLog.entity, ChangeLog.entity_id, ChangeLog.op)
                .where(ChangeLog.id > self.last_change, ChangeLog.id <= latest).order_by(ChangeLog.id)
            ).all()
            if any(r.op == "rebuild" for r in rows) or (rows and rows[0].id != self.last_change + 1 and self._pruned()):
                self.rebuild()
                return len(rows)
            firms: set[int] = set()
            offerings: set[int] = set()
            needs: set[int] = set()
            for r in rows:
                {"firm": firms, "offering": offerings, "need": needs}.get(r.entity, set()).add(r.entity_id)
            for fid in firms:
                self._apply_firm(fid)
            for oid in offerings:
                self._apply_offering(oid)
            for nid in needs:
                self._apply_need(nid)
            self.last_change = latest
            return len(rows)

    def _pruned(self) -> bool:
        oldest = db.session.scalar(sa.select(sa.func.min(ChangeLog.id)))
        return oldest is not None and oldest > self.last_change + 1

    def _drop(self, record_id: str) -> None:
        engine = self.demand if record_id.startswith("n") else self.supply
        engine.remove(record_id)
        for ids in self.owners.values():
            ids.discard(record_id)

    def _track(self, owner: str, record_id: str) -> None:
        self.owners.setdefault(owner, set()).add(record_id)

    def _apply_firm(self, firm_id: int) -> None:
        firm = db.session.get(Firm, firm_id)
        if firm is None or not firm.is_public:
            for rid in list(self.owners.pop(str(firm_id), set())):
                self._drop(rid)
            return
        rec = firm_record(firm)
        self.supply.upsert(rec)
        self._track(rec.owner, rec.id)
        # Location, certifications and languages live on the firm: refresh its listings too.
        for o in firm.offerings:
            self._apply_offering(o.id, o)
        for n in firm.needs:
            self._apply_need(n.id, n)

    def _apply_offering(self, offering_id: int, o: Offering | None = None) -> None:
        o = o or db.session.get(Offering, offering_id)
        rid = f"o{offering_id}"
        if o is None or not o.is_open or not o.firm.is_public:
            self._drop(rid)
            return
        rec = offering_record(o)
        self.supply.upsert(rec)
        self._track(rec.owner, rid)

    def _apply_need(self, need_id: int, n: Need | None = None) -> None:
        n = n or db.session.get(Need, need_id)
        rid = f"n{need_id}"
        if n is None or not n.is_open or not n.firm.is_public:
            self._drop(rid)
            return
        rec = need_record(n)
        self.demand.upsert(rec)
        self._track(rec.owner, rid)


_lock = threading.Lock()


def engine_settings() -> Settings:
    """Engine settings, overridable by the city: MATCHMAKER_MATCHING = {"locality_weight": ..., ...}; the local
    radius is the city's one setting (locality.py)."""
    from .. import locality

    overrides = {"local_radius_km": locality.radius_km(), **(current_app.config.get("MATCHMAKER_MATCHING") or {})}
    return Settings.from_mapping(overrides)


def get_index() -> MatchIndex:
    """This process's index for the current app, built on first use and brought up to date."""
    state = current_app.extensions.get("matchmaker_index")
    if state is None:
        with _lock:
            state = current_app.extensions.get("matchmaker_index")
            if state is None:
                state = MatchIndex.create(engine_settings())
                state.rebuild()
                current_app.extensions["matchmaker_index"] = state
                return state
    state.refresh()
    return state


def request_rebuild() -> None:
    """Ask every process to rebuild (used by `matchmaker reindex`); old log rows are pruned."""
    row = ChangeLog(entity="all", entity_id=0, op="rebuild")
    db.session.add(row)
    db.session.flush()
    db.session.execute(sa.delete(ChangeLog).where(ChangeLog.id < row.id))
    db.session.commit()
