"""HTTP hardening: security headers, session cookie flags, error pages (HTML with the site's layout,
JSON for API clients), odd input that must not reach the database as a 500."""
from __future__ import annotations

import pytest

from matchmaker.models import User

from .conftest import PASSWORD, count, counts, form_errors, text


def cookie_header(r, name: str) -> str | None:
    for value in r.headers.getlist("Set-Cookie"):
        if value.startswith(name + "="):
            return value
    return None


def flags(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


# ------------------------------------------------------------------ headers


def test_security_headers(client):
    for path in ("/", "/firms/", "/account/login", "/no-such-page", "/api/no-such-thing"):
        r = client.get(path)
        assert r.headers["X-Content-Type-Options"] == "nosniff", path
        assert r.headers["X-Frame-Options"] == "DENY", path
        assert r.headers["Referrer-Policy"] == "same-origin", path
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "unsafe-eval" not in csp and "script-src 'self'" in csp, path


def no_store(r) -> bool:
    return "no-store" in r.headers.get("Cache-Control", "")


def test_signed_in_pages_are_never_stored(client, auth, world):
    for path in ("/", "/firms/", "/about"):
        assert not no_store(client.get(path)), f"public page {path} for anonymous visitors"
    r = auth.login("member@example.com")
    assert r.status_code == 302 and no_store(r), "the response that signs in"
    wrong = [path for path in ("/", "/firms/", "/firms/mine", "/account/settings", f"/needs/{world['need']}/edit",
                               "/notifications/", "/no-such-page", "/api/v1/suppliers?q=NC")
             if not no_store(client.get(path))]
    assert not wrong
    r = client.post(f"/needs/{world['need']}/status", data={"status": "closed"})
    assert r.status_code == 302 and no_store(r)
    r = auth.logout()
    assert r.status_code == 302 and no_store(r), "the response that signs out"
    assert not no_store(client.get("/"))


def test_static_files_stay_cacheable_when_signed_in(client, auth, member):
    auth.login(member.email)
    for path in ("/static/app.js", "/bootstrap/static/js/bootstrap.min.js"):
        with client.get(path) as r:
            assert r.status_code == 200 and not no_store(r), path


def test_hsts_over_https(https_client):
    for path in ("/", "/no-such-page", "/static/app.js"):
        with https_client.get(path, base_url="https://localhost") as r:
            assert r.headers.get("Strict-Transport-Security") == "max-age=31536000; includeSubDomains", path


def test_no_hsts_over_plain_http(client):
    # development and tests run over HTTP; a browser ignores HSTS there anyway
    for path in ("/", "/static/app.js"):
        with client.get(path) as r:
            assert "Strict-Transport-Security" not in r.headers


# ------------------------------------------------------------------ cookies


def test_session_cookie_flags_over_http(client, member):
    r = client.post("/account/login", data={"email": member.email, "password": PASSWORD})
    header = cookie_header(r, "session")
    assert header, r.headers.getlist("Set-Cookie")
    f = flags(header)
    assert "httponly" in f and "samesite=lax" in f
    assert "secure" not in f  # plain HTTP (development): a Secure cookie would never come back


def test_session_cookie_secure_over_https(https_client, member):
    r = https_client.post("/account/login", data={"email": member.email, "password": PASSWORD},
                          base_url="https://localhost")
    assert r.status_code == 302
    header = cookie_header(r, "session")
    assert header
    f = flags(header)
    assert {"secure", "httponly", "samesite=lax"} <= f
    # and the session works over HTTPS
    assert https_client.get("/account/settings", base_url="https://localhost").status_code == 200


def test_language_switch_cookie_flags_over_https(https_client):
    r = https_client.post("/account/language", data={"lang": "en"}, base_url="https://localhost")
    f = flags(cookie_header(r, "session"))
    assert {"secure", "httponly", "samesite=lax"} <= f


def test_remember_cookie_flags(https_client, member):
    r = https_client.post("/account/login", data={"email": member.email, "password": PASSWORD, "remember": "y"},
                          base_url="https://localhost")
    header = cookie_header(r, "remember_token")
    assert header, "no remember-me cookie"
    f = flags(header)
    assert "httponly" in f and "samesite=lax" in f
    assert "secure" in f, "the long-lived remember-me cookie is sent over plain HTTP too"


# ------------------------------------------------------------------ error pages


def has_layout(html: str) -> bool:
    return "<html lang=" in html and "navbar" in html and 'href="/about"' in html and "</footer>" in html


def test_404_page_has_site_layout(client):
    r = client.get("/no-such-page")
    assert r.status_code == 404
    assert r.mimetype == "text/html"
    assert has_layout(text(r)) and "404" in text(r)


def test_403_page_has_site_layout(client, auth, member, other_member):
    auth.login(other_member.email)
    r = client.get(f"/firms/{member.firm_id}/edit")
    assert r.status_code == 403
    assert has_layout(text(r)) and "403" in text(r)


def test_405_page_has_site_layout(client):
    r = client.get("/account/logout")
    assert r.status_code == 405
    assert has_layout(text(r))


def test_404_problem_json_for_api_paths(client):
    r = client.get("/api/no-such-thing")
    assert r.status_code == 404
    assert r.mimetype == "application/problem+json"
    body = r.get_json(force=True)
    assert body["status"] == 404 and body["type"] == "about:blank"
    assert body["title"] and body["detail"]


def test_404_json_when_client_accepts_json(client):
    r = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert r.status_code == 404
    assert r.is_json and r.get_json()["error"]["code"] == 404


def test_browser_accept_header_gets_html(client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = client.get("/no-such-page", headers={"Accept": accept})
    assert r.status_code == 404 and r.mimetype == "text/html"
    r = client.get("/no-such-page", headers={"Accept": "*/*"})
    assert r.mimetype == "text/html"


def test_403_json_when_client_accepts_json(client, auth, member, other_member):
    auth.login(other_member.email)
    r = client.post(f"/firms/{member.firm_id}/edit", data={"name": "x"}, headers={"Accept": "application/json"})
    assert r.status_code == 403
    assert r.is_json and r.get_json()["error"]["code"] == 403


def test_500_page_hides_details(app, client):
    def boom():
        raise RuntimeError("secret internals")

    app.add_url_rule("/boom-for-test", "boom_for_test", boom)
    app.add_url_rule("/api/boom-for-test", "api_boom_for_test", boom)
    r = client.get("/boom-for-test")
    assert r.status_code == 500
    assert has_layout(text(r)) and "secret internals" not in text(r)
    r = client.get("/api/boom-for-test")
    assert r.status_code == 500 and r.get_json(force=True)["status"] == 500
    assert "secret internals" not in text(r)


@pytest.fixture
def deleted_on_load(monkeypatch):
    """The market's views load their row, and another connection deletes it right then: the
    moment between a request's reading and its writing, made deterministic."""
    import sqlalchemy as sa

    from matchmaker.extensions import db
    from matchmaker.market import routes

    real = routes.get_or_404

    def load_then_delete(model, ident):
        item = real(model, ident)
        with db.engine.begin() as conn:
            conn.execute(sa.delete(model).where(model.id == ident))
        return item

    monkeypatch.setattr(routes, "get_or_404", load_then_delete)


def test_status_change_of_a_need_deleted_meanwhile_is_409(client, auth, world, deleted_on_load):
    from matchmaker.models import Need

    auth.login("member@example.com")
    client.post("/account/language", data={"lang": "en"})
    r = client.post(f"/needs/{world['need']}/status", data={"status": "closed"})
    assert r.status_code == 409
    assert has_layout(text(r)) and "Someone changed or deleted this at the same moment" in text(r)
    r = client.post(f"/offerings/{world['offering']}/status", data={"status": "closed"},
                    headers={"Accept": "application/json"})
    assert r.status_code == 409 and r.is_json
    assert r.get_json()["error"]["code"] == 409 and "reload" in r.get_json()["error"]["message"]
    assert count(Need) == 0
    assert client.get("/account/settings").status_code == 200  # the session goes on


def test_row_deleted_before_an_expired_attribute_is_read_is_409(app, client, make):
    import sqlalchemy as sa

    from matchmaker.extensions import db

    firm_id = make.firm().id

    def read_deleted():
        from matchmaker.models import Firm

        firm = db.session.get(Firm, firm_id)
        db.session.execute(sa.delete(Firm).where(Firm.id == firm_id), execution_options={"synchronize_session": False})
        db.session.expire(firm)
        return firm.name  # ObjectDeletedError

    app.add_url_rule("/deleted-for-test", "deleted_for_test", read_deleted)
    r = client.get("/deleted-for-test")
    assert r.status_code == 409 and has_layout(text(r))


# ------------------------------------------------------------------ odd input never becomes a 500


def test_nul_byte_in_register_email(client):
    before = counts()
    r = client.post("/account/register", data={"name": "x", "email": "a\x00b@example.com", "password": "abc-12345678",
                                               "password2": "abc-12345678", "firm_name": "x", "city": "藤沢市",
                                               "country": "JP", "accept": "y"})
    assert r.status_code == 200 and form_errors(text(r))
    assert counts() == before


def test_nul_byte_in_login(client, member):
    r = client.post("/account/login", data={"email": "member\x00@example.com", "password": PASSWORD})
    assert r.status_code == 200
    assert client.get("/account/settings").status_code == 302


def test_nul_byte_in_search(client):
    wrong = []
    for path in ("/firms/", "/needs/", "/offerings/"):
        for params in ({"q": "a\x00b"}, {"city": "\x00"}, {"certification": "\x00"}):
            r = client.get(path, query_string=params)
            if r.status_code != 200:
                wrong.append(f"{path} {params!r}: {r.status_code}")
    assert not wrong


@pytest.mark.parametrize("path", ["/firms/", "/needs/", "/offerings/"])
def test_huge_page_number(client, path):
    r = client.get(path, query_string={"page": "99999999999999999999"})
    assert r.status_code == 200


def test_huge_ids_are_404(client, auth, member):
    auth.login(member.email)
    wrong = []
    for path in ("/firms/{}", "/firms/{}/edit", "/needs/{}", "/offerings/{}", "/needs/{}/edit", "/offerings/{}/delete"):
        for ident in ("2147483648", "99999999999999999999"):
            r = client.get(path.format(ident))
            if r.status_code != 404:
                wrong.append(f"{path.format(ident)}: {r.status_code}")
    assert not wrong


INJECTED_NEXT = ("/\r\nSet-Cookie: x=1", "/\r\nX-Injected: 1", "/firms/\n", "/\t/evil.example", "/\x00",
                 "/\x7f", "/\u0085x", "/\u2028x", "/ /evil.example", "/\u200ex")


def test_safe_next_url_takes_plain_same_site_paths_only():
    from matchmaker.security import safe_next_url

    for target in ("/", "/firms/?q=%E6%97%8B&page=2", "/account/settings#top", "/fairs/1/agenda"):
        assert safe_next_url(target) == target
    for target in INJECTED_NEXT + ("", None, "//evil.example", "https://evil.example/", "firms/", "/\\evil.example"):
        assert safe_next_url(target) is None, repr(target)


@pytest.mark.parametrize("target", INJECTED_NEXT[:3])
def test_no_header_injection_through_next(client, member, target):
    r = client.post("/account/language", data={"lang": "en", "next": target})
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert "X-Injected" not in r.headers and "x=1" not in str(r.headers)
    r = client.post("/account/login", query_string={"next": target}, data={"email": member.email, "password": PASSWORD})
    assert r.status_code == 302 and r.headers["Location"].endswith("/firms/mine")
    assert "X-Injected" not in r.headers and "x=1" not in str(r.headers)
    assert client.get("/account/settings").status_code == 200  # signed in
    client.post("/account/logout")
    r = client.post("/account/login?next=/%0D%0AX-Injected:%201",
                    data={"email": member.email, "password": PASSWORD})
    assert r.status_code == 302 and r.headers["Location"].endswith("/firms/mine") and "X-Injected" not in r.headers


def test_parse_id_takes_only_ids_a_row_can_have():
    from matchmaker.formfields import parse_id

    assert [parse_id(v) for v in ("1", " 42 ", "2147483647", 7, 2**31 - 1)] == [1, 42, 2**31 - 1, 7, 2**31 - 1]
    for value in ("2147483648", 2**31, "0", 0, "-1", -1, "99999999999999999999", "1.5", "1e3", "١٢", "", None,
                  True, "0x10", "+5"):
        assert parse_id(value) is None, value


def test_passwords_never_stored_plain(client, make):
    user = make.user(email="plain@example.com", password="plain-text-123")
    assert user.password_hash != "plain-text-123" and "plain-text-123" not in user.password_hash
    assert user.password_hash.startswith("scrypt:")
    assert count(User) == 1


# ------------------------------------------------------------------ pagination links from the visitor's query


class TestPaginationLinks:
    """Query keys that url_for reads as its own options (endpoint, _external, _scheme, ...) are
    the visitor's data: the page still renders, and its page links stay relative."""

    ODD = ({"endpoint": "x"}, {"kinds": "offerings"}, {"_anchor": "x"}, {"_method": "POST"},
           {"_scheme": "javascript", "_external": "1"}, {"_external": "1"}, {"values": "x"}, {"page": "1", "x": "a&b=c"})

    @pytest.fixture
    def app_config(self):
        return {"MATCHMAKER_PAGE_SIZE": 1}

    @pytest.fixture
    def listed(self, make, world, admin):
        make.offering(make.firm(name="Shonan Machining"), title="CNC machining of aluminium parts")
        make.offering(make.firm(name="Chigasaki Machining"), title="Precision machining, turning and milling")
        make.need(make.firm(name="Buyer Two"))
        from matchmaker.extensions import db

        db.session.add_all([User(email=f"bulk{i}@example.com", name="x", role="member", password_hash=admin.password_hash)
                            for i in range(50)])  # more than the 50 accounts per page
        db.session.commit()

    def page_links(self, html: str) -> list[str]:
        import html as _html
        import re

        return [_html.unescape(h) for h in re.findall(r'class="page-link" href="([^"]*)"', html)] + \
               [_html.unescape(h) for h in re.findall(r'class="btn btn-outline-secondary" href="([^"]*)"', html)]

    @pytest.mark.parametrize("path, base", [("/firms/", {}), ("/needs/", {}), ("/offerings/", {}),
                                            ("/search/suppliers", {"q": "machining"}), ("/admin/users", {})])
    def test_odd_query_keys(self, client, auth, listed, path, base):
        from urllib.parse import parse_qs, urlsplit

        auth.login("admin@example.com")
        wrong = []
        for odd in self.ODD:
            params = {**base, **odd}
            r = client.get(path, query_string=params)
            links = self.page_links(text(r))
            if r.status_code != 200 or not links:
                wrong.append(f"{params}: {r.status_code}, {len(links)} page links")
                continue
            for link in links:
                parts = urlsplit(link)
                query = parse_qs(parts.query, keep_blank_values=True)
                if parts.scheme or parts.netloc or parts.path != path:
                    wrong.append(f"{params}: link {link}")
                elif any(query.get(k) != [v] for k, v in params.items() if k != "page"):
                    wrong.append(f"{params}: link {link} loses the query")
        assert not wrong, "\n".join(wrong)
