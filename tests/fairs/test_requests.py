"""Meeting requests: ask, accept, decline, withdraw; notifications; organizer pairings; bad input."""
from __future__ import annotations

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.fairs.models import MeetingRequest
from matchmaker.notifications.models import Notification


def _requests():
    return db.session.scalars(sa.select(MeetingRequest).order_by(MeetingRequest.id)).all()


def _notes(firm_id):
    return db.session.scalars(sa.select(Notification).where(Notification.firm_id == firm_id)).all()


def test_request_accept_decline_with_notifications(client, auth, setup):
    fair, p1, p2, p3 = setup["fair"], setup["p1"], setup["p2"], setup["p3"]
    auth.login("member@example.com")
    page = client.get(f"/fairs/{fair.id}/partners").get_data(as_text=True)
    assert setup["other"].firm.name in page
    r = client.post(f"/fairs/{fair.id}/requests/new", data={"target": p2.id, "message": "切削の件で", "priority": 3})
    assert r.status_code == 302
    r = client.post(f"/fairs/{fair.id}/requests/new", data={"target": p3.id, "message": "", "priority": 1})
    assert r.status_code == 302
    reqs = _requests()
    assert [(q.from_id, q.to_id, q.priority, q.status) for q in reqs] == [(p1.id, p2.id, 3, "pending"),
                                                                          (p1.id, p3.id, 1, "pending")]
    assert [n.key for n in _notes(p2.firm_id)] == ["request_received"]
    # the partners page now marks the pair as already requested
    page = client.get(f"/fairs/{fair.id}/partners").get_data(as_text=True)
    assert f'name="target" value="{p2.id}"' not in page
    auth.logout()

    auth.login("other@example.com")
    page = client.get("/notifications/").get_data(as_text=True)
    assert setup["member"].firm.name in page
    assert client.get(f"/fairs/{fair.id}/my-requests").status_code == 200
    r = client.post(f"/fairs/{fair.id}/my-requests/{reqs[0].id}/answer", data={"answer": "accept", "priority": 3})
    assert r.status_code == 302
    # answering twice is refused politely
    client.post(f"/fairs/{fair.id}/my-requests/{reqs[0].id}/answer", data={"answer": "decline", "priority": 2})
    # someone else's request cannot be answered
    assert client.post(f"/fairs/{fair.id}/my-requests/{reqs[1].id}/answer",
                       data={"answer": "accept", "priority": 2}).status_code == 404
    auth.logout()

    auth.login("third@example.com")
    client.post(f"/fairs/{fair.id}/my-requests/{reqs[1].id}/answer", data={"answer": "decline", "priority": 2})
    db.session.expire_all()
    reqs = _requests()
    assert [q.status for q in reqs] == ["accepted", "declined"]
    assert reqs[0].answer_priority == 3
    assert sorted(n.key for n in _notes(p1.firm_id)) == ["request_accepted", "request_declined"]


def test_notifications_mark_read(client, auth, setup):
    from matchmaker.notifications import notify
    from matchmaker.notifications.service import unread_count

    notify(firm_id=setup["member"].firm_id, key="request_received", fair=setup["fair"], firm=setup["other"].firm,
           link=f"/fairs/{setup['fair'].id}/my-requests")
    notify(user_id=setup["member"].id, key="schedule_published", fair=setup["fair"], link="/fairs/")
    notify(firm_id=setup["other"].firm_id, key="schedule_published", fair=setup["fair"])
    db.session.commit()
    assert unread_count(setup["member"]) == 2
    auth.login("member@example.com")
    client.post("/account/language", data={"lang": "en"})
    html = client.get("/notifications/").get_data(as_text=True)
    assert "asked you for a meeting at Fujisawa Manufacturing Fair" in html
    one = db.session.scalars(sa.select(Notification).where(Notification.key == "request_received")).one()
    r = client.post("/notifications/read", data={"id": one.id})
    assert r.status_code == 302 and r.headers["Location"].endswith("/my-requests")
    assert unread_count(setup["member"]) == 1
    client.post("/notifications/read", data={})
    assert unread_count(setup["member"]) == 0
    assert unread_count(setup["other"]) == 1  # another firm's notifications are untouched


