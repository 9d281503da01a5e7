"""Abuse reports: a member of one of a thread's firms reports it; only then may the city's staff read that
thread (and its files), every look logged; other threads stay hidden; closing, suspending, posting twice."""
from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from matchmaker.abuse.models import AbuseReport, AbuseReportView
from matchmaker.extensions import db
from matchmaker.files.models import StoredFile
from matchmaker.models import User
from matchmaker.notifications.models import Notification
from matchmaker.threads.models import Thread

from .conftest import PDF
from .test_rules import count, login


def report(client, thread_id, category="fraud", text="前払いを要求されました"):
    return client.post(f"/messages/{thread_id}/report", data={"category": category, "text": text})


def thread_between(starter, other_user, subject, *bodies, kind="inquiry", invitation_id=None, file=None):
    """A thread written straight into the database (the pages that write them are tested elsewhere):
    messages alternate between the starter's and the other user's firm; the first carries `file`."""
    from werkzeug.datastructures import FileStorage

    from matchmaker.files.service import attach, validate
    from matchmaker.threads import service

    t = Thread(kind=kind, subject=subject, starter_firm_id=starter.firm_id, other_firm_id=other_user.firm_id,
               invitation_id=invitation_id)
    db.session.add(t)
    db.session.flush()
    for i, body in enumerate(bodies):
        m = service.post(t, starter if i % 2 == 0 else other_user, body)
        if file and i == 0:
            attach(validate([FileStorage(io.BytesIO(PDF), file, content_type="application/pdf")]), starter.firm_id,
                   message_id=m.id)
    db.session.commit()
    return t.id


@pytest.fixture
def parties(make):
    buyer = make.user(firm=make.firm(name="株式会社藤沢精工"), email="member@example.com")
    a = make.user(firm=make.firm(name="辻堂メッキ工業"), email="a@example.com")
    b = make.user(firm=make.firm(name="茅ヶ崎表面処理"), email="b@example.com")
    return {"buyer": buyer, "users": {"a": a, "b": b}, "firms": {"a": a.firm, "b": b.firm}}


@pytest.fixture
def threads(app, parties):
    """The buyer wrote to supplier a (with a drawing), a answered; the buyer wrote to supplier b too."""
    buyer, a, b = parties["buyer"], parties["users"]["a"], parties["users"]["b"]
    reported = thread_between(buyer, a, "お支払いについて", "図面を送ります", "先に全額お振込みください", file="zumen.pdf")
    other = thread_between(buyer, b, "別件のご相談", "ひみつの相談")
    f = db.session.scalar(sa.select(StoredFile).where(StoredFile.filename == "zumen.pdf"))
    return {"reported": reported, "other": other, "file": f.id}


def test_staff_read_a_thread_only_once_it_is_reported(client, parties, threads, organizer, other_member, mailbox):
    login(client, organizer.email)
    assert client.get(f"/messages/{threads['reported']}").status_code in (403, 404)
    assert client.get(f"/files/{threads['file']}").status_code == 404
    page = client.get("/admin/reports").get_data(as_text=True)
    assert "先に全額" not in page

    login(client, parties["buyer"].email)  # the buyer reports supplier a
    assert "Report this conversation" in client.get(f"/messages/{threads['reported']}").get_data(as_text=True)
    assert report(client, threads["reported"]).status_code == 302
    r = db.session.scalar(sa.select(AbuseReport))
    assert (r.reporter_firm_id, r.reported_firm_id, r.category, r.status) == (
        parties["buyer"].firm_id, parties["firms"]["a"].id, "fraud", "open")
    assert count(Notification, Notification.user_id == parties["buyer"].id, Notification.key == "abuse_report_received") == 1
    assert count(Notification, Notification.user_id == organizer.id, Notification.key == "abuse_reported") == 1
    assert mailbox.link(organizer.email, "/admin/reports/") == f"/admin/reports/{r.id}"
    assert "先に全額" not in mailbox.to(organizer.email)[0].body  # the mail names the firm, never the messages
    assert any("received your report" in m.subject for m in mailbox.wait(parties["buyer"].email, count=2))  # in English
    assert count(AbuseReport) == 1

    login(client, organizer.email)
    listing = client.get("/admin/reports").get_data(as_text=True)
    assert f"/admin/reports/{r.id}" in listing
    assert re.search(r"/admin/reports\">[^<]+<span class=\"badge[^\"]*\">1</span>", client.get("/").get_data(as_text=True))
    page = client.get(f"/admin/reports/{r.id}").get_data(as_text=True)
    assert "先に全額お振込みください" in page and "図面を送ります" in page and "前払いを要求されました" in page
    assert "ひみつの相談" not in page  # never another thread
    f = client.get(f"/admin/reports/{r.id}/files/{threads['file']}")
    assert f.status_code == 200 and f.data == PDF
    assert f.headers["Content-Disposition"].startswith("attachment") and f.headers["X-Content-Type-Options"] == "nosniff"
    views = db.session.scalars(sa.select(AbuseReportView).order_by(AbuseReportView.id)).all()
    assert [(v.user_email, v.what, v.report_id) for v in views] == [
        (organizer.email, "thread", r.id), (organizer.email, "file", r.id)]
    # still not through the firms' own pages, and no other thread
    assert client.get(f"/messages/{threads['reported']}").status_code in (403, 404)
    assert client.get(f"/files/{threads['file']}").status_code == 404
    assert client.get(f"/messages/{threads['other']}").status_code in (403, 404)

    # other members: no report page, no staff pages, no report of a thread they are not in
    login(client, other_member.email)
    assert client.get(f"/admin/reports/{r.id}").status_code == 403
    assert client.get(f"/admin/reports/{r.id}/files/{threads['file']}").status_code == 403
    assert report(client, threads["reported"]).status_code == 404
    login(client, "b@example.com")  # the other party of the buyer's other thread
    assert report(client, threads["reported"]).status_code == 404
    assert count(AbuseReport) == 1


