"""The first API operation, /api/v1/suppliers: its envelope kept, and a 4xx problem+json for every bad input."""
import pytest


@pytest.fixture
def firms(make):
    make.firm(name="辻堂精機", description_ja="NC旋盤によるSUS304の精密切削加工", tags=["NC旋盤"], languages=["ja"])
    make.firm(name="Bangkok Turning Co., Ltd.", city="Bangkok", country="TH", description_en="CNC turning of stainless parts",
              languages=["en"])


def test_suppliers_answers_with_reasons_local_and_overseas(client, firms):
    r = client.get("/api/v1/suppliers", query_string={"q": "ステンレス 旋盤", "city": "藤沢市"})
    assert r.status_code == 200
    body = r.get_json()
    assert body["ok"] is True
    assert body["data"][0]["firm"]["name"] == "辻堂精機"
    assert body["data"][0]["reasons"]
    assert body["data"][0]["strength"] == "strong"
    assert {d["strength"] for d in body["data"]} <= {"strong", "good", "partial"}
    body = client.get("/api/v1/suppliers", query_string={"q": "CNC turning stainless", "scope": "overseas"}).get_json()
    assert [d["firm"]["country"] for d in body["data"]] == ["TH"]


BAD = [
    ({}, 422, "query.q"),
    ({"q": "  "}, 400, "'q' is required"),
    ({"q": "x", "lat": "95", "lon": "0"}, 422, "query.lat"),
    ({"q": "x", "lat": "35"}, 400, "both 'lat' and 'lon'"),
    ({"q": "x", "lat": "abc", "lon": "1"}, 422, "query.lat"),
    ({"q": "x", "scope": "moon"}, 422, "query.scope"),
    ({"q": "x", "industry": "ZZ9"}, 400, "unknown industry code"),
    ({"q": "x", "language": "xx"}, 400, "unknown language code"),
    ({"q": "x", "city": "Atlantis"}, 400, "unknown city"),
    ({"q": "x\x00"}, 422, "query.q"),
    ({"q": "x" * 3000}, 422, "query.q"),
    ({"q": "x", "colour": "red"}, 422, "query.colour"),
]


def test_bad_input_and_unknown_paths_get_a_problem(client, firms):
    for args, status, words in BAD:
        r = client.get("/api/v1/suppliers", query_string=args, headers={"Accept-Language": "en"})
        assert r.status_code == status, args
        assert r.mimetype == "application/problem+json"
        body = r.get_json(force=True)
        assert body["status"] == status and body["title"]
        assert words in body["detail"] or words in body.get("errors", {}), args
    r = client.get("/api/v1/nothing")
    assert r.status_code == 404 and r.mimetype == "application/problem+json"
    assert r.get_json(force=True)["status"] == 404
