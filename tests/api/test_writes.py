"""Writes through the API: the pages' rules (own firm only, confirmed address, scopes), If-Match,
idempotency keys, and bad input as 4xx problem+json without a half-written row."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Need, Offering


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def test_create_read_update_close_reopen_delete_a_need(client, member, bearer):
    h = bearer(member)
    r = client.post("/api/v1/needs", json={"title": "アルミ部品の黒アルマイト処理", "tags": ["アルマイト"],
                                           "budget_min": 1000, "budget_max": 5000}, headers=h)
    assert r.status_code == 201, r.get_json(force=True)
    need = r.get_json()
    assert r.headers["Location"].endswith(f"/api/v1/needs/{need['id']}")
    assert need["status"] == "open" and need["firm"]["id"] == member.firm_id
    got = client.get(f"/api/v1/needs/{need['id']}")
    etag = got.headers["ETag"]
    assert client.get(f"/api/v1/needs/{need['id']}", headers={"If-None-Match": etag}).status_code == 304
    url = f"/api/v1/needs/{need['id']}"
    assert client.patch(url, json={"status": "closed"}, headers=h).status_code == 428
    assert client.patch(url, json={"status": "closed"}, headers={**h, "If-Match": '"stale"'}).status_code == 412
    r = client.patch(url, json={"status": "closed"}, headers={**h, "If-Match": etag})
    assert r.status_code == 200 and r.get_json()["status"] == "closed"
    assert client.patch(url, json={"title": "x"}, headers={**h, "If-Match": etag}).status_code == 412  # stale now
    assert client.get(url).status_code == 404  # closed: the public no longer sees it
    own = client.get(url, headers=h)
    assert own.status_code == 200
    r = client.patch(url, json={"status": "open"}, headers={**h, "If-Match": own.headers["ETag"]})
    assert r.status_code == 200 and r.get_json()["status"] == "open"
    assert client.delete(url, headers={**h, "If-Match": r.headers["ETag"]}).status_code == 204
    assert _count(Need) == 0


def test_other_firms_listings_are_forbidden(client, member, other_member, make, bearer):
    theirs = make.offering(other_member.firm)
    h = bearer(member)
    etag = client.get(f"/api/v1/offerings/{theirs.id}").headers["ETag"]
    r = client.patch(f"/api/v1/offerings/{theirs.id}", json={"title": "mine now"}, headers={**h, "If-Match": etag})
    assert r.status_code == 403 and r.mimetype == "application/problem+json"
    assert client.delete(f"/api/v1/offerings/{theirs.id}", headers={**h, "If-Match": etag}).status_code == 403
    firm_etag = client.get(f"/api/v1/firms/{other_member.firm_id}").headers["ETag"]
    r = client.patch(f"/api/v1/firms/{other_member.firm_id}", json={"name": "x"}, headers={**h, "If-Match": firm_etag})
    assert r.status_code == 403
    db.session.refresh(theirs)
    assert theirs.title != "mine now"


def test_scopes_and_confirmation(client, make, member, bearer):
    read_only = bearer(member, scopes=("read",))
    assert client.post("/api/v1/offerings", json={"title": "x"}, headers=read_only).status_code == 403
    assert client.post("/api/v1/offerings", json={"title": "x"}).status_code == 401
    unconfirmed = make.user(firm=member.firm, verified=False)
    r = client.post("/api/v1/offerings", json={"title": "x"}, headers=bearer(unconfirmed))
    assert r.status_code == 403
    organizer = make.user(role="organizer")
    assert client.post("/api/v1/offerings", json={"title": "x"}, headers=bearer(organizer)).status_code == 403
    assert _count(Offering) == 0


def test_update_own_firm_profile(client, member, bearer):
    h = bearer(member)
    url = f"/api/v1/firms/{member.firm_id}"
    etag = client.get(url).headers["ETag"]
    r = client.patch(url, json={"description_en": "Precision turning", "city": "Fujisawa", "tags": ["NC旋盤", "研磨"]},
                     headers={**h, "If-Match": etag})
    assert r.status_code == 200, r.get_json(force=True)
    body = r.get_json()
    assert body["city"] == "藤沢市" and body["tags"] == ["NC旋盤", "研磨"] and body["latitude"] is not None
    etag = r.headers["ETag"]
    r = client.patch(url, json={"city": "Atlantis"}, headers={**h, "If-Match": etag})
    assert r.status_code == 422 and "json.city" in r.get_json(force=True)["errors"]


BAD_BODIES = [
    ({"data": "{not json", "content_type": "application/json"}, 400),
    ({"data": "title=x", "content_type": "application/x-www-form-urlencoded"}, 415),
    ({"json": {}}, 422),
    ({"json": {"title": "x", "colour": "red"}}, 422),
    ({"json": {"title": 12}}, 422),
    ({"json": {"title": "x", "budget_min": -1}}, 422),
    ({"json": {"title": "x", "budget_min": 10, "budget_max": 5}}, 422),
    ({"json": {"title": "x", "supplier_scope": "moon"}}, 422),
    ({"json": {"title": "x", "categories": ["ZZZ"]}}, 422),
    ({"json": {"title": "x", "delivery_date": "2000-01-01"}}, 422),
    ({"json": {"title": "x" * 201}}, 422),
    ({"json": {"title": "x\x00"}}, 422),
    ({"json": [1, 2]}, 422),
    ({"json": {"title": "x", "description": "y" * 70000}}, 413),
]


def test_bad_bodies_are_problems_and_write_nothing(client, member, bearer):
    h = bearer(member)
    for kwargs, status in BAD_BODIES:
        r = client.post("/api/v1/needs", headers=h, **kwargs)
        assert r.status_code == status, (kwargs, r.get_data(as_text=True))
        assert r.mimetype == "application/problem+json" and r.get_json(force=True)["status"] == status
    assert _count(Need) == 0


def test_idempotency_key_creates_once(client, member, bearer):
    h = {**bearer(member), "Idempotency-Key": "3f1c7c5e-retry-1"}
    first = client.post("/api/v1/offerings", json={"title": "溶接"}, headers=h)
    again = client.post("/api/v1/offerings", json={"title": "溶接"}, headers=h)
    assert first.status_code == 201 and again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    other = client.post("/api/v1/offerings", json={"title": "溶接"}, headers={**h, "Idempotency-Key": "another"})
    assert other.status_code == 201
    assert _count(Offering) == 2
    bad = client.post("/api/v1/offerings", json={"title": "x"}, headers={**h, "Idempotency-Key": "é"})
    assert bad.status_code == 400


def test_idempotency_key_two_at_once(app, member, bearer):
    from support import new_client

    h = {**bearer(member), "Idempotency-Key": "concurrent-1"}
    results = []

    def post():
        results.append(new_client(app).post("/api/v1/needs", json={"title": "板金"}, headers=h).status_code)

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 201]
    assert _count(Need) == 1
