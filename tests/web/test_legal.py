"""Terms of use, privacy policy and operator page: shipped text, admin edits as versions, acceptance at registration."""
from __future__ import annotations

import re

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.legal.models import LegalAcceptance, LegalDocument
from matchmaker.models import User

from .conftest import count, form_errors, fresh, text
from .test_accounts import register


def test_pages_have_real_text_and_are_linked(client):
    home = text(client.get("/"))
    for kind in ("terms", "privacy", "operator"):
        assert f'href="/legal/{kind}"' in home
    terms = text(client.get("/legal/terms"))
    assert "利用規約" in terms and "藤沢市" in terms and "<h2" in terms and "禁止事項" in terms
    en = text(client.get("/legal/privacy", headers={"Accept-Language": "en"}))
    assert "Privacy policy" in en and "Fujisawa City" in en and "e-mail addresses are never published" in en
    assert "藤沢市" in text(client.get("/legal/operator"))
    reg = text(client.get("/account/register"))
    assert 'href="/legal/terms"' in reg and 'href="/legal/privacy"' in reg
    assert client.get("/legal/terms?version=7").status_code == 404
    assert client.get("/legal/terms?version=x").status_code == 404
    assert client.get("/legal/cookies").status_code == 404


def test_registration_records_the_accepted_versions(client):
    r = register(client, accept_terms=None)
    assert r.status_code == 200 and re.search(r'name="accept_terms"[^>]*is-invalid|is-invalid[^>]*name="accept_terms"',
                                              text(r))
    assert count(User) == 0
    page = text(client.get("/account/register"))
    assert re.search(r'name="terms_version"[^>]*value="1"|value="1"[^>]*name="terms_version"', page)
    r = register(client)
    assert r.status_code == 200 and not form_errors(text(r))
    fresh()
    user = db.session.scalar(sa.select(User))
    rows = db.session.scalars(sa.select(LegalAcceptance).where(LegalAcceptance.user_id == user.id)).all()
    assert {(a.kind, a.version) for a in rows} == {("terms", 1), ("privacy", 1)}


def test_changed_terms_during_registration_ask_again(client, make, admin):
    assert 'name="terms_version" type="hidden" value="1"' in text(client.get("/account/register"))
    from matchmaker.legal import service

    service.save("terms", "利用規約", "Terms of use", "新しい規約", "New terms", admin)
    db.session.commit()
    r = register(client)  # posts version 1
    assert r.status_code == 200 and form_errors(text(r))
    assert count(User) == 1  # only the admin
    r = register(client, terms_version="2")
    assert r.status_code == 200 and not form_errors(text(r))
    fresh()
    assert db.session.scalar(sa.select(LegalAcceptance.version).where(LegalAcceptance.kind == "terms")) == 2


def test_admin_edits_make_versions(client, auth, admin, member):
    auth.login(member.email)
    assert client.get("/legal/terms/edit").status_code == 403
    assert client.post("/legal/terms/edit", data={"title_ja": "x", "title_en": "x", "body_ja": "x",
                                                  "body_en": "x"}).status_code == 403
    auth.logout()
    assert client.get("/legal/terms/edit").status_code == 302  # to the login page
    auth.login(admin.email)
    page = text(client.get("/legal/operator/edit"))
    assert "運営者・お問い合わせ" in page and "{city}" not in page
    data = {"title_ja": "運営者・お問い合わせ", "title_en": "Operator and contact",
            "body_ja": "## 運営者\n藤沢市 産業労働課\n\n- 電話：0466-00-0000\n<script>x</script>",
            "body_en": "## Operator\nFujisawa City, Industry Division"}
    r = client.post("/legal/operator/edit", data=data)
    assert r.status_code == 302
    fresh()
    versions = db.session.execute(sa.select(LegalDocument.version, LegalDocument.created_by_id)
                                  .where(LegalDocument.kind == "operator").order_by(LegalDocument.version)).all()
    assert versions == [(1, None), (2, admin.id)]  # the shipped text kept as version 1
    # saving the same text again makes no version
    client.post("/legal/operator/edit", data=data)
    assert count(LegalDocument) == 2
    shown = text(client.get("/legal/operator"))
    assert "0466-00-0000" in shown and "<li>" in shown and "<script>x" not in shown and "&lt;script&gt;" in shown
    assert "藤沢市（産業振興担当）" not in shown
    old = text(client.get("/legal/operator?version=1"))
    assert "受付時間" in old
    # bad input: nothing saved
    r = client.post("/legal/operator/edit", data={**data, "body_en": "", "title_ja": "x\x00"})
    assert r.status_code == 200 and len(form_errors(text(r))) == 2
    assert count(LegalDocument) == 2
