"""Every page for each role: 200 where allowed, 302 to the login page for anonymous visitors on
protected pages, 403 where forbidden."""
from __future__ import annotations

import pytest

from matchmaker.models import Firm, Need, Offering

from .conftest import counts, reload, text

ROLES = ("anonymous", "member", "other", "organizer", "admin")
LOGIN = "login"  # 302 to the login page
HOME = "home"  # 302 to the home page
AWAY = "away"  # 302 somewhere on the site (already signed in)

# path -> expected outcome per role: anonymous, member of the owning firm, another firm's member,
# organizer, admin
PAGES = {
    "/": (200, 200, 200, 200, 200),
    "/about": (200, 200, 200, 200, 200),
    "/healthz": (200, 200, 200, 200, 200),
    "/firms/": (200, 200, 200, 200, 200),
    "/firms/{firm}": (200, 200, 200, 200, 200),
    "/firms/999999": (404, 404, 404, 404, 404),
    "/offerings/": (200, 200, 200, 200, 200),
    "/needs/": (200, 200, 200, 200, 200),
    "/offerings/{offering}": (200, 200, 200, 200, 200),
    "/needs/{need}": (200, 200, 200, 200, 200),
    "/needs/999999": (404, 404, 404, 404, 404),
    "/account/login": (200, HOME, HOME, HOME, HOME),
    "/account/register": (200, AWAY, AWAY, AWAY, AWAY),
    "/account/settings": (LOGIN, 200, 200, 200, 200),
    "/firms/mine": (LOGIN, 200, 200, HOME, HOME),
    "/firms/{firm}/edit": (LOGIN, 200, 403, 403, 403),
    "/firms/{other_firm}/edit": (LOGIN, 403, 200, 403, 403),
    "/offerings/new": (LOGIN, 200, 200, 403, 403),
    "/needs/new": (LOGIN, 200, 200, 403, 403),
    "/offerings/{offering}/edit": (LOGIN, 200, 403, 403, 403),
    "/needs/{need}/edit": (LOGIN, 200, 403, 403, 403),
    "/offerings/{offering}/delete": (LOGIN, 200, 403, 403, 403),
    "/needs/{need}/delete": (LOGIN, 200, 403, 403, 403),
    "/admin/reports": (LOGIN, 403, 403, 200, 200),
}


def outcome(r) -> str | int:
    if r.status_code != 302:
        return r.status_code
    location = r.headers["Location"]
    path = location.split("://", 1)[-1].split("/", 1)[-1] if "://" in location else location.lstrip("/")
    if path.startswith("account/login") and "next=" in path:
        return LOGIN
    if path == "":
        return HOME
    return f"302 {location}"


@pytest.mark.parametrize("path", PAGES)
def test_page_access_by_role(client_as, world, path):
    url = path.format(**world)
    wrong = []
    for role, expected in zip(ROLES, PAGES[path]):
        r = client_as(role).get(url)
        got = outcome(r)
        ok = got == expected or (expected == AWAY and isinstance(got, str) and got != LOGIN)
        if not ok:
            wrong.append(f"{role}: expected {expected}, got {got}")
        elif r.status_code in (200, 403, 404) and path != "/healthz":
            if "<html" not in text(r):
                wrong.append(f"{role}: {r.status_code} page without the site layout")
    assert not wrong, f"GET {url}: " + "; ".join(wrong)


# State-changing requests by someone who may not make them: refused, and nothing changes.
FORBIDDEN_POSTS = {
    "/firms/{firm}/edit": {"name": "乗っ取り", "city": "藤沢市", "country": "JP"},
    "/offerings/{offering}/edit": {"title": "乗っ取り"},
    "/needs/{need}/edit": {"title": "乗っ取り"},
    "/offerings/{offering}/status": {"status": "closed"},
    "/needs/{need}/status": {"status": "fulfilled"},
    "/offerings/{offering}/delete": {},
    "/needs/{need}/delete": {},
    "/offerings/new": {"title": "新しい出品"},
    "/needs/new": {"title": "新しいニーズ"},
}


def assert_world_unchanged(world):
    assert reload(Firm, world["firm"]).name == "株式会社藤沢精工"
    offering = reload(Offering, world["offering"])
    assert offering.title == "NC旋盤による精密切削加工" and offering.status == "active"
    need = reload(Need, world["need"])
    assert need.title == "アルミ部品の黒アルマイト処理" and need.status == "open"


@pytest.mark.parametrize("path", FORBIDDEN_POSTS)
def test_forbidden_posts_change_nothing(client_as, world, path):
    roles = ["anonymous", "organizer", "admin"] + ([] if path.endswith("/new") else ["other"])
    for role in roles:
        c = client_as(role)  # signing in an organizer/admin creates that account first
        before = counts()
        r = c.post(path.format(**world), data=FORBIDDEN_POSTS[path])
        if role == "anonymous":
            assert outcome(r) == LOGIN, (role, r.status_code)
        else:
            assert r.status_code == 403, (role, r.status_code)
        assert counts() == before, role
        assert_world_unchanged(world)
