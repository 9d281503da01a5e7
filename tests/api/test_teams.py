"""GET /api/v1/needs/<id>/teams: the need page's team proposals (search/teams.py) for the need's own firm
and organizers; no team when one firm does every part; a part nobody does is named."""
from __future__ import annotations

from datetime import date

import pytest

from matchmaker.extensions import db

NEED = dict(title="アルミ部品の切削、黒アルマイト、シルク印刷", description="A5052 50個", supplier_scope="local")


@pytest.fixture
def city(make):
    cutter = make.firm(name="辻堂切削", description_ja="マシニングセンタとNC旋盤によるアルミ・SUSの切削加工。試作から量産まで。",
                       tags=["切削加工"], languages=["ja"])
    anodizer = make.firm(name="湘南アルマイト", description_ja="アルミの陽極酸化処理専門。白・黒アルマイト、硬質アルマイト。",
                         tags=["アルマイト"], languages=["ja"])
    printer = make.firm(name="茅ヶ崎スクリーン", city="茅ヶ崎市", description_ja="シルク印刷とパッド印刷。銘板、操作パネル。",
                        tags=["シルク印刷"], languages=["ja"])
    return {"cutter": cutter, "anodizer": anodizer, "printer": printer}


def test_owner_gets_the_teams_of_the_page(client, make, member, city, bearer):
    from matchmaker.deals.models import Deal

    db.session.add(Deal(source="rfq", buyer_firm_id=city["cutter"].id, supplier_firm_id=city["anodizer"].id,
                        deal_date=date(2026, 5, 1), locality="local"))
    db.session.commit()
    need = make.need(member.firm, **NEED)
    r = client.get(f"/api/v1/needs/{need.id}/teams", headers={**bearer(member, scopes=("read",)),
                                                               "Accept-Language": "ja"})
    assert r.status_code == 200
    body = r.get_json()
    assert body["parts"] == ["切削", "黒アルマイト", "シルク印刷"] and body["uncovered"] == [] and body["single_firms"] == []
    first = body["teams"][0]
    takes = {m["firm"]["name"]: m["parts"] for m in first["members"]}
    assert takes == {"辻堂切削": ["切削"], "湘南アルマイト": ["黒アルマイト"], "茅ヶ崎スクリーン": ["シルク印刷"]}
    assert all(m["reasons"] for m in first["members"])
    assert {m["firm"]["name"]: m["km"] for m in first["members"]}["茅ヶ崎スクリーン"] > 1
    [pair] = first["worked_together"]  # the recorded deal between the cutter and the anodizer
    assert pair["how"] == "deal" and sorted(pair["firm_ids"]) == sorted([city["cutter"].id, city["anodizer"].id])
    # the same function as the page: the page shows the same first team
    from matchmaker.search.teams import team_proposal

    assert [m.firm.id for m in team_proposal(need).teams[0].members] == [m["firm"]["id"] for m in first["members"]]


def test_who_may_ask(client, make, member, other_member, organizer, city, bearer):
    need = make.need(member.firm, **NEED)
    url = f"/api/v1/needs/{need.id}/teams"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer(member, scopes=("write",))).status_code == 403  # no read scope
    r = client.get(url, headers=bearer(other_member))  # another firm's need: not there for it
    assert r.status_code == 404 and r.mimetype == "application/problem+json"
    assert client.get(url, headers=bearer(organizer, scopes=("read",))).status_code == 200
    assert client.get("/api/v1/needs/999999/teams", headers=bearer(member)).status_code == 404
    assert client.get("/api/v1/needs/99999999999/teams", headers=bearer(member)).status_code == 404
    assert client.get(url + "?top=2", headers=bearer(member)).status_code == 422  # unknown parameter
    need.status = "closed"
    db.session.commit()
    r = client.get(url, headers=bearer(member))
    assert r.status_code == 409 and r.mimetype == "application/problem+json"


def test_no_team_when_one_firm_does_it_all(client, make, member, city, bearer):
    allround = make.firm(name="藤沢一貫工業", description_ja="アルミの切削加工、黒アルマイト、シルク印刷まで社内一貫。",
                         tags=["切削加工", "アルマイト", "シルク印刷"], languages=["ja"])
    need = make.need(member.firm, **NEED)
    body = client.get(f"/api/v1/needs/{need.id}/teams", headers=bearer(member)).get_json()
    assert body["teams"] == [] and [f["id"] for f in body["single_firms"]] == [allround.id]
    assert len(body["parts"]) == 3 and body["uncovered"] == []


def test_a_part_nobody_does_is_named(client, make, member, city, bearer):
    need = make.need(member.firm, title="アルミ部品の切削、黒アルマイト、漆塗りの仕上げ", description="", supplier_scope="local")
    body = client.get(f"/api/v1/needs/{need.id}/teams", headers=bearer(member)).get_json()
    assert body["uncovered"] == ["漆塗りの仕上げ"]
    first = body["teams"][0]
    assert sorted(m["firm"]["name"] for m in first["members"]) == ["湘南アルマイト", "辻堂切削"]  # no passenger
    assert all("漆塗りの仕上げ" not in m["parts"] for m in first["members"])


def test_the_operation_is_documented(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/api/v1/needs/{need_id}/teams"]["get"]
    assert op["security"] == [{"bearerAuth": []}] and {"200", "409"} <= set(op["responses"])
    schema = doc["components"]["schemas"]["TeamProposal"]
    assert set(schema["properties"]) == {"parts", "teams", "single_firms", "uncovered"}
