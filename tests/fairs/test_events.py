"""Creating and editing fairs, slots, opening and closing registration, and firms registering."""
from __future__ import annotations

from datetime import time, timedelta

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.fairs.models import Fair, Participant
from matchmaker.fairs.slots import compute_slots, fair_slots, today_local


def _form(**over):
    start = today_local() + timedelta(days=30)
    data = {"name_ja": "藤沢商談会", "name_en": "Fujisawa Fair", "venue": "湘南藤沢 産業センター",
            "start_date": start.isoformat(), "end_date": start.isoformat(), "day_start": "10:00", "day_end": "16:00",
            "meeting_minutes": "20", "break_minutes": "10", "lunch_start": "12:00", "lunch_end": "13:00",
            "tables": "8", "registration_deadline": (start - timedelta(days=7)).isoformat(), "eligibility": "local"}
    data.update(over)
    return data


def test_slots_skip_lunch_and_span_days():
    from datetime import date

    slots = compute_slots(date(2027, 2, 10), date(2027, 2, 11), time(10), time(12, 30), 30, 10, time(11, 0), time(11, 45))
    day1 = [s.start.strftime("%H:%M") for s in slots if s.day == date(2027, 2, 10)]
    assert day1 == ["10:00", "11:45"]  # 10:40 would overlap lunch; 12:25 would end after 12:30
    assert len(slots) == 4 and slots[0].key == "20270210T1000"
    assert all(a.end <= b.start for a, b in zip(slots, slots[1:]))


def test_organizer_creates_edits_and_publishes(client, auth, organizer):
    auth.login("organizer@example.com")
    r = client.post("/fairs/new", data=_form())
    assert r.status_code == 302
    fair = db.session.scalars(sa.select(Fair)).one()
    assert not fair.published and fair.eligibility == "local" and fair.lunch_start == time(12)
    assert len(fair_slots(fair)) == 10  # 10:00-11:30 (4), lunch, 13:00-15:30 (6)
    r = client.post(f"/fairs/{fair.id}/edit", data=_form(tables="12", name_ja="藤沢商談会2027"))
    assert r.status_code == 302
    db.session.refresh(fair)
    assert fair.tables == 12 and fair.name_ja == "藤沢商談会2027"
    for action in ("publish", "open"):
        assert client.post(f"/fairs/{fair.id}/status", data={"action": action}).status_code == 302
    db.session.refresh(fair)
    assert fair.published and fair.registration_open
    client.post(f"/fairs/{fair.id}/status", data={"action": "close"})
    db.session.refresh(fair)
    assert not fair.registration_open
    assert client.post(f"/fairs/{fair.id}/status", data={"action": "explode"}).status_code == 400


def test_fair_form_errors(client, auth, organizer):
    auth.login("organizer@example.com")
    start = today_local() + timedelta(days=30)
    bad = [
        {"end_date": (start - timedelta(days=1)).isoformat()},
        {"day_end": "09:00"},
        {"meeting_minutes": "0"},
        {"meeting_minutes": "-5"},
        {"tables": "0"},
        {"registration_deadline": (start + timedelta(days=1)).isoformat()},
        {"lunch_start": "12:00", "lunch_end": ""},
        {"lunch_start": "13:00", "lunch_end": "12:00"},
        {"meeting_minutes": "240", "day_start": "10:00", "day_end": "11:00", "lunch_start": "", "lunch_end": ""},
        {"name_ja": ""},
        {"start_date": "not a date"},
        {"eligibility": "martian"},
        {"break_minutes": "x"},
    ]
    for over in bad:
        r = client.post("/fairs/new", data=_form(**over))
        assert r.status_code == 200, over
        assert "is-invalid" in r.get_data(as_text=True) or "invalid-feedback" in r.get_data(as_text=True), over
    assert db.session.scalar(sa.select(sa.func.count(Fair.id))) == 0


def test_edit_refuses_losing_scheduled_slots(client, auth, setup, fairs):
    from matchmaker.fairs.models import Meeting

    fair, p1, p2 = setup["fair"], setup["p1"], setup["p2"]
    req = fairs.request(fair, p1, p2)
    last = fair_slots(fair)[-1]
    db.session.add(Meeting(fair_id=fair.id, request_id=req.id, a_id=p1.id, b_id=p2.id, slot=last.key, table_no=2))
    db.session.commit()
    auth.login("organizer@example.com")
    data = _form(start_date=fair.start_date.isoformat(), end_date=fair.end_date.isoformat(), day_start="10:00",
                 day_end="10:30", meeting_minutes="15", break_minutes="0", lunch_start="", lunch_end="", tables="2",
                 registration_deadline=fair.registration_deadline.isoformat())
    r = client.post(f"/fairs/{fair.id}/edit", data=data)
    assert r.status_code == 200
    db.session.refresh(fair)
    assert fair.day_end == time(11)


