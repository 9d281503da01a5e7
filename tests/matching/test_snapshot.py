"""Index snapshots: build, map, apply changes, refuse corrupt or other-format ones, concurrent builders."""
from __future__ import annotations

import dataclasses
import json
import multiprocessing as mp

import numpy as np
import pytest

from matchmaker.matching import Engine, Query, Record
from matchmaker.matching import shelf, snapshot
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
    assert isinstance(loaded.index.col_rows.base, np.memmap) and not loaded.index.col_rows.flags.writeable
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


def test_records_and_codes_are_read_from_the_mapped_files_with_later_changes_beside_them(tmp_path, records, vocab,
                                                                                          settings):
    records = [dataclasses.replace(r, categories=["2465"] if i % 2 else ["2911", "E"]) for i, r in enumerate(records)]
    built = Engine(settings=settings, vocabulary=vocab)
    built.build(records)
    built.remove("S1")
    snapshot.save(tmp_path, {"supply": built}, position=1)
    loaded = snapshot.load(tmp_path, settings=settings, vocabulary=vocab)[0]["supply"]
    assert isinstance(loaded._records, shelf.RecordShelf) and isinstance(loaded._cats, shelf.CodeShelf)
    for r in records:
        if r.id != "S1":
            assert loaded.get(r.id) == r  # the whole record, read back from its pickle on the shelf
    assert loaded.get("S1") is None
    codes = [loaded._cats[row] for row in range(len(loaded._cats))]
    assert codes == [built._cats[row] for row in range(len(built._cats))] and ("2465",) in codes
    # a changed and an added row live beside the files; the files are not touched
    new = firm("T3", "藤沢ダイカスト", "アルミダイカスト", "Fujisawa", "JP", FUJISAWA, owner="F11")
    new.categories = ["2491"]
    loaded.upsert(new)
    loaded.remove(records[1].id)
    assert loaded.get("T3") == new and loaded.get(records[1].id) is None
    assert loaded._cats[loaded._row_of["T3"]] == ("2491",)
    # a snapshot written by a process that loaded one holds the same as one written from scratch
    again_root = tmp_path / "again"
    snapshot.save(again_root, {"supply": loaded}, position=2)
    again = snapshot.load(again_root, settings=settings, vocabulary=vocab)[0]["supply"]
    assert again.get("T3") == new and again.get(records[1].id) is None and again.get(records[2].id) == records[2]
    for q in QUERIES:
        assert ranked(again, q) == ranked(loaded, q), q


def test_an_empty_engine_makes_a_snapshot_too(tmp_path, vocab, settings):
    empty = Engine(settings=settings, vocabulary=vocab)
    empty.build([])
    snapshot.save(tmp_path, {"demand": empty}, position=0)
    loaded = snapshot.load(tmp_path, settings=settings, vocabulary=vocab)[0]["demand"]
    assert len(loaded) == 0 and loaded.search(Query(text="めっき"), top=5) == []
    loaded.upsert(firm("N1", "需要", "アルマイト処理をお願いしたい", "Fujisawa", "JP", FUJISAWA, owner="F1"))
    assert loaded.get("N1") is not None


def test_an_owners_records_are_read_off_the_owner_column_before_and_after_a_snapshot(tmp_path, records, vocab,
                                                                                     settings):
    built = Engine(settings=settings, vocabulary=vocab)
    built.build(records + [firm("P1b", "辻堂メッキ 第二工場", "亜鉛めっき", "Fujisawa", "JP", FUJISAWA, owner="F1")])
    assert sorted(built.owned_by("F1")) == ["P1", "P1b"] and built.owned_by("nobody") == []
    snapshot.save(tmp_path, {"supply": built}, position=1)
    loaded = snapshot.load(tmp_path, settings=settings, vocabulary=vocab)[0]["supply"]
    assert sorted(loaded.owned_by("F1")) == ["P1", "P1b"]
    loaded.remove("P1b")
    loaded.upsert(firm("P1c", "辻堂メッキ 第三工場", "硬質クロムめっき", "Fujisawa", "JP", FUJISAWA, owner="F1"))
    assert sorted(loaded.owned_by("F1")) == ["P1", "P1c"]
