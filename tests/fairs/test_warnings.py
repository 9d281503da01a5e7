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


def test_wording_venue_ended_strength_and_statuses(client, auth, fairs, make, setup):
    """The venue in the reader's language, 'Ended' after the last day, a strength label with reasons
    instead of a percentage, statuses coloured by meaning, other participants sorted with a line each."""
    fair, p1, p2, p3 = setup["fair"], setup["p1"], setup["p2"], setup["p3"]
    fair.venue_en = "Fujisawa Civic Hall"
    past = fairs.fair(days_ahead=-3, name_ja="去年の商談会", name_en="Last year's fair", venue="旧会場")
    fairs.request(fair, p2, p1, status="declined")
    fairs.join(fair, make.firm(name="わたなべ食品"), seeks="包装資材", offers="弁当")
    fairs.join(fair, make.firm(name="あおば食品"), seeks="包装資材", offers="惣菜")
    auth.login("member@example.com")
    ja = _page(client, "/fairs/")
    assert "藤沢市民会館" in ja and "Fujisawa Civic Hall" not in ja
    client.post("/account/language", data={"lang": "en"})
    listing = _page(client, "/fairs/")
    assert "Fujisawa Civic Hall" in listing and "旧会場" in listing  # no English venue: the Japanese one
    assert ">Ended</span>" in _page(client, f"/fairs/{past.id}") and ">Ended</span>" not in _page(client, f"/fairs/{fair.id}")

    page = _page(client, f"/fairs/{fair.id}/partners")
    assert re.search(r"(Strong|Good|Partial) match</span>", page) and "They offer what you seek" in page
    assert not re.search(r"\d+%</span>", page)
    assert 'class="badge text-bg-danger">Already requested: Declined' in page
    others = page[page.index("Other participants"):]
    assert others.index("あおば食品") < others.index("わたなべ食品") and "Offers: 惣菜" in others
    client.post("/account/language", data={"lang": "ja"})
    assert f'href="/fairs/{fair.id}/partners"' in _page(client, f"/fairs/{fair.id}/my-requests")
