"""Meaning (word vectors) and the type of business a phrase names (issue 10: industry words to JSIC codes).

The vectors here are a small hand-made table in the ja-ginza package's format, so the tests do not need
the package; one test reads the package's own vectors when it is installed."""
import struct

import numpy as np
import pytest

from matchmaker.matching import Engine, Query, Record, Settings

from matchmaker.matching.meaning import WordVectors, ginza_folder, murmurhash64a, word_vectors
from matchmaker.matching.trade import BUILDING, MAKING, NONE, RETAIL, WHOLESALE, record_trade, trade_of

# word -> vector row; rows 0 (cleaning tools) and 1 (fruit) are far apart, 2 is a third direction
WORDS = {"モップ": 0, "箒": 0, "ブラシ": 0, "雑巾": 0, "林檎": 1, "果実": 1, "酒": 2, "製造": 2, "卸売り": 2}
ROWS = np.array([[1.0, 0.0, 0.1], [0.0, 1.0, 0.1], [0.1, 0.1, 1.0]], dtype=np.float32)


def _vectors() -> WordVectors:
    keys = np.array([murmurhash64a(w.encode("utf-8")) for w in WORDS], dtype=np.uint64)
    rows = np.array(list(WORDS.values()), dtype=np.int32)
    order = np.argsort(keys)
    return WordVectors(ROWS, keys[order], rows[order])


# These records are classes of the industrial classification: what is tested here is the word vectors,
# so the classification's descriptions (classification.py) are left out throughout.
RECORDS = [
    Record("broom", name="箒・ブラシ製造業", text="Brooms and brushes"),
    Record("fruitwine", name="果実酒製造業", text="Fruit wine"),
    Record("broom-ws", name="箒・ブラシ卸売業", text="Brooms and brushes, wholesale"),
    Record("sake", name="清酒製造業", text="Sake"),
]


NEIGHBOURS_ONLY = Settings(background_weight=0.0, meaning_weight=0.0)  # the meaning of whole names off (a collection of names)
OFF = Settings(background_weight=0.0, meaning_weight=0.0, meaning_neighbour_weight=0.0)


def _ranked(text: str, settings: Settings | None = None) -> list[str]:
    engine = Engine(settings or Settings(background_weight=0.0), vectors=_vectors())
    engine.build(RECORDS)
    return [m.id for m in engine.search(Query(text=text), explain=False)]


def test_murmurhash_is_spacys_64_bit_hash():
    # MurmurHash64A with seed 1 over UTF-8, as spaCy's string store keys words: spaCy's documentation
    # gives nlp.vocab.strings["coffee"] == 3197928453018144401
    assert murmurhash64a(b"coffee") == 3197928453018144401
    assert murmurhash64a("箒".encode()) != murmurhash64a("ブラシ".encode())


def test_words_are_found_as_the_index_keeps_them():
    wv = _vectors()
    assert wv.row("モップ") == 0
    assert wv.row("もっぷ") == 0  # the index folds katakana to hiragana
    assert wv.row("ﾓｯﾌﾟ") == 0  # half-width, as typed
    assert wv.row("ぶらし") == 0 and wv.row("林檎") == 1
    assert wv.row("自転車") == -1
    units = wv.unit(np.array([0, 1]))
    assert np.allclose(np.linalg.norm(units, axis=1), 1.0)


def test_the_key_table_is_read_from_the_package_format(tmp_path):
    # spaCy's vocabulary folder: vectors as a numpy file, key2row as a MessagePack map of unsigned ints
    np.save(tmp_path / "vectors.npy", ROWS)
    (tmp_path / "vectors.npy").rename(tmp_path / "vectors")
    pairs = [(murmurhash64a("箒".encode()), 0), (murmurhash64a("林檎".encode()), 1), (5, 300), (70000, 2)]
    blob = bytearray(b"\xdf" + struct.pack(">I", len(pairs)))
    for key, row in pairs:
        blob += (b"\xcf" + struct.pack(">Q", key)) if key > 0xFFFF else (bytes([key]) if key < 0x80 else b"\xcd" + struct.pack(">H", key))
        blob += bytes([row]) if row < 0x80 else b"\xcd" + struct.pack(">H", row)
    (tmp_path / "key2row").write_bytes(bytes(blob))
    wv = WordVectors.from_folder(tmp_path)
    assert len(wv) == 4 and wv.dim == 3
    assert wv.row("箒") == 0 and wv.row("林檎") == 1 and wv.row("酒") == -1


def test_an_unknown_word_finds_the_records_of_words_near_in_meaning():
    # no record says モップ: the vectors put it beside 箒 and ブラシ, so the broom maker comes first
    ranked = _ranked("モップ製造業", NEIGHBOURS_ONLY)
    assert ranked[0] == "broom"
    # without meaning, only 製造 is understood: the broom maker is not ahead of the drink makers
    engine = Engine(OFF, vectors=_vectors())
    engine.build(RECORDS)
    scores = {m.id: m.score for m in engine.search(Query(text="モップ製造業"), explain=False)}
    assert scores["broom"] <= max(scores["fruitwine"], scores["sake"])


