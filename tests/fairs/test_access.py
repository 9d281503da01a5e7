"""Who may see which fair page: organizers, participants, other firms, anonymous visitors."""
from __future__ import annotations

import pytest

ORGANIZER_PAGES = ["/fairs/new", "/fairs/{id}/edit", "/fairs/{id}/participants", "/fairs/{id}/requests",
                   "/fairs/{id}/schedule", "/fairs/{id}/figures", "/fairs/{id}/schedule.csv",
                   "/fairs/{id}/table-cards"]
PARTICIPANT_PAGES = ["/fairs/{id}/partners", "/fairs/{id}/my-requests", "/fairs/{id}/agenda", "/fairs/{id}/follow-up"]
PUBLIC_PAGES = ["/fairs/", "/fairs/{id}"]


def _urls(pages, fair):
    return [p.format(id=fair.id) for p in pages]


def test_anonymous(client, setup):
    fair = setup["fair"]
    for url in _urls(PUBLIC_PAGES, fair):
        assert client.get(url).status_code == 200, url
    for url in _urls(ORGANIZER_PAGES + PARTICIPANT_PAGES + ["/fairs/{id}/register"], fair) + ["/notifications/"]:
        r = client.get(url)
        assert r.status_code == 302 and "/account/login" in r.headers["Location"], url


def test_organizer(client, auth, setup):
    fair = setup["fair"]
    auth.login("organizer@example.com")
    for url in _urls(PUBLIC_PAGES + ORGANIZER_PAGES, fair) + ["/notifications/"]:
        assert client.get(url).status_code == 200, url
    # an organizer has no firm: no participant pages
    for url in _urls(PARTICIPANT_PAGES + ["/fairs/{id}/register"], fair):
        assert client.get(url).status_code == 403, url


def test_participant(client, auth, setup):
    fair = setup["fair"]
    auth.login("member@example.com")
    for url in _urls(PUBLIC_PAGES + PARTICIPANT_PAGES + ["/fairs/{id}/register"], fair):
        assert client.get(url).status_code == 200, url
    for url in _urls(ORGANIZER_PAGES, fair):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/fairs/{fair.id}/schedule/run").status_code == 403


def test_other_firm_not_participating(client, auth, make, setup):
    fair = setup["fair"]
    outsider = make.user(firm=make.firm(name="横浜電機"), email="outsider@example.com")
    auth.login(outsider.email)
    for url in _urls(PARTICIPANT_PAGES, fair) + [f"/fairs/{fair.id}/agenda.ics"]:
        assert client.get(url).status_code == 403, url
    for url in _urls(ORGANIZER_PAGES, fair):
        assert client.get(url).status_code == 403, url
    # but it may register while registration is open
    assert client.get(f"/fairs/{fair.id}/register").status_code == 200


def test_drafts_only_for_organizers(client, auth, fairs, member):
    draft = fairs.fair(name_ja="準備中の商談会", published=False, registration_open=False)
    assert client.get(f"/fairs/{draft.id}").status_code == 404
    assert "準備中の商談会" not in client.get("/fairs/").get_data(as_text=True)
    auth.login("member@example.com")
    assert client.get(f"/fairs/{draft.id}").status_code == 404
    auth.logout()
    from matchmaker.extensions import db
    from matchmaker.models import User

    org = User(email="org2@example.com", name="Org", role="organizer")
    org.set_password("correct-horse-42")
    db.session.add(org)
    db.session.commit()
    auth.login("org2@example.com")
    assert client.get(f"/fairs/{draft.id}").status_code == 200
    assert "準備中の商談会" in client.get("/fairs/").get_data(as_text=True)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_nav_shows_unread_notifications(client, auth, setup, lang):
    from matchmaker.extensions import db
    from matchmaker.notifications import notify

    notify(firm_id=setup["member"].firm_id, key="schedule_published", fair=setup["fair"], link="/fairs/")
    db.session.commit()
    auth.login("member@example.com")
    client.post("/account/language", data={"lang": lang})
    html = client.get("/fairs/").get_data(as_text=True)
    assert "/notifications/" in html
    assert 'rounded-pill text-bg-warning">1<' in html


def test_organizer_actions_refused_for_others(client, auth, setup, fairs):
    from matchmaker.extensions import db
    from matchmaker.fairs.models import Meeting
    from matchmaker.fairs.slots import fair_slots

    fair, p1, p2 = setup["fair"], setup["p1"], setup["p2"]
    req = fairs.request(fair, p1, p2)
    m = Meeting(fair_id=fair.id, request_id=req.id, a_id=p1.id, b_id=p2.id, slot=fair_slots(fair)[0].key, table_no=1)
    db.session.add(m)
    db.session.commit()
    posts = [f"/fairs/{fair.id}/status", f"/fairs/{fair.id}/schedule/run", f"/fairs/{fair.id}/schedule/publish",
             f"/fairs/{fair.id}/meetings/{m.id}/lock", f"/fairs/{fair.id}/meetings/{m.id}/move",
             f"/fairs/{fair.id}/pairings", f"/fairs/{fair.id}/requests/{req.id}/remove", "/fairs/new"]
    for url in posts:
        r = client.post(url, data={"action": "publish"})
        assert r.status_code == 302 and "/account/login" in r.headers["Location"], url
    auth.login("member@example.com")
    for url in posts:
        assert client.post(url, data={"action": "publish", "slot": m.slot, "table": 2}).status_code == 403, url
    db.session.refresh(m)
    assert (m.locked, m.table_no) == (False, 1)


def test_unconfirmed_member_cannot_register_for_a_fair(client, auth, make, fairs):
    fair = fairs.fair()
    firm = make.firm(name="未確認工業")
    user = make.user(firm=firm, email="unconfirmed@example.com", verified=False)
    auth.login(user.email)
    r = client.get(f"/fairs/{fair.id}/register")
    assert r.status_code == 302 and r.headers["Location"].endswith("/firms/mine")
