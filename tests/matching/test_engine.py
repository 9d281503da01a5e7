from datetime import datetime, timedelta, timezone

import pytest

from matchmaker.matching import Engine, Query, Record, Settings

from matching_fixtures import BANGKOK, CHIGASAKI, FUJISAWA, firm


def ids(matches):
    return [m.id for m in matches]


def q(text, at=FUJISAWA, **kw):
    kw.setdefault("country", "JP")
    kw.setdefault("city", "Fujisawa")
    lat, lon = at if at else (None, None)
    return Query(text=text, lat=lat, lon=lon, **kw)


# ----------------------------------------------------------------- evidence
def test_text_and_variants(engine):
    res = ids(engine.search(q("無電解ニッケルめっき 30個")))
    assert set(res[:3]) == {"P1", "P2", "P3"}


def test_cross_lingual_concepts(engine):
    res = ids(engine.search(q("electroless nickel plating of steel shafts", country="US", city=None, at=None)))
    assert {"P1", "P2", "P3"} <= set(res[:3])
    res = ids(engine.search(q("アルミの陽極酸化をお願いしたい")))
    assert res[0] == "A1"


def test_hierarchy_gives_partial_credit(engine):
    full = {m.id: m.score for m in engine.search(q("無電解ニッケルめっき"))}
    assert "P1" in full
    # a zinc-only plater would still be related through process.plating
    e2 = Engine(engine.settings, engine.vocabulary)
    e2.build([Record("Z", text="亜鉛めっき専門"), Record("N", text="ソフトウェア開発")])
    res = e2.search(Query(text="無電解ニッケルめっき"))
    assert ids(res) == ["Z"]
    assert res[0].reasons and res[0].reasons[0].data.get("partial") is True


def test_locality_prefers_near_for_local(engine):
    res = ids(engine.search(q("無電解ニッケルめっき", prefer="local")))
    assert res.index("P1") < res.index("P2") < res.index("P3")


def test_same_city_reason(engine):
    m = engine.search(q("無電解ニッケルめっき", prefer="local"))[0]
    assert m.id == "P1"
    kinds = [r.kind for r in m.reasons]
    assert "same_city" in kinds


def test_distance_reason_in_km(engine):
    m = [x for x in engine.search(q("アルマイト", prefer="local")) if x.id == "A1"][0]
    d = [r for r in m.reasons if r.kind == "distance"][0]
    assert 5 < d.data["km"] < 10


def test_overseas_preference_only_abroad(engine):
    res = ids(engine.search(q("無電解ニッケルめっき", prefer="overseas")))
    assert res == ["P3"]


def test_certification_is_a_hard_filter_and_normalised(engine):
    res = ids(engine.search(q("射出成形", required_certifications=["ISO 13485"])))
    assert res == ["M1"]  # the record states "ISO13485"
    assert engine.search(q("めっき", required_certifications=["ISO 13485"])) == []
    assert engine.search(q("めっき", required_certifications=["Unknown Cert 123"])) == []


def test_language_evidence_and_filter(engine):
    res = ids(engine.search(q("plating", languages=["en"], languages_filter=["en"])))
    assert res == ["P3"]
    m = engine.search(q("electroless nickel plating", languages=["en"], prefer="overseas"))[0]
    lang = [r for r in m.reasons if r.kind == "language"]
    assert lang and lang[0].data["languages"] == ["en"]


def test_category_evidence(records, vocab):
    e = Engine(Settings(min_score=0.0), vocab)
    e.build(records)
    with_cat = {m.id: m.score for m in e.search(Query(text="成型", categories=["18"]))}
    without = {m.id: m.score for m in e.search(Query(text="成型"))}
    assert with_cat["M1"] > without["M1"] * 0.99


def test_freshness(vocab):
    now = datetime.now(timezone.utc)
    e = Engine(Settings(min_score=0.0, freshness_weight=0.3), vocab)
    e.build([Record("old", text="板金加工", updated_at=now - timedelta(days=2000)),
             Record("new", text="板金加工", updated_at=now - timedelta(days=1))])
    assert ids(e.search(Query(text="板金"))) == ["new", "old"]


