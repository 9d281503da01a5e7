"""Firm profile: view, edit own only, validation, municipality normalisation, dashboard."""
from __future__ import annotations

from datetime import date

import pytest

from matchmaker.models import Firm

from .conftest import counts, form_errors, has_error, reload, text

GOOD = {
    "name": "株式会社藤沢精工",
    "name_en": "Fujisawa Seiko",
    "name_kana": "ふじさわせいこう",
    "description_ja": "NC旋盤による精密切削加工。",
    "description_en": "Precision turning.",
    "website": "https://fujisawa-seiko.example.com",
    "country": "JP",
    "prefecture": "",
    "city": "Fujisawa",
    "address": "藤沢市桐原町1-2",
    "latitude": "",
    "longitude": "",
    "employees": "10-29",
    "founded_year": "1972",
    "industries": ["2469", "2422"],
    "tags": "NC旋盤, SUS304、真鍮",
    "equipment": "複合旋盤 NTX1000",
    "certifications": "ISO 9001",
    "languages": ["ja", "en"],
    "overseas_interest": "y",
}


@pytest.fixture
def signed_in(client, auth, member):
    auth.login(member.email)
    return client


def test_firm_page_shows_profile(client, make):
    firm = make.firm(name="湘南樹脂工業", tags=["射出成形"], certifications=["ISO 14001"])
    r = client.get(f"/firms/{firm.id}")
    assert r.status_code == 200
    html = text(r)
    assert "湘南樹脂工業" in html and "射出成形" in html and "ISO 14001" in html
    assert f"/firms/{firm.id}/edit" not in html  # no edit link for visitors


def test_edit_own_profile(signed_in, member):
    r = signed_in.get(f"/firms/{member.firm_id}/edit")
    assert r.status_code == 200 and "株式会社藤沢精工" in text(r)
    r = signed_in.post(f"/firms/{member.firm_id}/edit", data=GOOD)
    assert r.status_code == 302, form_errors(text(r))
    assert r.headers["Location"].endswith(f"/firms/{member.firm_id}")
    firm = reload(Firm, member.firm_id)
    # Fujisawa is stored under its official name, with prefecture and coordinates filled in
    assert firm.city == "藤沢市" and firm.prefecture == "神奈川県"
    assert firm.latitude == pytest.approx(35.339, abs=0.05) and firm.longitude == pytest.approx(139.49, abs=0.05)
    assert firm.name_en == "Fujisawa Seiko" and firm.website == "https://fujisawa-seiko.example.com"
    assert firm.founded_year == 1972 and firm.employees == "10-29" and firm.overseas_interest is True
    assert firm.industries == ["2469", "2422"]
    assert firm.tags == ["NC旋盤", "SUS304", "真鍮"]
    assert firm.certifications == ["ISO 9001"] and firm.languages == ["ja", "en"]


def test_typed_coordinates_are_kept(signed_in, member):
    r = signed_in.post(f"/firms/{member.firm_id}/edit", data={**GOOD, "latitude": "35.3", "longitude": "139.5"})
    assert r.status_code == 302, form_errors(text(r))
    firm = reload(Firm, member.firm_id)
    assert (firm.latitude, firm.longitude) == (35.3, 139.5)


def test_firm_abroad(signed_in, member):
    r = signed_in.post(f"/firms/{member.firm_id}/edit", data={**GOOD, "country": "TH", "city": "Bangkok"})
    assert r.status_code == 302, form_errors(text(r))
    firm = reload(Firm, member.firm_id)
    assert firm.country == "TH" and firm.city == "Bangkok"
    assert firm.latitude == pytest.approx(13.75, abs=0.3)


def test_other_firms_profile_is_forbidden(client, auth, member, other_member):
    auth.login(other_member.email)
    before = counts()
    assert client.get(f"/firms/{member.firm_id}/edit").status_code == 403
    r = client.post(f"/firms/{member.firm_id}/edit", data={**GOOD, "name": "乗っ取り株式会社"})
    assert r.status_code == 403
    assert counts() == before
    firm = reload(Firm, member.firm_id)
    assert firm.name == "株式会社藤沢精工" and firm.website == ""
    # their own firm is still theirs to edit
    assert client.get(f"/firms/{other_member.firm_id}/edit").status_code == 200


THIS_YEAR = date.today().year
BAD = {
    "latitude out of range": ({"latitude": "91", "longitude": "139"}, "Number must be between %(min)s and %(max)s.",
                              {"min": -90, "max": 90}),
    "longitude out of range": ({"latitude": "35", "longitude": "-181"}, "Number must be between %(min)s and %(max)s.",
                               {"min": -180, "max": 180}),
    "only latitude": ({"latitude": "35.3"}, "Give both latitude and longitude, or neither.", {}),
    "only longitude": ({"longitude": "139.5"}, "Give both latitude and longitude, or neither.", {}),
    "latitude not a number": ({"latitude": "north", "longitude": "139"}, None, {}),
    "founded next year": ({"founded_year": str(THIS_YEAR + 1)}, "Enter a year between 1600 and this year.", {}),
    "founded long ago": ({"founded_year": "1066"}, "Enter a year between 1600 and this year.", {}),
    "bad website": ({"website": "not a url"}, "Enter a full address such as https://example.com", {}),
    "website without tld": ({"website": "https://localhost"}, "Enter a full address such as https://example.com", {}),
    "javascript website": ({"website": "javascript:alert(1)"}, "Enter a full address such as https://example.com", {}),
    "unknown municipality": ({"city": "Atlantis"},
                             "Unknown municipality: %(city)s. Please write it like 藤沢市 or Fujisawa.",
                             {"city": "Atlantis"}),
    "missing name": ({"name": ""}, "This field is required.", {}),
    "control characters": ({"description_ja": "説明\x00"}, "Please remove control characters from this field.", {}),
    "unknown industry": ({"industries": ["ZZ99"]}, "Unknown industry code: %(code)s", {"code": "ZZ99"}),
    "too many industries": ({"industries": ["2469", "2422", "2421", "2423", "2424", "2429"]},
                            "Choose at most %(n)d industries.", {"n": 5}),
    "unknown language": ({"languages": ["xx"]}, None, {}),
    "unknown employees": ({"employees": "a lot"}, "Not a valid choice.", {}),
}


@pytest.mark.parametrize("changes,message,params", BAD.values(), ids=BAD.keys())
def test_bad_profile_input_changes_nothing(signed_in, member, changes, message, params):
    before = counts()
    r = signed_in.post(f"/firms/{member.firm_id}/edit", data={**GOOD, **changes})
    assert r.status_code == 200
    html = text(r)
    assert form_errors(html), "no form error shown"
    if message:
        assert has_error(html, message, **params), form_errors(html)
    assert counts() == before
    firm = reload(Firm, member.firm_id)
    assert firm.website == "" and firm.founded_year is None and firm.name_en == ""
    assert firm.city == "藤沢市" and firm.industries == ["2469"]


def test_dashboard_shows_own_items(signed_in, make, member, other_member):
    make.offering(member.firm, title="自社の出品")
    make.need(member.firm, title="自社のニーズ")
    make.need(other_member.firm, title="他社のニーズ")
    r = signed_in.get("/firms/mine")
    assert r.status_code == 200
    html = text(r)
    assert "自社の出品" in html and "自社のニーズ" in html
