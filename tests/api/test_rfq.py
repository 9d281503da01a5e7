"""Requests for quotation through the API: the pages' rules (rfq/service.py), Idempotency-Key on
creating, If-Match on changes, and every forbidden case as problem+json."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from matchmaker.api.models import WebhookDelivery, WebhookEndpoint
from matchmaker.extensions import db
from matchmaker.rfq.models import Quote, Rfq
from matchmaker.rfq.service import today


@pytest.fixture
def market(make, member, bearer):
    """The member's firm buys; two listed suppliers with a member each; a third firm is not invited."""
    need = make.need(member.firm, title="アルミ部品の無電解ニッケルめっき")
    a = make.firm(name="辻堂メッキ工業", tags=["無電解ニッケルめっき"])
    b = make.firm(name="茅ヶ崎表面処理", city="茅ヶ崎市")
    c = make.firm(name="浪速鍍金", city="大阪市")
    users = {k: make.user(firm=f, email=f"{k}@example.com") for k, f in (("a", a), ("b", b), ("c", c))}
    return {"need": need, "firms": {"a": a, "b": b, "c": c}, "buyer": bearer(member),
            "a": bearer(users["a"]), "b": bearer(users["b"]), "c": bearer(users["c"])}


def _body(market, **kw) -> dict:
    data = {"need_id": market["need"].id, "supplier_ids": [market["firms"]["a"].id, market["firms"]["b"].id],
            "title": "アルミ部品の無電解ニッケルめっき", "quantity": "200", "unit": "個",
            "due_date": (today() + timedelta(days=7)).isoformat(), "message": "よろしくお願いします。"}
    data.update(kw)
    return data


def _send(client, market, **kw):
    r = client.post("/api/v1/rfqs", json=_body(market, **kw), headers=market["buyer"])
    assert r.status_code == 201, r.get_json(force=True)
    return r.get_json()


def _etag(client, rfq_id, headers):
    r = client.get(f"/api/v1/rfqs/{rfq_id}", headers=headers)
    assert r.status_code == 200, r.get_json(force=True)
    return r.headers["ETag"]


def _hook(client, headers, events):
    r = client.post("/api/v1/webhooks", json={"url": "https://hooks.example.com/in", "events": events},
                    headers=headers)
    assert r.status_code == 201, r.get_json()


def _events() -> list[tuple[int, str, dict]]:
    db.session.expire_all()
    rows = db.session.execute(sa.select(WebhookEndpoint.firm_id, WebhookDelivery.event, WebhookDelivery.payload)
                              .join(WebhookEndpoint).order_by(WebhookDelivery.id)).all()
    return [(firm_id, event, json.loads(payload)["data"]) for firm_id, event, payload in rows]


