"""Japanese by default; English by Accept-Language; the switcher (session); a signed-in user's own
setting wins and the switcher updates it."""
from __future__ import annotations

from babel.support import Translations

from matchmaker.models import User

from .conftest import PASSWORD, TRANSLATIONS_DIR, html_lang, reload, text

CORE = ("Log in", "Firms", "Needs", "Offerings", "Register your firm")


def ja(msgid: str) -> str | None:
    """The Japanese translation when the catalog has one (it is being completed in parallel)."""
    s = Translations.load(str(TRANSLATIONS_DIR), ["ja"]).gettext(msgid)
    return s if s != msgid else None


def test_default_is_japanese(client):
    r = client.get("/")
    html = text(r)
    assert html_lang(html) == "ja"
    for msgid in CORE:
        if ja(msgid):
            assert ja(msgid) in html, msgid


def test_japanese_core_labels_are_translated():
    missing = [m for m in CORE if not ja(m)]
    assert not missing, f"untranslated in the Japanese catalog: {missing}"


def test_accept_language(client):
    for header, expected in [
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9,en;q=0.5", "en"),
        ("ja,en;q=0.8", "ja"),
        ("ja-JP", "ja"),
        ("fr", "ja"),
        ("", "ja"),
    ]:
        html = text(client.get("/", headers={"Accept-Language": header}))
        assert html_lang(html) == expected, header


def test_english_page_shows_english_labels(client):
    html = text(client.get("/", headers={"Accept-Language": "en"}))
    assert html_lang(html) == "en"
    for msgid in CORE:
        assert msgid in html, msgid
        if ja(msgid):
            assert ja(msgid) not in html, msgid


def test_switcher_sets_the_session(client):
    r = client.post("/account/language", data={"lang": "en", "next": "/firms/"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/firms/")
    with client.session_transaction() as session:
        assert session["lang"] == "en"
    # the choice beats the browser's Accept-Language
    assert html_lang(text(client.get("/", headers={"Accept-Language": "ja"}))) == "en"
    client.post("/account/language", data={"lang": "ja"})
    assert html_lang(text(client.get("/", headers={"Accept-Language": "en"}))) == "ja"


def test_switcher_ignores_unknown_language_and_foreign_next(client):
    client.post("/account/language", data={"lang": "en"})
    r = client.post("/account/language", data={"lang": "xx", "next": "https://evil.example/"})
    assert r.status_code == 302 and "evil" not in r.headers["Location"]
    with client.session_transaction() as session:
        assert session["lang"] == "en"


def test_switcher_is_post_only(client):
    assert client.get("/account/language?lang=en").status_code == 405


def test_signed_in_users_setting_wins(client, make):
    make.user(email="english@example.com", locale="en", firm=make.firm())
    client.post("/account/language", data={"lang": "ja"})
    client.post("/account/login", data={"email": "english@example.com", "password": PASSWORD})
    html = text(client.get("/", headers={"Accept-Language": "ja"}))
    assert html_lang(html) == "en"


def test_switcher_updates_signed_in_users_setting(client, make):
    user = make.user(email="english@example.com", locale="en", firm=make.firm())
    client.post("/account/login", data={"email": "english@example.com", "password": PASSWORD})
    assert html_lang(text(client.get("/"))) == "en"
    r = client.post("/account/language", data={"lang": "ja"})
    assert r.status_code == 302
    assert reload(User, user.id).locale == "ja"
    assert html_lang(text(client.get("/", headers={"Accept-Language": "en"}))) == "ja"
    # remembered in the account: a new browser session starts in Japanese too
    client.post("/account/logout")
    other = client.application.test_client()
    other.post("/account/login", data={"email": "english@example.com", "password": PASSWORD})
    assert html_lang(text(other.get("/", headers={"Accept-Language": "en"}))) == "ja"


def test_settings_change_language(client, make):
    user = make.user(email="someone@example.com", locale="ja", firm=make.firm())
    client.post("/account/login", data={"email": "someone@example.com", "password": PASSWORD})
    r = client.post("/account/settings", data={"name": "Taro", "locale": "en", "submit": "1"})
    assert r.status_code == 302
    fresh_user = reload(User, user.id)
    assert fresh_user.locale == "en" and fresh_user.name == "Taro"
    assert html_lang(text(client.get("/"))) == "en"


def test_register_in_english_keeps_the_choice(client):
    r = client.get("/account/register", headers={"Accept-Language": "en"})
    assert html_lang(text(r)) == "en"
    assert 'value="en" selected' in text(r) or 'selected value="en"' in text(r)
