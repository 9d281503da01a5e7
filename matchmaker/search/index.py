"""The matching index's lifecycle inside a server process.

On first use a process maps the machine's index snapshot (matching/snapshot.py, under
MATCHMAKER_INDEX_SNAPSHOT) and applies the `change_log` rows written since; only when there is
no usable snapshot does it build from the database, and then it writes one for the others
(under the snapshot's build lock: one builder per machine, the other workers wait for it). Then it
is kept current incrementally: every request that needs it first applies the rows this process
has not seen (one cheap `max(id)` query when nothing changed). `matchmaker reindex` builds,
writes a `rebuild` row and the snapshot; each process then maps the new snapshot instead of
building its own.

Two engines: `supply` holds firm profiles and active offerings (what buyers search), `demand`
holds open needs (what suppliers can answer).
"""
from __future__ import annotations

import gc
import logging
import os
import threading
import time
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from ..extensions import db
from ..matching import Engine, Settings, snapshot
from ..models import ChangeLog, Firm, Need, Offering
from .records import firm_record, need_record, offering_record


@dataclass
class MatchIndex:
    supply: Engine
    demand: Engine
    last_change: int = 0
    built_at: float = 0.0
    build_seconds: float = 0.0
    lock: threading.RLock = field(default_factory=threading.RLock)
    snapshot_dir: str = ""  # where this machine's snapshot lives ("" = none)
    rebuild_mark: int = 0  # `rebuild` rows up to this id are satisfied by the data held

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
            for firm in firms:
                supply.append(firm_record(firm))
                supply.extend(offering_record(o) for o in firm.offerings if o.is_open)
                demand.extend(need_record(n) for n in firm.needs if n.is_open)
            new_supply = Engine(settings=self.supply.settings, vocabulary=self.supply.vocabulary)
            new_demand = Engine(settings=self.demand.settings, vocabulary=self.demand.vocabulary)
            new_supply.build(supply)
            new_demand.build(demand)
            self.supply, self.demand = new_supply, new_demand
            self.last_change = last
            self.built_at = time.time()
            self.build_seconds = time.perf_counter() - t0

    def owned_by(self, firm_id: int) -> set[str]:
        """The record ids (in either engine) of one firm's profile and listings (the engines' owner column:
        nothing per firm is kept beside them)."""
        with self.lock:
            return set(self.supply.owned_by(str(firm_id))) | set(self.demand.owned_by(str(firm_id)))

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
            rebuilds = [r.id for r in rows if r.op == "rebuild" and r.id > self.rebuild_mark]
            if rebuilds or (rows and rows[0].id != self.last_change + 1 and self._pruned()):
                if self._reload(max(rebuilds, default=latest)):
                    return len(rows) + self.refresh()
                return 0  # a snapshot is being written: keep answering from this one meanwhile
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

    # ------------------------------------------------------------------ snapshots

    def _reload(self, needed: int) -> bool:
        """Take the machine's snapshot if it satisfies the rebuild row `needed`, else build (and write
        one) unless another process is writing one now (False: try again on a later request)."""
        if self.snapshot_dir:
            fresh = _load_snapshot(self.snapshot_dir, self.supply.settings, self.supply.vocabulary, needed)
            if fresh is not None:
                self._take(fresh)
                return True
            if snapshot.is_building(self.snapshot_dir):
                return False
            with snapshot.build_lock(self.snapshot_dir):
                fresh = _load_snapshot(self.snapshot_dir, self.supply.settings, self.supply.vocabulary, needed)
                if fresh is not None:
                    self._take(fresh)
                    return True
                self.rebuild()
                self.rebuild_mark = max(self.last_change, needed)
                self.save_snapshot(locked=True)
            return True
        self.rebuild()
        self.rebuild_mark = max(self.last_change, needed)
        return True

    def _take(self, other: "MatchIndex") -> None:
        self.supply, self.demand = other.supply, other.demand
        self.last_change, self.rebuild_mark = other.last_change, other.rebuild_mark
        self.built_at, self.build_seconds = other.built_at, other.build_seconds

    def save_snapshot(self, locked: bool = False) -> None:
        """Write this index as the machine's snapshot (the caller may already hold the build lock)."""
        if not self.snapshot_dir:
            return
        with self.lock:
            if locked:
                self._save()
            else:
                with snapshot.build_lock(self.snapshot_dir):
                    self._save()

    def _save(self) -> None:
        snapshot.save(self.snapshot_dir, {"supply": self.supply, "demand": self.demand}, self.last_change,
                      extra={"rebuild_mark": self.rebuild_mark})

    def _pruned(self) -> bool:
        oldest = db.session.scalar(sa.select(sa.func.min(ChangeLog.id)))
        return oldest is not None and oldest > self.last_change + 1

    def _drop(self, record_id: str) -> None:
        engine = self.demand if record_id.startswith("n") else self.supply
        engine.remove(record_id)

    def _apply_firm(self, firm_id: int) -> None:
        firm = db.session.get(Firm, firm_id)
        if firm is None or not firm.is_public:
            for rid in self.owned_by(firm_id):
                self._drop(rid)
            return
        rec = firm_record(firm)
        self.supply.upsert(rec)
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

    def _apply_need(self, need_id: int, n: Need | None = None) -> None:
        n = n or db.session.get(Need, need_id)
        rid = f"n{need_id}"
        if n is None or not n.is_open or not n.firm.is_public:
            self._drop(rid)
            return
        rec = need_record(n)
        self.demand.upsert(rec)