def test_request_quote_message_award(client, market, member):
    _hook(client, market["a"], ["rfq.created", "rfq.awarded"])
    _hook(client, market["buyer"], ["quote.submitted", "need.created"])
    key = {"Idempotency-Key": "rfq-1"}
    r = client.post("/api/v1/rfqs", json=_body(market), headers={**market["buyer"], **key})
    assert r.status_code == 201 and r.headers["Location"].endswith(f"/api/v1/rfqs/{r.get_json()['id']}")
    rfq = r.get_json()
    assert rfq["role"] == "buyer" and [i["status"] for i in rfq["invitations"]] == ["invited", "invited"]
    again = client.post("/api/v1/rfqs", json=_body(market), headers={**market["buyer"], **key})
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == rfq["id"]
    assert db.session.scalar(sa.select(sa.func.count(Rfq.id))) == 1
    url = f"/api/v1/rfqs/{rfq['id']}"

    # the supplier sees its own part only; a quote needs If-Match, a stale one does nothing
    mine = client.get(url, headers=market["a"]).get_json()
    assert mine["role"] == "supplier" and len(mine["invitations"]) == 1 and mine["need_id"] is None
    quote = {"amount": "84000", "lead_time_days": 10}
    assert client.put(f"{url}/quote", json=quote, headers=market["a"]).status_code == 428
    etag = _etag(client, rfq["id"], market["a"])
    r = client.put(f"{url}/quote", json=quote, headers={**market["a"], "If-Match": etag})
    assert r.status_code == 200 and r.get_json()["invitations"][0]["quote"]["revision"] == 1
    assert client.put(f"{url}/quote", json=quote, headers={**market["a"], "If-Match": etag}).status_code == 412
    r = client.put(f"{url}/quote", json={"amount": "80000"}, headers={**market["a"], "If-Match": r.headers["ETag"]})
    assert r.get_json()["invitations"][0]["quote"]["revision"] == 2
    # the buyer does not see quotes until every supplier answered
    assert all(i["quote"] is None for i in client.get(url, headers=market["buyer"]).get_json()["invitations"])

    b_inv = client.get(url, headers=market["b"]).get_json()["invitations"][0]["id"]
    r = client.post(f"{url}/invitations/{b_inv}/messages", json={"body": "納期の相談です。"},
                    headers={**market["b"], "Idempotency-Key": "m-1"})
    assert r.status_code == 201
    r2 = client.post(f"{url}/invitations/{b_inv}/messages", json={"body": "納期の相談です。"},
                     headers={**market["b"], "Idempotency-Key": "m-1"})
    assert r2.status_code == 200 and r2.get_json()["id"] == r.get_json()["id"]
    assert client.post(f"{url}/invitations/{b_inv}/messages", json={"body": "x"},
                       headers=market["a"]).status_code == 404  # not a's thread
    assert client.post(f"{url}/decline", json={"reason": "other"},
                       headers={**market["b"], "If-Match": _etag(client, rfq["id"], market["b"])}).status_code == 422
    r = client.post(f"{url}/decline", json={"reason": "no_capacity"},
                    headers={**market["b"], "If-Match": _etag(client, rfq["id"], market["b"])})
    assert r.status_code == 200 and r.get_json()["invitations"][0]["status"] == "declined"

    seen = client.get(url, headers=market["buyer"])
    body = seen.get_json()
    assert body["comparable"] and body["invitations"][0]["quote"]["amount"] == "80000.00"
    assert len(body["invitations"][1]["messages"]) == 1
    a_inv = body["invitations"][0]["id"]
    b_only = {"awards": [{"invitation_id": body["invitations"][1]["id"]}]}
    assert client.post(f"{url}/award", json=b_only,
                       headers={**market["buyer"], "If-Match": seen.headers["ETag"]}).status_code == 422  # declined
    r = client.post(f"{url}/award", json={"awards": [{"invitation_id": a_inv}]},
                    headers={**market["buyer"], "If-Match": seen.headers["ETag"]})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "awarded" and r.get_json()["invitations"][0]["status"] == "awarded"
    r = client.post(f"{url}/cancel", json={"reason": "other"}, headers={**market["buyer"], "If-Match": r.headers["ETag"]})
    assert r.status_code == 409 and r.mimetype == "application/problem+json"  # already decided
    assert client.get("/api/v1/rfqs", query_string={"box": "received"}, headers=market["a"]).get_json()["items"][0][
        "status"] == "awarded"
    # webhooks: each firm's own endpoint, only the events it asked for, nothing the page would hide
    a_id = market["firms"]["a"].id
    got = [(firm_id, event) for firm_id, event, _data in _events()]
    assert got == [(a_id, "rfq.created"), (member.firm_id, "quote.submitted"), (member.firm_id, "quote.submitted"),
                   (a_id, "rfq.awarded")]
    data = {event: d for _f, event, d in _events()}
    assert data["rfq.created"]["rfq_id"] == rfq["id"] and data["rfq.created"]["buyer"]["id"] == member.firm_id
    assert "amount" not in json.dumps(data["quote.submitted"]) and data["quote.submitted"]["revision"] == 2
    assert data["rfq.awarded"]["outcome"] == "awarded"


