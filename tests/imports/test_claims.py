"""Taking over a listed firm: invitations by mail, the single-use link that expires, "this is my firm"."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.firms.models import FirmClaim
from matchmaker.models import User, utcnow
from support import PASSWORD


def link_in(mail) -> str:
    return re.search(r"http://[^\s]+/firms/\d+/claim/[\w-]+", mail.body).group(0).split("://", 1)[1].split("/", 1)[1]


def test_invitation_link_single_use_expiry_and_wrong_firm(app, client, auth, make, mailbox):
    listed = make.firm(name="市が掲載した会社", imported_at=utcnow(), contact_email="info@listed.example.com")
    other = make.firm(name="別の掲載企業", imported_at=utcnow())
    member = make.user(firm=make.firm())
    auth.login(member.email)
    assert client.post(f"/firms/{listed.id}/invite").status_code == 403  # members may not invite
    auth.logout()
    auth.login(make.user(role="organizer").email)
    assert client.post(f"/firms/{listed.id}/invite").status_code == 302
    mail = mailbox.wait("info@listed.example.com")[0]
    path = "/" + link_in(mail)
    assert "14" in mail.body
    auth.logout()

    wrong = path.replace(f"/firms/{listed.id}/", f"/firms/{other.id}/")
    assert client.get(wrong).status_code == 410  # the link names another firm
    assert client.get(path).status_code == 200
    form = {"name": "山田 花子", "password": PASSWORD, "password2": PASSWORD}
    r = client.post(path, data=form)
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/firms/{listed.id}/edit")
    db.session.rollback()
    user = db.session.scalar(sa.select(User).where(User.email == "info@listed.example.com"))
    assert user.firm_id == listed.id and user.email_verified and user.role == "member"
    db.session.refresh(listed)
    assert not listed.listed_by_city
    client.post("/account/logout")
    assert client.post(path, data=form).status_code == 410  # used once
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.firm_id == listed.id)) == 1


def test_expired_link_and_bulk_invitations(app, client, auth, make, mailbox):
    a = make.firm(name="掲載A", imported_at=utcnow(), contact_email="a@example.com")
    make.firm(name="掲載B", imported_at=utcnow(), contact_email="b@example.com")
    make.firm(name="連絡先なし", imported_at=utcnow())
    auth.login(make.user(role="organizer").email)
    client.post("/firms/claims", data={"action": "invite_all"})
    client.post("/firms/claims", data={"action": "invite_all"})  # again: the running invitations are not repeated
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FirmClaim)) == 2
    path = "/" + link_in(mailbox.wait("a@example.com")[0])
    mailbox.wait("b@example.com")
    db.session.execute(sa.update(FirmClaim).where(FirmClaim.firm_id == a.id)
                       .values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    auth.logout()
    assert client.get(path).status_code == 410


def test_this_is_my_firm_request_approved_by_an_organizer(app, client, auth, make, mailbox):
    listed = make.firm(name="掲載C", imported_at=utcnow())
    r = client.post(f"/firms/{listed.id}/this-is-my-firm",
                    data={"name": "鈴木", "email": "Suzuki@Example.com", "message": "代表です"})
    assert r.status_code == 302 and mailbox.to("suzuki@example.com") == []
    claimed = make.firm(name="会員のいる会社", imported_at=utcnow())
    make.user(firm=claimed)
    assert client.get(f"/firms/{claimed.id}/this-is-my-firm").status_code == 404  # taken over already
    organizer = make.user(role="organizer")
    auth.login(organizer.email)
    page = client.get("/firms/claims").get_data(as_text=True)
    assert "suzuki@example.com" in page and "代表です" in page
    claim = db.session.scalar(sa.select(FirmClaim))
    client.post("/firms/claims", data={"action": "approve", "claim": claim.id})
    client.post("/firms/claims", data={"action": "approve", "claim": claim.id})  # twice: one mail
    mail = mailbox.wait("suzuki@example.com")[0]
    auth.logout()
    r = client.post("/" + link_in(mail), data={"name": "鈴木", "password": PASSWORD, "password2": PASSWORD})
    assert r.status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(User.firm_id).where(User.email == "suzuki@example.com")) == listed.id
    assert len(mailbox.to("suzuki@example.com")) == 1