_lock = threading.Lock()


def engine_settings() -> Settings:
    """Engine settings, overridable by the city: MATCHMAKER_MATCHING = {"locality_weight": ..., ...}; the local
    radius is the city's one setting (locality.py)."""
    from .. import locality

    overrides = {"local_radius_km": locality.radius_km(), **(current_app.config.get("MATCHMAKER_MATCHING") or {})}
    return Settings.from_mapping(overrides)


def get_index() -> MatchIndex:
    """This process's index for the current app: mapped from the snapshot (or built) on first use, and
    brought up to date."""
    state = current_app.extensions.get("matchmaker_index")
    if state is None:
        with _lock:
            state = current_app.extensions.get("matchmaker_index")
            if state is None:
                state = start_index()
                current_app.extensions["matchmaker_index"] = state
                return state
    state.refresh()
    return state


def start_index() -> MatchIndex:
    """A new index for this process: the snapshot and the changes since, or a build (writing a snapshot)."""
    settings = engine_settings()
    root = snapshot_root()
    state = MatchIndex.create(settings)
    state.snapshot_dir = root
    if root:
        t0 = time.perf_counter()
        fresh = _load_snapshot(root, settings, state.supply.vocabulary, 0)
        if fresh is not None:
            fresh.snapshot_dir = root
            log.info("matching index: mapped the snapshot at change %d in %.1f s", fresh.last_change,
                     time.perf_counter() - t0)
            fresh.refresh()
            return fresh
    if not state._reload(0):
        # another process of this machine is writing the snapshot: wait for it, then map it
        with snapshot.build_lock(root):
            pass
        state._reload(0)
    return state


def snapshot_root() -> str:
    """This database's snapshot folder under MATCHMAKER_INDEX_SNAPSHOT ("" when snapshots are off): one
    folder per database, so that a server never maps the index of another database."""
    import hashlib

    base = current_app.config.get("MATCHMAKER_INDEX_SNAPSHOT") or ""
    if not base:
        return ""
    url = db.engine.url.render_as_string(hide_password=True)
    return os.path.join(base, hashlib.sha256(url.encode()).hexdigest()[:16])


