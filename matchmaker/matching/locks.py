"""A readers-writer lock: many searches at once, one change at a time.

An engine is shared by every thread of a server process. Searches only read its arrays, so
they run side by side; an upsert, a removal or a rebuild changes them and waits until the
searches in progress have finished. Turns alternate: a waiting change goes before searches
that arrive after it, and the searches that waited for a change go before the next change,
so neither side is starved by a stream of the other.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator


class ReadWriteLock:
    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0  # threads reading now
        self._readers_waiting = 0
        self._readers_turn = False  # readers that waited for a writer go before the next writer
        self._writer: int | None = None  # thread id of the writer
        self._writer_depth = 0
        self._writers_waiting = 0
        self._held = threading.local()  # this thread's read depth: a nested read never waits

    @contextmanager
    def read(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            if self._writer == me:  # a writer may read what it is changing
                self._writer_depth += 1
                nested_in_write = True
            else:
                nested_in_write = False
                if not getattr(self._held, "depth", 0):
                    self._readers_waiting += 1
                    try:
                        while self._writer is not None or (self._writers_waiting and not self._readers_turn):
                            self._cond.wait()
                    finally:
                        self._readers_waiting -= 1
                    if not self._readers_waiting:
                        self._readers_turn = False
                self._readers += 1
                self._held.depth = getattr(self._held, "depth", 0) + 1
        try:
            yield
        finally:
            with self._cond:
                if nested_in_write:
                    self._writer_depth -= 1
                else:
                    self._readers -= 1
                    self._held.depth -= 1
                    if not self._readers:
                        self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            if self._writer == me:  # re-entrant for the writing thread
                self._writer_depth += 1
            else:
                self._writers_waiting += 1
                try:
                    while self._writer is not None or self._readers or (self._readers_turn and self._readers_waiting):
                        self._cond.wait()
                finally:
                    self._writers_waiting -= 1
                self._writer = me
                self._writer_depth = 1
        try:
            yield
        finally:
            with self._cond:
                self._writer_depth -= 1
                if not self._writer_depth:
                    self._writer = None
                    if self._readers_waiting:
                        self._readers_turn = True
                    self._cond.notify_all()
