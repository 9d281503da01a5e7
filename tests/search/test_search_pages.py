"""Supplier search, recommendations on needs, offerings and the dashboard, and the index lifecycle."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import ChangeLog
from matchmaker.search.index import get_index


@pytest.fixture
def market(make):
    """A small city: a plater and a turner in Fujisawa, a turner in Osaka, a sheet-metal shop abroad."""
    plater = make.firm(name="藤沢めっき工業", description_ja="無電解ニッケルめっき、亜鉛めっき（三価クロメート）。鉄・SUS部品。",
                       tags=["めっき", "無電解ニッケル"], certifications=["ISO 9001"], languages=["ja"])
    turner = make.firm(name="辻堂精機", description_ja="NC旋盤によるSUS304・真鍮の精密切削加工。試作1個から量産まで。",
                       tags=["NC旋盤", "切削加工", "SUS304"], languages=["ja"])
    far = make.firm(name="浪速旋盤工業", city="大阪市", description_ja="NC旋盤 ステンレス切削 量産", tags=["NC旋盤"],
                    languages=["ja"])
    abroad = make.firm(name="Bangkok Sheet Metal Co., Ltd.", city="Bangkok", country="TH",
                       description_en="Laser cutting, bending and welding of sheet metal enclosures.",
                       tags=["sheet metal", "laser cutting"], languages=["en", "th"])
    buyer = make.firm(name="湘南装置", tags=["装置組立"], languages=["ja"])
    return {"plater": plater, "turner": turner, "far": far, "abroad": abroad, "buyer": buyer}


def _names(html: str, firms) -> list[str]:
    """The firms named in the page, in the order they appear."""
    found = [(html.find(f.name), f.name) for f in firms if f.name in html]
    return [name for _, name in sorted(found)]


def test_search_finds_local_capable_shop_first(client, market):
    r = client.get("/search/suppliers", query_string={"q": "ステンレス旋盤加工 試作10個"})
    assert r.status_code == 200
    order = _names(r.get_data(as_text=True), market.values())
    assert order[:2] == ["辻堂精機", "浪速旋盤工業"]
    assert "藤沢めっき工業" not in order


def test_results_carry_a_strength_label_with_the_score_beside(client, market):
    html = client.get("/search/suppliers", query_string={"q": "NC旋盤 切削加工"},
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    first = html[html.find("辻堂精機"):]
    assert first.find("Strong match") != -1 and first.find("Strong match") < first.find("浪速旋盤工業")
    assert 'title="Score ' in first
    html = client.get("/search/suppliers", query_string={"q": "NC旋盤 切削加工"},
                      headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "適合度 高" in html


def test_search_shows_reasons_in_the_users_language(client, market):
    html = client.get("/search/suppliers", query_string={"q": "NC旋盤"}, headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "同じ市内" in html
    html = client.get("/search/suppliers", query_string={"q": "NC旋盤"}, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "in the same city" in html


def test_search_filters(client, market):
    html = client.get("/search/suppliers", query_string={"q": "めっき", "certification": "ISO9001"}).get_data(as_text=True)
    assert "藤沢めっき工業" in html
    html = client.get("/search/suppliers", query_string={"q": "NC旋盤", "scope": "local"}).get_data(as_text=True)
    assert "辻堂精機" in html and "浪速旋盤工業" not in html
    html = client.get("/search/suppliers", query_string={"q": "sheet metal laser", "scope": "overseas"}).get_data(as_text=True)
    assert "Bangkok Sheet Metal" in html and "辻堂精機" not in html
    html = client.get("/search/suppliers", query_string={"q": "NC旋盤", "language": "th"}).get_data(as_text=True)
    assert "辻堂精機" not in html


@pytest.mark.parametrize("q", ["", "   ", "\x00\x01", "😀" * 50, "あ" * 1000])
def test_search_odd_input_never_fails(client, market, q):
    assert client.get("/search/suppliers", query_string={"q": q}).status_code == 200


@pytest.mark.parametrize("args", [{"q": "x" * 5000}, {"q": "めっき", "page": "abc"}, {"q": "めっき", "distance": "999"},
                                  {"q": "めっき", "category": "ZZZ"}, {"q": "めっき", "city": "どこにもない市"}])
def test_search_bad_parameters_are_answered(client, market, args):
    r = client.get("/search/suppliers", query_string=args)
    assert r.status_code == 200


def test_need_owner_sees_recommended_suppliers(client, auth, make, market):
    user = make.user(firm=market["buyer"], email="buyer@example.com")
    need = make.need(market["buyer"], title="シャフトの無電解ニッケルめっき", description="S45C 月100本",
                     supplier_scope="local")
    auth.login(user.email)
    html = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "藤沢めっき工業" in html


def test_other_firms_do_not_see_a_needs_recommendations(client, auth, make, market):
    owner_need = make.need(market["buyer"], title="シャフトの無電解ニッケルめっき")
    outsider = make.user(firm=market["far"], email="far@example.com")
    auth.login(outsider.email)
    html = client.get(f"/needs/{owner_need.id}").get_data(as_text=True)
    assert "藤沢めっき工業" not in html


def test_offering_owner_sees_needs_to_answer_and_dashboard(client, auth, make, market):
    make.need(market["buyer"], title="SUS304シャフトの旋削加工", description="φ20 試作10個")
    offering = make.offering(market["turner"], title="NC旋盤による精密切削", description="SUS304 真鍮")
    user = make.user(firm=market["turner"], email="turner@example.com")
    auth.login(user.email)
    assert "SUS304シャフトの旋削加工" in client.get(f"/offerings/{offering.id}").get_data(as_text=True)
    assert "SUS304シャフトの旋削加工" in client.get("/firms/mine").get_data(as_text=True)


def test_need_requiring_a_certificate_is_not_offered_to_firms_without_it(client, auth, make, market):
    make.need(market["buyer"], title="SUS304シャフトの旋削加工", required_certifications=["IATF 16949"])
    user = make.user(firm=market["turner"], email="turner@example.com")
    auth.login(user.email)
    assert "SUS304シャフトの旋削加工" not in client.get("/firms/mine").get_data(as_text=True)


def test_overseas_contacts_page(client, auth, make, market):
    user = make.user(firm=market["buyer"], email="buyer@example.com")
    assert client.get("/search/overseas").status_code == 302  # anonymous: log in first
    auth.login(user.email)
    assert client.get("/search/overseas").status_code == 200


def test_overseas_contacts_forbidden_without_a_firm(client, auth, organizer):
    auth.login(organizer.email)
    assert client.get("/search/overseas").status_code == 403


def test_index_follows_create_edit_close_and_delete(app, client, auth, make, market):
    index = get_index()
    before = len(index.supply)
    user = make.user(firm=market["buyer"], email="buyer@example.com")
    auth.login(user.email)
    r = client.post("/offerings/new", data={"title": "粉体塗装（焼付）", "description": "鉄・アルミ筐体の粉体塗装", "tags": "粉体塗装"})
    assert r.status_code == 302
    offering_id = int(r.headers["Location"].rsplit("/", 1)[1])
    index = get_index()
    assert len(index.supply) == before + 1
    assert index.supply.get(f"o{offering_id}") is not None
    client.post(f"/offerings/{offering_id}/edit", data={"title": "カチオン電着塗装", "description": "電着塗装"})
    assert get_index().supply.get(f"o{offering_id}").name == "カチオン電着塗装"
    client.post(f"/offerings/{offering_id}/status", data={"status": "closed"})
    assert get_index().supply.get(f"o{offering_id}") is None
    client.post(f"/offerings/{offering_id}/status", data={"status": "active"})
    assert get_index().supply.get(f"o{offering_id}") is not None
    client.post(f"/offerings/{offering_id}/delete")
    assert get_index().supply.get(f"o{offering_id}") is None
    assert len(get_index().supply) == before


def test_firm_edit_moves_its_records(app, make, market):
    index = get_index()
    firm = market["turner"]
    make.offering(firm, title="真鍮の切削")
    firm.city, firm.latitude, firm.longitude = "大阪市", 34.69, 135.50
    db.session.commit()
    index.refresh()
    for rid in (f"f{firm.id}",):
        assert index.supply.get(rid).city == "大阪市"
    offering_ids = [r for r in index.owned_by(firm.id) if r.startswith("o")]
    assert offering_ids and all(index.supply.get(r).lat == pytest.approx(34.69) for r in offering_ids)


def test_another_process_notices_changes(app, make, market):
    """Two indexes (two server processes) both catch up from the change log."""
    from matchmaker.search.index import MatchIndex

    a, b = MatchIndex.create(), MatchIndex.create()
    a.rebuild()
    b.rebuild()
    firm = make.firm(name="新規加工所", tags=["ワイヤーカット"])
    assert a.refresh() >= 1 and b.refresh() >= 1
    assert a.supply.get(f"f{firm.id}") is not None and b.supply.get(f"f{firm.id}") is not None


def test_deleting_a_firm_removes_all_its_records(app, make, market):
    index = get_index()
    firm = market["plater"]
    make.offering(firm, title="亜鉛めっき")
    make.need(firm, title="治具の製作")
    index.refresh()
    db.session.delete(firm)
    db.session.commit()
    index.refresh()
    assert index.supply.get(f"f{firm.id}") is None
    assert not index.owned_by(firm.id)


def test_reindex_command_makes_processes_rebuild(app, runner, market):
    index = get_index()
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed" in result.output
    ops = db.session.scalars(sa.select(ChangeLog.op)).all()
    assert ops == ["rebuild"]
    built = index.built_at
    index.refresh()
    assert index.built_at > built


def test_need_page_says_when_no_local_supplier_is_good_enough(app, client, auth, make, market):
    from matchmaker.search.service import suppliers_for_need

    local_need = make.need(market["buyer"], title="シャフトの無電解ニッケルめっき", supplier_scope="domestic")
    with app.test_request_context():  # reasons are worded in the request's language
        assert suppliers_for_need(local_need).local_enough
    far_need = make.need(market["buyer"], title="板金筐体のレーザー切断と曲げ加工", description="sheet metal laser cutting",
                         supplier_scope="anywhere")
    with app.test_request_context():
        result = suppliers_for_need(far_need)
    assert result.hits and result.hits[0].firm.name.startswith("Bangkok")
    assert not result.local_enough
    user = make.user(firm=market["buyer"], email="buyer@example.com", locale="en")
    auth.login(user.email)
    html = client.get(f"/needs/{far_need.id}").get_data(as_text=True)
    assert "No local supplier fits this need well enough" in html


def test_a_needs_suppliers_are_kept_until_the_index_changes(app, make, market):
    """The need page and the dashboard ask for the same need's suppliers again and again: the engine is asked
    once per index state; a change (a new supplier here) is seen at once, and the rows are loaded afresh."""
    from matchmaker.search import service

    need = make.need(market["buyer"], title="シャフトの無電解ニッケルめっき", supplier_scope="domestic")
    calls = []
    real = service._supplier_matches

    def counting(*args):
        calls.append(args[0].id)
        return real(*args)

    with app.test_request_context():
        service._supplier_matches, saved = counting, service._supplier_matches
        try:
            first = [h.firm.name for h in service.suppliers_for_need(need).hits]
            assert [h.firm.name for h in service.suppliers_for_need(need).hits] == first and len(calls) == 1
            assert first[0] == "藤沢めっき工業"
            make.firm(name="辻堂ニッケル", description_ja="無電解ニッケルめっきの専門工場。シャフト・SUS部品。",
                      tags=["無電解ニッケル"], languages=["ja"])
            again = [h.firm.name for h in service.suppliers_for_need(need).hits]
            assert len(calls) == 2 and "辻堂ニッケル" in again
            market["plater"].name = "藤沢めっき工業株式会社"  # a row's own fields are read afresh
            from matchmaker.extensions import db
            db.session.commit()
            names = [h.firm.name for h in service.suppliers_for_need(need).hits]
            assert "藤沢めっき工業株式会社" in names
        finally:
            service._supplier_matches = saved
