"""The firm directory: filters (q, city, industry, certification, language, area) and pagination."""
from __future__ import annotations

import re

import pytest

from .conftest import text

NAMES = ("藤沢精工株式会社", "茅ヶ崎ソフト有限会社", "札幌運輸株式会社", "Siam Parts Co.")


@pytest.fixture
def firms(make):
    make.firm(name=NAMES[0], city="藤沢市", industries=["2469"], certifications=["ISO 9001"], languages=["ja", "en"],
              tags=["NC旋盤", "SUS304"])
    make.firm(name=NAMES[1], city="茅ヶ崎市", industries=["3911"], certifications=["ISO 14001", "ISMS"],
              languages=["ja"], tags=["受託開発"])
    make.firm(name=NAMES[2], city="札幌市", industries=["4411"], languages=["ja"], tags=["冷凍輸送"])
    make.firm(name=NAMES[3], city="Bangkok", country="TH", industries=["2422"], certifications=["IATF 16949"],
              languages=["en", "th"], tags=["stamping"])


def found(client, **params) -> set[str]:
    r = client.get("/firms/", query_string={"page": params.pop("page", 1), **params})
    assert r.status_code == 200
    html = text(r)
    return {n for n in NAMES if n in html}


def all_found(client, **params) -> set[str]:
    return found(client, **params)  # the default page size (20) holds them all


FILTERS = {
    "none": [({}, set(NAMES))],
    "q": [
        ({"q": "精工"}, {NAMES[0]}),
        ({"q": "nc旋盤"}, {NAMES[0]}),  # tags, case-insensitively
        ({"q": "STAMPING"}, {NAMES[3]}),
        ({"q": "存在しない語"}, set()),
    ],
    "city": [
        ({"city": "藤沢市"}, {NAMES[0]}),
        ({"city": "Fujisawa"}, {NAMES[0]}),
        ({"city": "茅ヶ崎"}, {NAMES[1]}),
    ],
    "industry": [
        ({"industry": "E"}, {NAMES[0], NAMES[3]}),  # a major division finds the detail codes under it
        ({"industry": "24"}, {NAMES[0], NAMES[3]}),
        ({"industry": "246"}, {NAMES[0]}),
        ({"industry": "G"}, {NAMES[1]}),
    ],
    "certification": [
        ({"certification": "ISO 9001"}, {NAMES[0]}),
        ({"certification": "iso9001"}, {NAMES[0]}),  # spaces and case ignored
        ({"certification": "Iso 90 01"}, {NAMES[0]}),
        ({"certification": "14001"}, {NAMES[1]}),
        ({"certification": "iatf16949"}, {NAMES[3]}),
    ],
    "language": [
        ({"language": "en"}, {NAMES[0], NAMES[3]}),
        ({"language": "th"}, {NAMES[3]}),
    ],
    "area": [
        ({"area": "local"}, {NAMES[0], NAMES[1]}),
        ({"area": "domestic"}, {NAMES[0], NAMES[1], NAMES[2]}),
        ({"area": "overseas"}, {NAMES[3]}),
    ],
    "combined": [
        ({"area": "domestic", "language": "en"}, {NAMES[0]}),
        ({"industry": "E", "area": "local", "certification": "iso 9001"}, {NAMES[0]}),
    ],
}


@pytest.mark.parametrize("kind", FILTERS)
def test_directory_filters(client, firms, kind):
    wrong = []
    for params, expected in FILTERS[kind]:
        got = all_found(client, **params)
        if got != expected:
            wrong.append(f"{params}: expected {sorted(expected)}, got {sorted(got)}")
    assert not wrong, "\n".join(wrong)


class TestPagination:
    @pytest.fixture
    def app_config(self):
        return {"MATCHMAKER_PAGE_SIZE": 2}

    def test_pages(self, client, firms):
        page1, page2 = found(client, page=1), found(client, page=2)
        assert len(page1) == 2 and len(page2) == 2
        assert not page1 & page2 and page1 | page2 == set(NAMES)
        html = text(client.get("/firms/?page=2"))
        assert re.search(r'href="[^"]*page=1[^"]*"', html)  # a link back to page 1
        # filters are kept on the other pages
        assert found(client, page=1, area="domestic") | found(client, page=2, area="domestic") == set(NAMES[:3])

    def test_page_beyond_the_end_is_empty(self, client, firms):
        r = client.get("/firms/?page=3")
        assert r.status_code == 200
        assert not {n for n in NAMES if n in text(r)}

    def test_odd_pages_do_not_fail(self, client, firms):
        for page in ("999", "0", "-1", "abc", "1.5", ""):
            r = client.get(f"/firms/?page={page}")
            assert r.status_code == 200, page
            shown = {n for n in NAMES if n in text(r)}
            assert len(shown) <= 2, page


def test_certification_wildcards_match_literally(client, make, firms):
    make.firm(name="百パーセント検査工業", certifications=["100%検査"])
    make.firm(name="アンダー工業", certifications=["JIS_Q_9100"])
    assert found(client, certification="%") == set()
    assert found(client, certification="_") == set()
    html = text(client.get("/firms/", query_string={"certification": "%"}))
    assert "百パーセント検査工業" in html and "アンダー工業" not in html
    html = text(client.get("/firms/", query_string={"certification": "q_9100"}))
    assert "アンダー工業" in html and "百パーセント検査工業" not in html
    html = text(client.get("/firms/", query_string={"certification": "_"}))
    assert "アンダー工業" in html and "百パーセント検査工業" not in html
    assert found(client, certification="iso_9001") == set()  # _ is not "any character"
    assert found(client, certification="9%1") == set()


def test_bad_filters_do_not_fail(client, firms):
    for params in ({"industry": "ZZ"}, {"language": "xx"}, {"area": "moon"}, {"q": "x" * 300},
                   {"q": "%"}, {"q": "_"}, {"q": "'; DROP TABLE firms; --"}, {"city": "\x00"},
                   {"q": "a\x00b"}, {"certification": "\x00"}):
        r = client.get("/firms/", query_string=params)
        assert r.status_code == 200, params
