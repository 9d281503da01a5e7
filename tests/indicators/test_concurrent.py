"""The indicators' statements run at once on several connections (concurrent_reads.py): the same figures
as one after the other, a caller's unsaved rows are not missed, and a failing piece fails the call."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from matchmaker.concurrent_reads import run_all
from matchmaker.extensions import db
from matchmaker.indicators import periods
from matchmaker.indicators.figures import compute
from matchmaker.models import Firm

FY2025 = periods.fiscal_year(2025)


def test_figures_at_once_equal_figures_one_after_the_other(app, world):
    app.config["MATCHMAKER_QUERY_THREADS"] = 1
    serial = compute(FY2025)
    app.config["MATCHMAKER_QUERY_THREADS"] = 3
    assert compute(FY2025) == serial
    assert serial["deals"]["count"] == 7 and serial["previous"]["deals"]["count"] == 1


def test_pieces_run_on_their_own_threads_and_connections(app, make):
    make.firm("並行テスト")
    db.session.commit()
    app.config["MATCHMAKER_QUERY_THREADS"] = 2
    barrier = threading.Barrier(2, timeout=10)

    def piece():
        barrier.wait()  # both pieces are running at the same time, or this times out
        return threading.current_thread().name, db.session.scalar(sa.select(sa.func.count(Firm.id)))

    done = run_all({"a": piece, "b": piece})
    assert {name.startswith("reads") for name, _ in done.values()} == {True}
    assert done["a"][0] != done["b"][0] and done["a"][1] == done["b"][1] == 1


def test_unsaved_rows_of_the_caller_are_counted(app, make):
    app.config["MATCHMAKER_QUERY_THREADS"] = 3
    db.session.add(Firm(name="未保存の会社", city="藤沢市", country="JP"))
    db.session.flush()  # in the caller's transaction only: another connection would not see it
    count = lambda: (threading.current_thread().name, db.session.scalar(sa.select(sa.func.count(Firm.id))))  # noqa: E731
    done = run_all({"a": count, "b": count})
    assert done["a"] == done["b"] == (threading.current_thread().name, 1)
    db.session.rollback()
    assert run_all({"a": count, "b": count})["a"][1] == 0


def test_a_failing_piece_fails_the_call(app):
    app.config["MATCHMAKER_QUERY_THREADS"] = 2

    def broken():
        raise ValueError("broken piece")

    with pytest.raises(ValueError, match="broken piece"):
        run_all({"ok": lambda: 1, "broken": broken})