def test_bad_requests_are_refused(client, auth, setup, make, fairs):
    fair, p1, p2 = setup["fair"], setup["p1"], setup["p2"]
    auth.login("member@example.com")
    url = f"/fairs/{fair.id}/requests/new"
    client.post(url, data={"target": p1.id, "priority": 2})  # to oneself
    client.post(url, data={"target": 999999, "priority": 2})  # unknown participant
    client.post(url, data={"target": "abc", "priority": 2})
    client.post(url, data={"target": p2.id, "priority": 7})  # priority out of range
    other_fair = fairs.fair(name_ja="別の商談会")
    stranger = fairs.join(other_fair, make.firm(name="別会社"), seeks="x", offers="y")
    client.post(url, data={"target": stranger.id, "priority": 2})  # participant of another fair
    assert _requests() == []
    assert client.post(url, data={"target": p2.id, "priority": 2}).status_code == 302
    r = client.post(url, data={"target": p2.id, "priority": 2}, follow_redirects=True)  # duplicate
    assert r.status_code == 200
    assert len(_requests()) == 1
    auth.logout()
    # the reverse direction is a duplicate too
    auth.login("other@example.com")
    client.post(url, data={"target": p1.id, "priority": 2})
    assert len(_requests()) == 1


OUT_OF_RANGE = ("2147483648", "-1", "0", "99999999999999999999", "-99999999999999999999", "1e3", "١", " ")


def test_ids_beyond_the_databases_range_are_refused(client, auth, setup):
    """Numbers in forms that no row can have are a form error (a flash and a redirect), never a 500."""
    fair, p1, p2 = setup["fair"], setup["p1"], setup["p2"]
    auth.login("member@example.com")
    wrong = []
    for value in OUT_OF_RANGE:
        r = client.post(f"/fairs/{fair.id}/requests/new", data={"target": value, "priority": 2})
        if r.status_code != 302:
            wrong.append(f"request to {value!r}: {r.status_code}")
    auth.logout()
    auth.login("organizer@example.com")
    for value in OUT_OF_RANGE:
        for data in ({"a": value, "b": p2.id}, {"a": p1.id, "b": value}):
            r = client.post(f"/fairs/{fair.id}/pairings", data={**data, "priority": 2})
            if r.status_code != 302:
                wrong.append(f"pairing {data}: {r.status_code}")
    assert not wrong, "\n".join(wrong)
    assert _requests() == []
    r = client.post(f"/fairs/{fair.id}/requests/new", data={"target": "2147483648", "priority": 2})
    assert r.status_code == 403  # the organizer takes no part; members get the flash below
    auth.logout()
    auth.login("member@example.com")
    client.post("/account/language", data={"lang": "en"})
    r = client.post(f"/fairs/{fair.id}/requests/new", data={"target": "2147483648", "priority": 2},
                    follow_redirects=True)
    assert "This firm does not take part in this fair." in r.get_data(as_text=True)


def test_request_needs_a_common_slot(client, auth, setup):
    from matchmaker.fairs.slots import fair_slots

    fair, p1, p2 = setup["fair"], setup["p1"], setup["p2"]
    keys = [s.key for s in fair_slots(fair)]
    p1.available, p2.available = keys[:2], keys[2:]
    db.session.commit()
    auth.login("member@example.com")
    r = client.post(f"/fairs/{fair.id}/requests/new", data={"target": p2.id, "priority": 2}, follow_redirects=True,
                    headers={"Accept-Language": "en"})
    assert _requests() == []
    assert "time slot in common" in r.get_data(as_text=True) or "時間" in r.get_data(as_text=True)


