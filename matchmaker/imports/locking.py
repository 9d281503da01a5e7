"""One import at a time per database, so that two lists holding the same firm, imported at once, create it once."""
from __future__ import annotations

import fcntl
import time
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

LOCK_KEY = 0x6D6D5F696D706F  # PostgreSQL advisory lock of imports ("mm_impo")


@contextmanager
def import_lock(session, on_wait=None, poll: float = 0.5):
    """Imports run one at a time per database, each planning after the previous one committed: two lists
    holding the same firm, imported at once, create it once. PostgreSQL: an advisory lock of the current
    transaction (released by its commit or rollback); SQLite: a lock on a file beside the instance."""
    if session.get_bind().dialect.name == "postgresql":
        while not session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(LOCK_KEY))):
            if on_wait:
                on_wait()
            time.sleep(poll)
        yield
        return
    path = Path(current_app.instance_path) / "import.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as f:
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if on_wait:
                    on_wait()
                time.sleep(poll)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
