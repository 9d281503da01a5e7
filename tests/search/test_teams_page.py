"""Teams on a need's page (search/teams.py, market/_teams.html): who sees them, what they show."""
from __future__ import annotations

import html as html_lib
import re
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
    buyer = make.firm(name="湘南装置", tags=["装置組立"], languages=["ja"])
    return {"cutter": cutter, "anodizer": anodizer, "printer": printer, "buyer": buyer}


def test_owner_sees_teams_with_parts_prior_work_and_one_rfq(client, auth, make, city):
    from matchmaker.deals.models import Deal

    db.session.add(Deal(source="rfq", buyer_firm_id=city["cutter"].id, supplier_firm_id=city["anodizer"].id,
                        deal_date=date(2026, 5, 1), locality="local"))
    db.session.commit()
    user = make.user(firm=city["buyer"], email="buyer@example.com")
    need = make.need(city["buyer"], **NEED)
    auth.login(user.email)
    html = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert 'id="teams"' in html
    team = html[html.index('id="teams"'):]
    for f in ("cutter", "anodizer", "printer"):
        assert city[f].name in team
    assert "黒アルマイト" in team and "シルク印刷" in team
    assert "辻堂切削" in team.split("card-footer")[1]  # worked together: the past deal
    ids = sorted(city[f].id for f in ("cutter", "anodizer", "printer"))
    first = team[:team.index("</div>\n  <ul")]  # the first team's header with its request link
    assert f"/rfqs/new?need={need.id}" in first and all(f"supplier={i}" in first for i in ids)
    # the request form opens with the team ticked and who takes which part in the message
    href = html_lib.unescape(re.search(r'href="(/rfqs/new\?[^"]+)"', first).group(1))
    form = client.get(href).get_data(as_text=True)
    assert "黒アルマイト: 湘南アルマイト" in form and all(f'value="{i}"' in form for i in ids)


def test_no_team_when_one_firm_does_it_all(client, auth, make, city):
    make.firm(name="藤沢一貫工業", description_ja="アルミの切削加工、黒アルマイト、シルク印刷まで社内一貫。",
              tags=["切削加工", "アルマイト", "シルク印刷"], languages=["ja"])
    user = make.user(firm=city["buyer"], email="buyer2@example.com")
    need = make.need(city["buyer"], **NEED)
    auth.login(user.email)
    html = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "藤沢一貫工業" in html and 'id="teams"' not in html


def test_others_do_not_see_teams(client, auth, make, city):
    need = make.need(city["buyer"], **NEED)
    assert 'id="teams"' not in client.get(f"/needs/{need.id}").get_data(as_text=True)
    outsider = make.user(firm=city["printer"], email="printer@example.com")
    auth.login(outsider.email)
    html = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert 'id="teams"' not in html and "辻堂切削" not in html


def test_dashboard_lists_needs_to_answer_with_a_partner(client, auth, make, city):
    need = make.need(city["buyer"], **NEED)
    user = make.user(firm=city["anodizer"], email="anodizer@example.com")
    auth.login(user.email)
    html = client.get("/firms/mine").get_data(as_text=True)
    assert 'id="with-partner"' in html
    part = html[html.index('id="with-partner"'):]
    assert f"/needs/{need.id}" in part and "辻堂切削" in part and "茅ヶ崎スクリーン" in part
    # the buyer itself is not offered its own need
    auth.logout()
    buyer = make.user(firm=city["buyer"], email="buyer3@example.com")
    auth.login(buyer.email)
    assert 'id="with-partner"' not in client.get("/firms/mine").get_data(as_text=True)
