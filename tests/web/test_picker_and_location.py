"""The industry picker's data and select, and a firm's position taken from its municipality."""
from __future__ import annotations

import json
import re

import pytest

from matchmaker import reference
from matchmaker.models import Firm

from .conftest import form_errors, reload, text
from .test_firms import GOOD


def test_tree_is_served_once_per_language_and_cached(client, auth, member):
    page = text(client.get("/account/register"))
    url = re.search(r'data-source="([^"]+)"', page).group(1).replace("&amp;", "&")
    r = client.get(url)
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert "immutable" in r.headers["Cache-Control"] and "public" in r.headers["Cache-Control"]
    nodes = json.loads(r.data)
    by_code = {c: (parent, name) for c, parent, name in nodes}
    assert len(nodes) == len(reference.industries())
    assert by_code["E"] == ("", "製造業") and by_code["2451"][0] == "245"
    # only the page's language: no English in the Japanese tree
    assert not any(re.search(r"[A-Za-z]{4}", name) for _, _, name in nodes)
    # revalidation by ETag answers 304
    assert client.get(url, headers={"If-None-Match": r.headers["ETag"]}).status_code == 304
    en = json.loads(client.get("/industries/en.json").data)
    assert dict((c, n) for c, _, n in en)["G"] == "Information and communications"
    assert client.get("/industries/xx.json").status_code == 404
    # the same for everyone: signed-in users' copies stay cacheable too (their pages are not)
    auth.login(member.email)
    r = client.get("/industries/ja.json")
    assert r.status_code == 200 and "no-store" not in r.headers["Cache-Control"]
    assert client.get("/firms/mine").headers["Cache-Control"] == "no-store"


def test_typos_of_the_source_are_corrected():
    names = " ".join(i.name_en for i in reference.industries().values())
    for typo in ("PERFOMANCES", "CLAASIFIED", "COMRANIES", "BYCYCLE", "HOUSE, MOTORCAR", "engaed", "finaicial", "cntrol"):
        assert typo not in names
    assert reference.industry("G").name_en == "INFORMATION AND COMMUNICATIONS"


def test_select_is_small_and_in_one_language(client, auth, member):
    auth.login(member.email)
    # a firm with a detail-level industry keeps it among the options
    signed = client.post(f"/firms/{member.firm_id}/edit", data={**GOOD, "industries": ["2451"]})
    assert signed.status_code == 302, form_errors(text(signed))
    html = text(client.get(f"/firms/{member.firm_id}/edit"))
    select = re.search(r'<select[^>]*name="industries".*?</select>', html, re.S).group(0)
    assert "data-industry-picker" in select and "optgroup" in select
    assert select.count("<option") < 130  # the middle level and what is chosen, not ~700 options
    assert re.search(r'<option selected value="2451">|<option value="2451" selected', select)
    assert "Manufacture" not in select and "金属製品製造業" in select
    assert "Ctrl" not in html


def test_directory_filter_accepts_a_deep_code(client, make):
    make.firm(name="深絞りプレス工業", industries=["2451"])
    make.firm(name="旋盤工業", industries=["2422"])
    html = text(client.get("/firms/?industry=245"))
    assert "深絞りプレス工業" in html and "旋盤工業" not in html
    html = text(client.get("/firms/?industry=2451"))
    assert "深絞りプレス工業" in html and "旋盤工業" not in html


def test_position_comes_from_the_municipality(client, auth, member):
    auth.login(member.email)
    html = text(client.get(f"/firms/{member.firm_id}/edit"))
    # the coordinates are not asked: they sit, empty, under the closed "advanced" disclosure
    details = re.search(r"<details[^>]*>.*?</details>", html, re.S).group(0)
    assert 'name="latitude"' in details and "<details class=\"mb-3\">" in details
    assert re.search(r'name="latitude"[^>]*value=""', details) or 'value="' not in re.search(
        r'<input[^>]*name="latitude"[^>]*>', details).group(0)
    r = client.post(f"/firms/{member.firm_id}/edit", data={**GOOD, "city": "茅ヶ崎市"})
    assert r.status_code == 302, form_errors(text(r))
    firm = reload(Firm, member.firm_id)
    place = reference.find_place("茅ヶ崎市")
    assert (firm.latitude, firm.longitude) == (place.lat, place.lon)
    # the form shows nothing to adjust, so moving to another town moves the position too
    html = text(client.get(f"/firms/{member.firm_id}/edit"))
    assert "<details class=\"mb-3\">" in html
    assert client.post(f"/firms/{member.firm_id}/edit", data={**GOOD, "city": "鎌倉市"}).status_code == 302
    firm = reload(Firm, member.firm_id)
    assert firm.latitude == pytest.approx(reference.find_place("鎌倉市").lat)
    # a position set by hand is kept, and shown with the disclosure open
    r = client.post(f"/firms/{member.firm_id}/edit", data={**GOOD, "latitude": "35.3", "longitude": "139.5"})
    assert r.status_code == 302
    html = text(client.get(f"/firms/{member.firm_id}/edit"))
    assert "<details class=\"mb-3\" open>" in html and 'value="35.3"' in html
