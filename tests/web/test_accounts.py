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
    "password": "kamakura-2026",
    "password2": "kamakura-2026",
    "locale": "ja",
    "firm_name": "湘南メッキ工業株式会社",
    "firm_name_en": "Shonan Plating",
    "country": "JP",
    "city": "Fujisawa",
    "industries": ["2469"],
    "accept": "y",
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


def test_register_creates_user_and_firm_in_one_step(client):
    r = register(client, email="Hanako@Example.COM")
    assert r.status_code == 302, form_errors(text(r))
    fresh()
    user = db.session.scalar(sa.select(User))
    firm = db.session.scalar(sa.select(Firm))
    assert count(User) == 1 and count(Firm) == 1
    assert r.headers["Location"].endswith(f"/firms/{firm.id}/edit")
    assert user.email == "hanako@example.com"  # stored lower-cased
    assert user.role == "member" and user.firm_id == firm.id and user.name == "山田 花子"
    assert firm.name == "湘南メッキ工業株式会社" and firm.name_en == "Shonan Plating"
    assert firm.city == "藤沢市" and firm.prefecture == "神奈川県"
    assert firm.latitude == pytest.approx(35.34, abs=0.05) and firm.longitude == pytest.approx(139.49, abs=0.05)
    assert firm.industries == ["2469"]
    # signed in straight away
    assert client.get("/firms/mine").status_code == 200


def test_password_is_stored_hashed(client):
    assert register(client).status_code == 302
    fresh()
    user = db.session.scalar(sa.select(User))
    assert user.password_hash != GOOD["password"]
    assert GOOD["password"] not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert user.check_password(GOOD["password"]) and not user.check_password("kamakura-2027")


@pytest.mark.parametrize("email", ["taken@example.com", "TAKEN@example.com", "Taken@Example.Com"])
def test_register_duplicate_email_case_insensitive(client, make, email):
    make.user(email="taken@example.com")
    before = counts()
    r = register(client, email=email)
    assert r.status_code == 200
    assert has_error(text(r), "An account with this email already exists.")
    assert counts() == before


MUNI = "Unknown municipality: %(city)s. Please write it like 藤沢市 or Fujisawa."
BAD_INPUT = {
    "missing name": ({"name": ""}, "This field is required.", {}),
    "missing email": ({"email": None}, "This field is required.", {}),
    "missing company": ({"firm_name": "  "}, "This field is required.", {}),
    "missing city": ({"city": ""}, "This field is required.", {}),
    "missing password": ({"password": None, "password2": None}, "This field is required.", {}),
    "bad email": ({"email": "not-an-email"}, "Invalid email address.", {}),
    "bad email 2": ({"email": "a@b@example.com"}, "Invalid email address.", {}),
    "short password": ({"password": "ab1", "password2": "ab1"}, "Use at least 10 characters.", {}),
    "letters only": ({"password": "abcdefghijkl", "password2": "abcdefghijkl"},
                     "Mix letters with digits or symbols.", {}),
    "digits only": ({"password": "123456789012", "password2": "123456789012"},
                    "Mix letters with digits or symbols.", {}),
    "mismatched passwords": ({"password2": "kamakura-2027"}, "Passwords do not match.", {}),
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


def test_login_rate_limit(client, auth, member):
    for i in range(10):
        r = client.post("/account/login", data={"email": "nobody@example.com", "password": "x" * 12})
        assert r.status_code == 200, f"attempt {i + 1}"
    r = auth.login(member.email)  # even the right password is refused now
    assert r.status_code == 429
    assert "Retry-After" in r.headers
    assert client.get("/account/settings").status_code == 302
    # GET is not limited
    assert client.get("/account/login").status_code == 200


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
    r = client.post("/account/settings", data={"pw-current": "wrong-one-123", "pw-password": "new-pass-2026",
                                               "pw-password2": "new-pass-2026", "pw-submit": "1"})
    assert r.status_code == 200 and has_error(text(r), "Wrong password.")
    fresh()
    assert db.session.get(User, member.id).check_password(PASSWORD)
    r = client.post("/account/settings", data={"pw-current": PASSWORD, "pw-password": "new-pass-2026",
                                               "pw-password2": "new-pass-2026", "pw-submit": "1"})
    assert r.status_code == 302
    fresh()
    assert db.session.get(User, member.id).check_password("new-pass-2026")


def test_register_firm_abroad(client):
    r = register(client, country="TH", city="Bangkok", email="somchai@example.com")
    assert r.status_code == 302, form_errors(text(r))
    fresh()
    firm = db.session.scalar(sa.select(Firm))
    assert firm.country == "TH" and firm.city == "Bangkok" and firm.languages == ["en"]
    assert firm.latitude == pytest.approx(13.75, abs=0.3)
