"""The organizer's warnings before publishing: pending requests, firms without any meeting (asked
or not), conflicts; publishing asks for confirmation on the server while any remain; the pairing
form never preselects one firm on both sides."""
from __future__ import annotations

import re

from matchmaker.extensions import db
from matchmaker.fairs.models import Fair


def _in_english(setup):
    setup["organizer"].locale = "en"
    db.session.commit()


def _page(client, url, **kw):
    return client.get(url, **kw).get_data(as_text=True)


def test_warnings_confirmation_and_publishing(client, auth, fairs, make, setup):
    fair, p1, p2, p3 = setup["fair"], setup["p1"], setup["p2"], setup["p3"]
    fairs.request(fair, p1, p2)                      # will be placed
    pending = fairs.request(fair, p3, p1, status="pending")
    quiet = fairs.join(fair, make.firm(name="鎌倉樹脂"), seeks="樹脂成形", offers="射出成形")  # no request at all
    _in_english(setup)
    auth.login("organizer@example.com")
    assert client.post(f"/fairs/{fair.id}/schedule/run").status_code == 302
    page = _page(client, f"/fairs/{fair.id}/schedule")
    warnings = page[page.index('id="warnings"'):page.index("</div>", page.index('id="warnings"'))]
    assert f"/fairs/{fair.id}/requests?status=pending" in warnings and "1 meeting request still waits" in warnings
    # p3 (pending request) and 鎌倉樹脂 (no request) have no meeting; the headline counts both
    assert "2 registered firms have no meeting" in warnings
    assert "1 of them asked or were asked for one, 1 had no request at all" in warnings
    assert f"#p{quiet.id}" in warnings and f"#p{p3.id}" in warnings and "鎌倉樹脂" in warnings
    assert re.search(r'<div class="fs-4">2</div><div class="small text-muted">Firms without a meeting<br>of which 1 had '
                     r'no request', page)

    # publishing asks first, on the server, and changes nothing until confirmed
    r = client.post(f"/fairs/{fair.id}/schedule/publish", data={"action": "publish"})
    assert r.status_code == 200 and 'id="warnings"' in r.get_data(as_text=True)
    assert 'name="confirmed" value="1"' in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Fair, fair.id).schedule_published_at is None
    r = client.post(f"/fairs/{fair.id}/schedule/publish", data={"action": "publish", "confirmed": "1"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Fair, fair.id).schedule_published_at is not None
    assert pending.status == "pending"


def test_no_warning_publishes_at_once_and_conflicts_refuse(client, auth, fairs, make, setup):
    fair, p1, p2, p3 = setup["fair"], setup["p1"], setup["p2"], setup["p3"]
    fairs.request(fair, p1, p2)
    fairs.request(fair, p2, p3)
    _in_english(setup)
    auth.login("organizer@example.com")
    client.post(f"/fairs/{fair.id}/schedule/run")
    assert 'id="warnings"' not in _page(client, f"/fairs/{fair.id}/schedule")
    # a participant now absent all day: the meeting conflicts; publishing is refused, not confirmed
    p3.available = []
    db.session.commit()
    page = _page(client, f"/fairs/{fair.id}/schedule")
    assert "1 meeting conflicts with the current availability" in page and f"/fairs/{fair.id}/schedule#conflicts" in page
    r = client.post(f"/fairs/{fair.id}/schedule/publish", data={"action": "publish", "confirmed": "1"},
                    follow_redirects=True)
    assert "cannot be published" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Fair, fair.id).schedule_published_at is None
    p3.available = None
    db.session.commit()
    assert client.post(f"/fairs/{fair.id}/schedule/publish", data={"action": "publish"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Fair, fair.id).schedule_published_at is not None


def test_pairing_form_preselects_two_different_firms(client, auth, setup):
    _in_english(setup)
    auth.login("organizer@example.com")
    page = _page(client, f"/fairs/{setup['fair'].id}/requests")
    a = re.search(r'<select[^>]*id="a".*?<option selected value="(\d+)"', page, re.S)
    b = re.search(r'<select[^>]*id="b".*?<option selected value="(\d+)"', page, re.S)
    assert a and b and a.group(1) != b.group(1)