def test_withdraw_request(client, auth, setup):
    fair, p2 = setup["fair"], setup["p2"]
    auth.login("member@example.com")
    client.post(f"/fairs/{fair.id}/requests/new", data={"target": p2.id, "priority": 2})
    req = _requests()[0]
    assert client.post(f"/fairs/{fair.id}/my-requests/{req.id}/cancel").status_code == 302
    db.session.expire_all()
    assert _requests()[0].status == "cancelled"
    assert "request_cancelled" in [n.key for n in _notes(p2.firm_id)]
    # a withdrawn request may be asked again
    client.post(f"/fairs/{fair.id}/requests/new", data={"target": p2.id, "priority": 3})
    db.session.expire_all()
    assert [(q.status, q.priority) for q in _requests()] == [("pending", 3)]


def test_organizer_adds_and_removes_pairings(client, auth, setup):
    fair, p1, p2, p3 = setup["fair"], setup["p1"], setup["p2"], setup["p3"]
    auth.login("organizer@example.com")
    assert client.post(f"/fairs/{fair.id}/pairings", data={"a": p2.id, "b": p3.id, "priority": 3}).status_code == 302
    reqs = _requests()
    assert [(q.origin, q.status) for q in reqs] == [("organizer", "accepted")]
    assert [n.key for n in _notes(p2.firm_id)] == ["pairing_added"]
    assert [n.key for n in _notes(p3.firm_id)] == ["pairing_added"]
    # bad input: the same firm twice, unknown participant, duplicate pairing
    client.post(f"/fairs/{fair.id}/pairings", data={"a": p1.id, "b": p1.id, "priority": 2})
    client.post(f"/fairs/{fair.id}/pairings", data={"a": p1.id, "b": 424242, "priority": 2})
    client.post(f"/fairs/{fair.id}/pairings", data={"a": p3.id, "b": p2.id, "priority": 2})
    assert len(_requests()) == 1
    page = client.get(f"/fairs/{fair.id}/requests").get_data(as_text=True)
    assert p2.firm.name in page and p3.firm.name in page
    assert client.post(f"/fairs/{fair.id}/requests/{reqs[0].id}/remove").status_code == 302
    db.session.expire_all()
    assert _requests()[0].status == "cancelled"
    assert sorted(n.key for n in _notes(p2.firm_id)) == ["pairing_added", "pairing_removed"]
    # members may not add pairings
    auth.logout()
    auth.login("member@example.com")
    assert client.post(f"/fairs/{fair.id}/pairings", data={"a": p1.id, "b": p2.id, "priority": 2}).status_code == 403


def test_forms_carry_csrf_tokens(app, setup):
    """With CSRF protection on (as in production), the pages' forms work and a forged POST is refused."""
    from support import PASSWORD, csrf_token_from

    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    token = csrf_token_from(client.get("/account/login").get_data(as_text=True))
    client.post("/account/login", data={"email": "member@example.com", "password": PASSWORD, "csrf_token": token})
    fair, p2 = setup["fair"], setup["p2"]
    assert client.post(f"/fairs/{fair.id}/requests/new", data={"target": p2.id, "priority": 2}).status_code == 400
    assert _requests() == []  # no token: refused
    page = client.get(f"/fairs/{fair.id}/partners").get_data(as_text=True)
    token = csrf_token_from(page)
    r = client.post(f"/fairs/{fair.id}/requests/new", data={"target": p2.id, "priority": 2, "csrf_token": token})
    assert r.status_code == 302 and len(_requests()) == 1


def test_another_firms_notification_cannot_be_probed(client, auth, setup):
    """Marking a notification read with someone else's id, a missing id or garbage answers the same way,
    and never leads to that notification's page."""
    from matchmaker.notifications import notify
    from matchmaker.notifications.service import unread_count

    theirs = notify(firm_id=setup["other"].firm_id, key="request_received", fair=setup["fair"],
                    firm=setup["member"].firm, link=f"/fairs/{setup['fair'].id}/my-requests?secret=1")
    db.session.commit()
    auth.login("member@example.com")
    answers = [client.post("/notifications/read", data={"id": v}) for v in (theirs.id, 99999999, "x", 2**31)]
    assert {r.status_code for r in answers} == {302}
    assert {r.headers["Location"] for r in answers} == {"/notifications/"}
    assert unread_count(setup["other"]) == 1  # not marked read either
