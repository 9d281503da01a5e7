"""Changes that affect the schedule against scheduler runs: refused while a run is in progress (nothing
changed, a clear message); made after a run, the schedule page shows the meetings they contradict and
publishing is refused until the organizer has dealt with them."""
from __future__ import annotations

import html

import pytest
import sqlalchemy as sa
from support import PASSWORD, new_client

from matchmaker.extensions import db
from matchmaker.fairs import locking, schedule, slots
from matchmaker.fairs.models import Fair, Meeting, MeetingRequest, Participant
from matchmaker.notifications.models import Notification

BUSY = "The organizer is planning the meetings right now. Please try again in a few minutes."
RUNNING = "The scheduler is already running for this fair. Please wait and reload."
NOT_PUBLISHED = "The schedule cannot be published while meetings conflict with changes made after the scheduler ran"


def _english(app, email):
    c = new_client(app)
    assert c.post("/account/login", data={"email": email, "password": PASSWORD}).status_code == 302
    c.post("/account/language", data={"lang": "en"})
    return c


def _page(r) -> str:
    return html.unescape(r.get_data(as_text=True))


def _get(model, ident):
    """The row as requests left it (the test's session forgets what it had read)."""
    db.session.expire_all()
    return db.session.get(model, ident)


def _meetings(fair):
    db.session.expire_all()
    return db.session.scalars(sa.select(Meeting).where(Meeting.fair_id == fair.id).order_by(Meeting.slot)).all()


def _state(fair):
    """Everything a refused change must leave as it was."""
    db.session.expire_all()
    return ([(r.id, r.status, r.answer_priority) for r in db.session.scalars(sa.select(MeetingRequest).order_by(MeetingRequest.id))],
            [(p.id, p.available, p.max_meetings, p.seeks) for p in db.session.scalars(sa.select(Participant).order_by(Participant.id))],
            [(m.id, m.slot, m.table_no, m.locked) for m in _meetings(fair)],
            db.session.scalar(sa.select(sa.func.count(Notification.id))),
            db.session.get(Fair, fair.id).tables)


def _registration(fair, keys, **changes):
    data = {"seeks": "アルミ部品の黒アルマイト処理", "offers": "NC旋盤による精密切削加工 SUS304",
            "first_slot": keys[0], "last_slot": keys[-1]}
    data.update(changes)
    return data


@pytest.fixture
def planned(app, fairs, setup):
    """p1 and p2 asked each other (accepted), p2 and p3 were paired by the organizer, p3 asked p1 (pending)."""
    fair, p1, p2, p3 = setup["fair"], setup["p1"], setup["p2"], setup["p3"]
    keys = [s.key for s in slots.fair_slots(fair)]
    asked = fairs.request(fair, p1, p2)
    paired = fairs.request(fair, p2, p3)
    paired.origin = "organizer"
    pending = fairs.request(fair, p3, p1, status="pending")
    db.session.commit()
    return {"fair": fair, "keys": keys, "p1": p1, "p2": p2, "p3": p3, "asked": asked.id, "paired": paired.id,
            "pending": pending.id, "member": _english(app, "member@example.com"),
            "organizer": _english(app, "organizer@example.com")}


# ------------------------------------------------------------------ during a run