def _load_snapshot(root: str, settings: Settings, vocabulary, needed: int) -> MatchIndex | None:
    """The snapshot under `root` as an index, if it is usable and satisfies the rebuild row `needed`."""
    try:
        engines, position, extra = snapshot.load(root, settings=settings, vocabulary=vocabulary)
    except snapshot.SnapshotError as e:
        if not snapshot.is_building(root):
            log.warning("matching index: %s; building the index from the database", e)
        return None
    mark = max(int(extra.get("rebuild_mark", 0)), position)
    if mark < needed:
        return None
    state = MatchIndex(supply=engines["supply"], demand=engines["demand"], last_change=position,
                       built_at=time.time(), snapshot_dir=root, rebuild_mark=mark)
    return state


def request_rebuild(keep_after: int | None = None) -> int:
    """Ask every process to rebuild (used by `matchmaker reindex`); returns the id of the `rebuild` row.

    Rows up to `keep_after` (the position of the snapshot being written) are pruned, the later ones
    kept for the processes that map it; without a snapshot every older row goes."""
    row = ChangeLog(entity="all", entity_id=0, op="rebuild")
    db.session.add(row)
    db.session.flush()
    limit = row.id if keep_after is None else min(keep_after + 1, row.id)
    db.session.execute(sa.delete(ChangeLog).where(ChangeLog.id < limit))
    db.session.commit()
    return row.id


log = logging.getLogger(__name__)


def warm_in_background(app) -> threading.Thread | None:
    """Get a server process ready before its first visitor: map the index snapshot, build the vocabulary's
    key tables (about a second of tokenising, once per process), the engines' word tables and the reference
    tables (industries, municipalities, the cities of the firms' countries), and compile the templates, in a
    thread, so that gunicorn's worker keeps answering its heartbeat meanwhile. Then what was loaded is
    moved out of the garbage collector's sight (`gc.freeze`): a process holds some 300,000 objects for
    the dictionary, the vocabulary and the index, which every full collection would otherwise walk
    (155 ms each, every few requests, measured at 100,000 firms). A request that needs the
    index before the thread is done waits for it on the index's lock, as it would have built it anyway.

    Only under a multi-process server (gunicorn, uWSGI): a command or a test makes its index when it needs one."""
    if not _under_server(app):
        return None
    if _preloading():
        # gunicorn --preload makes the app in the master, then forks the workers: a thread of the master
        # could hold a lock at the fork (a worker would wait for it forever), so each worker warms itself
        os.register_at_fork(after_in_child=lambda: _start_warming(app))
        return None
    return _start_warming(app)


def _preloading() -> bool:
    import sys

    args = sys.argv[1:] + os.environ.get("GUNICORN_CMD_ARGS", "").split()
    return "--preload" in args


def _start_warming(app) -> threading.Thread:
    def warm() -> None:
        from ..matching.places import gazetteer
        from ..matching.vocabulary import default_vocabulary

        t0 = time.perf_counter()
        try:
            with app.app_context():
                from .. import locality, reference

                # the cities of every country a firm is in (their names are looked up as firms are shown)
                countries = db.session.scalars(sa.select(Firm.country).distinct()).all()
                reference.preload(tuple(dict.fromkeys(("JP", locality.home_country(), *filter(None, countries)))))
                db.session.remove()
                default_vocabulary().keys
                gazetteer().keys
                state = get_index()
                state.supply.prepare()
                state.demand.prepare()
                for name in app.jinja_env.list_templates(extensions=["html", "txt"]):
                    app.jinja_env.get_template(name)
            gc.collect()
            gc.freeze()
        except Exception:  # noqa: BLE001 - the first request will try again, and log why
            log.exception("matching index: warming this process failed")
            return
        log.info("matching index: process %d ready in %.1f s", os.getpid(), time.perf_counter() - t0)

    thread = threading.Thread(target=warm, name="warm-start", daemon=True)
    app.extensions["matchmaker_warm_start"] = thread
    thread.start()
    return thread


def _under_server(app) -> bool:
    import sys

    setting = app.config.get("MATCHMAKER_WARM_START", "auto")
    if setting != "auto":
        return bool(setting)
    return os.path.basename(sys.argv[0] if sys.argv else "") in ("gunicorn", "uwsgi")
