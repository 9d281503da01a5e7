import logging

import pytest

from matchmaker.matching.analyze import analyse
from matchmaker.matching.vocabulary import Vocabulary, default_vocabulary


def test_ja_and_en_terms_map_to_the_same_concept(vocab):
    ja = analyse("無電解ニッケルめっきをお願いします", vocab).concepts
    en = analyse("We need electroless nickel plating", vocab).concepts
    assert "process.plating.electroless_nickel" in ja
    assert "process.plating.electroless_nickel" in en


def test_spelling_variants_map_to_concept(vocab):
    for text in ("メッキ加工", "鍍金", "めっき", "electroplating"):
        assert "process.plating" in analyse(text, vocab).concepts, text
    for text in ("射出成形", "射出成型", "injection moulding"):
        assert "process.molding" in analyse(text, vocab).concepts, text
    assert "process.sheet_metal" in analyse("ばんきん屋さん", vocab).concepts


def test_longest_match_wins_and_names_its_parts(vocab):
    concepts = analyse("無電解ニッケルめっき", vocab).concepts
    assert "process.plating.electroless_nickel" in concepts
    assert concepts["process.plating"] == "めっき"  # the compound's known part, matched on its own too
    assert "process.welding.stainless" not in analyse("溶接", vocab).concepts


@pytest.fixture(scope="module")
def shipped() -> Vocabulary:
    return default_vocabulary()


def test_compounds_of_known_parts_name_each_part(shipped):
    concepts = analyse("ステンレス溶接", shipped).concepts
    assert {"material.stainless", "process.welding"} <= set(concepts)  # ステンレス = SUS, 溶接


def test_kana_only_input_finds_the_terms(shipped):
    assert {"material.aluminium", "process.machining", "process.prototyping"} <= set(
        analyse("あるみ せっさく しさく", shipped).concepts)
    assert "process.heat_treatment.quenching" in analyse("やきいれ", shipped).concepts
    assert "process.sheet_metal" in analyse("ばんきん", shipped).concepts
    assert analyse("よろしくおねがいします", shipped).concepts == {}  # ordinary kana is not a term


def test_hierarchy(vocab):
    assert vocab.ancestors("process.plating.electroless_nickel") == ("process.plating", "process.surface")
    assert vocab.ancestors("process.surface") == ()


def test_loader_skips_malformed_lines_and_merges_duplicates(tmp_path, caplog):
    (tmp_path / "a.tsv").write_text(
        "id\tkind\tparent\tja\ten\tvariants\n"
        "# a comment\n"
        "process.x\tprocess\t\tエックス\tx-process\txp\n"
        "bad line without tabs\n"
        "process.y\tnot-a-kind\t\tワイ\ty\t\n"
        "bad id!\tprocess\t\tだめ\tbad\t\n",
        encoding="utf-8",
    )
    (tmp_path / "b.tsv").write_text("id\tkind\tparent\tja\ten\tvariants\nprocess.x\tprocess\t\t\t\tエクス\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        v = Vocabulary.load(tmp_path)
    assert set(v.concepts) == {"process.x"}
    assert "エクス" in v.concepts["process.x"].variants and "xp" in v.concepts["process.x"].variants
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) >= 3


def test_cycles_in_parents_do_not_hang():
    v = Vocabulary.from_rows([("a.x", "process", "a.y", "x", "x", ""), ("a.y", "process", "a.x", "y", "y", "")])
    assert v.ancestors("a.x") == ("a.y",)


def test_package_vocabulary_bridges_plating():
    v = default_vocabulary()
    assert "process.plating" in analyse("めっき", v).concepts
    assert "process.plating" in analyse("plating", v).concepts
