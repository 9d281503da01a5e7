"""Fixtures for requests for quotation: a buyer with a need and suppliers whose offerings fit it."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from matchmaker.extensions import db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def market(make, member):
    """The member (株式会社藤沢精工, Fujisawa) buys; three plating shops near and far can supply."""
    buyer = member
    need = make.need(buyer.firm, title="アルミ部品の無電解ニッケルめっき", description="A5052 切削品 200個 膜厚5μm",
                     supplier_scope="anywhere")
    firms = {}
    for key, name, city, text in (
        ("a", "辻堂メッキ工業", "藤沢市", "無電解ニッケルめっき、亜鉛めっき。アルミ素材にも対応。"),
        ("b", "茅ヶ崎表面処理", "茅ヶ崎市", "アルミの無電解ニッケルめっきと硬質アルマイト。"),
        ("c", "浪速鍍金", "大阪市", "無電解ニッケルめっきの量産。アルミ・鉄。"),
    ):
        f = make.firm(name=name, city=city, tags=["無電解ニッケルめっき"], languages=["ja"])
        make.offering(f, title="無電解ニッケルめっき", description=text)
        firms[key] = f
    users = {k: make.user(firm=f, email=f"{k}@example.com", name=f"{k}担当") for k, f in firms.items()}
    return {"buyer": buyer, "need": need, "firms": firms, "users": users}


def today() -> date:
    """The city's today (due dates are days in Japan)."""
    from matchmaker.rfq.service import today as city_today

    return city_today()


def due(days=7) -> str:
    return (today() + timedelta(days=days)).isoformat()


def submission_of(html: str) -> str:
    m = re.search(r'name="submission" type="hidden" value="([0-9a-f]+)"', html)
    return m.group(1) if m else ""


def rfq_data(**kw) -> dict:
    data = {"title": "アルミ部品の無電解ニッケルめっき", "description": "A5052 200個", "quantity": "200", "unit": "個",
            "due_date": due(), "delivery_place": "藤沢市本社", "message": "よろしくお願いします。"}
    data.update(kw)
    return data


def send_rfq(client, market, suppliers=("a", "b", "c"), files=None, **kw):
    """POST a request for the buyer's need to the given suppliers (the buyer is signed in)."""
    ids = [market["firms"][k].id for k in suppliers]
    page = client.get("/rfqs/new", query_string={"need": market["need"].id, "supplier": ids}).get_data(as_text=True)
    data = {**rfq_data(**kw), "need": market["need"].id, "supplier": ids, "submission": submission_of(page)}
    if files is not None:
        data["files"] = files
    return client.post("/rfqs/new", data=data, content_type="multipart/form-data")


def latest_rfq():
    import sqlalchemy as sa

    from matchmaker.rfq.models import Rfq

    db.session.rollback()
    db.session.expire_all()
    return db.session.scalar(sa.select(Rfq).order_by(Rfq.id.desc()))
