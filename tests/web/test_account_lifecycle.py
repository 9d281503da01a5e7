"""Password reset by mail, deleting an account, deleting a firm (by its last member or an admin)."""
from __future__ import annotations

import sqlalchemy as sa
from support import PASSWORD, new_client

from matchmaker.accounts.models import AccountToken, UserSession
from matchmaker.extensions import db
from matchmaker.models import Firm, FirmFacet, Need, Offering, User

from .conftest import count, fresh, on_page, reload, text

NEW_PASSWORD = "lighthouse-ferry-2027"


def _reset(client, path, password=NEW_PASSWORD, **extra):
    return client.post(path, data={"password": password, "password2": password, **extra})


# ------------------------------------------------------------------ password reset


def test_password_reset_by_mail(app, client, auth, member, mailbox):
    elsewhere = new_client(app)
    elsewhere.post("/account/login", data={"email": member.email, "password": PASSWORD})
    r = client.post("/account/password/forgot", data={"email": member.email.upper()})
    assert r.status_code == 200 and on_page(text(r), "Check your email")
    path = mailbox.link(member.email, "/account/password/reset/")
    assert client.get(path).status_code == 200
    r = _reset(client, path)
    assert r.status_code == 302 and r.headers["Location"].endswith("/account/login")
    fresh()
    assert reload(User, member.id).check_password(NEW_PASSWORD)
    assert elsewhere.get("/account/settings").status_code == 302  # every session ended
    assert count(UserSession) == 0
    # the link works once
    assert client.get(path).status_code == 302
    assert _reset(client, path, password="another-harbour-pw-2027").status_code == 302
    assert reload(User, member.id).check_password(NEW_PASSWORD)
    assert auth.login(member.email, NEW_PASSWORD).status_code == 302


def test_forgot_password_says_the_same_for_unknown_addresses(client, member, mailbox):
    known = text(client.post("/account/password/forgot", data={"email": member.email}))
    unknown = text(client.post("/account/password/forgot", data={"email": "nobody@example.com"}))
    assert known.replace(member.email, "X") == unknown.replace("nobody@example.com", "X")
    mailbox.wait(member.email)
    assert mailbox.to("nobody@example.com") == []


def test_reset_link_expires_and_weak_passwords_are_refused(app, client, member, mailbox):
    client.post("/account/password/forgot", data={"email": member.email})
    path = mailbox.link(member.email, "/account/password/reset/")
    client.post("/account/language", data={"lang": "en"})
    r = _reset(client, path, password="password1234")
    assert r.status_code == 200 and "too easy to guess" in text(r)
    fresh()
    db.session.execute(sa.update(AccountToken).values(expires_at=sa.func.current_timestamp()))
    db.session.commit()
    r = _reset(client, path)
    assert r.status_code == 302 and r.headers["Location"].endswith("/account/password/forgot")
    assert reload(User, member.id).check_password(PASSWORD)


def test_a_second_reset_mail_replaces_the_first(client, member, mailbox):
    client.post("/account/password/forgot", data={"email": member.email})
    first = mailbox.link(member.email, "/account/password/reset/")
    client.post("/account/password/forgot", data={"email": member.email})
    second = mailbox.link(member.email, "/account/password/reset/", count=2)
    assert _reset(client, first).headers["Location"].endswith("/account/password/forgot")
    assert _reset(client, second).headers["Location"].endswith("/account/login")


# ------------------------------------------------------------------ deleting


def test_member_deletes_own_account_firm_stays(client, auth, member, make):
    member_id, firm_id = member.id, member.firm_id
    colleague = make.user(firm=member.firm, email="colleague@example.com")
    auth.login(member.email)
    r = client.get("/account/delete")
    assert r.status_code == 200 and "delete_firm" not in text(r)  # not the last member
    r = client.post("/account/delete", data={"password": "wrong-password-1", "confirm": "y"})
    assert r.status_code == 200 and count(User, User.id == member_id) == 1
    colleague_id = colleague.id
    r = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y", "delete_firm": "y"})
    assert r.status_code == 302
    assert count(User, User.id == member_id) == 0 and count(User, User.id == colleague_id) == 1
    assert reload(Firm, firm_id).deleted_at is None
    assert client.get("/account/settings").status_code == 302


