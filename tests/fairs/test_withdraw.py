"""A firm withdraws its registration: requests and meetings go, the firms concerned are told."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.fairs.models import Meeting, MeetingRequest, Participant
from matchmaker.notifications.models import Notification
from matchmaker.models import utcnow


def _keys(firm_id):
    return [n.key for n in db.session.scalars(sa.select(Notification).where(Notification.firm_id == firm_id))]


def _meeting(fair, a, b, slot):
    db.session.add(Meeting(fair_id=fair.id, a_id=a.id, b_id=b.id, slot=slot, table_no=1, weight=1.0))
    db.session.commit()


def test_withdraw_removes_the_firm_its_requests_and_meetings(client, auth, setup, fairs):
    fair, p1, p2, p3 = setup["fair"], setup["p1"], setup["p2"], setup["p3"]
    ids = (p1.id, p2.id, p3.id)
    fairs.request(fair, p1, p2, status="accepted")
    fairs.request(fair, p3, p1, status="declined")
    fairs.request(fair, p2, p3, status="pending")
    _meeting(fair, p1, p2, "placeholder-1")
    _meeting(fair, p2, p3, "placeholder-2")
    before = fair.changed_at
    auth.login("member@example.com")
    page = client.get(f"/fairs/{fair.id}/register").get_data(as_text=True)
    assert f'action="/fairs/{fair.id}/withdraw"' in page
    r = client.post(f"/fairs/{fair.id}/withdraw")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/fairs/{fair.id}")
    db.session.expire_all()
    assert db.session.get(Participant, ids[0]) is None
    assert [(q.from_id, q.to_id) for q in db.session.scalars(sa.select(MeetingRequest))] == [(ids[1], ids[2])]
    assert [(m.a_id, m.b_id) for m in db.session.scalars(sa.select(Meeting))] == [(ids[1], ids[2])]
    assert _keys(p2.firm_id) == ["participant_withdrew"]  # an accepted request: told
    assert _keys(p3.firm_id) == []  # its request had been declined: nothing to tell
    assert fair.changed_at != before  # partner recommendations are recomputed
    # the fair page offers registration again, and the participant pages are closed to the firm
    page = client.get(f"/fairs/{fair.id}").get_data(as_text=True)
    assert f"/fairs/{fair.id}/register" in page
    assert client.get(f"/fairs/{fair.id}/partners").status_code == 403
    assert client.post(f"/fairs/{fair.id}/withdraw").status_code == 403
    auth.logout()
    auth.login("other@example.com")
    page = client.get("/notifications/").get_data(as_text=True)
    assert setup["member"].firm.name in page and "participant_withdrew" not in page


def test_withdraw_is_refused_once_registration_closed_or_schedule_published(client, auth, setup):
    fair, p1 = setup["fair"], setup["p1"]
    auth.login("member@example.com")
    fair.registration_open = False
    db.session.commit()
    r = client.post(f"/fairs/{fair.id}/withdraw", follow_redirects=True, headers={"Accept-Language": "en"})
    assert "alert-warning" in r.get_data(as_text=True)  # "... please contact the organizer to withdraw."
    fair.registration_open = True
    fair.schedule_published_at = utcnow()
    db.session.commit()
    client.post(f"/fairs/{fair.id}/withdraw")
    assert f'action="/fairs/{fair.id}/withdraw"' not in client.get(f"/fairs/{fair.id}/register").get_data(as_text=True)
    fair.schedule_published_at = None
    fair.registration_deadline = fair.start_date - timedelta(days=30)  # deadline passed
    db.session.commit()
    client.post(f"/fairs/{fair.id}/withdraw")
    db.session.expire_all()
    assert db.session.get(Participant, p1.id) is not None


def test_withdraw_access(client, auth, setup, make):
    fair = setup["fair"]
    r = client.post(f"/fairs/{fair.id}/withdraw")
    assert r.status_code == 302 and "/account/login" in r.headers["Location"]
    outsider = make.user(firm=make.firm(name="無関係工業"), email="outsider@example.com")
    auth.login(outsider.email)
    assert client.post(f"/fairs/{fair.id}/withdraw").status_code == 403
    assert client.get(f"/fairs/{fair.id}/withdraw").status_code == 405
    assert client.post("/fairs/999999/withdraw").status_code == 404
    auth.logout()
    auth.login("organizer@example.com")  # an organizer without a firm takes part in nothing
    assert client.post(f"/fairs/{fair.id}/withdraw").status_code == 403
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 3


def test_withdraw_needs_the_csrf_token(app, setup):
    from support import PASSWORD, csrf_token_from

    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    token = csrf_token_from(client.get("/account/login").get_data(as_text=True))
    client.post("/account/login", data={"email": "member@example.com", "password": PASSWORD, "csrf_token": token})
    fair = setup["fair"]
    assert client.post(f"/fairs/{fair.id}/withdraw").status_code == 400
    db.session.expire_all()
    assert db.session.get(Participant, setup["p1"].id) is not None
    token = csrf_token_from(client.get(f"/fairs/{fair.id}/register").get_data(as_text=True))
    assert client.post(f"/fairs/{fair.id}/withdraw", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Participant, setup["p1"].id) is None


def test_withdraw_waits_for_a_running_scheduler(client, auth, setup):
    fair, p1_id = setup["fair"], setup["p1"].id
    fair.scheduling_token, fair.scheduling_started_at = "another-run", utcnow()
    db.session.commit()
    auth.login("member@example.com")
    r = client.post(f"/fairs/{fair.id}/withdraw", follow_redirects=True, headers={"Accept-Language": "en"})
    assert "alert-warning" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Participant, p1_id) is not None  # nothing changed
    fair.scheduling_started_at = utcnow() - timedelta(hours=2)  # a lock left behind by a crashed run
    db.session.commit()
    client.post(f"/fairs/{fair.id}/withdraw")
    db.session.expire_all()
    assert db.session.get(Participant, p1_id) is None


def test_withdraw_refused_when_the_schedule_was_published_meanwhile(app, setup):
    import pytest

    from matchmaker.fairs import errors, meeting_requests
    from matchmaker.fairs.models import Fair

    fair, p1 = setup["fair"], setup["p1"]
    # the organizer publishes between the page's check and the withdrawal (another transaction)
    db.session.execute(sa.update(Fair).where(Fair.id == fair.id).values(schedule_published_at=utcnow()),
                       execution_options={"synchronize_session": False})
    db.session.commit()
    with app.test_request_context():
        with pytest.raises(errors.FairError):
            meeting_requests.withdraw(fair, p1, link="/")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Participant.id)).where(Participant.fair_id == fair.id)) == 3