def test_min_score_threshold_leaves_unrelated_queries_empty(engine):
    assert engine.search(q("作業服のロゴ刺繍")) == []
    e = Engine(Settings(min_score=0.99), engine.vocabulary)
    e.build([Record("x", text="板金加工")])
    assert e.search(Query(text="板金加工 と 塗装 と 組立")) == []


def test_scope_filters(engine):
    assert set(ids(engine.search(q("めっき", scope="local")))) == {"P1"}
    assert "P3" not in ids(engine.search(q("めっき", scope="domestic")))
    assert ids(engine.search(q("めっき", scope="overseas"))) == ["P3"]
    assert "P2" not in ids(engine.search(q("めっき", max_distance_km=100)))


def test_exclude_owner_and_group_by_owner(records, vocab):
    e = Engine(Settings(min_score=0.0), vocab)
    e.build(records + [Record("P1b", text="無電解ニッケルめっき ラック処理", owner="F1")])
    res = ids(e.search(Query(text="無電解ニッケルめっき"), group_by_owner=True))
    assert len([i for i in res if i in ("P1", "P1b")]) == 1
    assert not {"P1", "P1b"} & set(ids(e.search(Query(text="無電解ニッケルめっき", exclude_owner="F1"))))


def test_top_and_offset(engine):
    all_ = ids(engine.search(q("めっき"), top=10))
    assert ids(engine.search(q("めっき"), top=1, offset=1)) == all_[1:2]


def test_scores_are_between_0_and_1_and_sorted(engine):
    res = engine.search(q("ステンレス 板金 溶接"))
    assert all(0.0 <= m.score <= 1.0 for m in res)
    assert [m.score for m in res] == sorted((m.score for m in res), reverse=True)
    assert res[0].record is not None and res[0].record.id == res[0].id


def test_typo_tolerance(engine):
    assert ids(engine.search(q("アルマイド処理")))[:1] == ["A1"]  # アルマイド -> アルマイト
    assert "T1" in ids(engine.search(q("ステレンスのシャフト")))  # ステレンス -> ステンレス
    assert ids(engine.search(q("alminum anodize")))[:1] == ["A1"]  # alminum -> aluminum
    assert "T1" in ids(engine.search(q("CNC machinning of SUS304 shafts")))  # machinning -> machin(ing)


# ------------------------------------------------------------ index updates
def test_upsert_replace_remove(engine):
    n = len(engine)
    engine.upsert(Record("NEW", text="金型の設計製作 射出成形"))
    assert len(engine) == n + 1 and "NEW" in ids(engine.search(Query(text="射出成形")))
    engine.upsert(Record("NEW", text="ソフトウェア開発"))  # replace: old text is gone
    assert len(engine) == n + 1
    assert "NEW" not in ids(engine.search(Query(text="射出成形")))
    assert "NEW" in ids(engine.search(Query(text="ソフトウェア開発")))
    assert engine.remove("NEW") and not engine.remove("NEW")
    assert len(engine) == n and "NEW" not in ids(engine.search(Query(text="ソフトウェア開発")))
    assert engine.remove("P1")
    assert "P1" not in ids(engine.search(Query(text="めっき")))


def test_many_upserts_merge_into_the_base_segment(vocab):
    e = Engine(Settings(min_score=0.2, merge_every=5), vocab)
    e.build([Record("a", text="板金")])
    for i in range(12):
        e.upsert(Record(f"r{i}", text=f"めっき 工場{i}"))
    e.upsert(Record("a", text="アルマイト"))
    assert e.index.delta_rows < 5
    assert len(e) == 13
    assert set(ids(e.search(Query(text="めっき"), top=20))) == {f"r{i}" for i in range(12)}
    assert ids(e.search(Query(text="アルマイト"))) == ["a"]
    assert e.search(Query(text="板金")) == []


def test_empty_engine_and_empty_queries(vocab):
    e = Engine(vocabulary=vocab)
    assert e.search(Query(text="めっき")) == [] and len(e) == 0
    e.build([Record("a", text="めっき")])
    for text in ("", "   ", "\n\t", "。、！"):
        assert e.search(Query(text=text)) == []


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("text", [
    "めっき" * 35_000,
    "めっき\x00\x07\x1b[31m 加工\u200b",
    "めっき 🔩🏭✨ 加工",
    "めっき plating Galvanik гальваника 電鍍 도금",
    "\ud800 broken surrogate めっき".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
])
def test_odd_texts_never_crash(engine, text):
    res = engine.search(Query(text=text))
    assert isinstance(res, list)


