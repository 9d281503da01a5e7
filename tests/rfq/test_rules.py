"""The rules of requests for quotation: who sees what, bad input, attachments, double submits, time."""
from __future__ import annotations

import io
import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from support import PASSWORD, new_client

from matchmaker.deals.models import Deal
from matchmaker.extensions import db
from matchmaker.files.models import StoredFile
from matchmaker.models import Need, utcnow
from matchmaker.notifications.models import Notification
from matchmaker.rfq.models import Invitation, Quote, Rfq

from .conftest import PDF, PNG, due, latest_rfq, rfq_data, send_rfq, submission_of, today


def login(client, email):
    """Sign in, and read the pages in English (the messages below are the English ones)."""
    client.post("/account/logout")
    assert client.post("/account/login", data={"email": email, "password": PASSWORD}).status_code == 302
    client.post("/account/language", data={"lang": "en"})


def count(model, *where):
    db.session.rollback()
    q = sa.select(sa.func.count()).select_from(model)
    for w in where:
        q = q.where(w)
    return db.session.scalar(q)


def quote(client, rfq_id, amount="100000", **kw):
    page = client.get(f"/rfqs/{rfq_id}/invitation").get_data(as_text=True)
    data = {"amount": amount, "currency": "JPY", "price_basis": "lump_sum", "submission": submission_of(page), **kw}
    return client.post(f"/rfqs/{rfq_id}/quote", data=data)


@pytest.fixture
def sent(client, market):
    login(client, market["buyer"].email)
    assert send_rfq(client, market).status_code == 302
    return latest_rfq()


# ------------------------------------------------------------------ who sees what


def test_suppliers_see_only_their_own_part(client, market, sent):
    login(client, "a@example.com")
    assert client.get(f"/rfqs/{sent.id}").status_code == 404  # the buyer's page
    quote(client, sent.id, amount="123456")
    login(client, "b@example.com")
    page = client.get(f"/rfqs/{sent.id}/invitation").get_data(as_text=True)
    assert "123,456" not in page and "辻堂メッキ工業" not in page  # neither a's quote nor that a was asked
    a_inv = db.session.scalar(sa.select(Invitation).where(Invitation.supplier_firm_id == market["firms"]["a"].id))
    # b cannot write into a's thread nor see a's files
    r = client.post(f"/rfqs/{sent.id}/messages/{a_inv.id}", data={"body": "x"})
    assert r.status_code == 404


def test_outsiders_get_nothing(client, market, sent, other_member, organizer, admin):
    inv = sent.invitations[0]
    urls_get = [f"/rfqs/{sent.id}", f"/rfqs/{sent.id}/invitation"]
    urls_post = {f"/rfqs/{sent.id}/award": {"invitation": inv.id}, f"/rfqs/{sent.id}/cancel": {"reason": "other"},
                 f"/rfqs/{sent.id}/quote": {"amount": "1"}, f"/rfqs/{sent.id}/decline": {"reason": "other"},
                 f"/rfqs/{sent.id}/rates": {"rate_USD": "150"},
                 f"/rfqs/{sent.id}/messages/{inv.id}": {"body": "hello"}}
    client.post("/account/logout")
    for url in urls_get:
        assert client.get(url).status_code == 302  # anonymous: to the login page
    for who in (other_member, organizer, admin):
        login(client, who.email)
        for url in urls_get:
            assert client.get(url).status_code in (403, 404), (who.email, url)
        for url, data in urls_post.items():
            assert client.post(url, data=data).status_code in (403, 404), (who.email, url)
    latest = latest_rfq()
    assert latest.status == "open" and all(i.status == "invited" for i in latest.invitations)


def test_the_buyer_cannot_answer_its_own_request(client, market, sent):
    assert client.post(f"/rfqs/{sent.id}/quote", data={"amount": "1", "currency": "JPY",
                                                      "price_basis": "lump_sum"}).status_code == 404


# ------------------------------------------------------------------ bad input