def test_last_member_deletes_the_firm_with_its_listings(client, auth, member, make):
    firm_id = member.firm_id
    make.offering(member.firm)
    make.need(member.firm)
    auth.login(member.email)
    assert "delete_firm" in text(client.get("/account/delete"))
    r = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y", "delete_firm": "y"})
    assert r.status_code == 302
    firm = reload(Firm, firm_id)
    assert firm.deleted_at is not None and firm.published_at is None
    assert "藤沢精工" not in firm.name and firm.description_ja == "" and firm.address == ""
    assert count(Offering, Offering.firm_id == firm_id) == 0 and count(Need, Need.firm_id == firm_id) == 0
    assert count(FirmFacet, FirmFacet.firm_id == firm_id) == 0
    assert count(User, User.firm_id == firm_id) == 0
    assert client.get(f"/firms/{firm_id}").status_code == 404
    assert "藤沢精工" not in text(client.get("/firms/"))


def test_last_member_may_keep_the_firm(client, auth, member):
    member_id, firm_id = member.id, member.firm_id
    auth.login(member.email)
    assert client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"}).status_code == 302
    assert reload(Firm, firm_id).deleted_at is None
    assert count(User, User.id == member_id) == 0


def test_deleted_firm_keeps_an_anonymous_place_in_a_past_fair(client, auth, make):
    """Records other firms need (here a fair participation) keep the row, without name or details."""
    from datetime import time, timedelta

    from matchmaker.fairs.models import Fair, Participant
    from matchmaker.fairs.slots import today_local

    firm = make.firm(name="株式会社消える工業")
    user = make.user(firm=firm, email="leaving@example.com")
    other = make.firm(name="残る製作所")
    day = today_local() - timedelta(days=30)
    fair = Fair(name_ja="過去の商談会", venue="藤沢市民会館", start_date=day, end_date=day, day_start=time(10),
                day_end=time(12), registration_deadline=day, published=True)
    db.session.add(fair)
    db.session.flush()
    db.session.add_all([Participant(fair_id=fair.id, firm_id=firm.id), Participant(fair_id=fair.id, firm_id=other.id)])
    db.session.commit()
    auth.login(user.email)
    client.post("/account/delete", data={"password": PASSWORD, "confirm": "y", "delete_firm": "y"})
    fresh()
    assert count(Participant, Participant.fair_id == fair.id) == 2
    assert "消える工業" not in reload(Firm, firm.id).name


def test_admin_deletes_a_firm_and_an_account(client, auth, admin, member, make, other_member):
    other_id, member_id, firm_id = other_member.id, member.id, member.firm_id
    auth.login(admin.email)
    assert client.get(f"/admin/users/{other_id}/delete").status_code == 200
    assert client.post(f"/admin/users/{other_id}/delete").status_code == 302
    assert count(User, User.id == other_id) == 0
    assert client.post(f"/admin/firms/{firm_id}/delete").status_code == 302
    assert reload(Firm, firm_id).deleted_at is not None
    assert count(User, User.id == member_id) == 0
    assert client.post(f"/admin/firms/{firm_id}/delete").status_code == 404  # already gone


def test_only_admins_delete_others(client, auth, member, other_member, organizer):
    for who in (member, organizer):
        auth.login(who.email)
        assert client.post(f"/admin/users/{other_member.id}/delete").status_code == 403
        assert client.post(f"/admin/firms/{other_member.firm_id}/delete").status_code == 403
        auth.logout()
    assert count(User, User.id == other_member.id) == 1


def test_last_admin_cannot_delete_itself(client, auth, admin):
    auth.login(admin.email)
    r = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert r.status_code == 200 and count(User, User.id == admin.id) == 1