def test_only_files_of_the_reported_thread_and_only_while_open(client, parties, threads, organizer, admin):
    thread_between(parties["buyer"], parties["users"]["b"], "添付つき", "x", file="other.pdf")
    other_file = db.session.scalar(sa.select(StoredFile).where(StoredFile.filename == "other.pdf"))
    login(client, "a@example.com")
    assert report(client, threads["reported"], category="spam", text="しつこい").status_code == 302
    r = db.session.scalar(sa.select(AbuseReport))
    assert r.reported_firm_id == parties["buyer"].firm_id
    login(client, organizer.email)
    assert client.get(f"/admin/reports/{r.id}/files/{other_file.id}").status_code == 404
    assert client.get(f"/admin/reports/{r.id + 1}").status_code == 404
    assert client.post(f"/admin/reports/{r.id}/close", data={"note": "注意しました"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(AbuseReport, r.id).status == "closed"
    assert count(Notification, Notification.user_id == parties["users"]["a"].id, Notification.key == "abuse_report_closed") == 1
    page = client.get(f"/admin/reports/{r.id}").get_data(as_text=True)
    assert "注意しました" in page and "先に全額" not in page  # closed: the thread is no longer open to staff
    assert client.get(f"/admin/reports/{r.id}/files/{threads['file']}").status_code == 404
    client.post(f"/admin/reports/{r.id}/close", data={"note": "二度目"})  # closing twice changes nothing
    db.session.expire_all()
    assert db.session.get(AbuseReport, r.id).close_note == "注意しました"
    assert count(Notification, Notification.key == "abuse_report_closed") == 1
    assert count(AbuseReportView) == 0  # never read while it was open; the closed page shows no thread
    # the organizer cannot suspend; the admin can suspend an account of the reported firm only
    buyer = parties["buyer"]
    assert client.post(f"/admin/reports/{r.id}/suspend/{buyer.id}").status_code == 403
    from support import new_client

    buyers_browser = new_client(client.application)
    login(buyers_browser, buyer.email)
    login(client, admin.email)
    assert client.post(f"/admin/reports/{r.id}/suspend/{parties['users']['b'].id}").status_code == 404
    assert client.post(f"/admin/reports/{r.id}/suspend/{buyer.id}").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, buyer.id).active is False
    assert buyers_browser.get("/messages/").status_code == 302  # signed out everywhere
    assert db.session.get(User, parties["users"]["b"].id).active is True


def test_rfq_thread_report_shows_no_amounts(client, parties, organizer):
    from datetime import date

    from matchmaker.rfq.models import Invitation, Quote, Rfq

    buyer = parties["buyer"]
    rfq = Rfq(buyer_firm_id=buyer.firm_id, title="アルミ部品の無電解ニッケルめっき", due_date=date(2099, 1, 1), rates={})
    db.session.add(rfq)
    db.session.flush()
    thread_ids = {}
    for k, amount in (("a", "123456"), ("b", "654321")):
        inv = Invitation(rfq_id=rfq.id, supplier_firm_id=parties["firms"][k].id, status="quoted")
        db.session.add(inv)
        db.session.flush()
        db.session.add(Quote(invitation_id=inv.id, amount=amount, notes=f"御見積{k}"))
        thread_ids[k] = thread_between(buyer, parties["users"][k], rfq.title, f"よろしく{k}", f"連絡先{k}",
                                       kind="rfq", invitation_id=inv.id)
    login(client, buyer.email)
    page = client.get(f"/rfqs/{rfq.id}").get_data(as_text=True)
    assert f"/messages/{thread_ids['a']}/report" in page and f"/messages/{thread_ids['b']}/report" in page
    assert report(client, thread_ids["a"], category="other", text="不審").status_code == 302
    login(client, organizer.email)
    r = db.session.scalar(sa.select(AbuseReport))
    page = client.get(f"/admin/reports/{r.id}").get_data(as_text=True)
    assert rfq.title in page and "連絡先a" in page
    for secret in ("123,456", "123456", "654,321", "654321", "御見積", "連絡先b", "よろしくb"):
        assert secret not in page


def test_posted_twice_is_one_report_and_bad_input_saves_nothing(client, parties, threads, monkeypatch):
    login(client, parties["buyer"].email)
    for bad in ({"category": "", "text": "x"}, {"category": "weird", "text": "x"}, {"category": "spam", "text": ""},
                {"category": "spam", "text": "x" * 2001}, {"category": "spam", "text": "a\x00b"}):
        r = client.post(f"/messages/{threads['reported']}/report", data=bad)
        assert r.status_code == 400, bad
    assert client.post("/messages/999999/report", data={"category": "spam", "text": "x"}).status_code == 404
    assert count(AbuseReport) == 0
    assert report(client, threads["reported"]).status_code == 302
    assert report(client, threads["reported"]).status_code == 302
    assert "already reported" in client.get(f"/messages/{threads['reported']}/report").get_data(as_text=True)
    assert count(AbuseReport) == 1
    assert count(Notification, Notification.key == "abuse_report_received") == 1
    from matchmaker.abuse import service

    def twice_at_once():  # the check passed in both requests: the unique index keeps one
        monkeypatch.setattr(service, "open_report_of", lambda thread, user: None)
        with pytest.raises(service.AlreadyReported):
            service.report(db.session.get(Thread, threads["reported"]), parties["buyer"], "spam", "x")
        db.session.rollback()

    twice_at_once()
    assert count(AbuseReport) == 1
    login(client, "a@example.com")  # the other side may report the same thread on its own
    assert report(client, threads["reported"]).status_code == 302
    assert count(AbuseReport) == 2


class TestReportLimit:
    @pytest.fixture
    def app_config(self):
        return {"MATCHMAKER_REPORT_LIMIT": "1 per day"}

    def test_a_firm_cannot_flood_the_staff(self, client, parties, threads):
        login(client, parties["buyer"].email)
        assert report(client, threads["reported"]).status_code == 302
        assert report(client, threads["other"]).status_code == 429
        assert count(AbuseReport) == 1


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_forms_need_their_token(self, client, parties, threads, admin):
        from support import PASSWORD, csrf_token_from

        def sign_in(email):
            client.post("/account/logout", data={"csrf_token": csrf_token_from(client.get("/").get_data(as_text=True))})
            token = csrf_token_from(client.get("/account/login").get_data(as_text=True))
            assert client.post("/account/login", data={"email": email, "password": PASSWORD,
                                                       "csrf_token": token}).status_code == 302

        sign_in(parties["buyer"].email)
        assert report(client, threads["reported"]).status_code == 400
        assert count(AbuseReport) == 0
        page = client.get(f"/messages/{threads['reported']}/report").get_data(as_text=True)
        r = client.post(f"/messages/{threads['reported']}/report",
                        data={"category": "spam", "text": "x", "csrf_token": csrf_token_from(page)})
        assert r.status_code == 302 and count(AbuseReport) == 1
        rid = db.session.scalar(sa.select(AbuseReport.id))
        sign_in(admin.email)
        a = parties["users"]["a"]
        assert client.post(f"/admin/reports/{rid}/close", data={"note": "x"}).status_code == 400
        assert client.post(f"/admin/reports/{rid}/suspend/{a.id}").status_code == 400
        db.session.expire_all()
        assert db.session.get(AbuseReport, rid).status == "open" and db.session.get(User, a.id).active
        token = csrf_token_from(client.get(f"/admin/reports/{rid}").get_data(as_text=True))
        assert client.post(f"/admin/reports/{rid}/suspend/{a.id}", data={"csrf_token": token}).status_code == 302
        db.session.expire_all()
        assert db.session.get(User, a.id).active is False


def test_anonymous_are_sent_to_sign_in(client, threads):
    for url in ("/admin/reports", f"/messages/{threads['reported']}/report", "/admin/reports/1",
                f"/admin/reports/1/files/{threads['file']}"):
        r = client.get(url)
        assert r.status_code == 302 and "/account/login" in r.headers["Location"], url
    assert report(client, threads["reported"]).status_code == 302
    assert count(AbuseReport) == 0
