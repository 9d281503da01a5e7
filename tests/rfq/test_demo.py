"""The demo data gives every new page something real: requests in every state, quotes, declines,
messages, awards and two years of deals, mostly local."""
from __future__ import annotations

import sqlalchemy as sa
from support import new_client

from matchmaker.deals.models import Deal
from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.rfq.models import Invitation, Quote, Rfq
from matchmaker.threads.models import Message

DEMO_PASSWORD = "matchmaker-demo-2026"


def test_demo_trade(demo_app):
    app = demo_app  # the demo as `matchmaker seed-demo` loads it (a copy of the run's template)
    states = set(db.session.scalars(sa.select(Rfq.status)))
    assert states == {"open", "closed", "awarded", "cancelled"}
    inv_states = set(db.session.scalars(sa.select(Invitation.status)))
    assert {"invited", "quoted", "declined", "awarded", "not_selected"} <= inv_states
    assert db.session.scalar(sa.select(sa.func.count(Quote.id)).where(Quote.revision == 2)) > 0
    assert db.session.scalar(sa.select(sa.func.count(Message.id))) > 0
    deals = db.session.execute(sa.select(Deal.locality, sa.func.count(Deal.id)).group_by(Deal.locality)).all()
    by = dict(deals)
    assert set(by) == {"local", "domestic", "overseas"}
    assert by["local"] > by["domestic"] > by["overseas"] > 0
    first = db.session.scalar(sa.select(sa.func.min(Deal.deal_date)))
    last = db.session.scalar(sa.select(sa.func.max(Deal.deal_date)))
    assert (last - first).days > 600  # two fiscal years of history
    # most demo profiles were confirmed within the year; a few are stale, as in a real directory
    from matchmaker.firms.freshness import is_stale
    from matchmaker.models import Firm

    firms = db.session.scalars(sa.select(Firm)).all()
    assert 0 < sum(is_stale(f) for f in firms) < len(firms) // 8

    # every page of the loop shows content for a demo buyer and a demo supplier
    rfq = db.session.scalar(sa.select(Rfq).where(Rfq.status == "awarded").order_by(Rfq.id))
    buyer = db.session.scalar(sa.select(User).where(User.firm_id == rfq.buyer_firm_id))
    supplier = db.session.scalar(sa.select(User).where(User.firm_id == rfq.invitations[0].supplier_firm_id))
    client = new_client(app)
    assert client.post("/account/login", data={"email": buyer.email, "password": DEMO_PASSWORD}).status_code == 302
    for status in ("open", "closed", "awarded", "cancelled"):
        r = db.session.scalar(sa.select(Rfq).where(Rfq.status == status, Rfq.buyer_firm_id == buyer.firm_id))
        if r is not None:
            assert client.get(f"/rfqs/{r.id}").status_code == 200
    for url in ("/rfqs/", "/rfqs/?box=received", "/deals/", "/messages/", "/notifications/", "/alerts/", "/firms/mine"):
        assert client.get(url).status_code == 200, url
    client.post("/account/logout")
    client.post("/account/login", data={"email": supplier.email, "password": DEMO_PASSWORD})
    assert client.get(f"/rfqs/{rfq.id}/invitation").status_code == 200
