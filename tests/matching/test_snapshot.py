"""Index snapshots: build, map, apply changes, refuse corrupt or other-format ones, concurrent builders."""
from __future__ import annotations

import json
import multiprocessing as mp

import numpy as np
import pytest

from matchmaker.matching import Engine, Query, Record
from matchmaker.matching import snapshot
from matching_fixtures import FUJISAWA, firm


def ranked(engine: Engine, text: str) -> list[tuple[str, float]]:
    return [(m.id, round(m.score, 6)) for m in engine.search(Query(text=text, city="Fujisawa", country="JP"), top=10)]


QUERIES = ("無電解ニッケルめっき", "アルマイト", "plating", "NC旋盤 SUS304", "射出成型")


def test_a_loaded_snapshot_answers_like_the_engine_it_was_made_of(tmp_path, records, vocab, settings):
    built = Engine(settings=settings, vocabulary=vocab)
    built.build(records)
    built.upsert(firm("T2", "辻堂精機", "SUS304の切削とNC旋盤加工", "Fujisawa", "JP", FUJISAWA, owner="F9"))
    built.remove("S1")
    with snapshot.build_lock(tmp_path):
        snapshot.save(tmp_path, {"supply": built}, position=42, extra={"owners": {"F1": {"P1"}}})
    engines, position, extra = snapshot.load(tmp_path, settings=settings, vocabulary=vocab)
    loaded = engines["supply"]
    assert position == 42 and extra == {"owners": {"F1": {"P1"}}}
    assert isinstance(loaded.index.col_rows, np.memmap) and not loaded.index.col_rows.flags.writeable
    assert len(loaded) == len(built) and "S1" not in loaded and "T2" in loaded
    for q in QUERIES:
        assert ranked(loaded, q) == ranked(built, q), q
    # the changes written since are applied on top of the mapped arrays (and never into them)
    loaded.upsert(firm("P9", "湘南めっき", "亜鉛めっきと無電解ニッケルめっき", "Fujisawa", "JP", FUJISAWA, owner="F10"))
    loaded.remove("P1")
    built.upsert(firm("P9", "湘南めっき", "亜鉛めっきと無電解ニッケルめっき", "Fujisawa", "JP", FUJISAWA, owner="F10"))
    built.remove("P1")
    for q in QUERIES:
        assert ranked(loaded, q) == ranked(built, q), q
    again, _, _ = snapshot.load(tmp_path, settings=settings, vocabulary=vocab)
    assert "P1" in again["supply"]  # the file is as written


def test_missing_corrupt_and_other_format_snapshots_are_refused(tmp_path, records, vocab, settings):
    with pytest.raises(snapshot.SnapshotError, match="no index snapshot"):
        snapshot.load(tmp_path)
    e = Engine(settings=settings, vocabulary=vocab)
    e.build(records)
    folder = snapshot.save(tmp_path, {"supply": e}, position=1)
    target = folder / "supply.col_vals.npy"
    data = bytearray(target.read_bytes())
    data[-1] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(snapshot.SnapshotError, match="col_vals.npy is missing or corrupt"):
        snapshot.load(tmp_path, settings=settings, vocabulary=vocab)
    folder = snapshot.save(tmp_path, {"supply": e}, position=2)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["format"] = snapshot.FORMAT + 1
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(snapshot.SnapshotError, match="format"):
        snapshot.load(tmp_path, settings=settings, vocabulary=vocab)


def _build_and_save(args) -> str:
    root, n = args
    from matchmaker.matching import Vocabulary
    from matching_fixtures import ROWS

    e = Engine(vocabulary=Vocabulary.from_rows(ROWS))
    e.build([Record(id=f"r{i}", text=f"無電解ニッケルめっき 加工{i} SUS304", owner=str(i)) for i in range(n)])
    with snapshot.build_lock(root):
        return snapshot.save(root, {"supply": e}, position=n).name


def test_two_builders_at_once_leave_one_whole_snapshot(tmp_path):
    with mp.get_context("fork").Pool(2) as pool:
        names = pool.map(_build_and_save, [(str(tmp_path), 30), (str(tmp_path), 31)])
    folder, manifest = snapshot.current(tmp_path)  # checks every file's checksum
    assert folder.name in names and manifest["position"] in (30, 31)
    assert not list(tmp_path.glob(".tmp-*"))
    engines, _, _ = snapshot.load(tmp_path)
    assert len(engines["supply"]) == manifest["position"]
