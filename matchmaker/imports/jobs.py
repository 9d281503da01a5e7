"""The organizer's checks and imports, run outside the request: a job row any server process reads, the work in
a background thread of the process that took the request, its progress and a heartbeat in the row.

A gunicorn worker's request ends at once (no worker timeout, however long the list); the page polls the job's
status. The work itself is the command line's (plan_import, apply_plan): an import is one transaction, and
the job is marked done in that same transaction, so either the firms and "done" are saved together, or
nothing is. A process that stops (a restart, a crash) stops renewing the heartbeat: after
``MATCHMAKER_IMPORT_STALE_SECONDS`` anyone looking at the job (the page, `matchmaker tick`) marks it failed
("interrupted"), and a late commit of that job then finds it failed and rolls back.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..files.storage import storage
from ..models import utcnow
from ..tick import job as tick_job
from . import FileProblem, load
from .columns import FIELDS, Mapping
from .locking import import_lock
from .models import LIVE, ImportJob, ImportUpload
from .service import DECISIONS, Options, apply_plan, plan_import, report

log = logging.getLogger(__name__)
BEAT = 1.0  # seconds between two writes of a running job's progress and heartbeat
MAX_RUNTIME = timedelta(hours=2)  # a job older than this is failed even if its process still beats

STAGES = {
    "queued": _l("Waiting to start"),
    "waiting": _l("Waiting for another import to finish"),
    "read": _l("Reading the file"),
    "check": _l("Checking the rows"),
    "write": _l("Saving the firms"),
}
ERRORS = {
    "interrupted": _l("This stopped before it finished (the server was restarted, or it took far too long). "
                      "Nothing was saved; you can run it again."),
    "file_missing": _l("The uploaded file is no longer available; please upload it again."),
    "not_writable": _l("Nothing was imported: some rows have problems. Correct the file, or choose to import only "
                       "the valid rows."),
    "already_imported": _l("This list has already been imported."),
    "failed": _l("Something went wrong and nothing was saved. Please try again; if it happens again, tell the "
                 "site's administrator."),
}


def error_message(code: str) -> str:
    return str(ERRORS.get(code, ERRORS["failed"]))


def stage_label(job: ImportJob) -> str:
    return str(STAGES.get(job.stage or job.state, STAGES["queued"]))


# ------------------------------------------------------------------ the parameters a job runs with


def params_from(values, locale: str) -> dict:
    """The organizer's choices from a form (col-N, on_duplicate, valid_only, suggest, decision-ROW), checked."""
    on_duplicate = values.get("on_duplicate", "skip")
    columns = None
    if any(k.startswith("col-") for k in values):
        columns = {}
        for key, value in values.items():
            if key.startswith("col-") and key[4:].isdigit() and len(key) < 10 and value in FIELDS:
                columns[key[4:]] = value
    decisions = {key[9:]: value for key, value in values.items()
                 if key.startswith("decision-") and key[9:].isdigit() and len(key) < 20 and value in DECISIONS}
    return {"columns": columns, "on_duplicate": on_duplicate if on_duplicate in ("skip", "update") else "skip",
            "valid_only": values.get("valid_only") == "1", "suggest": values.get("suggest", "1") == "1",
            "decisions": decisions, "locale": locale}


def mapping_of(headers: list[str], params: dict) -> Mapping:
    columns = params.get("columns")
    if columns is None:
        return Mapping.detect(headers)
    return Mapping(list(headers), {int(i): f for i, f in columns.items() if int(i) < len(headers)})


def options_of(params: dict) -> Options:
    return Options(on_duplicate=params.get("on_duplicate", "skip"), valid_only=bool(params.get("valid_only")),
                   accept_suggestions=bool(params.get("suggest", True)),
                   decisions={int(r): d for r, d in (params.get("decisions") or {}).items()})


def same_choices(a: dict, b: dict) -> bool:
    keys = ("columns", "on_duplicate", "valid_only", "suggest", "decisions")
    return all(a.get(k) == b.get(k) for k in keys)


# ------------------------------------------------------------------ progress and heartbeat


