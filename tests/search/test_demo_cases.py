"""Regression tests on the demo data: each case a new user met on everyday searches (issue 10, "Why").

The demo is seeded once (SQLite; what is checked here is the engine and the site's recommendation code,
the same on both backends), and searched through the functions the pages and the API call.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from support import make_config

from matchmaker import create_app, locality, reference
from matchmaker.extensions import db
from matchmaker.matching import Query
from matchmaker.models import Firm, Need
from matchmaker.search.records import scoped
from matchmaker.search.service import needs_for_firm, search_suppliers, suppliers_for_need
from matchmaker.wording import reason_texts


@pytest.fixture(scope="module")
def demo(demo_templates, tmp_path_factory, mail_server):
    """A copy of the run's demo database (`matchmaker seed-demo`), its index built from the whole data on
    the first search, as a server builds it (or maps the snapshot `reindex` wrote)."""
    tmp = tmp_path_factory.mktemp("demo-cases")
    with demo_templates.database("sqlite", tmp) as url:
        app = create_app(make_config(url, tmp, mail_server.url))
        with app.app_context():
            with app.test_request_context("/", headers={"Accept-Language": "ja"}):
                yield app
            db.session.remove()
            db.engine.dispose()


def search(text: str, scope: str = "", top: int = 10, me: Firm | None = None):
    """The supplier search page as a visitor types it (distances from the home city); ``me``: a signed-in
    member's firm, never among its own results."""
    home = reference.find_place("藤沢市", locality.home_country())
    q = scoped(Query(text=text, city=home.name, country=home.country, lat=home.lat, lon=home.lon,
                     exclude_owner=str(me.id) if me else None), scope)
    return search_suppliers(q, top=top)


def firm(name_part: str) -> Firm:
    return db.session.scalars(sa.select(Firm).where(Firm.name.contains(name_part))).one()


def names(hits) -> list[str]:
    return [h.firm.name for h in hits]


def rank_of(hits, name_part: str) -> int:
    return next((i for i, h in enumerate(hits) if name_part in h.firm.name), 99)


def test_plating_shops_come_before_firms_that_only_mention_plating(demo):
    hits = search("めっき")
    top = names(hits)[:3]
    assert any("鍍金" in n for n in top) and any("寒川表面処理" in n for n in top), top
    # a lab analysing plated parts, a machining shop or a plumbing contractor is never labelled strong
    for h in hits:
        if h.strength == "strong":
            assert any(w in h.firm.name for w in ("鍍金", "表面処理", "メッキ", "めっき")), (h.firm.name, h.reasons)


def test_a_lab_that_analyses_plated_parts_is_no_plater(demo):
    """めっき品・部品の断面観察 is analysis of plated parts: even for the plating shop itself searching
    (so the best plater is not in the list), the lab is never labelled a strong or good plater."""
    hits = search("めっき", me=firm("藤沢鍍金"))
    assert all("鍍金" not in h.firm.name for h in hits)
    lab = [h for h in hits if "環境分析" in h.firm.name]
    assert all(h.strength == "partial" for h in lab), [(h.firm.name, h.strength) for h in lab]
    assert rank_of(hits, "寒川表面処理") < rank_of(hits, "環境分析")


def test_a_contractor_renewing_plating_plants_effluent_equipment_is_no_plater(demo):
    """六会設備工業: 「めっき・食品工場の排水処理設備の更新」 is equipment work in other firms' plants."""
    hits = search("めっき")
    contractor = [h for h in hits if "六会設備" in h.firm.name]
    assert all(h.strength == "partial" for h in contractor), [(h.firm.name, h.strength) for h in contractor]
    assert rank_of(hits, "Sriracha Surface") < rank_of(hits, "六会設備")  # a plater abroad before it
    assert "六会設備" in search("排水処理")[0].firm.name  # what it is found for


@pytest.mark.parametrize("text", ["メッキ", "鍍金"])
def test_plating_written_any_way_finds_the_same_shops(demo, text):
    assert names(search(text))[:2] == names(search("めっき"))[:2]


