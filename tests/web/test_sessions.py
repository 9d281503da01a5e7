"""Sessions end on the server: logout, a password change and a reset end them for every copy of the
cookie; remember-me cookies differ per login; the CSRF token changes at login."""
from __future__ import annotations

import sqlalchemy as sa
from support import PASSWORD, csrf_token_from, new_client

from matchmaker.accounts.models import UserSession
from matchmaker.extensions import db

from .conftest import count, fresh, text


def _cookies(client) -> dict[str, str]:
    return {c.key: c.value for c in client._cookies.values()}


def _copy(app, cookies: dict[str, str]):
    other = new_client(app)
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def _signed_in(client) -> bool:
    return client.get("/account/settings").status_code == 200


def test_copied_session_cookie_stops_working_after_logout(app, client, auth, member):
    auth.login(member.email)
    stolen = _copy(app, _cookies(client))
    assert _signed_in(stolen)
    auth.logout()
    assert not _signed_in(client)
    assert not _signed_in(stolen)
    assert count(UserSession) == 0


def test_remember_cookie_is_new_per_login_and_ends_with_logout(app, client, member):
    client.post("/account/login", data={"email": member.email, "password": PASSWORD, "remember": "y"})
    first = _cookies(client)["remember_token"]
    remembered = _copy(app, {"remember_token": first})  # no session cookie: signed in by the remember cookie
    assert _signed_in(remembered)
    client.post("/account/logout")
    assert not _signed_in(_copy(app, {"remember_token": first}))
    client.post("/account/login", data={"email": member.email, "password": PASSWORD, "remember": "y"})
    assert _cookies(client)["remember_token"] != first


def test_password_change_ends_every_other_session(app, client, auth, member):
    auth.login(member.email)
    elsewhere = new_client(app)
    elsewhere.post("/account/login", data={"email": member.email, "password": PASSWORD, "remember": "y"})
    remember_elsewhere = _cookies(elsewhere)["remember_token"]
    assert _signed_in(elsewhere)
    r = client.post("/account/settings", data={"pw-current": PASSWORD, "pw-password": "new-harbour-pass-2026",
                                               "pw-password2": "new-harbour-pass-2026", "pw-submit": "1"})
    assert r.status_code == 302
    assert _signed_in(client)  # this one goes on
    assert not _signed_in(elsewhere)
    assert not _signed_in(_copy(app, {"remember_token": remember_elsewhere}))
    assert count(UserSession) == 1


def test_csrf_token_changes_at_login(app, member):
    app.config["WTF_CSRF_ENABLED"] = True
    client = new_client(app)
    before = csrf_token_from(text(client.get("/account/login")))
    r = client.post("/account/login", data={"email": member.email, "password": PASSWORD, "csrf_token": before})
    assert r.status_code == 302
    # the token from before signing in no longer works for a signed-in change
    r = client.post("/account/settings", data={"name": "新しい名前", "locale": "ja", "submit": "1",
                                               "csrf_token": before})
    assert r.status_code == 400
    after = csrf_token_from(text(client.get("/account/settings")))
    assert after != before
    r = client.post("/account/settings", data={"name": "新しい名前", "locale": "ja", "submit": "1",
                                               "csrf_token": after})
    assert r.status_code == 302


def test_deactivated_account_loses_its_sessions(client, auth, member):
    auth.login(member.email)
    fresh()
    db.session.execute(sa.update(type(member)).where(type(member).id == member.id).values(active=False))
    db.session.commit()
    assert not _signed_in(client)


def test_a_forged_session_id_signs_nobody_in(app, member):
    client = new_client(app)
    with client.session_transaction() as s:
        s["_user_id"] = f"{member.id}:made-up-token"
        s["_fresh"] = True
    assert not _signed_in(client)
    with client.session_transaction() as s:
        s["_user_id"] = str(member.id)  # the old form of the cookie (before sessions were kept on the server)
    assert not _signed_in(client)
