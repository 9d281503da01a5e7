"""With CSRF protection on (as in production), a POST without a valid token is refused with 400
and changes nothing; with the page's token it works."""
from __future__ import annotations

import pytest

from matchmaker.models import Firm, Need, Offering, User

from .conftest import PASSWORD, counts, csrf_token_from, reload, text


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def login(client, email):
    token = csrf_token_from(text(client.get("/account/login")))
    r = client.post("/account/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302
    return token


def test_login_without_token_is_refused(client, member):
    r = client.post("/account/login", data={"email": member.email, "password": PASSWORD})
    assert r.status_code == 400
    assert "<html lang=" in text(r)  # the site's error page
    assert client.get("/account/settings").status_code == 302
    assert reload(User, member.id).last_login_at is None


def test_login_with_wrong_token_is_refused(client, member):
    client.get("/account/login")
    r = client.post("/account/login", data={"email": member.email, "password": PASSWORD, "csrf_token": "forged"})
    assert r.status_code == 400
    assert client.get("/account/settings").status_code == 302


def test_login_with_token_works(client, member):
    login(client, member.email)
    assert client.get("/account/settings").status_code == 200


def test_register_without_token_saves_nothing(client):
    before = counts()
    r = client.post("/account/register", data={
        "name": "山田", "email": "new@example.com", "password": "kamakura-2026", "password2": "kamakura-2026",
        "locale": "ja", "firm_name": "新会社", "country": "JP", "city": "藤沢市", "accept": "y",
        "accept_terms": "y", "terms_version": "1", "privacy_version": "1"})
    assert r.status_code == 400
    assert counts() == before


@pytest.fixture
def signed_in(client, member, make):
    offering = make.offering(member.firm)
    need = make.need(member.firm)
    login(client, member.email)
    return {"offering": offering.id, "need": need.id, "firm": member.firm_id}


@pytest.mark.parametrize("path,data", [
    ("/needs/{need}/delete", {}),
    ("/offerings/{offering}/delete", {}),
    ("/needs/{need}/status", {"status": "closed"}),
    ("/offerings/{offering}/status", {"status": "closed"}),
    ("/needs/{need}/edit", {"title": "変更"}),
    ("/offerings/{offering}/edit", {"title": "変更"}),
    ("/needs/new", {"title": "新しいニーズ"}),
    ("/offerings/new", {"title": "新しい出品"}),
    ("/firms/{firm}/edit", {"name": "変更", "city": "藤沢市", "country": "JP"}),
    ("/account/settings", {"name": "変更", "locale": "en", "submit": "1"}),
    ("/account/language", {"lang": "en"}),
])
def test_post_without_token_changes_nothing(client, signed_in, member, path, data):
    before = counts()
    r = client.post(path.format(**signed_in), data=data)
    assert r.status_code == 400
    assert counts() == before
    assert reload(Need, signed_in["need"]).status == "open"
    assert reload(Need, signed_in["need"]).title == "アルミ部品の黒アルマイト処理"
    assert reload(Offering, signed_in["offering"]).status == "active"
    assert reload(Firm, signed_in["firm"]).name == "株式会社藤沢精工"
    user = reload(User, member.id)
    assert user.name == "テスト太郎" and user.locale == "ja"


def test_logout_without_token_keeps_session(client, signed_in):
    r = client.post("/account/logout")
    assert r.status_code == 400
    assert client.get("/account/settings").status_code == 200


def test_delete_with_token_works(client, signed_in):
    page = client.get(f"/needs/{signed_in['need']}/delete")
    token = csrf_token_from(text(page))
    r = client.post(f"/needs/{signed_in['need']}/delete", data={"csrf_token": token})
    assert r.status_code == 302
    assert reload(Need, signed_in["need"]) is None


def test_status_with_token_works(client, signed_in):
    page = client.get(f"/needs/{signed_in['need']}")
    token = csrf_token_from(text(page))
    r = client.post(f"/needs/{signed_in['need']}/status", data={"csrf_token": token, "status": "fulfilled"})
    assert r.status_code == 302
    assert reload(Need, signed_in["need"]).status == "fulfilled"


def test_logout_with_token_works(client, signed_in):
    token = csrf_token_from(text(client.get("/")))
    assert client.post("/account/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/account/settings").status_code == 302


def test_directory_get_needs_no_token(client, signed_in):
    assert client.get("/firms/?q=精工").status_code == 200
