"""Offerings and needs: create, edit, close, delete; another firm's items; closed items; bad input."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Need, Offering

from .conftest import count, counts, form_errors, fresh, has_error, reload, text

FUTURE = (date.today() + timedelta(days=30)).isoformat()

GOOD_NEED = {
    "title": "アルミ筐体の黒アルマイト処理",
    "description": "A5052、300×200mm、月200個",
    "categories": ["2469"],
    "tags": "アルマイト, 表面処理",
    "quantity": "月200個",
    "delivery_date": FUTURE,
    "budget_min": "100000",
    "budget_max": "300000",
    "required_certifications": "ISO 9001",
    "supplier_scope": "local",
}


@pytest.fixture
def signed_in(client, auth, member):
    auth.login(member.email)
    return client


# ------------------------------------------------------------------ create, edit, status, delete (own)


def test_create_offering(signed_in, member):
    r = signed_in.post("/offerings/new", data={"title": "レーザー加工", "description": "SPCC t0.5〜6",
                                               "tags": "レーザー, 板金、曲げ", "categories": ["2469"]})
    assert r.status_code == 302, form_errors(text(r))
    fresh()
    o = db.session.scalar(sa.select(Offering))
    assert r.headers["Location"].endswith(f"/offerings/{o.id}")
    assert o.firm_id == member.firm_id and o.status == "active"
    assert o.title == "レーザー加工" and o.tags == ["レーザー", "板金", "曲げ"] and o.categories == ["2469"]
    page = signed_in.get(f"/offerings/{o.id}")
    assert page.status_code == 200 and "レーザー加工" in text(page)


def test_create_need(signed_in, member):
    r = signed_in.post("/needs/new", data=GOOD_NEED)
    assert r.status_code == 302, form_errors(text(r))
    fresh()
    n = db.session.scalar(sa.select(Need))
    assert n.firm_id == member.firm_id and n.status == "open"
    assert n.delivery_date == date.fromisoformat(FUTURE)
    assert (n.budget_min, n.budget_max) == (100000, 300000)
    assert n.required_certifications == ["ISO 9001"] and n.supplier_scope == "local"
    assert n.tags == ["アルマイト", "表面処理"]


def test_edit_own_need(signed_in, make, member):
    need = make.need(member.firm)
    r = signed_in.get(f"/needs/{need.id}/edit")
    assert r.status_code == 200 and "アルミ部品の黒アルマイト処理" in text(r)
    r = signed_in.post(f"/needs/{need.id}/edit", data={**GOOD_NEED, "title": "変更後のタイトル"})
    assert r.status_code == 302, form_errors(text(r))
    n = reload(Need, need.id)
    assert n.title == "変更後のタイトル" and n.budget_max == 300000 and n.firm_id == member.firm_id


def test_edit_own_offering(signed_in, make, member):
    o = make.offering(member.firm)
    r = signed_in.post(f"/offerings/{o.id}/edit", data={"title": "複合旋盤加工", "description": "φ1〜φ120"})
    assert r.status_code == 302
    assert reload(Offering, o.id).title == "複合旋盤加工"


def test_status_changes(signed_in, make, member):
    need = make.need(member.firm)
    for status in ("closed", "fulfilled", "open"):
        r = signed_in.post(f"/needs/{need.id}/status", data={"status": status})
        assert r.status_code == 302
        assert reload(Need, need.id).status == status
    r = signed_in.post(f"/needs/{need.id}/status", data={"status": "deleted"})
    assert r.status_code == 400
    assert reload(Need, need.id).status == "open"
    o = make.offering(member.firm)
    assert signed_in.post(f"/offerings/{o.id}/status", data={"status": "fulfilled"}).status_code == 400
    assert signed_in.post(f"/offerings/{o.id}/status", data={"status": "closed"}).status_code == 302
    assert reload(Offering, o.id).status == "closed"


def test_status_is_post_only(signed_in, make, member):
    need = make.need(member.firm)
    assert signed_in.get(f"/needs/{need.id}/status?status=closed").status_code == 405
    assert reload(Need, need.id).status == "open"


@pytest.mark.parametrize("kinds", ["offerings", "needs"])
def test_delete_needs_post_get_shows_confirmation(signed_in, make, member, kinds):
    item = make.offering(member.firm) if kinds == "offerings" else make.need(member.firm)
    model = Offering if kinds == "offerings" else Need
    item_id, title = item.id, item.title
    r = signed_in.get(f"/{kinds}/{item_id}/delete")
    assert r.status_code == 200
    html = text(r)
    assert title in html and 'method="post"' in html
    assert count(model) == 1  # a GET deletes nothing
    r = signed_in.post(f"/{kinds}/{item_id}/delete")
    assert r.status_code == 302 and r.headers["Location"].endswith("/firms/mine")
    assert count(model) == 0
    assert signed_in.get(f"/{kinds}/{item_id}").status_code == 404


# ------------------------------------------------------------------ another firm's items


@pytest.mark.parametrize("kinds", ["offerings", "needs"])
def test_other_firms_item_cannot_be_changed(client, auth, make, member, other_member, kinds):
    item = make.offering(member.firm) if kinds == "offerings" else make.need(member.firm)
    model = Offering if kinds == "offerings" else Need
    open_status = "active" if kinds == "offerings" else "open"
    auth.login(other_member.email)
    before = counts()
    assert client.get(f"/{kinds}/{item.id}").status_code == 200  # open items are public
    assert client.get(f"/{kinds}/{item.id}/edit").status_code == 403
    assert client.post(f"/{kinds}/{item.id}/edit", data={**GOOD_NEED, "title": "乗っ取り"}).status_code == 403
    assert client.post(f"/{kinds}/{item.id}/status", data={"status": "closed"}).status_code == 403
    assert client.get(f"/{kinds}/{item.id}/delete").status_code == 403
    assert client.post(f"/{kinds}/{item.id}/delete").status_code == 403
    assert counts() == before
    item = reload(model, item.id)
    assert item.title != "乗っ取り" and item.status == open_status and item.firm_id == member.firm_id


def test_other_member_sees_no_owner_actions(client, auth, make, member, other_member):
    need = make.need(member.firm)
    auth.login(other_member.email)
    html = text(client.get(f"/needs/{need.id}"))
    assert f"/needs/{need.id}/edit" not in html and f"/needs/{need.id}/delete" not in html
    auth.logout()
    auth.login(member.email)
    html = text(client.get(f"/needs/{need.id}"))
    assert f"/needs/{need.id}/edit" in html and f"/needs/{need.id}/delete" in html


@pytest.mark.parametrize("kinds,status", [("offerings", "closed"), ("needs", "closed"), ("needs", "fulfilled")])
def test_closed_items_hidden_from_others_visible_to_owner(client, auth, make, member, other_member, kinds, status):
    item = (make.offering(member.firm, status=status, title="非公開の出品") if kinds == "offerings"
            else make.need(member.firm, status=status, title="非公開のニーズ"))
    url = f"/{kinds}/{item.id}"
    title = item.title
    assert client.get(url).status_code == 404  # anonymous
    listing = text(client.get(f"/{kinds}/"))
    assert title not in listing
    assert title not in text(client.get(f"/firms/{member.firm_id}"))
    auth.login(other_member.email)
    assert client.get(url).status_code == 404
    auth.logout()
    auth.login(member.email)
    r = client.get(url)
    assert r.status_code == 200 and title in text(r)
    assert title in text(client.get("/firms/mine"))


def test_unknown_kind_is_404(client):
    assert client.get("/services/").status_code == 404
    assert client.get("/services/1").status_code == 404


# ------------------------------------------------------------------ bad need input


BAD_NEED = {
    "delivery date in the past": ({"delivery_date": (date.today() - timedelta(days=1)).isoformat()},
                                  "The delivery date may not be in the past."),
    "not a date": ({"delivery_date": "2026-13-45"}, None),
    "budget max below min": ({"budget_min": "500000", "budget_max": "100000"},
                             "The upper budget must not be below the lower one."),
    "negative budget": ({"budget_min": "-1"}, None),
    "negative max": ({"budget_min": "", "budget_max": "-100"}, None),
    "budget not a number": ({"budget_max": "たくさん"}, None),
    "title missing": ({"title": ""}, "This field is required."),
    "title too long": ({"title": "あ" * 201}, None),
    "control characters in title": ({"title": "黒アルマイト\x00処理"}, "Please remove control characters from this field."),
    "control characters in description": ({"description": "bell\x07"}, "Please remove control characters from this field."),
    "control characters in quantity": ({"quantity": "200\x1b個"}, "Please remove control characters from this field."),
    "unknown scope": ({"supplier_scope": "moon"}, "Not a valid choice."),
    "unknown category": ({"categories": ["XYZ"]}, "Unknown industry code: %(code)s"),
    "too many certifications": ({"required_certifications": ",".join(f"C{i}" for i in range(11))},
                                "At most %(n)d entries."),
}


@pytest.mark.parametrize("changes,message", BAD_NEED.values(), ids=BAD_NEED.keys())
def test_bad_need_input_saves_nothing(signed_in, changes, message):
    before = counts()
    r = signed_in.post("/needs/new", data={**GOOD_NEED, **changes})
    assert r.status_code == 200
    html = text(r)
    assert form_errors(html), "no form error shown"
    if message:
        params = {"code": "XYZ"} if "%(code)s" in message else {"n": 10} if "%(n)d" in message else {}
        assert has_error(html, message, **params), form_errors(html)
    assert counts() == before


def test_bad_edit_changes_nothing(signed_in, make, member):
    need = make.need(member.firm, budget_min=1000, budget_max=2000)
    r = signed_in.post(f"/needs/{need.id}/edit", data={**GOOD_NEED, "title": "新しい題", "budget_min": "9000",
                                                       "budget_max": "10"})
    assert r.status_code == 200 and form_errors(text(r))
    n = reload(Need, need.id)
    assert n.title == "アルミ部品の黒アルマイト処理" and (n.budget_min, n.budget_max) == (1000, 2000)


def test_bad_offering_input_saves_nothing(signed_in):
    before = counts()
    for data in ({"title": ""}, {"title": "x" * 201}, {"title": "ok", "description": "\x01"},
                 {"title": "ok", "tags": "a" * 101}):
        r = signed_in.post("/offerings/new", data=data)
        assert r.status_code == 200 and form_errors(text(r)), data
    assert counts() == before


def test_browse_search_and_pagination(client, make, member):
    for i in range(3):
        make.need(member.firm, title=f"検索対象ニーズ{i}")
    make.need(member.firm, title="別件")
    html = text(client.get("/needs/?q=検索対象"))
    assert "検索対象ニーズ0" in html and "別件" not in html
    assert client.get("/needs/?page=99").status_code == 200
    assert client.get("/needs/?page=abc").status_code == 200
