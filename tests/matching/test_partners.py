from matchmaker.matching import Engine, Query, Record, Settings
from matchmaker.matching.partners import partners


def test_mutual_pairs_rank_higher_and_count_for_both_sides(vocab):
    offers = [
        Record("A", text="無電解ニッケルめっき", kind="offering", owner="fa"),
        Record("B", text="無電解ニッケルめっき 亜鉛めっき", kind="offering", owner="fb"),
        Record("ME", text="NC旋盤加工", kind="offering", owner="fme"),
    ]
    seeks = {"B": Query(text="旋盤でシャフト加工", exclude_owner="fb"),
             "ME": Query(text="めっき処理", exclude_owner="fme")}
    found = partners(offers, seeks, engine=Engine(Settings(min_score=0.0), vocab))
    mine = sorted(found["ME"].values(), key=lambda p: -p.score)
    assert [p.other for p in mine][:2] == ["B", "A"]
    assert mine[0].mutual and not mine[1].mutual  # B offers what I seek and seeks what I offer
    assert mine[0].score > mine[0].they_offer  # the second direction adds to the pair
    assert found["A"]["ME"].they_seek > 0 and found["A"]["ME"].they_offer == 0  # A is only asked
    assert "ME" not in found["ME"]  # never one's own partner


def test_nothing_offered_or_sought_gives_no_partners(vocab):
    engine = Engine(Settings(min_score=0.0), vocab)
    assert partners([], {"X": Query(text="めっき")}, engine=engine) == {}
    assert partners([Record("A", text="めっき")], {"X": Query(text="  ")}, engine=engine) == {}