@pytest.mark.parametrize("lat,lon", [(None, None), (999, 999), (float("nan"), 10.0), ("abc", "x"), (91, 0)])
def test_bad_coordinates_are_treated_as_absent(vocab, lat, lon):
    e = Engine(Settings(min_score=0.0), vocab)
    e.build([Record("a", text="めっき", lat=lat, lon=lon), Record("b", text="めっき", lat=35.3, lon=139.4)])
    res = e.search(Query(text="めっき", lat=lat, lon=lon, prefer="local"))
    assert set(ids(res)) == {"a", "b"}


def test_record_from_dict_tolerates_junk():
    r = Record.from_dict({"id": 5, "name": None, "text": None, "lat": "x", "languages": "ja", "certifications": None,
                          "updated_at": "not a date"})
    assert r.id == "5" and r.lat is None and r.languages == ["ja"] and r.updated_at is None


def test_settings_from_mapping():
    s = Settings.from_mapping({"MATCHING_MIN_SCORE": "0.3", "local_radius_km": 50, "unknown": 1,
                               "concept_kind_weights": {"material": 0.9}, "store_records": "false"})
    assert s.min_score == 0.3 and s.local_radius_km == 50.0 and s.store_records is False
    assert s.concept_kind_weights["material"] == 0.9 and s.concept_kind_weights["process"] == 1.0
    with pytest.raises(ValueError):
        Settings.from_mapping({"min_score": "high"})


def test_shared_words_reason_names_whole_words_not_their_pieces(vocab):
    e = Engine(Settings(min_score=0.0), vocab)
    e.build([Record("J", text="半導体製造装置の部品洗浄を承ります"), Record("L", text="Welded steel pipes and stainless steel tanks")])
    m = e.search(Query(text="半導体製造装置部品の洗浄"), explain=True)[0]
    words = [r for r in m.reasons if r.kind == "text"][0].data["query_terms"]
    assert "半導体" in words and "洗浄" in words
    assert not {"半", "導体"} & set(words)  # pieces of 半導体
    m = e.search(Query(text="stainless steel pipes"), explain=True)[0]
    assert any(r.kind == "capability" and r.data["query_term"].lower() == "stainless steel" for r in m.reasons)
    words = [r for r in m.reasons if r.kind == "text"][0].data["query_terms"]
    assert words == ["pipes"]  # "steel" is already named by the stainless-steel capability


def test_strength_labels_follow_the_confidence_and_the_order(engine):
    s = engine.settings
    assert [s.strength(c) for c in (0.0, s.good_match - 1e-9, s.good_match, s.strong_match - 1e-9, s.strong_match, 1.0)] == [
        "partial", "partial", "good", "good", "strong", "strong"]
    assert s.strength(1.0, relative=s.strong_relative - 1e-9) == "good"  # far below the best result
    assert s.strength(1.0, exact=s.strong_exact - 1e-9) == "good"  # only part of the work itself
    assert s.strength(1.0, exact=s.good_exact - 1e-9) == "partial"  # only related work
    res = engine.search(q("無電解ニッケルめっき"))
    assert res[0].strength == "strong"  # the whole capability is offered
    rank = {"partial": 0, "good": 1, "strong": 2}
    assert all(0.0 <= m.confidence <= 1.0 for m in res)
    assert all(rank[a.strength] >= rank[b.strength] for a, b in zip(res, res[1:]))  # labels never rise down the list
    e2 = Engine(Settings(min_score=0.0), engine.vocabulary)
    e2.build([Record("N", text="無電解ニッケルめっき加工"), Record("Z", text="亜鉛めっき専門")])
    got = {m.id: m for m in e2.search(Query(text="無電解ニッケルめっき"))}
    assert got["N"].strength == "strong"
    assert got["Z"].strength != "strong" and got["Z"].confidence < got["N"].confidence  # related through the hierarchy only