class Beat:
    """The work's progress callback, and a thread that writes it with the heartbeat every BEAT seconds on its
    own connection (the work's transaction stays its own; a write that finds the database busy is skipped)."""

    def __init__(self, app: Flask, job_id: int) -> None:
        self.app, self.job_id = app, job_id
        self.stage, self.done, self.total = "queued", 0, 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.stage, self.done, self.total = stage, done, total

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"import-job-{self.job_id}-beat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(30)

    def _run(self) -> None:
        with self.app.app_context():
            while not self._stop.wait(BEAT):
                self.write()

    def write(self) -> None:
        try:
            with db.engine.begin() as conn:
                conn.execute(sa.update(ImportJob).where(ImportJob.id == self.job_id, ImportJob.state.in_(LIVE))
                             .values(stage=self.stage[:10], done=self.done, total=self.total, heartbeat_at=utcnow()))
        except sa.exc.OperationalError:  # SQLite busy with the import's own writes: the next beat will do
            pass


# ------------------------------------------------------------------ starting and running


class Runner:
    """Per process: the job threads, at most MATCHMAKER_IMPORT_WORKERS working at once (the others beat and wait)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.slots = threading.BoundedSemaphore(max(1, int(app.config.get("MATCHMAKER_IMPORT_WORKERS", 1))))
        self.threads: set[threading.Thread] = set()
        self.lock = threading.Lock()

    def start(self, job_id: int) -> threading.Thread:
        thread = threading.Thread(target=self._run, args=(job_id,), name=f"import-job-{job_id}", daemon=True)
        with self.lock:
            self.threads.add(thread)
        thread.start()
        return thread

    def _run(self, job_id: int) -> None:
        try:
            run(self.app, job_id, self.slots)
        finally:
            with self.lock:
                self.threads.discard(threading.current_thread())

    def wait(self, timeout: float) -> None:
        end = time.monotonic() + timeout
        for thread in list(self.threads):
            thread.join(max(0.0, end - time.monotonic()))


def runner(app: Flask) -> Runner:
    r = app.extensions.get("matchmaker_import_jobs")
    if r is None:
        r = app.extensions.setdefault("matchmaker_import_jobs", Runner(app))
    return r


def wait_for_jobs(app: Flask, timeout: float = 120.0) -> None:
    """Let this process's jobs finish (tests, shutting down)."""
    r = app.extensions.get("matchmaker_import_jobs")
    if r is not None:
        r.wait(timeout)


def start(job: ImportJob) -> None:
    """Run a committed job: in a background thread, or (MATCHMAKER_IMPORT_BACKGROUND false) before returning."""
    app = current_app._get_current_object()
    thread = runner(app).start(job.id)
    if not app.config.get("MATCHMAKER_IMPORT_BACKGROUND", True):
        thread.join()


def create(upload: ImportUpload, kind: str, params: dict, user_id: int | None) -> ImportJob:
    """A queued job in the current transaction (the caller commits, then calls start). An import of an upload
    that already has one not failed breaks the partial unique index: IntegrityError at the flush."""
    job = ImportJob(upload_id=upload.id, user_id=user_id, kind=kind, params=params, state="queued")
    db.session.add(job)
    db.session.flush()
    return job


def run(app: Flask, job_id: int, slots: threading.Semaphore | None = None) -> None:
    beat = Beat(app, job_id)
    with app.app_context():
        try:
            job = db.session.get(ImportJob, job_id)
            if job is None or job.state != "queued":
                return
            beat.start()
            if slots is not None:
                while not slots.acquire(timeout=BEAT):
                    beat("queued", 0, 0)
            try:
                _work(job, beat)
            finally:
                if slots is not None:
                    slots.release()
        except Exception:  # noqa: BLE001 - the organizer sees a failed job; the log has the traceback
            log.exception("import job %s failed", job_id)
            db.session.rollback()
            _fail(job_id, "failed")
        finally:
            beat.stop()
            db.session.remove()


def _fail(job_id: int, code: str, result: dict | None = None) -> None:
    values = {"state": "failed", "error": code, "finished_at": utcnow()}
    if result is not None:
        values["result"] = result
    db.session.execute(sa.update(ImportJob).where(ImportJob.id == job_id, ImportJob.state.in_(LIVE)).values(**values))
    db.session.commit()


