"""Bounded caches of the engine's answers, per process and, with Redis, shared by a machine's workers.

The site's recommendation lists are kept until any change to matchable data is applied to the index:
the key includes the index's change-log position, which every process that has applied the same
changes shares. A page asked for again and again costs its rows, not another search. Least recently
used entries go first.

With `MATCHMAKER_REDIS_URL` (REDIS_URL) set, on PostgreSQL, a cache given a codec also keeps its
answers in Redis (JSON, an hour at most), so that a firm's dashboard lists are worked out once per
index state for all the workers and machines, not once in each. The shared key names the database by
the server's object id of its change-log table (a database or a table made again, whose change log
starts over, is another one). Redis being down, slow or holding something unreadable only means the answer
is worked out here, as without Redis.
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from typing import Any, Callable, Generic, Hashable, TypeVar

from flask import current_app

V = TypeVar("V")
log = logging.getLogger(__name__)
SHARED_SECONDS = 3600


class BoundedCache(Generic[V]):
    def __init__(self, size: int, name: str = "", encode: Callable[[V], Any] | None = None,
                 decode: Callable[[Any], V] | None = None):
        self.size = size
        self.name = name
        self.encode, self.decode = encode, decode
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], V], shared_key: tuple | None = None) -> V:
        """The value kept under `key`, or `make()`'s, kept (two threads may both make it; either is kept).
        `shared_key` (what identifies the value across processes) lets Redis share it."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        redis_key = self._redis_key(shared_key)  # one look at the database's identity per miss
        value = self._shared_get(redis_key)
        if value is None:
            value = make()
            self._shared_set(redis_key, value)
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    # -------------------------------------------------------------- the shared tier
    def _redis_key(self, shared_key: tuple | None) -> str | None:
        if shared_key is None or self.encode is None or self.decode is None or not self.name:
            return None
        database = _database_identity()
        if database is None:
            return None
        digest = hashlib.sha256(repr((database, shared_key)).encode()).hexdigest()[:32]
        return f"matchmaker:answers:{self.name}:{digest}"

    def _shared_get(self, key: str | None) -> V | None:
        client = _client() if key else None
        if client is None:
            return None
        try:
            raw = client.get(key)
            return self.decode(json.loads(raw)) if raw is not None else None
        except Exception as e:  # noqa: BLE001 - Redis down or an unreadable value: work it out here
            log.warning("shared answer cache: %s", e)
            return None

    def _shared_set(self, key: str | None, value: V) -> None:
        client = _client() if key else None
        if client is None:
            return
        try:
            client.set(key, json.dumps(self.encode(value), ensure_ascii=False), ex=SHARED_SECONDS)
        except Exception as e:  # noqa: BLE001
            log.warning("shared answer cache: %s", e)


_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def _database_identity() -> tuple | None:
    """The database as the server knows it (its address and its change log's object id), or None off
    PostgreSQL."""
    from ..extensions import db
    from ..models import ChangeLog

    if not current_app.config.get("MATCHMAKER_REDIS_URL") or db.engine.dialect.name != "postgresql":
        return None
    import sqlalchemy as sa

    # the change log's table as the server knows it: a database or a table made again (its ids start
    # over, so index positions repeat) is another one
    oid = db.session.scalar(sa.text("SELECT to_regclass(:t)::oid"), {"t": ChangeLog.__table__.name})
    return db.engine.url.render_as_string(hide_password=True), int(oid or 0)


def _client():
    """The process's Redis client for MATCHMAKER_REDIS_URL, or None when none is set."""
    url = current_app.config.get("MATCHMAKER_REDIS_URL")
    if not url:
        return None
    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            import redis

            client = _clients[url] = redis.Redis.from_url(url, socket_timeout=0.2, socket_connect_timeout=0.2)
        return client