def test_partial_capability_reason_names_the_shared_field(engine):
    e2 = Engine(Settings(min_score=0.0), engine.vocabulary)
    e2.build([Record("Z", text="亜鉛めっき専門"), Record("N", text="ソフトウェア開発")])
    m = e2.search(Query(text="無電解ニッケルめっき"))[0]
    r = [x for x in m.reasons if x.kind == "capability"][0]
    assert r.data["partial"] and r.data["concept"] == "process.plating"
    assert (r.data["query_term"], r.data["record_term"], r.data["label_ja"]) == ("無電解ニッケルめっき", "亜鉛めっき", "めっき")


def test_shared_words_are_shown_as_the_query_wrote_them(vocab):
    e = Engine(Settings(min_score=0.0), vocab)
    e.build([Record("G", text="ガソリンスタンドの設備点検と修理"), Record("X", text="ソフトウェア開発")])
    m = e.search(Query(text="ガソリンスタンドの設備点検"))[0]
    words = [r for r in m.reasons if r.kind == "text"][0].data["query_terms"]
    assert "ガソリン" in words and "スタンド" in words  # not the folded compound がそりんすたんど
    assert all(w in "ガソリンスタンドの設備点検" for w in words)


# ----------------------------------------------------------------- reasons a person would accept
def _shared_words(m):
    return [w for r in m.reasons if r.kind == "text" for w in r.data["query_terms"]]


def _links(m):
    return [(r.data.get("query"), r.data.get("record")) for r in m.reasons if r.kind == "capability"]


def test_shared_words_leave_out_places_boilerplate_and_words_everyone_uses(engine):
    e = Engine(engine.settings, engine.vocabulary)
    filler = [Record(f"F{i}", text=f"藤沢市の会社 {i}。ソフトウェア開発あり。", city="Fujisawa", country="JP") for i in range(60)]
    e.build([Record("T", text="藤沢市の旋盤加工。トロコイド歯車の加工あり。", city="Fujisawa", country="JP"), *filler])
    m = next(x for x in e.search(Query(text="藤沢 市 トロコイド歯車 あり 会社")) if x.id == "T")
    words = _shared_words(m)
    assert any("トロコイド" in w for w in words)
    assert not {"藤沢", "市", "あり", "会社"} & set(words)
    # a word most records use is no reason either (ソフトウェア開発 is in 60 of 61)
    m = next(x for x in e.search(Query(text="ソフトウェア")) if x.id == "F1")
    assert not _shared_words(m)


def test_concept_links_only_between_close_relatives(engine):
    e = Engine(engine.settings, engine.vocabulary)
    e.build([Record("CU", text="銅の切削加工"), Record("PL", text="生産計画の代行"), Record("ZN", text="亜鉛めっき専門")])
    # far cousins through a top-level field: アルミ and 銅 (metals), NC旋盤 and planning
    for text in ("アルミ", "NC旋盤"):
        for m in e.search(Query(text=text)):
            assert not _links(m), (text, m.id, m.reasons)
    # a parent or sibling under a real parent is shown (無電解ニッケルめっき ↔ 亜鉛めっき under めっき)
    m = e.search(Query(text="無電解ニッケルめっき"))[0]
    assert m.id == "ZN" and _links(m)


def test_no_overseas_reason_for_the_askers_own_country(engine):
    e = Engine(engine.settings, engine.vocabulary)
    e.build([Record("J", text="無電解ニッケルめっき", country="JP"), Record("T", text="無電解ニッケルめっき", country="TW")])
    got = {m.id: [r.kind for r in m.reasons] for m in e.search(Query(text="無電解ニッケルめっき", country="JP", prefer="overseas"))}
    assert "overseas" in got["T"] and "overseas" not in got.get("J", [])


def test_a_needs_title_is_what_it_is_about(engine):
    """亜鉛めっき in the title, 三価クロメート in the description: a zinc plater answers the need well."""
    e = Engine(engine.settings, engine.vocabulary)
    e.build([Record("Z", text="亜鉛めっき、無電解ニッケルめっき。"), Record("X", text="ソフトウェア開発")])
    m = e.search(Query(text="鉄部品の亜鉛めっき 500個\n三価クロメート"))[0]
    assert m.id == "Z" and m.strength in ("strong", "good")


