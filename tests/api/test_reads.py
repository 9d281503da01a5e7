"""Reads: cursor pages with Link headers, ETags, the directory's filters, what the public may see,
labels in the language of Accept-Language, recommendations for one's own need only."""
from __future__ import annotations

import re

from matchmaker.extensions import db


def test_pages_follow_link_headers_to_the_end(client, make):
    for i in range(5):
        make.firm(name=f"ページ工業{i}")
    make.firm(name="非公開工業", published_at=None)
    seen, url, pages = [], "/api/v1/firms?limit=2", 0
    while url:
        r = client.get(url)
        assert r.status_code == 200
        body = r.get_json()
        seen += [f["name"] for f in body["items"]]
        link = r.headers.get("Link")
        assert (link is None) == (body["next_cursor"] is None)
        url = re.match(r"<http://localhost(.+)>; rel=\"next\"", link).group(1) if link else None
        pages += 1
    assert seen == [f"ページ工業{i}" for i in range(5)] and pages == 3
    for bad in ("?cursor=garbage", "?limit=0", "?limit=101", "?limit=x", "?colour=red"):
        r = client.get("/api/v1/firms" + bad)
        assert r.status_code in (400, 422) and r.mimetype == "application/problem+json", bad
    # A cursor of another list is refused too, not misread.
    cursor = client.get("/api/v1/industries?limit=1").get_json()["next_cursor"]
    assert client.get(f"/api/v1/firms?cursor={cursor}").status_code == 400


def test_directory_filters_and_visibility(client, make, member, other_member, bearer):
    make.firm(name="Bangkok Turning", city="Bangkok", country="TH", languages=["en", "th"])
    names = lambda q: [f["name_ja"] for f in client.get("/api/v1/firms", query_string=q).get_json()["items"]]  # noqa: E731
    assert names({"area": "overseas"}) == ["Bangkok Turning"]
    assert names({"language": "th"}) == ["Bangkok Turning"]
    assert names({"q": "藤沢精工"}) == ["株式会社藤沢精工"]
    assert names({"industry": "24"}) == ["株式会社藤沢精工"]  # a major division includes its sub-codes
    hidden = make.firm(name="未公開", published_at=None)
    assert client.get(f"/api/v1/firms/{hidden.id}").status_code == 404
    assert client.get("/api/v1/firms/99999999999").status_code == 404
    closed = make.need(other_member.firm, status="closed")
    assert client.get(f"/api/v1/needs/{closed.id}").status_code == 404
    assert client.get(f"/api/v1/needs/{closed.id}", headers=bearer(member)).status_code == 404  # not theirs
    assert client.get(f"/api/v1/needs/{closed.id}", headers=bearer(other_member)).status_code == 200
    assert client.get("/api/v1/needs?status=closed").status_code == 403
    mine = client.get("/api/v1/needs?status=closed", headers=bearer(other_member)).get_json()["items"]
    assert [n["id"] for n in mine] == [closed.id]


def test_etag_and_language(client, member, make):
    firm = member.firm
    firm.name_en = "Fujisawa Precision"
    db.session.commit()
    url = f"/api/v1/firms/{firm.id}"
    ja = client.get(url, headers={"Accept-Language": "ja"})
    en = client.get(url, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert ja.get_json()["name"] == "株式会社藤沢精工" and en.get_json()["name"] == "Fujisawa Precision"
    assert ja.headers["ETag"] != en.headers["ETag"] and "Accept-Language" in en.headers["Vary"]
    assert client.get(url, headers={"Accept-Language": "ja", "If-None-Match": ja.headers["ETag"]}).status_code == 304
    firm.description_ja = "変更"
    db.session.commit()
    assert client.get(url, headers={"Accept-Language": "ja", "If-None-Match": ja.headers["ETag"]}).status_code == 200
    labels = {i["code"]: i["label"] for i in client.get("/api/v1/industries?level=major&limit=100",
                                                        headers={"Accept-Language": "en"}).get_json()["items"]}
    assert labels["E"].lower().startswith("manufactur")
    r = client.get("/api/v1/firms/0", headers={"Accept-Language": "en"})
    assert r.get_json(force=True)["title"] == "Page not found" and r.headers["Content-Language"] == "en"
    r = client.get("/api/v1/firms/0", headers={"Accept-Language": "ja"})
    assert r.get_json(force=True)["title"] != "Page not found"
    concepts = client.get("/api/v1/concepts?kind=process&limit=3", headers={"Accept-Language": "en"}).get_json()
    assert all(c["ja"] and c["en"] and c["label"] == c["en"] for c in concepts["items"])


def test_recommendations_for_own_need_only(client, make, member, other_member, organizer, bearer):
    make.firm(name="辻堂精機", description_ja="黒アルマイト処理、アルミの表面処理", tags=["アルマイト"])
    need = make.need(member.firm)
    r = client.get(f"/api/v1/needs/{need.id}/suppliers", headers=bearer(member, scopes=("read",)))
    assert r.status_code == 200
    hits = r.get_json()["items"]
    assert hits and hits[0]["firm"]["name"] == "辻堂精機" and hits[0]["reasons"]
    assert client.get(f"/api/v1/needs/{need.id}/suppliers", headers=bearer(other_member)).status_code == 404
    assert client.get(f"/api/v1/needs/{need.id}/suppliers").status_code == 401
    assert client.get(f"/api/v1/needs/{need.id}/suppliers", headers=bearer(organizer, scopes=("read",))).status_code == 200
    assert client.get("/api/v1/me/overseas-contacts", headers=bearer(member)).status_code == 200
    assert client.get("/api/v1/me/overseas-contacts", headers=bearer(organizer)).status_code == 403


def test_docs_page_and_document(client):
    doc = client.get("/api/v1/openapi.json")
    assert doc.status_code == 200 and doc.get_json()["openapi"].startswith("3.")
    page = client.get("/api/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<script>" not in html and "https://" not in html
    for asset in re.findall(r'(?:src|href)="(/api/docs/assets/[^"]+)"', html):
        r = client.get(asset)
        assert r.status_code == 200 and r.headers["Content-Length"] != "0"
        r.close()
    assert client.get("/api/docs/assets/index.html").status_code == 404
