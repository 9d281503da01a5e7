"""Accounts administration (admins only) and who may open the local trade indicators (tests/indicators/)."""
import pytest

from matchmaker.extensions import db
from matchmaker.models import User


@pytest.mark.parametrize("path", ["/admin/users", "/admin/indicators"])
def test_anonymous_is_sent_to_log_in(client, path):
    r = client.get(path)
    assert r.status_code == 302 and "/account/login" in r.headers["Location"]


@pytest.mark.parametrize("path,organizer_status", [("/admin/users", 403), ("/admin/indicators", 200)])
def test_roles(client, auth, member, organizer, admin, path, organizer_status):
    auth.login(member.email)
    assert client.get(path).status_code == 403
    auth.logout()
    auth.login(organizer.email)
    assert client.get(path).status_code == organizer_status
    auth.logout()
    auth.login(admin.email)
    assert client.get(path).status_code == 200


def test_admin_changes_a_role(client, auth, admin, member):
    auth.login(admin.email)
    r = client.post(f"/admin/users/{member.id}", data={"role": "organizer", "active": "1"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, member.id).role == "organizer"


def test_admin_cannot_demote_itself(client, auth, admin):
    auth.login(admin.email)
    client.post(f"/admin/users/{admin.id}", data={"role": "member", "active": "1"})
    assert db.session.get(User, admin.id).role == "admin"


def test_unknown_role_is_refused(client, auth, admin, member):
    auth.login(admin.email)
    assert client.post(f"/admin/users/{member.id}", data={"role": "superuser"}).status_code == 400
    assert db.session.get(User, member.id).role == "member"


def test_member_cannot_change_roles(client, auth, member, other_member):
    auth.login(member.email)
    assert client.post(f"/admin/users/{other_member.id}", data={"role": "admin"}).status_code == 403
    assert db.session.get(User, other_member.id).role == "member"


def test_deactivated_user_cannot_log_in(app, client, auth, admin, member):
    from support import PASSWORD, new_client

    elsewhere = new_client(app)  # the member is signed in on another device
    assert elsewhere.post("/account/login", data={"email": member.email, "password": PASSWORD}).status_code == 302
    assert elsewhere.get("/firms/mine").status_code == 200
    auth.login(admin.email)
    client.post(f"/admin/users/{member.id}", data={"role": "member", "active": "0"})
    assert elsewhere.get("/firms/mine").status_code == 302  # signed out there at once
    auth.logout()
    auth.login(member.email)
    assert client.get("/firms/mine").status_code == 302


def test_search_boxes_with_control_characters(client, auth, admin):
    auth.login(admin.email)
    assert client.get("/admin/users", query_string={"q": "a\x00b"}).status_code == 200
    assert client.get("/needs/", query_string={"q": "a\x00b"}).status_code == 200
    assert client.get("/offerings/", query_string={"q": "\x00"}).status_code == 200
