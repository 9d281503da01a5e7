from matchmaker.matching import Engine, Query, Record, Settings
from matchmaker.matching.strategies import STRATEGIES, Overseas, Partners, Suppliers, get_strategy

from matching_fixtures import BANGKOK, FUJISAWA, OSAKA


def test_registry():
    assert {"suppliers", "needs_for_offering", "partners", "overseas"} <= set(STRATEGIES)
    assert get_strategy("suppliers") is Suppliers


def test_suppliers_local_then_domestic_then_overseas(engine):
    need = Record("N1", text="無電解ニッケルめっき 月100本", city="Fujisawa", country="JP", lat=FUJISAWA[0],
                  lon=FUJISAWA[1], kind="need", owner="BUYER")
    rec = Suppliers(engine).recommend(need)
    assert [m.id for m in rec.matches][:3] == ["P1", "P2", "P3"]
    assert [m.id for m in rec.tiers["local"]] == ["P1"]
    assert rec.flags["no_good_local_supplier"] is False
    rec = Suppliers(engine).recommend(need, allow_overseas=False)
    assert "P3" not in [m.id for m in rec.matches]


def test_suppliers_flag_when_nothing_local(engine):
    need = Record("N2", text="無電解ニッケルめっき", city="Osaka", country="JP", lat=OSAKA[0], lon=OSAKA[1],
                  kind="need")
    engine.remove("P2")
    rec = Suppliers(engine).recommend(need)
    assert rec.flags["no_good_local_supplier"] is True
    assert rec.tiers["local"] == [] and rec.matches  # the wider search still has answers


def test_needs_for_offering(vocab):
    needs = Engine(Settings(min_score=0.0), vocab)
    needs.build([
        Record("need1", text="SUS304シャフトの旋盤加工 500本", kind="need", owner="B1"),
        Record("need2", text="業務システムを作りたい", kind="need", owner="B2"),
        Record("need3", text="NC旋盤で試作", kind="need", owner="SELF"),
    ])
    offering = Record("off1", text="NC旋盤による切削加工 ステンレス", kind="offering", owner="SELF")
    rec = get_strategy("needs_for_offering")(needs).recommend(offering)
    assert [m.id for m in rec.matches] == ["need1"]


def test_partners_mutual_pairs_rank_higher(vocab):
    offerings = Engine(Settings(min_score=0.0), vocab)
    needs = Engine(Settings(min_score=0.0), vocab)
    offerings.build([
        Record("o_a", text="無電解ニッケルめっき", kind="offering", owner="A"),
        Record("o_b", text="無電解ニッケルめっき 亜鉛めっき", kind="offering", owner="B"),
        Record("o_me", text="NC旋盤加工", kind="offering", owner="ME"),
    ])
    needs.build([
        Record("n_b", text="旋盤でシャフト加工", kind="need", owner="B"),
        Record("n_me", text="めっき処理", kind="need", owner="ME"),
    ])
    res = Partners(offerings, needs).recommend("ME", my_needs=[needs.get("n_me")], my_offerings=[offerings.get("o_me")])
    assert [p.owner for p in res][:2] == ["B", "A"]
    assert res[0].mutual and not res[1].mutual
    assert all(p.owner != "ME" for p in res)


def test_overseas_contacts_share_a_language(engine):
    firm = Record("me", text="electroless nickel plating partner wanted", country="JP", languages=["en"])
    rec = Overseas(engine).recommend(firm)
    assert [m.id for m in rec.matches] == ["P3"]
    firm_ja = Record("me2", text="無電解ニッケルめっき", country="JP", languages=["ja"])
    assert Overseas(engine).recommend(firm_ja).matches == []  # P3 speaks en/th only