def test_changes_are_refused_while_the_scheduler_runs(app, planned):
    fair, keys, member, organizer = planned["fair"], planned["keys"], planned["member"], planned["organizer"]
    meeting = Meeting(fair_id=fair.id, a_id=planned["p1"].id, b_id=planned["p2"].id, slot=keys[0], table_no=1)
    db.session.add(meeting)
    db.session.commit()
    token = locking.acquire_scheduler_lock(fair.id, stale_after=600)  # a run in progress
    before = _state(fair)
    f = f"/fairs/{fair.id}"
    for r, message in (
        (member.post(f"{f}/my-requests/{planned['asked']}/cancel", follow_redirects=True), BUSY),
        (member.post(f"{f}/my-requests/{planned['pending']}/answer", data={"answer": "accept", "priority": 3},
                     follow_redirects=True), BUSY),
        (member.post(f"{f}/my-requests/{planned['pending']}/answer", data={"answer": "decline"},
                     follow_redirects=True), BUSY),
        (member.post(f"{f}/register", data=_registration(fair, keys, last_slot=keys[0]), follow_redirects=True), BUSY),
        (member.post(f"{f}/withdraw", follow_redirects=True), BUSY),
        (organizer.post(f"{f}/requests/{planned['paired']}/remove", follow_redirects=True), RUNNING),
        (organizer.post(f"{f}/pairings", data={"a": planned["p1"].id, "b": planned["p3"].id, "priority": 2},
                        follow_redirects=True), RUNNING),
        (organizer.post(f"{f}/schedule/publish", data={"action": "publish"}, follow_redirects=True), RUNNING),
        (organizer.post(f"{f}/meetings/{meeting.id}/lock", follow_redirects=True), RUNNING),
        (organizer.post(f"{f}/meetings/{meeting.id}/move", data={"slot": keys[1], "table": 2},
                        follow_redirects=True), RUNNING),
    ):
        assert r.status_code == 200 and message in _page(r), r.request.path
        assert _state(fair) == before, r.request.path
    fair = _get(Fair, fair.id)
    form = {k: getattr(fair, k) for k in ("name_ja", "venue", "meeting_minutes", "break_minutes")}
    form.update(start_date=fair.start_date.isoformat(), end_date=fair.end_date.isoformat(), day_start="10:00",
                day_end="11:00", registration_deadline=fair.registration_deadline.isoformat(), tables=5,
                eligibility=fair.eligibility)
    r = organizer.post(f"{f}/edit", data=form, follow_redirects=True)
    assert RUNNING in _page(r) and _state(fair) == before
    # once the run is over, the same changes go through
    locking.release_scheduler_lock(fair.id, token)
    db.session.commit()
    assert organizer.post(f"{f}/edit", data=form).status_code == 302
    member.post(f"{f}/my-requests/{planned['asked']}/cancel")
    assert _get(MeetingRequest, planned["asked"]).status == "cancelled"
    member.post(f"{f}/register", data=_registration(fair, keys, last_slot=keys[1]))
    assert _get(Participant, planned["p1"].id).available == keys[:2]


@pytest.fixture
def during_the_run(monkeypatch):
    """Runs `action` while the scheduler computes, after it has read the fair's rows and before it stores
    the meetings: the moment a change made from another page used to slip in."""
    real = schedule.compute_schedule
    actions = []

    def computing(*args, **kwargs):
        for action in actions:
            action()
        return real(*args, **kwargs)

    monkeypatch.setattr(schedule, "compute_schedule", computing)
    return actions.append


def test_cancel_during_a_run_leaves_no_meeting_for_a_cancelled_request(planned, during_the_run):
    fair, member, organizer = planned["fair"], planned["member"], planned["organizer"]
    answers = []
    during_the_run(lambda: answers.append(
        member.post(f"/fairs/{fair.id}/my-requests/{planned['asked']}/cancel", follow_redirects=True)))
    assert organizer.post(f"/fairs/{fair.id}/schedule/run").status_code == 302
    assert BUSY in _page(answers[0])
    assert _get(MeetingRequest, planned["asked"]).status == "accepted"
    assert len(_meetings(fair)) == 2 and schedule.schedule_conflicts(fair) == []


def test_availability_change_during_a_run_is_refused(planned, during_the_run):
    fair, keys, p1, member, organizer = (planned[k] for k in ("fair", "keys", "p1", "member", "organizer"))
    answers = []
    during_the_run(lambda: answers.append(
        member.post(f"/fairs/{fair.id}/register", data=_registration(fair, keys, first_slot=keys[-1]),
                    follow_redirects=True)))
    organizer.post(f"/fairs/{fair.id}/schedule/run")
    assert BUSY in _page(answers[0])
    assert _get(Participant, p1.id).available is None
    assert schedule.schedule_conflicts(fair) == []


# ------------------------------------------------------------------ after a run


