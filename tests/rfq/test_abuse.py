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

from .conftest import PDF, send_rfq, submission_of
from .test_rules import count, login


def inquiry(client, to_firm, subject, body, files=None):
    page = client.get(f"/messages/new?firm={to_firm.id}").get_data(as_text=True)
    data = {"subject": subject, "body": body, "submission": submission_of(page)}
    if files:
        data["files"] = files
    r = client.post(f"/messages/new?firm={to_firm.id}", data=data, content_type="multipart/form-data")
    assert r.status_code == 302
    return int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def report(client, thread_id, category="fraud", text="前払いを要求されました"):
    return client.post(f"/messages/{thread_id}/report", data={"category": category, "text": text})


@pytest.fixture
def threads(client, market):
    """The buyer writes to supplier a (with a drawing) and to supplier b; a answers."""
    a, b = market["firms"]["a"], market["firms"]["b"]
    login(client, market["buyer"].email)
    reported = inquiry(client, a, "お支払いについて", "図面を送ります", files=[(io.BytesIO(PDF), "zumen.pdf")])
    other = inquiry(client, b, "別件のご相談", "ひみつの相談")
    login(client, "a@example.com")
    client.post(f"/messages/{reported}", data={"body": "先に全額お振込みください"}, content_type="multipart/form-data")
    db.session.rollback()
    f = db.session.scalar(sa.select(StoredFile).where(StoredFile.message_id.is_not(None)))
    return {"reported": reported, "other": other, "file": f.id}


def test_staff_read_a_thread_only_once_it_is_reported(client, market, threads, organizer, other_member, mailbox):
    login(client, organizer.email)
    assert client.get(f"/messages/{threads['reported']}").status_code in (403, 404)
    assert client.get(f"/files/{threads['file']}").status_code == 404
    page = client.get("/admin/reports").get_data(as_text=True)
    assert "先に全額" not in page

    login(client, market["buyer"].email)  # the buyer reports supplier a
    assert "Report this conversation" in client.get(f"/messages/{threads['reported']}").get_data(as_text=True)
    assert report(client, threads["reported"]).status_code == 302
    r = db.session.scalar(sa.select(AbuseReport))
    assert (r.reporter_firm_id, r.reported_firm_id, r.category, r.status) == (
        market["buyer"].firm_id, market["firms"]["a"].id, "fraud", "open")
    assert count(Notification, Notification.user_id == market["buyer"].id, Notification.key == "abuse_report_received") == 1
    assert count(Notification, Notification.user_id == organizer.id, Notification.key == "abuse_reported") == 1
    assert mailbox.wait(organizer.email)
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


def test_only_files_of_the_reported_thread_and_only_while_open(client, market, threads, organizer, admin):
    login(client, market["buyer"].email)
    inquiry(client, market["firms"]["b"], "添付つき", "x", files=[(io.BytesIO(PDF), "other.pdf")])
    db.session.rollback()
    other_file = db.session.scalar(sa.select(StoredFile).where(StoredFile.filename == "other.pdf"))
    login(client, "a@example.com")
    assert report(client, threads["reported"], category="spam", text="しつこい").status_code == 302
    r = db.session.scalar(sa.select(AbuseReport))
    assert r.reported_firm_id == market["buyer"].firm_id
    login(client, organizer.email)
    assert client.get(f"/admin/reports/{r.id}/files/{other_file.id}").status_code == 404
    assert client.get(f"/admin/reports/{r.id + 1}").status_code == 404
    assert client.post(f"/admin/reports/{r.id}/close", data={"note": "注意しました"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(AbuseReport, r.id).status == "closed"
    assert count(Notification, Notification.user_id == market["users"]["a"].id, Notification.key == "abuse_report_closed") == 1
    page = client.get(f"/admin/reports/{r.id}").get_data(as_text=True)
    assert "注意しました" in page and "先に全額" not in page  # closed: the thread is no longer open to staff
    assert client.get(f"/admin/reports/{r.id}/files/{threads['file']}").status_code == 404
    client.post(f"/admin/reports/{r.id}/close", data={"note": "二度目"})  # closing twice changes nothing
    db.session.expire_all()
    assert db.session.get(AbuseReport, r.id).close_note == "注意しました"
    assert count(Notification, Notification.key == "abuse_report_closed") == 1
    assert count(AbuseReportView) == 0  # never read while it was open; the closed page shows no thread
    # the organizer cannot suspend; the admin can suspend an account of the reported firm only
    buyer = market["buyer"]
    assert client.post(f"/admin/reports/{r.id}/suspend/{buyer.id}").status_code == 403
    login(client, admin.email)
    assert client.post(f"/admin/reports/{r.id}/suspend/{market['users']['b'].id}").status_code == 404
    assert client.post(f"/admin/reports/{r.id}/suspend/{buyer.id}").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, buyer.id).active is False
    assert db.session.get(User, market["users"]["b"].id).active is True


def test_rfq_thread_report_shows_no_amounts(client, market, organizer):
    login(client, market["buyer"].email)
    assert send_rfq(client, market, suppliers=("a", "b")).status_code == 302
    from .conftest import latest_rfq
    from .test_rules import quote

    rfq = latest_rfq()
    for k, amount in (("a", "123456"), ("b", "654321")):
        login(client, f"{k}@example.com")
        assert quote(client, rfq.id, amount=amount).status_code == 302
    inv = {i.supplier_firm_id: i for i in rfq.invitations}
    inv_a, inv_b = inv[market["firms"]["a"].id], inv[market["firms"]["b"].id]
    assert client.post(f"/rfqs/{rfq.id}/messages/{inv_b.id}", data={"body": "連絡先を教えて"},
                       content_type="multipart/form-data").status_code == 302
    db.session.rollback()
    thread_a = db.session.scalar(sa.select(Thread).where(Thread.invitation_id == inv_a.id))
    login(client, market["buyer"].email)
    assert report(client, thread_a.id, category="other", text="不審").status_code == 302
    login(client, organizer.email)
    r = db.session.scalar(sa.select(AbuseReport))
    page = client.get(f"/admin/reports/{r.id}").get_data(as_text=True)
    assert rfq.title in page
    for secret in ("123,456", "123456", "654,321", "654321", "連絡先を教えて"):
        assert secret not in page


def test_posted_twice_is_one_report_and_bad_input_saves_nothing(client, market, threads):
    login(client, market["buyer"].email)
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
    login(client, "a@example.com")  # the other side may report the same thread on its own
    assert report(client, threads["reported"]).status_code == 302
    assert count(AbuseReport) == 2


class TestReportLimit:
    @pytest.fixture
    def app_config(self):
        return {"MATCHMAKER_REPORT_LIMIT": "1 per day"}

    def test_a_firm_cannot_flood_the_staff(self, client, market, threads):
        login(client, market["buyer"].email)
        assert report(client, threads["reported"]).status_code == 302
        assert report(client, threads["other"]).status_code == 429
        assert count(AbuseReport) == 1