def test_bad_requests_save_nothing(client, market, make):
    login(client, market["buyer"].email)
    unlisted = make.firm(name="未公開工業", published_at=None)
    many = [make.firm(name=f"工場{i}") for i in range(11)]
    ids = {k: f.id for k, f in market["firms"].items()}
    cases = [
        ({"supplier": []}, None),
        ({"supplier": [f.id for f in many]}, None),
        ({"supplier": [ids["a"]], "due_date": (today() - timedelta(days=1)).isoformat()}, None),
        ({"supplier": [ids["a"]], "title": ""}, None),
        ({"supplier": [ids["a"]], "quantity": "many"}, None),
        ({"supplier": [unlisted.id, market["buyer"].firm_id]}, None),  # nobody that may be asked
        ({"supplier": [ids["a"]], "delivery_date": today().isoformat(), "due_date": due(5)}, None),
    ]
    for changes, _ in cases:
        page = client.get("/rfqs/new").get_data(as_text=True)
        data = {**rfq_data(), "submission": submission_of(page), **changes}
        r = client.post("/rfqs/new", data=data, content_type="multipart/form-data")
        assert r.status_code == 200, changes
    assert count(Rfq) == 0 and count(Invitation) == 0


def test_another_firms_need_is_not_found(client, market, other_member, make):
    theirs = make.need(other_member.firm, title="他社のニーズ")
    login(client, market["buyer"].email)
    assert client.get(f"/rfqs/new?need={theirs.id}").status_code == 404
    assert client.get("/rfqs/new?need=2147483648").status_code in (302, 200, 404)


@pytest.mark.parametrize("files,message_part", [
    ([(b"<html><script>alert(1)</script></html>", "drawing.pdf")], "not a file we accept"),
    ([(b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "logo.png")], "not a file we accept"),
    ([(PNG, "photo.pdf")], "not a file we accept"),  # content and name disagree
    ([(b"", "empty.pdf")], "is empty"),
    ([(PDF, "../../etc/passwd.pdf")], "not allowed"),
    ([(PDF, "..\\secret.pdf")], "not allowed"),
    ([(PDF, f"f{i}.pdf") for i in range(6)], "At most"),
])
def test_bad_attachments_save_nothing(client, market, app, files, message_part):
    import os

    login(client, market["buyer"].email)
    r = send_rfq(client, market, files=[(io.BytesIO(data), name) for data, name in files])
    assert r.status_code == 200 and message_part in r.get_data(as_text=True)
    assert count(Rfq) == 0 and count(StoredFile) == 0
    folder = app.config["MATCHMAKER_UPLOAD_FOLDER"]
    assert not os.path.exists(folder) or not any(files for _, _, files in os.walk(folder))


class TestSizeLimit:
    @pytest.fixture
    def app_config(self):
        return {"MATCHMAKER_UPLOAD_MAX_MB": 1}

    def test_too_large_file_is_refused(self, client, market):
        from werkzeug.test import encode_multipart

        login(client, market["buyer"].email)
        big = PDF + b"0" * (1024 * 1024)
        page = client.get("/rfqs/new").get_data(as_text=True)
        from werkzeug.datastructures import FileStorage

        fields = {**rfq_data(), "supplier": str(market["firms"]["a"].id), "submission": submission_of(page),
                  "files": FileStorage(io.BytesIO(big), filename="big.pdf", content_type="application/pdf")}
        # the body built here, in memory (the test client would spool so big a body to an unclosed temporary file)
        boundary, body = encode_multipart(fields)
        r = client.post("/rfqs/new", data=body, content_type=f"multipart/form-data; boundary={boundary}")
        assert r.status_code == 200 and "larger than 1 MB" in r.get_data(as_text=True)
        assert count(Rfq) == 0