def test_forbidden_cases(client, market, make, member, bearer):
    rfq = _send(client, market)
    url = f"/api/v1/rfqs/{rfq['id']}"
    # another firm (not invited): the request does not exist for it
    for call in (client.get(url, headers=market["c"]),
                 client.put(f"{url}/quote", json={"amount": "1"}, headers={**market["c"], "If-Match": '"x"'}),
                 client.post(f"{url}/decline", json={"reason": "no_capacity"}, headers={**market["c"], "If-Match": "x"}),
                 client.post(f"{url}/award", json={"awards": [{"invitation_id": 1}]},
                             headers={**market["c"], "If-Match": "x"})):
        assert call.status_code == 404 and call.mimetype == "application/problem+json"
    assert client.get("/api/v1/rfqs", headers=market["c"]).get_json()["items"] == []
    # award or cancel by an invited supplier, not the buyer; a quote by the buyer
    etag_a = _etag(client, rfq["id"], market["a"])
    assert client.post(f"{url}/award", json={"awards": [{"invitation_id": rfq["invitations"][0]["id"]}]},
                       headers={**market["a"], "If-Match": etag_a}).status_code == 403
    assert client.post(f"{url}/cancel", json={"reason": "other"},
                       headers={**market["a"], "If-Match": etag_a}).status_code == 403
    etag_buyer = _etag(client, rfq["id"], market["buyer"])
    assert client.put(f"{url}/quote", json={"amount": "1"},
                      headers={**market["buyer"], "If-Match": etag_buyer}).status_code == 403
    # the award before quotes can be compared
    assert client.post(f"{url}/award", json={"awards": [{"invitation_id": rfq["invitations"][0]["id"]}]},
                       headers={**market["buyer"], "If-Match": etag_buyer}).status_code == 409
    # wrong scope, no token
    read_only = bearer(member, scopes=("read",))
    assert client.post("/api/v1/rfqs", json=_body(market), headers=read_only).status_code == 403
    assert client.get(url, headers=read_only).status_code == 200
    assert client.get(url).status_code == 401
    # someone else's need, an unlisted supplier, too many suppliers, due date in the past
    theirs = make.need(market["firms"]["c"])
    r = client.post("/api/v1/rfqs", json=_body(market, need_id=theirs.id), headers=market["buyer"])
    assert r.status_code == 422 and "json.need_id" in r.get_json()["errors"]
    hidden = make.firm(name="非公開工業", published_at=None)
    r = client.post("/api/v1/rfqs", json=_body(market, supplier_ids=[hidden.id]), headers=market["buyer"])
    assert r.status_code == 422 and "json.supplier_ids" in r.get_json()["errors"]
    r = client.post("/api/v1/rfqs", json=_body(market, supplier_ids=list(range(1, 12))), headers=market["buyer"])
    assert r.status_code == 422
    r = client.post("/api/v1/rfqs", json=_body(market, due_date=(today() - timedelta(days=1)).isoformat()),
                    headers=market["buyer"])
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert db.session.scalar(sa.select(sa.func.count(Rfq.id))) == 1
    r = client.post("/api/v1/webhooks", json={"url": "https://hooks.example.com/in", "scope": "city",
                                              "events": ["rfq.created"]}, headers=market["buyer"])
    assert r.status_code == 403  # city-wide webhooks: organizers only, and never RFQ events

    # no quote after the due date (the end of that day, Japan time): the request closes for quotes
    row = db.session.get(Rfq, rfq["id"])
    row.due_date = today() - timedelta(days=1)
    db.session.commit()
    got = client.get(url, headers=market["a"])
    assert got.get_json()["status"] == "closed" and got.get_json()["invitations"][0]["status"] == "expired"
    r = client.put(f"{url}/quote", json={"amount": "1000"}, headers={**market["a"], "If-Match": got.headers["ETag"]})
    assert r.status_code == 409 and r.mimetype == "application/problem+json"
    assert db.session.scalar(sa.select(sa.func.count(Quote.id))) == 0
