"""Personal access tokens: made on the settings page and shown once, stored hashed, scoped,
expiring, revocable, rate-limited each on its own; a session cookie is no token."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from matchmaker.api.models import ApiToken
from matchmaker.extensions import db
from matchmaker.models import utcnow


def _create_on_page(client, **fields):
    data = {"tok-token_name": "member database", "tok-scope_read": "y", "tok-expires": "30", **fields}
    return client.post("/account/tokens", data=data)


def test_created_on_settings_page_shown_once_and_hashed(client, auth, member):
    auth.login(member.email)
    # A member cannot give a token the organizer scope, nor none at all.
    assert _create_on_page(client, **{"tok-scope_read": "", "tok-scope_organizer": "y"}).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0
    # The signed-in session is no token: the API reads no cookie.
    assert client.get("/api/v1/me").status_code == 401
    assert client.post("/api/v1/needs", json={"title": "x"}).status_code == 401
    r = _create_on_page(client, **{"tok-scope_write": "y"})
    assert r.status_code == 200
    raw = re.search(r'id="new-api-token">(mm_[^<]+)<', r.get_data(as_text=True)).group(1)
    row = db.session.scalar(sa.select(ApiToken))
    assert row.scope_list == ["read", "write"] and row.expires_at is not None
    assert raw not in (row.token_hash, row.prefix) and len(row.token_hash) == 64 and raw.startswith(row.prefix)
    page = client.get("/account/settings").get_data(as_text=True)
    assert raw not in page and row.prefix in page and "member database" in page
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200 and me.get_json()["firm_id"] == member.firm_id
    db.session.refresh(row)
    assert row.last_used_at is not None


def test_revoke_on_page_and_only_own(client, auth, member, other_member, bearer):
    headers = bearer(member)
    theirs = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == member.id))
    auth.login(other_member.email)
    client.post(f"/account/tokens/{theirs.id}/revoke")
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # not other_member's to revoke
    auth.logout()
    auth.login(member.email)
    client.post(f"/account/tokens/{theirs.id}/revoke")
    r = client.get("/api/v1/me", headers=headers)
    assert r.status_code == 401 and r.mimetype == "application/problem+json"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_expired_wrong_and_deactivated_tokens_are_refused(client, member, other_member, bearer):
    for header in ("Bearer mm_nonsense", "Basic dXNlcjpwdw==", "Bearer ", "mm_x"):
        r = client.get("/api/v1/firms", headers={"Authorization": header})  # even on public reads
        assert r.status_code == 401 and r.get_json(force=True)["status"] == 401, header
    expiring = bearer(member, days=1)
    db.session.execute(sa.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get("/api/v1/me", headers=expiring).status_code == 401
    headers = bearer(other_member)
    other_member.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401
