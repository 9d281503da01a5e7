"""The whole loop through the pages: a need, its recommendations, a request to three suppliers with a
drawing, a decline, two quotes (one revised), the comparison, an award, a deal with the right
locality, the notifications and mails of every party, and nothing visible to anyone else."""
from __future__ import annotations

import io

import sqlalchemy as sa
from support import PASSWORD

from matchmaker.deals.models import Deal
from matchmaker.extensions import db
from matchmaker.models import Need
from matchmaker.notifications.models import Notification
from matchmaker.rfq.models import Invitation, Quote

from .conftest import PDF, latest_rfq, send_rfq, submission_of


def _login(client, email):
    client.post("/account/logout")
    r = client.post("/account/login", data={"email": email, "password": PASSWORD})
    assert r.status_code == 302, email


def _keys(firm_id):
    db.session.rollback()
    return sorted(n.key for n in db.session.scalars(sa.select(Notification).where(Notification.firm_id == firm_id)))


def test_from_a_need_to_a_deal(client, market, mailbox, organizer, other_member):
    buyer, need, firms = market["buyer"], market["need"], market["firms"]
    _login(client, buyer.email)

    # the need's page recommends the suppliers, with boxes to tick and a button to ask them
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert 'form="rfq-pick"' in page and "Request quotes" in page or "見積" in page
    for f in firms.values():
        assert f'value="{f.id}"' in page, f.name

    # one request to three suppliers, with a drawing
    r = send_rfq(client, market, files=[(io.BytesIO(PDF), "図面 A-100.pdf")])
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    rfq = latest_rfq()
    assert rfq.need_id == need.id and rfq.status == "open" and len(rfq.invitations) == 3
    assert [f.filename for f in rfq.files] == ["図面 A-100.pdf"]
    drawing = rfq.files[0].id
    for key in ("a", "b", "c"):
        mailbox.wait(f"{key}@example.com")

    # supplier a declines
    _login(client, "a@example.com")
    page = client.get(f"/rfqs/{rfq.id}/invitation").get_data(as_text=True)
    assert "図面 A-100.pdf" in page
    assert client.get(f"/files/{drawing}").status_code == 200
    r = client.post(f"/rfqs/{rfq.id}/decline", data={"reason": "no_capacity", "note": "今月は手一杯です"})
    assert r.status_code == 302

    # supplier b quotes once
    _login(client, "b@example.com")
    page = client.get(f"/rfqs/{rfq.id}/invitation").get_data(as_text=True)
    r = client.post(f"/rfqs/{rfq.id}/quote", data={"amount": "180000", "currency": "JPY", "price_basis": "lump_sum",
                                                   "lead_time_days": "10", "notes": "材料支給なし",
                                                   "submission": submission_of(page)})
    assert r.status_code == 302

    # supplier c quotes, then revises
    _login(client, "c@example.com")
    page = client.get(f"/rfqs/{rfq.id}/invitation").get_data(as_text=True)
    client.post(f"/rfqs/{rfq.id}/quote", data={"amount": "150000", "currency": "JPY", "price_basis": "lump_sum",
                                               "lead_time_days": "14", "submission": submission_of(page)})
    page = client.get(f"/rfqs/{rfq.id}/invitation").get_data(as_text=True)
    client.post(f"/rfqs/{rfq.id}/quote", data={"amount": "140000", "currency": "JPY", "price_basis": "lump_sum",
                                               "lead_time_days": "14", "submission": submission_of(page)})
    page = client.get(f"/rfqs/{rfq.id}/invitation").get_data(as_text=True)
    assert "180,000" not in page  # a supplier never sees another's quote
    c_inv = db.session.scalar(sa.select(Invitation).where(Invitation.supplier_firm_id == firms["c"].id))
    assert [q.revision for q in c_inv.quotes] == [1, 2] and c_inv.quote.amount == 140000

    # everyone answered: the buyer compares and awards b
    _login(client, buyer.email)
    page = client.get(f"/rfqs/{rfq.id}").get_data(as_text=True)
    assert "180,000" in page and "140,000" in page and "今月は手一杯です" in page
    b_inv = db.session.scalar(sa.select(Invitation).where(Invitation.supplier_firm_id == firms["b"].id))
    r = client.post(f"/rfqs/{rfq.id}/award", data={"invitation": [b_inv.id], "note": "今回は見送ります"})
    assert r.status_code == 302
    rfq = latest_rfq()
    assert rfq.status == "awarded"
    statuses = {i.supplier.name: i.status for i in rfq.invitations}
    assert statuses == {"辻堂メッキ工業": "declined", "茅ヶ崎表面処理": "awarded", "浪速鍍金": "not_selected"}
    assert db.session.get(Need, need.id).status == "fulfilled"

    # the deal: the right firms, amount and locality (茅ヶ崎 is within 30 km of 藤沢)
    deal = db.session.scalar(sa.select(Deal))
    assert (deal.buyer_firm_id, deal.supplier_firm_id, deal.amount_jpy) == (buyer.firm_id, firms["b"].id, 180000)
    assert deal.locality == "local" and deal.source == "rfq" and deal.rfq_id == rfq.id and deal.need_id == need.id
    assert client.get("/deals/").status_code == 200 and "茅ヶ崎表面処理" in client.get("/deals/").get_data(as_text=True)

    # notifications on the site and by mail, for each party
    assert _keys(firms["a"].id) == ["rfq_received"]
    assert _keys(firms["b"].id) == ["rfq_awarded", "rfq_received"]
    assert _keys(firms["c"].id) == ["rfq_not_selected", "rfq_received"]
    assert _keys(buyer.firm_id) == ["quote_received", "quote_received", "quote_revised", "rfq_declined"]
    mailbox.wait("b@example.com", 2)
    mailbox.wait("c@example.com", 2)
    mailbox.wait(buyer.email, 4)
    assert any("/rfqs/" in m.body for m in mailbox.to("b@example.com"))

    # the uninvolved see nothing: another firm's member, an organizer, anonymous
    for who in (other_member.email, organizer.email, None):
        client.post("/account/logout")
        if who:
            _login(client, who)
        for url in (f"/rfqs/{rfq.id}", f"/rfqs/{rfq.id}/invitation", f"/files/{drawing}"):
            code = client.get(url).status_code
            assert code in (302, 403, 404), (who, url, code)
            assert code != 200
        if who == other_member.email:
            assert client.post(f"/rfqs/{rfq.id}/award", data={"invitation": [b_inv.id]}).status_code == 404
            assert client.post(f"/rfqs/{rfq.id}/quote", data={"amount": "1"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Quote.id))) == 3
