"""Registration (user and firm in one step), login, logout, redirects after login."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Firm, User

from .conftest import PASSWORD, count, counts, form_errors, fresh, has_error, on_page, text

GOOD = {
    "name": "山田 花子",
    "email": "hanako@example.com",
    "password": "kamakura-harbour-2026",
    "password2": "kamakura-harbour-2026",
    "locale": "ja",
    "firm_name": "湘南メッキ工業株式会社",
    "firm_name_en": "Shonan Plating",
    "country": "JP",
    "city": "Fujisawa",
    "industries": ["2469"],
    "accept": "y",
    "accept_terms": "y",
    "terms_version": "1",
    "privacy_version": "1",
}


def register(client, **changes):
    data = {**GOOD, **changes}
    data = {k: v for k, v in data.items() if v is not None}
    return client.post("/account/register", data=data)


# ------------------------------------------------------------------ registration


def test_register_page_renders(client):
    r = client.get("/account/register")
    assert r.status_code == 200
    html = text(r)
    assert 'name="firm_name"' in html and 'name="password2"' in html


def test_register_creates_user_and_firm_and_mails_a_confirmation_link(client, mailbox):
    r = register(client, email="Hanako@Example.COM")
    assert r.status_code == 200, form_errors(text(r))
    assert on_page(text(r), "Check your email")
    fresh()
    user = db.session.scalar(sa.select(User))
    firm = db.session.scalar(sa.select(Firm))
    assert count(User) == 1 and count(Firm) == 1
    assert user.email == "hanako@example.com"  # stored lower-cased
    assert user.role == "member" and user.firm_id == firm.id and user.name == "山田 花子"
    assert firm.name == "湘南メッキ工業株式会社" and firm.name_en == "Shonan Plating"
    assert firm.city == "藤沢市" and firm.prefecture == "神奈川県"
    assert firm.latitude == pytest.approx(35.34, abs=0.05) and firm.longitude == pytest.approx(139.49, abs=0.05)
    assert firm.industries == ["2469"]
    # not confirmed yet: not signed in, not listed
    assert user.email_verified_at is None and firm.published_at is None
    assert client.get("/account/settings").status_code == 302
    assert "湘南メッキ工業" not in text(client.get("/firms/"))
    assert client.get(f"/firms/{firm.id}").status_code == 404
    # the link in the mail confirms the address and lists the firm, once
    link = mailbox.link("hanako@example.com", "/account/verify/")
    assert client.get(link).status_code == 302
    fresh()
    assert db.session.get(User, user.id).email_verified_at is not None
    assert db.session.get(Firm, firm.id).published_at is not None
    assert "湘南メッキ工業" in text(client.get("/firms/"))
    r = client.get(link, follow_redirects=True)
    assert on_page(text(r), "This link has expired or was already used. Log in to get a new one.")


def test_unconfirmed_member_can_log_in_but_not_publish(client, auth, mailbox):
    register(client)
    auth.login(GOOD["email"], GOOD["password"])
    r = client.get("/firms/mine")
    assert r.status_code == 200 and on_page(text(r), "Send the link again")
    r = client.get("/needs/new")
    assert r.status_code == 302 and r.headers["Location"].endswith("/firms/mine")
    assert client.post("/needs/new", data={"title": "アルマイト処理", "supplier_scope": "anywhere"}).status_code == 302
    from matchmaker.models import Need

    assert count(Need) == 0
    # a new link on request; the old one stops working
    first = mailbox.link(GOOD["email"], "/account/verify/")
    assert client.post("/account/verify").status_code == 302
    second = mailbox.link(GOOD["email"], "/account/verify/", count=2)
    assert first != second
    assert client.get(first).status_code == 302
    fresh()
    assert db.session.scalar(sa.select(User)).email_verified_at is None
    client.get(second)
    assert client.get("/needs/new").status_code == 200


def test_expired_confirmation_link_is_refused(client, mailbox, app):
    app.config["MATCHMAKER_VERIFY_EMAIL_HOURS"] = -1
    register(client)
    link = mailbox.link(GOOD["email"], "/account/verify/")
    r = client.get(link, follow_redirects=True)
    assert on_page(text(r), "This link has expired or was already used. Log in to get a new one.")
    fresh()
    assert db.session.scalar(sa.select(User)).email_verified_at is None


def test_password_is_stored_hashed(client):
    assert register(client).status_code == 200
    fresh()
    user = db.session.scalar(sa.select(User))
    assert user.password_hash != GOOD["password"]
    assert GOOD["password"] not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert user.check_password(GOOD["password"]) and not user.check_password("kamakura-2027")


@pytest.mark.parametrize("email", ["taken@example.com", "TAKEN@example.com", "Taken@Example.Com"])
def test_register_with_a_taken_email_says_nothing_about_it(client, make, mailbox, email):
    """No telling which addresses have accounts: the same page as a new registration; the owner is told by mail."""
    make.user(email="taken@example.com", name="既存 太郎")
    before = counts()
    r = register(client, email=email)
    assert r.status_code == 200
    assert counts() == before
    assert not form_errors(text(r))
    new_page = text(register(client, email="brand-new@example.com"))
    def normalise(html, addr):
        import re

        return re.sub(r'name="csrf_token"[^>]*>', "", html.replace(addr, "ADDRESS"))

    assert normalise(text(r), email.lower()) == normalise(new_page, "brand-new@example.com")
    mail = mailbox.wait("taken@example.com")[0]
    assert "/account/password/forgot" in mail.body and "/account/verify/" not in mail.body


def test_unknown_email_costs_a_password_check(client, monkeypatch):
    """Login with an unknown address spends the same scrypt check as a wrong password (no timing oracle)."""
    import matchmaker.accounts.routes as routes

    calls = []
    real = routes.check_password_hash
    monkeypatch.setattr(routes, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    r = client.post("/account/login", data={"email": "nobody@example.com", "password": "whatever-password-1"})
    assert r.status_code == 200 and len(calls) == 1 and calls[0].startswith("scrypt:")


WEAK = ("This password is too easy to guess (a common password, a pattern or your own name). "
        "A few unrelated words with digits or symbols work well.")
MUNI = "Unknown municipality: %(city)s. Please write it like 藤沢市 or Fujisawa."
BAD_INPUT = {
    "missing name": ({"name": ""}, "This field is required.", {}),
    "missing email": ({"email": None}, "This field is required.", {}),
    "missing company": ({"firm_name": "  "}, "This field is required.", {}),
    "missing city": ({"city": ""}, "This field is required.", {}),
    "missing password": ({"password": None, "password2": None}, "This field is required.", {}),
    "bad email": ({"email": "not-an-email"}, "Invalid email address.", {}),
    "bad email 2": ({"email": "a@b@example.com"}, "Invalid email address.", {}),
    "short password": ({"password": "ab1", "password2": "ab1"}, "Use at least %(n)d characters.", {"n": 12}),
    "common password": ({"password": "password12", "password2": "password12"}, "Use at least %(n)d characters.",
                        {"n": 12}),
    "full-width common password": ({"password": "ｐａｓｓｗｏｒｄ１２", "password2": "ｐａｓｓｗｏｒｄ１２"},
                                   "Use at least %(n)d characters.", {"n": 12}),
    "long common password": ({"password": "password1234", "password2": "password1234"}, WEAK, {}),
    "repeated letters": ({"password": "aaaaaaaaaaa1", "password2": "aaaaaaaaaaa1"}, WEAK, {}),
    "letters only": ({"password": "abcdefghijkl", "password2": "abcdefghijkl"}, WEAK, {}),
    "digits only": ({"password": "123456789012", "password2": "123456789012"}, WEAK, {}),
    "mismatched passwords": ({"password2": "kamakura-harbour-2027"}, "Passwords do not match.", {}),
    "unknown municipality": ({"city": "アトランティス市"}, MUNI, {"city": "アトランティス市"}),
    "unknown municipality romaji": ({"city": "Atlantis"}, MUNI, {"city": "Atlantis"}),
    "unknown industry": ({"industries": ["ZZ99"]}, "Unknown industry code: %(code)s", {"code": "ZZ99"}),
    "unknown industry among good": ({"industries": ["2469", "0000x"]}, "Unknown industry code: %(code)s",
                                    {"code": "0000x"}),
    "not accepted": ({"accept": None}, "Please confirm to continue.", {}),
    "control characters": ({"name": "山田\x07花子"}, "Please remove control characters from this field.", {}),
    "unknown country": ({"country": "XX"}, "Not a valid choice.", {}),
    "name too long": ({"firm_name": "株" * 201}, None, {}),
}


@pytest.mark.parametrize("changes,message,params", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_register_bad_input_saves_nothing(client, changes, message, params):
    before = counts()
    r = register(client, **changes)
    assert r.status_code == 200
    html = text(r)
    assert form_errors(html), "no form error shown"
    if message:
        assert has_error(html, message, **params), form_errors(html)
    assert counts() == before
    # not signed in either
    assert client.get("/account/settings").status_code == 302


def test_register_when_signed_in_redirects(client, auth, member):
    auth.login(member.email)
    assert client.get("/account/register").status_code == 302
    before = counts()
    assert register(client, email="second@example.com").status_code == 302
    assert counts() == before


# ------------------------------------------------------------------ login and logout


def test_login_page_renders(client):
    r = client.get("/account/login")
    assert r.status_code == 200
    assert 'name="password"' in text(r)


def test_login_right_password(client, auth, member):
    r = auth.login("MEMBER@example.com")  # e-mail matched case-insensitively
    assert r.status_code == 302
    assert r.headers["Location"].endswith("/firms/mine")
    assert client.get("/account/settings").status_code == 200
    fresh()
    assert db.session.get(User, member.id).last_login_at is not None


@pytest.mark.parametrize("email,password", [
    ("member@example.com", "wrong-password-1"),
    ("member@example.com", ""),
    ("nobody@example.com", PASSWORD),
])
def test_login_wrong_credentials(client, auth, member, email, password):
    r = client.post("/account/login", data={"email": email, "password": password})
    assert r.status_code == 200
    if password:
        assert on_page(text(r), "Wrong email or password.")
    else:
        assert form_errors(text(r))
    assert client.get("/account/settings").status_code == 302
    fresh()
    assert db.session.get(User, member.id).last_login_at is None


def test_login_inactive_user_refused(client, auth, make):
    user = make.user(email="sleepy@example.com")
    user.active = False
    db.session.commit()
    r = auth.login("sleepy@example.com")
    assert r.status_code == 200
    assert on_page(text(r), "Wrong email or password.")
    assert client.get("/account/settings").status_code == 302


def test_login_limit_is_per_account(client, auth, member, make):
    for i in range(10):
        r = client.post("/account/login", data={"email": member.email, "password": "x" * 12})
        assert r.status_code == 200, f"attempt {i + 1}"
    r = auth.login(member.email)  # even the right password is refused now, for this account
    assert r.status_code == 429
    assert "Retry-After" in r.headers
    assert client.get("/account/settings").status_code == 302
    # a colleague behind the same office address still signs in
    colleague = make.user(firm=member.firm, email="colleague@example.com")
    assert auth.login(colleague.email).status_code == 302
    # GET is not limited
    auth.logout()
    assert client.get("/account/login").status_code == 200


class TestAddressLimit:
    @pytest.fixture
    def app_config(self):
        return {"MATCHMAKER_LOGIN_ADDRESS_LIMIT": "3 per minute"}

    def test_many_accounts_from_one_address_are_limited_too(self, client):
        codes = [client.post("/account/login", data={"email": f"x{i}@example.com", "password": "y"}).status_code
                 for i in range(4)]
        assert codes == [200, 200, 200, 429]


class TestConfiguredLoginLimit:
    @pytest.fixture
    def app_config(self):
        return {"MATCHMAKER_LOGIN_LIMIT": "2 per minute"}

    def test_limit_comes_from_config(self, client):
        codes = [client.post("/account/login", data={"email": "x@example.com", "password": "y"}).status_code
                 for _ in range(3)]
        assert codes == [200, 200, 429]


def test_rate_limit_error_is_json_for_api_clients(client):
    for _ in range(10):
        client.post("/account/login", data={"email": "x@example.com", "password": "y"})
    r = client.post("/account/login", data={"email": "x@example.com", "password": "y"},
                    headers={"Accept": "application/json"})
    assert r.status_code == 429
    assert r.is_json and r.get_json()["error"]["code"] == 429


def test_logout_is_post_only(client, auth, member):
    auth.login(member.email)
    r = client.get("/account/logout")
    assert r.status_code == 405
    assert client.get("/account/settings").status_code == 200  # still signed in
    r = auth.logout()
    assert r.status_code == 302
    assert client.get("/account/settings").status_code == 302


def test_login_required_sends_to_login_with_next(client):
    r = client.get("/account/settings")
    assert r.status_code == 302
    assert "/account/login?next=" in r.headers["Location"]
    assert "%2Faccount%2Fsettings" in r.headers["Location"]


@pytest.mark.parametrize("target", [
    "https://evil.example",
    "https://evil.example/firms/",
    "//evil.example",
    "//evil.example/account/settings",
    "/\\evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "evil.example",
])
def test_login_refuses_open_redirect(client, member, target):
    r = client.post("/account/login", query_string={"next": target},
                    data={"email": member.email, "password": PASSWORD})
    assert r.status_code == 302
    location = r.headers["Location"]
    assert "evil" not in location and "javascript" not in location
    assert location.endswith("/firms/mine")


def test_login_follows_safe_next(client, member):
    r = client.post("/account/login", query_string={"next": "/account/settings"},
                    data={"email": member.email, "password": PASSWORD})
    assert r.status_code == 302
    assert r.headers["Location"].endswith("/account/settings")


def test_login_page_when_signed_in_redirects(client, auth, member):
    auth.login(member.email)
    r = client.get("/account/login")
    assert r.status_code == 302


# ------------------------------------------------------------------ settings


def test_change_password(client, auth, member):
    auth.login(member.email)
    r = client.post("/account/settings", data={"pw-current": "wrong-one-123", "pw-password": "new-harbour-pass-2026",
                                               "pw-password2": "new-harbour-pass-2026", "pw-submit": "1"})
    assert r.status_code == 200 and has_error(text(r), "Wrong password.")
    fresh()
    assert db.session.get(User, member.id).check_password(PASSWORD)
    r = client.post("/account/settings", data={"pw-current": PASSWORD, "pw-password": "new-harbour-pass-2026",
                                               "pw-password2": "new-harbour-pass-2026", "pw-submit": "1"})
    assert r.status_code == 302
    fresh()
    assert db.session.get(User, member.id).check_password("new-harbour-pass-2026")


def test_register_firm_abroad(client):
    r = register(client, country="TH", city="Bangkok", email="somchai@example.com")
    assert r.status_code == 200 and not form_errors(text(r))
    fresh()
    firm = db.session.scalar(sa.select(Firm))
    assert firm.country == "TH" and firm.city == "Bangkok" and firm.languages == ["en"]
    assert firm.latitude == pytest.approx(13.75, abs=0.3)
