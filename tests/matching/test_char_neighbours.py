"""Japanese words nobody uses: the known words sharing their characters count a little (issue 10, jsic-dev)."""
from matchmaker.matching import Engine, Query, Record, Settings
from matchmaker.matching.engine import _char_matchable, _char_units

# These records are classes of the industrial classification: what is tested here is the characters, so
# the classification's descriptions (classification.py) are left out throughout.
RECORDS = [
    Record("J1", name="空瓶・空缶等空容器卸売業", text="Empty bottles and cans wholesale"),
    Record("J2", name="金物卸売業", text="Hardware wholesale"),
    Record("J3", name="食肉卸売業", text="Meat wholesale"),
]


def _ranked(settings: Settings, text: str) -> list[tuple[str, float]]:
    engine = Engine(settings)
    engine.build(RECORDS)
    return [(m.id, m.score) for m in engine.search(Query(text=text))]


def test_character_units_are_kanji_and_kana_pairs():
    assert _char_units("空箱") == {"空", "箱"}
    assert _char_units("もっぷ") == {"もっ", "っぷ"}
    assert _char_units("sus304") == frozenset()


def test_only_kanji_words_and_long_kana_words_are_matched_by_their_characters():
    assert _char_matchable("空箱") and _char_matchable("盆") and _char_matchable("ぎゅぴやれす")
    # verbs and adjectives with their kana ending, short kana words, Latin words: never
    for word in ("作る", "新しい", "込み", "ろっど", "sus304", ""):
        assert not _char_matchable(word)


def test_an_unknown_word_is_matched_through_the_known_words_sharing_its_characters():
    # 空箱 is in no record: 空瓶・空缶・空容器 share its 空, so that wholesaler comes first
    on = _ranked(Settings(background_weight=0.0), "空箱問屋")
    assert on[0][0] == "J1" and on[0][1] > on[1][1]
    # without the character neighbours (and meaning, where the word vectors are installed) only 問屋
    # (wholesale) is understood: J1 is not singled out
    off = _ranked(Settings(background_weight=0.0, char_neighbour_weight=0.0, meaning_weight=0.0, meaning_neighbour_weight=0.0), "空箱問屋")
    assert not off or len({round(s, 6) for _, s in off}) == 1


def test_known_words_and_latin_words_are_left_alone():
    # a word the index knows is matched as it is, not through its characters
    assert _ranked(Settings(background_weight=0.0), "食肉卸売業")[0][0] == "J3"
    # Latin words are never split into characters (typos have their own lookup)
    assert _ranked(Settings(background_weight=0.0), "xyzzy") == []


def test_new_words_become_neighbours_once_the_delta_is_merged():
    engine = Engine(Settings(background_weight=0.0, merge_every=1))
    engine.build(RECORDS)
    assert engine.search(Query(text="空箱問屋"))[0].id == "J1"
    engine.upsert(Record("J4", name="段ボール箱卸売業"))
    assert "J4" in [m.id for m in engine.search(Query(text="空箱問屋"))]


def test_prepare_builds_the_word_tables_before_the_first_query_and_answers_the_same():
    lazy = Engine(Settings(background_weight=0.0))
    lazy.build(RECORDS)
    ready = Engine(Settings(background_weight=0.0))
    ready.build(RECORDS)
    assert ready._typo_keys is None and ready._char_keys is None
    ready.prepare()
    assert ready._typo_keys is not None and "空" in ready._char_keys
    for text in ("空箱問屋", "hardwear wholesale", "食肉"):
        assert [(m.id, m.score) for m in ready.search(Query(text=text))] == \
            [(m.id, m.score) for m in lazy.search(Query(text=text))]
