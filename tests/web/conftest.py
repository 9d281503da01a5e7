"""Fixtures for the web test suite (Flask test client).

The root `client` runs every request in its own application context, as in production; test
code uses the test's own context and session: call `fresh()` before reading what a request changed.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

import matchmaker
from matchmaker.extensions import db

from support import new_client



@pytest.fixture
def https_client(client):
    client.environ_base["wsgi.url_scheme"] = "https"
    return client


def fresh() -> None:
    """Forget what the test's session has cached, so the next read sees what requests committed."""
    db.session.rollback()
    db.session.expire_all()


def count(model, *where) -> int:
    fresh()
    q = sa.select(sa.func.count()).select_from(model)
    for w in where:
        q = q.where(w)
    return db.session.scalar(q)


def counts() -> dict[str, int]:
    from matchmaker.models import Firm, FirmFacet, Need, Offering, User

    return {m.__tablename__: count(m) for m in (User, Firm, FirmFacet, Offering, Need)}


def reload(model, ident):
    fresh()
    return db.session.get(model, ident)


from support import PASSWORD, csrf_token_from  # noqa: E402,F401


def text(response) -> str:
    return response.get_data(as_text=True)


def form_errors(html: str) -> list[str]:
    """The messages Bootstrap-Flask renders under invalid fields."""
    import html as _html

    return [_html.unescape(m) for m in re.findall(r'class="invalid-feedback[^"]*"[^>]*>\s*(.*?)\s*<', html, re.S)]


TRANSLATIONS_DIR = Path(matchmaker.__file__).parent / "translations"


def variants(msgid: str, **params) -> set[str]:
    """A message as it may appear on a page: in English, or in Japanese where the catalogs translate it.

    The Japanese catalog is being completed while these tests are written; the tests hold
    whichever way a message is shown.
    """
    from babel.support import Translations
    from wtforms.i18n import messages_path

    out = {msgid}
    for catalog in (Translations.load(str(TRANSLATIONS_DIR), ["ja"]),
                    Translations.load(messages_path(), ["ja"], domain="wtforms")):
        out.add(catalog.gettext(msgid))
    return {s % params if params else s for s in out}


def has_error(html: str, msgid: str, **params) -> bool:
    wanted = variants(msgid, **params)
    return any(w in e for e in form_errors(html) for w in wanted)


def on_page(html: str, msgid: str, **params) -> bool:
    import html as _html

    page = _html.unescape(html)
    return any(w in page for w in variants(msgid, **params))


def html_lang(html: str) -> str | None:
    m = re.search(r'<html lang="([^"]*)"', html)
    return m.group(1) if m else None


@pytest.fixture
def world(make, member, other_member):
    """The member's firm with an open offering and an open need; another firm's member."""
    firm = member.firm
    offering = make.offering(firm)
    need = make.need(firm)
    return {
        "member": member,
        "other": other_member,
        "firm": firm.id,
        "other_firm": other_member.firm_id,
        "offering": offering.id,
        "need": need.id,
    }


@pytest.fixture
def client_as(app, make, world):
    """A new client signed in as one of: anonymous, member, other, organizer, admin (one per role)."""
    made: dict[str, FlaskClient] = {}

    def get(role: str) -> FlaskClient:
        if role in made:
            return made[role]
        c = new_client(app)
        if role != "anonymous":
            email = {"member": "member@example.com", "other": "other@example.com"}.get(role)
            if email is None:
                email = make.user(role=role, email=f"{role}@example.com").email
            r = c.post("/account/login", data={"email": email, "password": PASSWORD})
            assert r.status_code == 302, f"login as {role} failed"
        made[role] = c
        return c

    return get