def _result(plan, counts, dry_run: bool) -> dict:
    out = report(plan, counts, dry_run)
    out["headers"] = list(plan.table.headers)
    out["columns"] = {str(i): f for i, f in plan.mapping.columns.items()}
    out["writable"] = plan.writable
    return out


def _work(job: ImportJob, beat: Beat) -> None:
    job_id, kind, params = job.id, job.kind, dict(job.params or {})
    now = utcnow()
    started = db.session.execute(sa.update(ImportJob).where(ImportJob.id == job_id, ImportJob.state == "queued")
                                 .values(state="running", stage="read", started_at=now, heartbeat_at=now)).rowcount
    db.session.commit()
    if not started:  # marked failed meanwhile
        return
    upload = db.session.get(ImportUpload, job.upload_id)
    beat("read", 0, 0)
    locale = params.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        try:
            table = load(storage().read(upload.storage_key), upload.filename,
                         encoding=(upload.result or {}).get("encoding", "auto"),
                         sheet=(upload.result or {}).get("sheet") or None)
        except (FileProblem, OSError, ValueError):
            _fail(job_id, "file_missing")
            return
        mapping, options = mapping_of(table.headers, params), options_of(params)
        if kind == "check":
            plan = plan_import(table, mapping, options, beat)
            db.session.rollback()
            result = _result(plan, None, dry_run=True)
            beat.stop()
            db.session.execute(sa.update(ImportJob).where(ImportJob.id == job_id, ImportJob.state == "running")
                               .values(state="done", stage="", done=len(table.rows), total=len(table.rows),
                                       result=result, finished_at=utcnow()))
            db.session.commit()
            return
        with import_lock(db.session, on_wait=lambda: beat("waiting", 0, 0)):
            plan = plan_import(table, mapping, options, beat)
            if not plan.writable:
                db.session.rollback()
                _fail(job_id, "not_writable", _result(plan, None, dry_run=True))
                return
            counts = apply_plan(plan, beat)
            result = _result(plan, counts, dry_run=False)
            # The list is marked imported, and the job done, in the import's own transaction.
            claimed = db.session.execute(sa.update(ImportUpload).where(
                ImportUpload.id == upload.id, ImportUpload.imported_at.is_(None)).values(
                imported_at=utcnow(), result={**(upload.result or {}), "report": result})
                .execution_options(synchronize_session=False)).rowcount
            if not claimed:
                db.session.rollback()
                _fail(job_id, "already_imported")
                return
            beat.stop()
            finished = db.session.execute(sa.update(ImportJob).where(
                ImportJob.id == job_id, ImportJob.state == "running").values(
                state="done", stage="", done=len(table.rows), total=len(table.rows), result=result,
                finished_at=utcnow())).rowcount
            if not finished:  # marked failed while it ran (its heartbeat stopped): nothing is saved
                db.session.rollback()
                return
            db.session.commit()
    storage().delete(upload.storage_key)


# ------------------------------------------------------------------ jobs whose process is gone


def expire(now: datetime | None = None) -> int:
    """Mark failed the jobs whose process stopped beating (or that ran far too long); how many."""
    now = now or utcnow()
    stale = timedelta(seconds=float(current_app.config.get("MATCHMAKER_IMPORT_STALE_SECONDS", 120)))
    try:
        n = db.session.execute(sa.update(ImportJob).where(
            ImportJob.state.in_(LIVE),
            sa.or_(ImportJob.heartbeat_at < now - stale, ImportJob.created_at < now - MAX_RUNTIME))
            .values(state="failed", error="interrupted", finished_at=now)
            .execution_options(synchronize_session=False)).rowcount
        db.session.commit()
    except sa.exc.OperationalError:  # SQLite busy with an import's writes: that job is alive; look again later
        db.session.rollback()
        return 0
    return n


@tick_job("member-list imports that stopped marked failed")
def expire_stale_jobs(now: datetime) -> int:
    return expire(now)