def test_a_word_nobody_uses_tells_apart_records_that_share_the_other_words():
    # 林檎酒: 酒 is in both drink makers' names; 林檎 (in no record) means fruit: the fruit-wine maker first
    assert _ranked("林檎酒製造業", NEIGHBOURS_ONLY)[:2] == ["fruitwine", "sake"]
    off = Engine(OFF, vectors=_vectors())
    off.build(RECORDS)
    scores = {m.id: m.score for m in off.search(Query(text="林檎酒製造業"), explain=False)}
    assert scores["fruitwine"] <= scores["sake"]


def test_a_maker_is_not_proposed_before_a_wholesaler_for_a_wholesalers_phrase():
    assert _ranked("モップ卸売業")[0] == "broom-ws"
    assert _ranked("モップ製造業").index("broom") < _ranked("モップ製造業").index("broom-ws")
    # the type of business off: the maker and the wholesaler are alike, the maker's shorter name wins
    both = _ranked("箒問屋", Settings(background_weight=0.0, trade_mismatch=1.0))
    assert set(both[:2]) == {"broom", "broom-ws"}
    assert _ranked("箒問屋")[0] == "broom-ws"


def test_the_type_of_business_is_read_from_how_a_phrase_ends():
    assert trade_of("ポンプ製造業") == MAKING
    assert trade_of("装身具卸売業（貴金属製のもの）") == WHOLESALE  # asides left out
    assert trade_of("空箱問屋") == WHOLESALE
    assert trade_of("婦人服小売業") == RETAIL
    assert trade_of("菓子製造小売業") == RETAIL  # makes and sells in its own shop: a shop
    assert trade_of("屋根工事業") == BUILDING
    assert trade_of("カーテンウォール工事 業") == BUILDING  # a stray space
    assert trade_of("Pumps manufacturing") == MAKING and trade_of("Meat wholesale") == WHOLESALE
    # a phrase that does not end with its type says nothing
    for text in ("アルミの切削加工", "製造業向けの検査装置", "Wholesale prices for our customers", "", None):
        assert trade_of(text) == NONE
    # a record: its name, else the first line of its text
    assert record_trade("山田製作所", "精密板金の卸売") == MAKING
    assert record_trade("山田", "精密部品の卸売\n製造もします") == WHOLESALE


def test_without_vectors_the_engine_ranks_on_words_alone(monkeypatch):
    import matchmaker.matching.engine as engine_module

    monkeypatch.setattr(engine_module, "word_vectors", lambda: None)
    engine = Engine(Settings(background_weight=0.0))
    engine.build(RECORDS)
    ranked = [m.id for m in engine.search(Query(text="箒製造業"), explain=False)]
    assert ranked[0] == "broom"


@pytest.mark.skipif(ginza_folder() is None, reason="the ja-ginza package is not installed")
def test_the_packages_vectors_know_that_a_mop_is_near_a_broom():
    wv = word_vectors()
    assert wv is not None and len(wv) > 100_000
    mop, broom, apple = (wv.unit(np.array([wv.row(w)]))[0] for w in ("もっぷ", "箒", "林檎"))
    assert float(mop @ broom) > float(mop @ apple)


def _scores(records: list[Record], text: str, settings: Settings) -> dict[str, float]:
    engine = Engine(settings, vectors=_vectors())
    engine.build(records)
    return {m.id: m.score for m in engine.search(Query(text=text), explain=False)}


def test_in_a_collection_of_names_the_record_nearest_in_meaning_comes_first():
    # neighbours off: only the meaning of the whole name tells the fruit-wine maker from the sake brewer
    no_neighbours = Settings(background_weight=0.0, meaning_neighbour_weight=0.0)
    on = _scores(RECORDS, "林檎酒製造業", no_neighbours)
    assert on["fruitwine"] > on["sake"]
    off = _scores(RECORDS, "林檎酒製造業", Settings(background_weight=0.0, meaning_neighbour_weight=0.0, meaning_weight=0.0))
    assert off["fruitwine"] <= off["sake"]


def test_long_profiles_are_not_compared_by_the_meaning_of_everything_they_say():
    filler = "。".join(["小ロット対応", "短納期", "試作から量産まで", "品質管理体制", "図面支給"] * 3)
    long = [Record(r.id, name=r.name, text=f"{r.text}。{filler}") for r in RECORDS]
    no_neighbours = Settings(background_weight=0.0, meaning_neighbour_weight=0.0)
    assert _scores(long, "林檎酒製造業", no_neighbours) == _scores(
        long, "林檎酒製造業", Settings(background_weight=0.0, meaning_neighbour_weight=0.0, meaning_weight=0.0))