def test_accepted_kinds_of_files(client, market):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    files = [(io.BytesIO(PDF), "a.pdf"), (io.BytesIO(PNG), "b.png"), (io.BytesIO(b"ISO-10303-21;\nHEADER;"), "c.step"),
             (io.BytesIO(b"  0\nSECTION\n  2\nHEADER\n"), "d.dxf"), (io.BytesIO(buf.getvalue()), "e.xlsx")]
    login(client, market["buyer"].email)
    assert send_rfq(client, market, files=files).status_code == 302
    rfq = latest_rfq()
    assert [f.content_type for f in rfq.files] == [
        "application/pdf", "image/png", "application/step", "application/dxf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
    r = client.get(f"/files/{rfq.files[1].id}")
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert r.headers["X-Content-Type-Options"] == "nosniff" and "sandbox" in r.headers["Content-Security-Policy"]
    assert r.data == PNG


def test_a_text_field_named_files_is_not_a_file(client, market):
    login(client, market["buyer"].email)
    page = client.get("/rfqs/new").get_data(as_text=True)
    data = {**rfq_data(), "supplier": market["firms"]["a"].id, "submission": submission_of(page), "files": "C:/secret.pdf"}
    assert client.post("/rfqs/new", data=data).status_code == 302
    assert count(StoredFile) == 0


def test_bad_quotes_are_refused(client, market, sent):
    login(client, "a@example.com")
    for data in ({"amount": "-5"}, {"amount": "abc"}, {"amount": ""}, {"amount": "10", "currency": "XXX"},
                 {"amount": "10", "price_basis": "weekly"}, {"amount": "10", "lead_time_days": "-1"},
                 {"amount": "10", "valid_until": (today() - timedelta(days=1)).isoformat()}):
        assert quote(client, sent.id, **data).status_code == 302
    assert count(Quote) == 0


# ------------------------------------------------------------------ twice, and at once


def test_the_same_request_form_posted_twice_sends_one(client, market):
    login(client, market["buyer"].email)
    ids = [market["firms"]["a"].id]
    page = client.get("/rfqs/new", query_string={"supplier": ids}).get_data(as_text=True)
    data = {**rfq_data(), "supplier": ids, "submission": submission_of(page)}
    assert client.post("/rfqs/new", data=data).status_code == 302
    assert client.post("/rfqs/new", data=data).status_code == 302
    assert count(Rfq) == 1 and count(Invitation) == 1


def test_the_same_quote_posted_twice_is_one_revision(client, market, sent):
    login(client, "a@example.com")
    page = client.get(f"/rfqs/{sent.id}/invitation").get_data(as_text=True)
    data = {"amount": "5000", "currency": "JPY", "price_basis": "lump_sum", "submission": submission_of(page)}
    client.post(f"/rfqs/{sent.id}/quote", data=data)
    client.post(f"/rfqs/{sent.id}/quote", data=data)
    assert count(Quote) == 1


def test_two_awards_at_once_decide_once(app, client, market, sent):
    for key in ("a", "b"):
        login(client, f"{key}@example.com")
        quote(client, sent.id, amount="1000" if key == "a" else "2000")
    login(client, "c@example.com")
    client.post(f"/rfqs/{sent.id}/decline", data={"reason": "not_our_field"})
    login(client, market["buyer"].email)
    cookies = {c.key: c.value for c in client._cookies.values()}
    invs = {i.supplier_firm_id: i.id for i in latest_rfq().invitations}
    codes = []

    def award(inv_id):
        c = new_client(app)
        for k, v in cookies.items():
            c.set_cookie(k, v)
        codes.append(c.post(f"/rfqs/{sent.id}/award", data={"invitation": [inv_id]}).status_code)

    threads = [threading.Thread(target=award, args=(invs[market["firms"][k].id],)) for k in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [302, 302]
    assert count(Deal) == 1
    assert count(Invitation, Invitation.status == "awarded") == 1


# ------------------------------------------------------------------ the decision


def test_split_award_and_conversion(client, market, sent):
    login(client, "a@example.com")
    quote(client, sent.id, amount="1000", currency="USD")
    login(client, "b@example.com")
    quote(client, sent.id, amount="90000")
    login(client, "c@example.com")
    quote(client, sent.id, amount="500", currency="EUR")
    login(client, market["buyer"].email)
    page = client.get(f"/rfqs/{sent.id}").get_data(as_text=True)
    assert "rate_USD" in page and "rate_EUR" in page
    client.post(f"/rfqs/{sent.id}/rates", data={"rate_USD": "150.5"})
    assert client.post(f"/rfqs/{sent.id}/rates", data={"rate_USD": "-3"}).status_code == 302  # refused
    assert latest_rfq().rates == {"USD": "150.5"}
    invs = {i.supplier_firm_id: i.id for i in latest_rfq().invitations}
    a, b, c = (invs[market["firms"][k].id] for k in "abc")
    r = client.post(f"/rfqs/{sent.id}/award", data={"invitation": [a, b, c], f"amount_{c}": "82000",
                                                    "keep_need_open": "y"})
    assert r.status_code == 302
    deals = {d.supplier_firm_id: d for d in db.session.scalars(sa.select(Deal))}
    assert deals[market["firms"]["a"].id].amount_jpy == 150500  # 1000 USD at 150.5
    assert deals[market["firms"]["b"].id].amount_jpy == 90000
    assert deals[market["firms"]["c"].id].amount_jpy == 82000  # typed by the buyer
    assert deals[market["firms"]["c"].id].locality == "domestic"  # Osaka
    assert db.session.get(Need, market["need"].id).status == "open"  # kept open


def test_cannot_award_before_answers_or_a_supplier_that_did_not_quote(client, market, sent):
    login(client, "a@example.com")
    quote(client, sent.id)
    login(client, market["buyer"].email)
    a_inv = [i for i in latest_rfq().invitations if i.supplier_firm_id == market["firms"]["a"].id][0]
    client.post(f"/rfqs/{sent.id}/award", data={"invitation": [a_inv.id]})
    assert latest_rfq().status == "open"  # b and c have not answered, due date ahead
    page = client.get(f"/rfqs/{sent.id}").get_data(as_text=True)
    assert "100,000" not in page  # still sealed


def test_cancel_tells_everyone(client, market, sent):
    r = client.post(f"/rfqs/{sent.id}/cancel", data={"reason": "need_changed", "note": "仕様変更のため"})
    assert r.status_code == 302
    rfq = latest_rfq()
    assert rfq.status == "cancelled" and all(i.status == "not_selected" for i in rfq.invitations)
    assert count(Notification, Notification.key == "rfq_cancelled") == 3
    assert client.post(f"/rfqs/{sent.id}/cancel", data={"reason": "other"}).status_code == 302
    assert count(Notification, Notification.key == "rfq_cancelled") == 3


# ------------------------------------------------------------------ time passing


def _backdate(rfq_id, days):
    db.session.execute(sa.update(Rfq).where(Rfq.id == rfq_id).values(due_date=today() - timedelta(days=days)))
    db.session.commit()


def test_a_request_past_its_due_date_closes_when_read(client, market, sent):
    login(client, "a@example.com")
    quote(client, sent.id)
    _backdate(sent.id, 1)
    assert quote(client, sent.id, amount="1").status_code == 302
    assert count(Quote) == 1  # too late
    login(client, market["buyer"].email)
    page = client.get(f"/rfqs/{sent.id}").get_data(as_text=True)
    assert "100,000" in page
    rfq = latest_rfq()
    assert rfq.status == "closed"
    assert sorted(i.status for i in rfq.invitations) == ["expired", "expired", "quoted"]
    assert count(Notification, Notification.key == "rfq_expired") == 2
    assert count(Notification, Notification.key == "rfq_closed") == 1


def test_tick_closes_reminds_and_follows_up_once(app, runner, client, market, sent, mailbox):
    from matchmaker.tick import run

    db.session.execute(sa.update(Rfq).where(Rfq.id == sent.id).values(due_date=today() + timedelta(days=1)))
    db.session.commit()
    first = run()
    assert first["reminders sent (quotes due tomorrow)"] == 3
    assert run()["reminders sent (quotes due tomorrow)"] == 0
    _backdate(sent.id, 2)
    assert run()["requests closed for quotes"] == 1
    assert run()["requests closed for quotes"] == 0
    # an award three months ago: its buyer is asked, once
    login(client, "a@example.com")
    db.session.execute(sa.update(Rfq).where(Rfq.id == sent.id).values(status="open", due_date=today() + timedelta(days=3)))
    db.session.execute(sa.update(Invitation).where(Invitation.rfq_id == sent.id).values(status="invited"))
    db.session.commit()
    quote(client, sent.id)
    login(client, market["buyer"].email)
    db.session.execute(sa.update(Invitation).where(Invitation.rfq_id == sent.id, Invitation.status == "invited")
                       .values(status="declined"))
    db.session.commit()
    a_inv = [i for i in latest_rfq().invitations if i.status == "quoted"][0]
    client.post(f"/rfqs/{sent.id}/award", data={"invitation": [a_inv.id]})
    db.session.execute(sa.update(Deal).values(followup_due=today() - timedelta(days=1)))
    db.session.commit()
    assert run()["follow-up questions asked about deals"] == 1
    assert run()["follow-up questions asked about deals"] == 0
    deal = db.session.scalar(sa.select(Deal))
    r = client.post(f"/deals/{deal.id}", data={"delivered": "yes", "repeat_business": "no", "note": "良好"})
    assert r.status_code == 302
    db.session.refresh(deal)
    assert deal.delivered is True and deal.repeat_business is False and deal.followup_answered_at is not None
    login(client, "a@example.com")  # the supplier sees the deal but cannot answer for the buyer
    assert client.get(f"/deals/{deal.id}").status_code == 200
    assert client.post(f"/deals/{deal.id}", data={"delivered": "no", "repeat_business": "no"}).status_code == 403


# ------------------------------------------------------------------ limits, settings, inquiries


class TestRequestLimit:
    @pytest.fixture
    def app_config(self):
        return {"MATCHMAKER_RFQ_LIMIT": "2 per day"}

    def test_a_firm_cannot_flood_suppliers(self, client, market):
        login(client, market["buyer"].email)
        codes = [send_rfq(client, market, suppliers=("a",)).status_code for _ in range(3)]
        assert codes == [302, 302, 429]


def test_mail_settings_switch_off_a_group(client, market, mailbox):
    login(client, "a@example.com")
    assert client.post("/notifications/settings", data={"rfq_answers": "1", "messages": "1"}).status_code == 302
    login(client, market["buyer"].email)
    send_rfq(client, market, suppliers=("a", "b"))
    mailbox.wait("b@example.com")
    assert mailbox.to("a@example.com") == []  # switched off, but on the site all the same
    assert count(Notification, Notification.firm_id == market["firms"]["a"].id) == 1


def test_inquiry_between_two_firms(client, market, other_member, mailbox):
    a = market["firms"]["a"]
    login(client, market["buyer"].email)
    page = client.get(f"/messages/new?firm={a.id}").get_data(as_text=True)
    r = client.post(f"/messages/new?firm={a.id}", data={"subject": "めっきの膜厚について", "body": "10μmは可能ですか",
                                                        "submission": submission_of(page)},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    thread_url = r.headers["Location"]
    mailbox.wait("a@example.com")
    login(client, "a@example.com")
    assert "10μmは可能ですか" in client.get(thread_url).get_data(as_text=True)
    client.post(thread_url, data={"body": "可能です"}, content_type="multipart/form-data")
    login(client, other_member.email)
    assert client.get(thread_url).status_code == 404
    assert client.post(thread_url, data={"body": "横入り"}).status_code == 404
    assert client.get(f"/messages/new?firm={other_member.firm_id}").status_code == 404  # not to oneself
    login(client, market["buyer"].email)
    page = client.get(thread_url).get_data(as_text=True)
    assert "可能です" in page
