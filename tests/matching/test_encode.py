"""The bulk encoder (index builds) gives exactly the rows of the one-record path (upserts)."""
from __future__ import annotations

import numpy as np
import pytest

from matchmaker.matching import Engine, Query, Record
from matchmaker.matching.encode import ChunkEncoder

from matching_fixtures import FUJISAWA, firm

TRICKY = [
    Record("E0", text=""),
    Record("E1", name="株式会社テスト", text="   "),
    Record("T1", text="めっき、メッキ、鍍金。めっき!", tags=["process.plating", "process.plating", "特殊加工"]),
    Record("T2", text="SUS304 SUS 304 sus304のNC旋盤加工、A5052も", certifications=["ISO 9001", "iso9001:2015", ""]),
    Record("T3", name="Chao Plating Co., Ltd.", text="Electroless nickel plating. Electroless nickel plating; zinc.",
           tags=["plating", "process.surface"]),
    Record("T4", text="PS-LX350H / LDF6920WH model numbers, Ti-6Al-4V 3.5 mm"),
    Record("T5", text="無電解ニッケルめっき" * 50 + "。" + "x" * 300),
    Record("T6", text="ステンレス、ステンレス、ステンレス、アルミの板金と射出成型", certifications=["ISO13485"]),
    # a class of the industrial classification: read with its description (classification.py)
    Record("T7", name="野菜作農業（きのこ類の栽培を含む）", text="Vegetable farming, including mushrooms, 野菜"),
]


def rows_of(encoder: ChunkEncoder, recs: list[Record], chunk: int) -> list[tuple[dict[str, float], float]]:
    names: list[str] = []
    out = []
    for a in range(0, len(recs), chunk):
        new, ptr, cols, vals, dls = encoder.encode(recs[a : a + chunk])
        names.extend(new)
        assert len(names) == len(set(names))  # each name is reported once
        for j in range(len(dls)):
            s = slice(ptr[j], ptr[j + 1])
            row = {names[c]: float(v) for c, v in zip(cols[s], vals[s])}
            assert len(row) == ptr[j + 1] - ptr[j]  # a feature appears once per row
            out.append((row, float(dls[j])))
    return out


@pytest.mark.parametrize("chunk", [1, 3, 100])
def test_encoder_rows_equal_the_record_path(vocab, records, chunk):
    engine = Engine(vocabulary=vocab)
    recs = records + TRICKY
    got = rows_of(ChunkEncoder(vocab, background_weight=engine.settings.background_weight), recs, chunk)
    for r, (row, dl) in zip(recs, got):
        raw, want_dl = engine._record_features(r)
        assert row == {k: float(np.float32(v)) for k, v in raw.items()}, r.id
        assert dl == pytest.approx(want_dl), r.id


def test_encoder_cache_is_only_a_cache(vocab, records):
    recs = records + TRICKY
    small = ChunkEncoder(vocab, cache_size=2)  # cleared over and over
    assert rows_of(small, recs * 2, 4) == rows_of(ChunkEncoder(vocab), recs * 2, 4)


def test_build_in_worker_processes_equals_build_in_process(vocab):
    recs = [
        firm(f"R{i}", f"株式会社テスト{i % 17}", text, "Fujisawa", "JP", FUJISAWA, certifications=["ISO 13485"] if i % 5 == 0 else [])
        for i, text in enumerate(
            [f"無電解ニッケルめっき、ロット{i}" for i in range(800)]
            + [f"SUS304のNC旋盤加工 φ{i}" for i in range(800)]
            + [f"Injection moulding of ABS parts, model X{i}" for i in range(800)]
        )
    ]
    one, two = Engine(vocabulary=vocab), Engine(vocabulary=vocab)
    one.build(recs, workers=1)
    two.build(recs, workers=2)
    assert two.index.n_alive == one.index.n_alive == len(recs)
    for text in ("めっき ロット17", "stainless turning φ5", "ABS moulding X42", "ISO 13485 めっき"):
        q = Query(text=text, city="Fujisawa", country="JP", lat=FUJISAWA[0], lon=FUJISAWA[1])
        a, b = one.search(q, top=20), two.search(q, top=20)
        assert [m.id for m in a] == [m.id for m in b]
        assert [m.score for m in a] == pytest.approx([m.score for m in b])
