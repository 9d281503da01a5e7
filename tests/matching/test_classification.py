"""A record named as a class of the industrial classification is read with the class's description."""
from __future__ import annotations

from matchmaker import reference
from matchmaker.matching import Engine, Query, Record, Settings
from matchmaker.matching.analyze import analyse
from matchmaker.matching.classification import background, is_catch_all, own_description

# the agricultural detail classes, as the member-list import builds its records (name ja, text en)
FARMING = ["0111", "0112", "0113", "0114", "0115", "0116"]
BANDS = ["8024", "8021", "8011"]  # 楽団、舞踏団 beside other performance classes


def class_records(codes: list[str]) -> list[Record]:
    return [Record(id=c, name=reference.industry(c).name_ja, text=reference.industry(c).name_en) for c in codes]


def test_a_description_keeps_what_the_class_does_and_drops_what_goes_elsewhere():
    text = ("主として果実を栽培する事業所をいう。"
            "苗木の育成を行う事業所も本分類に含まれるが、主として盆栽を育成する事業所は小分類011［0115］に分類される。"
            "ただし、果実の加工を行う事業所は大分類Ｅ－製造業に分類される。"
            "主として果樹（かんきつ類を除く）を扱う。")
    got = own_description(text)
    assert "果実を栽培" in got and "苗木の育成" in got
    assert "盆栽" not in got and "加工" not in got  # clauses sending work to another class
    assert "かんきつ" not in got and "［" not in got  # an excluding aside, a bracketed code
    assert own_description("") == ""


def test_the_background_of_a_class_name_in_either_language_and_width():
    vegetables = reference.industry("0113")
    got = background(vegetables.name_ja)
    assert "キャベツ" in got and got == own_description(vegetables.description)
    assert background(vegetables.name_en) == got
    assert background(" ".join(vegetables.name_ja)) == got  # spaces from a PDF or a spreadsheet
    assert background("株式会社藤沢鍍金工業所") == ""
    assert background("") == "" and background("野菜" * 200) == ""


def test_a_word_only_the_description_names_finds_its_class():
    engine = Engine()
    engine.build(class_records(FARMING))
    hits = engine.search(Query(text="キャベツ"), top=3)
    assert hits and hits[0].id == "0113", [(h.id, h.score) for h in hits]  # 野菜作農業: はくさい、キャベツ、ねぎ
    assert engine.search(Query(text="はくさい ねぎ"), top=1)[0].id == "0113"


def test_without_the_background_the_word_finds_nothing_of_the_kind():
    engine = Engine(Settings(background_weight=0.0, meaning_weight=0.0, meaning_neighbour_weight=0.0,
                             char_neighbour_weight=0.0))
    engine.build(class_records(FARMING))
    assert "0113" not in [h.id for h in engine.search(Query(text="はくさい ねぎ"), top=3)]


def test_work_a_description_sends_to_another_class_does_not_find_the_class():
    # 楽団、舞踏団: 「主として音楽、舞踊などの個人教授を行う事業所は大分類Ｏ…に分類される」
    assert "個人教授" in reference.industry("8024").description
    engine = Engine()
    engine.build(class_records(BANDS))
    assert "8024" not in [h.id for h in engine.search(Query(text="個人教授"), top=5)]


def test_the_background_counts_less_than_the_record_s_own_words_and_not_in_its_length():
    engine = Engine()
    vegetables = class_records(["0113"])[0]
    plain = Record(id="x", name="キャベツ", text=vegetables.text)
    features, length = engine._record_features(vegetables)
    own, own_length = Engine(Settings(background_weight=0.0))._record_features(vegetables)
    assert length == own_length  # BM25 reads the record's own length
    (cabbage,) = analyse("キャベツ").terms  # the word as the index keys it
    assert cabbage in features and cabbage not in own
    assert features[cabbage] < engine._record_features(plain)[0][cabbage]


def test_a_class_added_to_a_running_index_is_read_with_its_background():
    engine = Engine()
    engine.build(class_records(["0111", "0112"]))
    engine.upsert(class_records(["0113"])[0])
    assert engine.search(Query(text="キャベツ"), top=1)[0].id == "0113"


def test_a_catch_all_class_has_its_groups_names_and_a_shared_name_has_no_background():
    rest = reference.industry("3199")  # 他に分類されない輸送用機械器具製造業
    got = background(rest.name_ja)
    assert is_catch_all(rest.name_ja) and "輸送用機械器具製造業" in got.splitlines()
    assert not is_catch_all("発電機・電動機・その他の回転電気機械製造業")
    assert reference.industry("2911").name_ja.startswith("発電機")
    # 84 classes (one under every group) are named 主として管理事務を行う本社等; "Tea" is two classes
    assert background(reference.industry("0100").name_ja) == "" and background("Tea") == ""