def test_availability_change_after_a_run_is_flagged_and_blocks_publishing(planned):
    fair, keys, p1, member, organizer = (planned[k] for k in ("fair", "keys", "p1", "member", "organizer"))
    organizer.post(f"/fairs/{fair.id}/schedule/run")
    mine = next(m for m in _meetings(fair) if m.involves(p1.id))
    present = [k for k in keys if k != mine.slot]
    r = member.post(f"/fairs/{fair.id}/register", data=_registration(fair, keys, slots=present))
    assert r.status_code == 302  # accepted: the firm really is absent then
    assert _get(Participant, p1.id).available == present

    page = _page(organizer.get(f"/fairs/{fair.id}/schedule"))
    section = page[page.index('id="conflicts"'):]
    section = section[:section.index("</div>")]
    assert "Meetings that conflict with changes made after the scheduler ran: 1" in section
    assert f"{p1.firm.name} is not present in this slot." in section
    assert f'href="/fairs/{fair.id}/participants#p{p1.id}"' in section
    assert f'href="/fairs/{fair.id}/meetings/{mine.id}/move"' in section
    assert 'class="table-danger"' in page
    assert f'id="p{p1.id}"' in organizer.get(f"/fairs/{fair.id}/participants").get_data(as_text=True)

    r = organizer.post(f"/fairs/{fair.id}/schedule/publish", data={"action": "publish"}, follow_redirects=True)
    assert NOT_PUBLISHED in _page(r)
    assert _get(Fair, fair.id).schedule_published_at is None
    assert not db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.key == "schedule_published"))

    # the organizer runs the scheduler again: nothing conflicts, and the schedule can be published
    organizer.post(f"/fairs/{fair.id}/schedule/run")
    assert schedule.schedule_conflicts(fair) == []
    assert 'id="conflicts"' not in organizer.get(f"/fairs/{fair.id}/schedule").get_data(as_text=True)
    # a request still waits for an answer: publishing asks first, then goes ahead once confirmed
    organizer.post(f"/fairs/{fair.id}/schedule/publish", data={"action": "publish"})
    assert _get(Fair, fair.id).schedule_published_at is None
    organizer.post(f"/fairs/{fair.id}/schedule/publish", data={"action": "publish", "confirmed": "1"})
    assert _get(Fair, fair.id).schedule_published_at is not None


def test_request_no_longer_accepted_after_a_run_is_flagged_and_blocks_publishing(planned):
    fair, p1, p2, member, organizer = (planned[k] for k in ("fair", "p1", "p2", "member", "organizer"))
    organizer.post(f"/fairs/{fair.id}/schedule/run")
    assert len(_meetings(fair)) == 2
    # cancelled from the page after the run: its meeting goes with it, nothing conflicts
    member.post(f"/fairs/{fair.id}/my-requests/{planned['asked']}/cancel")
    assert [m.involves(p1.id) for m in _meetings(fair)] == [False]
    assert schedule.schedule_conflicts(fair) == []
    # a meeting whose request is no longer accepted (as a run that outlived its lock, or the race
    # before this check, left them) is flagged, and blocks publishing
    req = _get(MeetingRequest, planned["asked"])
    req.status = "accepted"
    db.session.commit()
    organizer.post(f"/fairs/{fair.id}/schedule/run")
    db.session.execute(sa.update(MeetingRequest).where(MeetingRequest.id == planned["asked"])
                       .values(status="cancelled"))
    db.session.commit()
    meeting = next(m for m in _meetings(fair) if m.involves(p1.id))
    page = _page(organizer.get(f"/fairs/{fair.id}/schedule"))
    section = page[page.index('id="conflicts"'):]
    assert "the meeting request between them is no longer accepted" in section
    assert f'href="/fairs/{fair.id}/requests"' in section and f"/meetings/{meeting.id}/move" in section
    r = organizer.post(f"/fairs/{fair.id}/schedule/publish", data={"action": "publish"}, follow_redirects=True)
    assert NOT_PUBLISHED in _page(r) and _get(Fair, fair.id).schedule_published_at is None


def test_schedule_conflicts_reasons(planned):
    fair, p1, p2, p3, organizer = (planned[k] for k in ("fair", "p1", "p2", "p3", "organizer"))
    organizer.post(f"/fairs/{fair.id}/schedule/run")
    assert schedule.schedule_conflicts(fair) == []
    p2 = _get(Participant, p2.id)
    p2.max_meetings = 1  # it has two meetings: the later one is flagged
    db.session.commit()
    conflicts = schedule.schedule_conflicts(fair)
    later = _meetings(fair)[-1]
    assert [(c.meeting.id, c.reason, c.participant.id) for c in conflicts] == [(later.id, "too_many", p2.id)]
    assert f"{p2.firm.name} now wants at most 1 meetings" in _page(organizer.get(f"/fairs/{fair.id}/schedule"))
    p2.max_meetings = None
    later.table_no = fair.tables + 1  # the table is gone (the fair has fewer tables than planned with)
    db.session.commit()
    assert [(c.meeting.id, c.reason) for c in schedule.schedule_conflicts(fair)] == [(later.id, "place")]