def test_registration_prefilled_and_saved(client, auth, make, fairs, member):
    make.need(member.firm, title="アルミ部品の黒アルマイト処理")
    make.offering(member.firm, title="NC旋盤による精密切削加工")
    fair = fairs.fair()
    keys = [s.key for s in fair_slots(fair)]
    auth.login("member@example.com")
    page = client.get(f"/fairs/{fair.id}/register").get_data(as_text=True)
    assert "アルミ部品の黒アルマイト処理" in page and "NC旋盤による精密切削加工" in page
    r = client.post(f"/fairs/{fair.id}/register", data={
        "seeks": "黒アルマイト", "offers": "切削加工", "first_slot": keys[1], "last_slot": keys[3], "max_meetings": "2"})
    assert r.status_code == 302
    p = db.session.scalars(sa.select(Participant)).one()
    assert p.available == keys[1:4] and p.max_meetings == 2
    # ticking slots narrows the window; everything again means None
    client.post(f"/fairs/{fair.id}/register", data={"seeks": "黒アルマイト", "offers": "", "first_slot": keys[0],
                                                    "last_slot": keys[-1], "slots": [keys[0], keys[2]], "max_meetings": ""})
    db.session.refresh(p)
    assert p.available == [keys[0], keys[2]] and p.max_meetings is None
    client.post(f"/fairs/{fair.id}/register", data={"seeks": "x", "offers": "y", "first_slot": keys[0],
                                                    "last_slot": keys[-1]})
    db.session.refresh(p)
    assert p.available is None
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 1


def test_registration_bad_input(client, auth, fairs, member):
    fair = fairs.fair()
    keys = [s.key for s in fair_slots(fair)]
    auth.login("member@example.com")
    url = f"/fairs/{fair.id}/register"
    for data in (
        {"seeks": "", "offers": "", "first_slot": keys[0], "last_slot": keys[-1]},  # nothing to match on
        {"seeks": "x", "first_slot": keys[3], "last_slot": keys[0]},  # leaves before arriving
        {"seeks": "x", "first_slot": "20990101T0000", "last_slot": keys[0]},  # unknown slot
        {"seeks": "x", "first_slot": keys[0], "last_slot": keys[-1], "max_meetings": "0"},
        {"seeks": "x", "first_slot": keys[0], "last_slot": keys[-1], "max_meetings": "99"},  # more than slots
        {"seeks": "x", "first_slot": keys[0], "last_slot": keys[-1], "max_meetings": "2147483648"},
        {"seeks": "x", "first_slot": keys[0], "last_slot": keys[-1], "max_meetings": "-99999999999999999999"},
        {"seeks": "x", "first_slot": keys[0], "last_slot": keys[1], "slots": [keys[3]]},  # ticked outside window
    ):
        assert client.post(url, data=data).status_code == 200, data
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 0


def test_registration_rules(client, auth, make, fairs):
    local_only = fairs.fair(eligibility="local")
    domestic = fairs.fair(eligibility="domestic")
    closed = fairs.fair(registration_open=False)
    far = make.user(firm=make.firm(name="札幌製作所", city="札幌市"), email="far@example.com")
    abroad = make.user(firm=make.firm(name="Bangkok Parts", city="Bangkok", country="TH"), email="th@example.com")
    near = make.user(firm=make.firm(name="茅ヶ崎工業", city="茅ヶ崎市"), email="near@example.com")
    auth.login(far.email)
    assert client.get(f"/fairs/{local_only.id}/register").status_code == 403
    assert client.get(f"/fairs/{domestic.id}/register").status_code == 200
    assert client.get(f"/fairs/{closed.id}/register").status_code == 302
    auth.logout()
    auth.login(abroad.email)
    assert client.get(f"/fairs/{domestic.id}/register").status_code == 403
    auth.logout()
    auth.login(near.email)
    assert client.get(f"/fairs/{local_only.id}/register").status_code == 200
