"""Commands whose standard output is data (JSON) keep it clean of anything else.

Libraries print: HiGHS writes its banner to the C-level standard output when a solver is
created, before any option can silence it, and a future release of anything may do the same.
While a command computes, ``stdout_to_stderr()`` points file descriptor 1, and Python's
``sys.stdout``, at standard error; the command writes its data to the real standard output
afterwards, with ``write_stdout``.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import sys
from typing import Iterator


def _flush_c_stdio() -> None:
    """Flush the C library's stdio buffers (text a native library printed but not yet wrote)."""
    try:
        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError):  # pragma: no cover - no libc symbol table (not on Linux)
        pass


@contextlib.contextmanager
def stdout_to_stderr(discard: bool = False) -> Iterator[None]:
    """Standard output goes to standard error meanwhile (or nowhere with ``discard``, for --quiet)."""
    sys.stdout.flush()
    _flush_c_stdio()
    try:
        saved = os.dup(1)
    except OSError:  # no file descriptor 1 at all: nothing to protect
        yield
        return
    try:
        with contextlib.ExitStack() as stack:
            if discard:
                sink = stack.enter_context(open(os.devnull, "w"))
                os.dup2(sink.fileno(), 1)
            else:
                sink = sys.stderr
                os.dup2(2, 1)
            stack.enter_context(contextlib.redirect_stdout(sink))
            yield
    finally:
        sys.stderr.flush()
        _flush_c_stdio()
        os.dup2(saved, 1)
        os.close(saved)


def write_stdout(text: str) -> None:
    """The command's data, on the real standard output."""
    sys.stdout.write(text)
    sys.stdout.flush()
