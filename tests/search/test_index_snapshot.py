"""Server processes share the machine's index snapshot: mapped at start, changes since applied, a corrupt
one rebuilt with a log line, `matchmaker reindex` writing the one every process then maps."""
from __future__ import annotations

import gc
import logging

import numpy as np
import pytest
from flask import current_app

from matchmaker.extensions import db
from matchmaker.matching import snapshot
from matchmaker.search.index import get_index, snapshot_root


@pytest.fixture
def app_config(tmp_path):
    return {"MATCHMAKER_INDEX_SNAPSHOT": str(tmp_path / "index-snapshot")}


def fresh_process() -> None:
    current_app.extensions.pop("matchmaker_index", None)


def test_processes_map_the_snapshot_and_apply_later_changes(app, make, runner, caplog):
    root = snapshot_root()
    assert root.startswith(current_app.config["MATCHMAKER_INDEX_SNAPSHOT"])
    plater = make.firm(name="辻堂めっき工業", tags=["無電解ニッケルめっき"])
    caplog.set_level(logging.INFO, logger="matchmaker.search.index")
    first = get_index()  # no snapshot yet: built from the database, and written for the others
    assert "no index snapshot" in caplog.text and f"f{plater.id}" in first.supply
    folder, manifest = snapshot.current(root)
    fresh_process()
    later = make.firm(name="鵠沼アルマイト", tags=["アルマイト"])
    caplog.clear()
    second = get_index()  # another process: maps it, then applies the change written since
    assert "mapped the snapshot" in caplog.text
    assert isinstance(second.supply.index.col_rows.base, np.memmap)
    assert f"f{later.id}" in second.supply and f"f{plater.id}" in second.supply
    assert second.owned_by(plater.id) == {f"f{plater.id}"}

    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "writing the snapshot" in result.output  # progress (stderr, mixed in by the runner)
    assert snapshot.current(root)[0] != folder
    second.refresh()  # the rebuild row: the new snapshot is mapped, not built again here
    assert isinstance(second.supply.index.col_rows.base, np.memmap) and f"f{later.id}" in second.supply

    # a corrupt snapshot is never served: it is rebuilt, with a log line saying why
    folder, manifest = snapshot.current(root)
    (folder / "supply.col_rows.npy").write_bytes(b"\x93NUMPY broken")
    fresh_process()
    caplog.clear()
    third = get_index()
    assert "col_rows.npy is missing or corrupt" in caplog.text
    assert f"f{later.id}" in third.supply
    snapshot.current(root)  # a whole one again


def test_a_server_process_maps_the_index_before_its_first_request(app, make, runner, tmp_path):
    from matchmaker import create_app
    from matchmaker.matching.vocabulary import default_vocabulary
    from tests.support import make_config

    assert "matchmaker_warm_start" not in app.extensions  # "auto" outside gunicorn and uWSGI: nothing started
    plater = make.firm(name="辻堂めっき工業", tags=["無電解ニッケルめっき"])
    assert runner.invoke(args=["reindex"]).exit_code == 0
    server = create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, MATCHMAKER_WARM_START=True,
                                    MATCHMAKER_INDEX_SNAPSHOT=app.config["MATCHMAKER_INDEX_SNAPSHOT"]))
    try:
        warm = server.extensions["matchmaker_warm_start"]
        warm.join(60)
        assert not warm.is_alive()
        state = server.extensions["matchmaker_index"]  # there before any request
        assert isinstance(state.supply.index.col_rows.base, np.memmap) and f"f{plater.id}" in state.supply
        assert default_vocabulary()._keys is not None
        assert gc.get_freeze_count() > 10_000  # what was loaded is out of the collector's way
    finally:
        gc.unfreeze()
        with server.app_context():
            db.engine.dispose()


PRELOAD_SCRIPT = """
import os, sys
sys.argv = ["gunicorn", "--preload", "matchmaker:create_app()"]
from matchmaker import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv_url, "SECRET_KEY": "x", "MATCHMAKER_INDEX_SNAPSHOT": "",
                  "RATELIMIT_STORAGE_URI": "memory://"})
assert "matchmaker_warm_start" not in app.extensions, "a thread in the master before the fork"
pid = os.fork()
if pid == 0:
    thread = app.extensions.get("matchmaker_warm_start")
    ok = thread is not None
    if ok:
        thread.join(60)
        ok = "matchmaker_index" in app.extensions
    os._exit(0 if ok else 3)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def test_with_preload_each_worker_warms_itself_after_the_fork(tmp_path):
    """gunicorn --preload makes the app in the master: no thread there (a lock held at the fork would
    hang a worker), each forked worker starts its own warm start."""
    import subprocess
    import sys

    url = "sqlite:///" + str(tmp_path / "preload.db")
    script = PRELOAD_SCRIPT.replace("sys.argv_url", repr(url))
    from matchmaker import create_app

    with create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"}).app_context():
        db.create_all()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
