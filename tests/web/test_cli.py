"""Command line: seed-demo (empty database, refusal on data, --reset, --if-empty) and create-user."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Firm, Need, Offering, User

from .conftest import count, counts, fresh

DEMO_PASSWORD = "matchmaker-demo-2026"


def user_by_email(email):
    fresh()
    return db.session.scalar(sa.select(User).where(User.email == email))


def lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


# ------------------------------------------------------------------ seed-demo


def test_seed_demo_on_empty_database(runner, client):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Loaded" in result.output
    assert count(Firm) >= 1
    assert count(User, User.role == "member") == count(Firm)
    organizer = user_by_email("organizer@demo.example.com")
    admin = user_by_email("admin@demo.example.com")
    assert organizer is not None and organizer.role == "organizer" and organizer.firm_id is None
    assert admin is not None and admin.role == "admin"
    assert organizer.check_password(DEMO_PASSWORD) and admin.check_password(DEMO_PASSWORD)
    # every demo member belongs to a firm, every firm has a known place
    assert count(User, User.role == "member", User.firm_id.is_(None)) == 0
    assert count(Firm, Firm.latitude.is_(None)) == 0

    # the demo accounts work and the pages show the data
    r = client.post("/account/login", data={"email": "organizer@demo.example.com", "password": DEMO_PASSWORD})
    assert r.status_code == 302
    for path in ("/", "/firms/", "/needs/", "/offerings/", "/firms/?page=2"):
        assert client.get(path).status_code == 200, path

    # a second run is refused and changes nothing; --if-empty succeeds without loading
    before = counts()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "already has data" in result.output
    assert counts() == before
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert counts() == before


def test_seed_demo_refuses_non_empty_database(runner, make):
    firm = make.firm(name="既存の会社")
    make.user(firm=firm, email="existing@example.com")
    before = counts()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "already has data" in result.output and "--reset" in result.output
    assert len(lines(result.output)) == 1, result.output
    assert counts() == before
    assert user_by_email("organizer@demo.example.com") is None


def test_seed_demo_if_empty_on_non_empty_database(runner, make):
    make.firm(name="既存の会社")
    before = counts()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "not loaded" in result.output
    assert counts() == before
    assert user_by_email("organizer@demo.example.com") is None


def test_seed_demo_reset_replaces(runner, make):
    firm = make.firm(name="消される会社")
    make.offering(firm, title="消される出品")
    make.need(firm, title="消されるニーズ")
    make.user(firm=firm, email="gone@example.com")
    result = runner.invoke(args=["seed-demo", "--reset"])
    assert result.exit_code == 0, result.output
    assert count(Firm, Firm.name == "消される会社") == 0
    assert count(Offering, Offering.title == "消される出品") == 0
    assert count(Need, Need.title == "消されるニーズ") == 0
    assert user_by_email("gone@example.com") is None
    assert count(Firm) >= 1
    assert user_by_email("organizer@demo.example.com") is not None


# ------------------------------------------------------------------ create-user


def create_user(runner, *args, password="long-enough-harbour-pw-1"):
    return runner.invoke(args=["create-user", *args, "--password", password])


def test_create_user(runner):
    result = create_user(runner, "--email", "City.Hall@Example.COM", "--name", "市役所 担当", "--role", "organizer")
    assert result.exit_code == 0, result.output
    user = user_by_email("city.hall@example.com")
    assert user is not None and user.role == "organizer" and user.firm_id is None and user.name == "市役所 担当"
    assert user.password_hash != "long-enough-harbour-pw-1" and user.check_password("long-enough-harbour-pw-1")


def test_create_member_of_firm(runner, make):
    firm = make.firm()
    result = create_user(runner, "--email", "m@example.com", "--name", "M", "--firm-id", str(firm.id),
                         "--locale", "en")
    assert result.exit_code == 0, result.output
    user = user_by_email("m@example.com")
    assert user.role == "member" and user.firm_id == firm.id and user.locale == "en"


@pytest.mark.parametrize("args,password,message", [
    (["--email", "TAKEN@example.com", "--name", "X", "--role", "admin"], "long-enough-harbour-pw-1", "already exists"),
    (["--email", "not-an-email", "--name", "X", "--role", "admin"], "long-enough-harbour-pw-1", "invalid email"),
    (["--email", "a@b@example.com", "--name", "X", "--role", "admin"], "long-enough-harbour-pw-1", "invalid email"),
    (["--email", "new@example.com", "--name", "X"], "long-enough-harbour-pw-1", "must belong to a firm"),
    (["--email", "new@example.com", "--name", "X", "--role", "member"], "long-enough-harbour-pw-1", "--firm-id"),
    (["--email", "new@example.com", "--name", "X", "--firm-id", "999999"], "long-enough-harbour-pw-1", "no firm with id 999999"),
    (["--email", "new@example.com", "--name", "X", "--role", "admin"], "short", "at least 12 characters"),
    (["--email", "new@example.com", "--name", "  ", "--role", "admin"], "long-enough-harbour-pw-1", "name"),
], ids=["duplicate", "bad email", "bad email 2", "member without firm", "member without firm 2", "unknown firm",
        "short password", "empty name"])
def test_create_user_errors(runner, make, args, password, message):
    make.user(email="taken@example.com", role="admin")
    before = counts()
    result = create_user(runner, *args, password=password)
    assert result.exit_code != 0
    out = lines(result.output)
    assert len(out) == 1, result.output
    assert message in out[0], out[0]
    assert counts() == before


def test_create_user_unknown_role(runner):
    result = create_user(runner, "--email", "x@example.com", "--name", "X", "--role", "superuser")
    assert result.exit_code != 0
    assert count(User) == 0
