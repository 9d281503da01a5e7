"""Keep the ORM clear of a CPython 3.11 crash (a use-after-free in the interpreter).

The crash, as the stress test reproduced it (tests/stress/test_concurrency.py; valgrind showed
the read of freed memory): CPython 3.11 keeps an object's attributes in "inline values" until
the object needs a real ``__dict__``; it then builds one in
``make_dict_from_instance_attributes``, and that allocation may start a garbage collection.
SQLAlchemy's ``InstanceState`` holds its object through a weak reference whose callback
(``InstanceState._cleanup``) sets attributes on the state. When the state is the one whose
attribute is being stored, and its object is unreachable garbage (as when a session closes
and detaches every state while other threads allocate), the collection runs that callback in
the middle of the store, the callback frees the inline values, and the interrupted store goes
on with freed memory: heap corruption that surfaces later as a segmentation fault "while
garbage-collecting" anywhere in the process. Several threads make it likely (more garbage,
more collections); Python 3.12 is not affected.

The remedy removes the interrupted store: each state gets its real ``__dict__`` when it is
created or loaded, while its object is certainly alive, so no later attribute store on it
goes through the path that allocates.
"""
from __future__ import annotations

import sys

import sqlalchemy as sa

_installed = False


def _materialize(target, *args, **kwargs) -> None:
    state = sa.inspect(target)
    state.__dict__  # noqa: B018 - the access itself builds the dict


def install(base) -> None:
    """Listen on every mapped class of `base` (once per process); a no-op on Python 3.12+."""
    global _installed
    if _installed or sys.version_info >= (3, 12):
        return
    for name in ("init", "load"):
        sa.event.listen(base, name, _materialize, propagate=True)
    _installed = True