def test_a_firm_that_outsources_a_process_is_not_its_supplier(demo):
    # 善行テクニカ: 「表面処理（陽極酸化）は協力工場と連携して」; 桐原精密: 「後処理（めっき、研磨）込みの一括受注」
    zengyo = firm("善行テクニカ")
    assert any("協力工場" in (o.description or "") for o in zengyo.offerings)
    for text, shop, arranger in (("アルマイト", "アルマイト", "善行テクニカ"), ("陽極酸化", "アルマイト", "善行テクニカ"),
                                 ("めっき", "鍍金", "桐原精密")):
        hits = search(text)
        assert rank_of(hits, shop) < rank_of(hits, arranger), (text, names(hits))
        assert all(h.strength == "partial" for h in hits if arranger in h.firm.name), text


def test_stainless_welding_is_read_as_stainless_and_welding(demo):
    hits = search("ステンレス溶接")
    assert any(h.strength in ("strong", "good") for h in hits), [(h.firm.name, h.strength) for h in hits]
    for h in hits:
        if h.strength in ("strong", "good"):
            assert "派遣" not in (h.firm.description_ja or "")  # a staffing agency does not weld


def test_aluminium_machining_prototypes_has_no_far_fetched_matches(demo):
    hits = search("アルミ 切削 試作")
    good = [h for h in hits if h.strength in ("strong", "good")]
    assert good
    for h in good:
        assert h.firm.country == "JP", h.firm.name
        assert "食品" not in " ".join(h.firm.industries or []) and "カレー" not in (h.firm.description_ja or "")
    texts = " ".join(t for h in hits for t in h.reasons)
    assert "copper" not in texts and "銅" not in texts


def test_reasons_a_person_would_accept(demo):
    for text in ("めっき", "NC旋盤", "アルミ 切削 試作", "SUS303", "全数検査"):
        for h in search(text):
            for line in h.reasons:
                for bad in ("藤沢、", "、藤沢", ": 藤沢", "あり", "市、", "planning", "sorting", "海外 (JP)"):
                    assert bad not in line, (text, h.firm.name, line)


@pytest.mark.parametrize("text", ["SUS304 溶接", "めっき", "アルミ 切削 試作", "熱処理"])
def test_labels_never_rise_down_the_list(demo, text):
    order = {"strong": 2, "good": 1, "partial": 0}
    labels = [order[h.strength] for h in search(text)]
    assert labels == sorted(labels, reverse=True), labels


def test_hiragana_and_english_typos_are_understood(demo):
    kana = names(search("あるみ せっさく しさく"))[:5]
    kanji = names(search("アルミ 切削 試作"))[:5]
    assert len(set(kana) & set(kanji)) >= 3, (kana, kanji)
    typo = search("maching stainles steel shafts", scope="domestic")
    assert any("ターニング" in n or "精密" in n for n in names(typo)[:5]), names(typo)


def test_a_buyer_who_arranges_heat_treatment_gets_machining_shops(demo):
    hits = search("S45C シャフトの旋盤加工 100本。熱処理はこちらで手配します。")
    assert hits and "熱処理" not in hits[0].firm.name, names(hits)


def test_no_answer_queries_get_no_strong_or_good_match(demo):
    for text in ("溶融亜鉛めっき", "ショットピーニング", "li-ion battery pack assembly"):
        for h in search(text):
            assert h.strength == "partial", (text, h.firm.name, h.strength, h.reasons)


def test_a_need_is_never_read_as_its_askers_capability(demo):
    # every open need's recommendations exclude its own firm, and a firm's "needs you can answer"
    # never lists what it asks for itself
    need = db.session.scalars(sa.select(Need).where(Need.status == "open").order_by(Need.id)).first()
    assert all(h.firm.id != need.firm_id for h in suppliers_for_need(need).hits)
    assert all(h.need is None or h.need.firm_id != need.firm_id for h in needs_for_firm(need.firm))


def test_reasons_are_worded_in_the_users_language(demo):
    hits = search("めっき")
    assert hits and all(isinstance(t, str) and t for t in hits[0].reasons)
    assert reason_texts([]) == []