def test_a_built_index_and_one_updated_record_by_record_read_concepts_alike(records, settings):
    """build() encodes texts in chunks, upsert() analyses one record: both apply the same rules, the cap on a
    concept only ever named as context included (a lab naming めっき three times stays no plater)."""
    from matchmaker.matching import default_vocabulary
    from matchmaker.matching.encode import CONCEPT

    vocab = default_vocabulary()
    lab = firm("L1", "湘南環境分析センター", "めっき品の断面観察。めっき不良の調査。めっき皮膜の成分分析。", "Fujisawa", "JP",
               FUJISAWA, owner="F20")
    recs = [*records, lab]
    built = Engine(settings=settings, vocabulary=vocab)
    built.build(recs)
    one_by_one = Engine(settings=settings, vocabulary=vocab)
    one_by_one.build([])
    for r in recs:
        one_by_one.upsert(r)

    def concepts(engine: Engine, rid: str) -> dict[str, float]:
        cols, vals = engine.index.row(engine._row_of[rid])
        return {engine.index.features[c]: round(float(v), 5) for c, v in zip(cols.tolist(), vals.tolist())
                if engine.index.features[c].startswith(CONCEPT)}

    for r in recs:
        assert concepts(built, r.id) == concepts(one_by_one, r.id), r.id
    plating = concepts(built, "L1").get(CONCEPT + "process.plating")
    assert plating is not None and plating < concepts(built, "P1")[CONCEPT + "process.plating"]


def test_the_kind_of_plant_a_contractor_works_in_is_not_its_work():
    """「めっき・食品工場の排水処理設備の更新」: the contractor renews the effluent plant of plating and food
    plants; it neither plates nor makes food. A plater's own plant stays its work."""
    contractor = Record("C", name="六会設備工業", text="工場の設備工事。めっき・食品工場の排水処理設備の更新、保守点検。")
    hvac = Record("H", name="湘南空調", text="食品工場の空調工事。")
    plater = Record("P", name="寒川表面処理", text="当社めっき工場で亜鉛めっき、クロメート処理。")
    plant = Record("N", name="藤沢化成", text="無電解ニッケルめっき工場の新設に伴い、量産も対応。")
    foods = Record("F", name="湘南食品", text="総菜の製造。食品工場の衛生管理を徹底。")
    e = Engine()
    e.build([contractor, hvac, plater, plant, foods])
    hits = e.search(Query(text="めっき"))
    order = [h.id for h in hits]
    assert order.index("P") < order.index("C") and order.index("N") < order.index("C"), order
    assert next(h for h in hits if h.id == "C").strength == "partial"
    food = [h.id for h in e.search(Query(text="食品製造"))]
    assert food[0] == "F" and ("H" not in food or food.index("H") > food.index("F")), food
    # the equipment work itself is what the contractor is found for
    assert e.search(Query(text="排水処理設備の更新"))[0].id == "C"


def test_a_thing_followed_by_making_is_what_the_firm_makes():
    """「小型ポンプ製造」 makes pumps (製造, 製作, 生産 name the work on the thing before them, as 加工 does);
    「ポンプ用パッキン」 only names pumps as what its own product is for."""
    from matchmaker.matching import default_vocabulary
    from matchmaker.matching.analyze import analyse
    from matchmaker.matching.intent import DOES, MENTIONS

    vocab = default_vocabulary()
    for text, concept in (("小型ポンプ製造", "product.pump"), ("かまぼこ製造", "product.food.seafood"),
                          ("家具製作", "product.furniture")):
        assert analyse(text, vocab, role="supply").evidence[concept] == DOES, text
    assert analyse("ポンプ用パッキン", vocab, role="supply").evidence["product.pump"] == MENTIONS
    e = Engine()
    e.build([Record("M", name="湘南ポンプ", text="小型ポンプ製造。"),
             Record("S", name="藤沢パッキン", text="ポンプ用パッキン、ガスケット。")])
    hits = e.search(Query(text="ポンプ"))
    assert [h.id for h in hits][:1] == ["M"] and hits[0].strength == "strong", [(h.id, h.strength) for h in hits]
