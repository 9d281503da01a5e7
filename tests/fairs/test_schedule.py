"""The scheduler run from the organizer's page: stored meetings, rules, locks, moves, the concurrency lock."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.fairs.models import Fair, Meeting
from matchmaker.fairs.slots import fair_slots
from matchmaker.models import utcnow


def _meetings(fair):
    db.session.expire_all()
    return db.session.scalars(sa.select(Meeting).where(Meeting.fair_id == fair.id).order_by(Meeting.id)).all()


def _small(fairs, make, setup):
    """Four participants; accepted requests p1-p2, p1-p3, p2-p3, p4-p1; p3 only in the first two slots."""
    fair, p1, p2, p3 = setup["fair"], setup["p1"], setup["p2"], setup["p3"]
    keys = [s.key for s in fair_slots(fair)]
    p3.available = keys[:2]
    p4 = fairs.join(fair, make.firm(name="鎌倉樹脂"), seeks="樹脂成形", offers="射出成形", max_meetings=1)
    db.session.commit()
    for a, b in ((p1, p2), (p1, p3), (p2, p3), (p4, p1)):
        fairs.request(fair, a, b)
    return fair, [p1, p2, p3, p4], keys


def _check_rules(fair, meetings, people, keys):
    seen = set()
    places = set()
    pairs = set()
    count = Counter()
    for m in meetings:
        assert m.slot in keys and 1 <= m.table_no <= fair.tables
        for pid in (m.a_id, m.b_id):
            assert (pid, m.slot) not in seen, "someone in two places"
            seen.add((pid, m.slot))
            count[pid] += 1
            p = next(p for p in people if p.id == pid)
            assert p.available is None or m.slot in p.available
        assert (m.slot, m.table_no) not in places
        places.add((m.slot, m.table_no))
        pair = tuple(sorted((m.a_id, m.b_id)))
        assert pair not in pairs
        pairs.add(pair)
    for p in people:
        if p.max_meetings is not None:
            assert count[p.id] <= p.max_meetings
    return count


def test_run_from_the_page(client, auth, fairs, make, setup):
    fair, people, keys = _small(fairs, make, setup)
    auth.login("organizer@example.com")
    r = client.post(f"/fairs/{fair.id}/schedule/run")
    assert r.status_code == 302
    meetings = _meetings(fair)
    assert len(meetings) == 4  # every accepted request fits
    count = _check_rules(fair, meetings, people, keys)
    assert all(count[p.id] >= 1 for p in people)
    db.session.refresh(fair)
    report = fair.schedule_report
    assert report["total_weight"] <= report["upper_bound"] + 1e-6 and report["meetings"] == 4
    assert fair.scheduling_token is None  # the lock is released
    page = client.get(f"/fairs/{fair.id}/schedule").get_data(as_text=True)
    assert people[3].firm.name in page and "%" in page


def test_lock_and_rerun_keeps_locked(client, auth, fairs, make, setup):
    fair, people, keys = _small(fairs, make, setup)
    auth.login("organizer@example.com")
    client.post(f"/fairs/{fair.id}/schedule/run")
    first = _meetings(fair)
    keep = next(m for m in first if {m.a_id, m.b_id} == {people[0].id, people[1].id})
    assert client.post(f"/fairs/{fair.id}/meetings/{keep.id}/lock").status_code == 302
    # move the locked meeting by hand to the last slot, table 2 (free: p3 is gone by then)
    r = client.post(f"/fairs/{fair.id}/meetings/{keep.id}/move", data={"slot": keys[-1], "table": 2})
    assert r.status_code == 302
    client.post(f"/fairs/{fair.id}/schedule/run")
    again = _meetings(fair)
    kept = [m for m in again if m.id == keep.id]
    assert kept and kept[0].slot == keys[-1] and kept[0].table_no == 2 and kept[0].locked
    _check_rules(fair, again, people, keys)
    assert len(again) == 4


def test_move_onto_busy_slot_is_refused(client, auth, fairs, make, setup):
    fair, people, keys = _small(fairs, make, setup)
    auth.login("organizer@example.com")
    client.post(f"/fairs/{fair.id}/schedule/run")
    meetings = _meetings(fair)
    p1 = people[0]
    mine = [m for m in meetings if m.involves(p1.id)]
    a, b = mine[0], mine[1]
    before = [(m.id, m.slot, m.table_no) for m in meetings]
    # p1 already meets someone in b's slot
    r = client.post(f"/fairs/{fair.id}/meetings/{a.id}/move", data={"slot": b.slot, "table": 2 if b.table_no == 1 else 1})
    assert r.status_code == 200 and "invalid-feedback" in r.get_data(as_text=True)
    # a taken table
    other = next((m for m in meetings if m.slot != a.slot and not (m.involves(a.a_id) or m.involves(a.b_id))), None)
    if other is not None:
        r = client.post(f"/fairs/{fair.id}/meetings/{a.id}/move", data={"slot": other.slot, "table": other.table_no})
        assert r.status_code == 200
    # no such table, unknown slot, someone absent
    assert client.post(f"/fairs/{fair.id}/meetings/{a.id}/move", data={"slot": a.slot, "table": 9}).status_code == 200
    for table in ("2147483648", "99999999999999999999", "-1"):
        assert client.post(f"/fairs/{fair.id}/meetings/{a.id}/move",
                           data={"slot": a.slot, "table": table}).status_code == 200, table
    assert client.post(f"/fairs/{fair.id}/meetings/{a.id}/move", data={"slot": "x", "table": 1}).status_code == 200
    p3_meeting = next(m for m in meetings if m.involves(people[2].id))
    assert client.post(f"/fairs/{fair.id}/meetings/{p3_meeting.id}/move",
                       data={"slot": keys[-1], "table": 1}).status_code == 200
    assert [(m.id, m.slot, m.table_no) for m in _meetings(fair)] == before
    assert client.get(f"/fairs/{fair.id}/meetings/{a.id}/move").status_code == 200


def test_second_run_is_told_the_scheduler_is_running(client, auth, fairs, make, setup):
    fair, people, keys = _small(fairs, make, setup)
    db.session.execute(sa.update(Fair).where(Fair.id == fair.id).values(scheduling_token="held-by-someone-else",
                                                                         scheduling_started_at=utcnow()))
    db.session.commit()
    auth.login("organizer@example.com")
    client.post("/account/language", data={"lang": "en"})
    r = client.post(f"/fairs/{fair.id}/schedule/run", follow_redirects=True)
    assert "already running for this fair" in r.get_data(as_text=True)
    assert _meetings(fair) == []
    db.session.refresh(fair)
    assert fair.scheduling_token == "held-by-someone-else"  # the other run's lock is untouched
    # a stale lock (a crashed run) is taken over
    db.session.execute(sa.update(Fair).where(Fair.id == fair.id).values(
        scheduling_started_at=utcnow() - timedelta(hours=2)))
    db.session.commit()
    client.post(f"/fairs/{fair.id}/schedule/run")
    assert len(_meetings(fair)) == 4


def test_lock_function_is_atomic(app, fairs, make, setup):
    from matchmaker.fairs.errors import SchedulerBusy
    from matchmaker.fairs.locking import acquire_scheduler_lock, release_scheduler_lock

    fair = setup["fair"]
    with app.test_request_context():
        token = acquire_scheduler_lock(fair.id, stale_after=60)
        with pytest.raises(SchedulerBusy):
            acquire_scheduler_lock(fair.id, stale_after=60)
        release_scheduler_lock(fair.id, token)
        db.session.commit()
        assert acquire_scheduler_lock(fair.id, stale_after=60) != token


def test_nothing_to_schedule_and_publish(client, auth, fairs, make, setup):
    fair = setup["fair"]
    auth.login("organizer@example.com")
    client.post(f"/fairs/{fair.id}/schedule/run")
    client.post(f"/fairs/{fair.id}/schedule/publish", data={"action": "publish"})
    db.session.refresh(fair)
    assert fair.schedule_published_at is None and fair.scheduling_token is None
    fair2, people, keys = _small(fairs, make, {**setup})
    client.post(f"/fairs/{fair.id}/schedule/run")
    client.post(f"/fairs/{fair.id}/schedule/publish", data={"action": "publish"})
    db.session.refresh(fair)
    assert fair.schedule_published_at is not None
    from matchmaker.notifications.models import Notification

    keys_ = db.session.scalars(sa.select(Notification.key)).all()
    assert keys_.count("schedule_published") == 4
    # a published schedule is not recomputed
    before = [(m.id, m.slot) for m in _meetings(fair)]
    client.post(f"/fairs/{fair.id}/schedule/run")
    assert [(m.id, m.slot) for m in _meetings(fair)] == before


def test_removing_a_pairing_removes_its_meeting(client, auth, fairs, make, setup):
    fair, people, keys = _small(fairs, make, setup)
    auth.login("organizer@example.com")
    client.post(f"/fairs/{fair.id}/schedule/run")
    from matchmaker.fairs.models import MeetingRequest

    req = db.session.scalars(sa.select(MeetingRequest).where(MeetingRequest.from_id == people[3].id)).one()
    client.post(f"/fairs/{fair.id}/requests/{req.id}/remove")
    assert not any(m.involves(people[3].id) for m in _meetings(fair))


def test_locked_meeting_that_no_longer_fits_is_reported(client, auth, fairs, make, setup):
    fair, people, keys = _small(fairs, make, setup)
    auth.login("organizer@example.com")
    client.post("/account/language", data={"lang": "en"})
    client.post(f"/fairs/{fair.id}/schedule/run")
    m = next(m for m in _meetings(fair) if m.involves(people[1].id))
    client.post(f"/fairs/{fair.id}/meetings/{m.id}/lock")
    # the firm now leaves before that slot
    p = people[1]
    p.available = [k for k in keys if k != m.slot]
    db.session.commit()
    before = [(x.id, x.slot, x.table_no) for x in _meetings(fair)]
    r = client.post(f"/fairs/{fair.id}/schedule/run", follow_redirects=True)
    assert "cannot be kept" in r.get_data(as_text=True)
    assert [(x.id, x.slot, x.table_no) for x in _meetings(fair)] == before
    db.session.refresh(fair)
    assert fair.scheduling_token is None
