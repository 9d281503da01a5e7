"""Independent read-only database work run at once, each piece on its own connection.

A page that is a sum of independent aggregates (the city's indicators: some thirty statements over
two periods) waits for each statement in turn although the database could answer several at
once: PostgreSQL runs each connection in its own server process, and SQLite's module lets other
threads run while a statement steps. :func:`run_all` hands the pieces to a small pool of threads
per process, each in its own application context, so each has its own session and connection.

The pieces read only what is committed (each runs in its own transaction), so a caller with
unsaved changes of its own gets them serially in its own session instead. With
``MATCHMAKER_QUERY_THREADS`` 1, or on an in-memory SQLite database (one database per connection),
everything runs serially in the caller's session, which is the same result.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Hashable, TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from .extensions import db

T = TypeVar("T")

_pool: ThreadPoolExecutor | None = None
_pool_size = 0
_pool_lock = threading.Lock()


def run_all(pieces: dict[Hashable, Callable[[], T]]) -> dict[Hashable, T]:
    """Each piece's result under its key; a piece that raises makes the whole call raise."""
    threads = int(current_app.config.get("MATCHMAKER_QUERY_THREADS", 1) or 1)
    if threads <= 1 or len(pieces) <= 1 or not _separate_connections_see_the_same_data():
        return {key: fn() for key, fn in pieces.items()}
    app = current_app._get_current_object()

    def in_context(fn):
        with app.app_context():
            return fn()

    pool = _executor(threads)
    futures = {key: pool.submit(in_context, fn) for key, fn in pieces.items()}
    return {key: f.result() for key, f in futures.items()}


def _separate_connections_see_the_same_data() -> bool:
    """False when another connection would not see what this session sees: unsaved changes of the
    caller, or an in-memory SQLite database."""
    session = db.session
    if session.new or session.dirty or session.deleted or session.info.get("flushed"):
        return False
    url = db.engine.url
    return not (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"))


@sa.event.listens_for(so.Session, "after_flush")
def _note_flush(session, _context) -> None:
    session.info["flushed"] = True


@sa.event.listens_for(so.Session, "after_transaction_end")
def _forget_flush(session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended: committed or rolled back
        session.info.pop("flushed", None)


def _executor(threads: int) -> ThreadPoolExecutor:
    """The process's pool (made on first use, so after a server forks its workers)."""
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size != threads:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="reads")
            _pool_size = threads
        return _pool
