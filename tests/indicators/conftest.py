"""A small hand-counted world for the indicators (fiscal year 2025: 2025-04-01 .. 2026-03-31).

Firms: L1 藤沢市, L2 茅ヶ崎市, L3 藤沢市, L4 鎌倉市 (local, within 30 km), D1 札幌市 (domestic, supplies
vacuum heat treatment), O1 Penang (overseas). Deals, each from an awarded request (or a fair meeting),
with the supplier's place decided when recorded:

  #  buyer←supplier  day          JPY        where     note
  0  L1←L2           2025-03-31   999        local     previous year: L1–L2 is not a new relationship
  1  L1←L2           2025-04-01   100,000    local     first day of the year
  2  L1←L3           2025-06-15   200,000    local
  3  L2←L4           2025-06-30   300,000    local     L4 moves to Sapporo afterwards: stays local
  4  L3←D1           2025-07-01   400,000    domestic
  5  L1←O1           2025-07-15   USD 1,000  overseas  at 150 JPY/USD: 150,000
  F  L1←L2           2025-10-20   80,000     local     ordered at the fair of 2025-10-01
  6  L2←L3           2026-03-31   50,000     local     last day of the year
  7  L4←L1           2026-04-01   70,000     local     next year

Hours to the first quote of deals 1..6: 2, 4, 6, 8, 10, 30 (median 7). One more request (L3, 真空熱処理)
got a decline and no answer and was cancelled. Needs posted in the year: one open (L1, anodising),
one fulfilled, one closed; one posted before. The fair: L1, L2, L3; meetings L1–L2 held, L1–L3 a
no-show, L2–L3 not reported.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from matchmaker.extensions import db

JST = ZoneInfo("Asia/Tokyo")
HOURS = [2, 4, 6, 8, 10, 30]


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), JST)


@pytest.fixture
def world(make):
    from matchmaker.deals.service import record_fair_deal, record_rfq_deal
    from matchmaker.fairs.models import Fair, Meeting, Participant
    from matchmaker.models import Need
    from matchmaker.rfq.models import Invitation, Quote, Rfq

    f = SimpleNamespace()
    f.L1 = make.firm(name="藤沢一工業", city="藤沢市", tags=["NC旋盤"])
    f.L2 = make.firm(name="茅ヶ崎二製作所", city="茅ヶ崎市", tags=["板金"])
    f.L3 = make.firm(name="藤沢三精機", city="藤沢市", tags=["切削"])
    f.L4 = make.firm(name="鎌倉四工業", city="鎌倉市", tags=["溶接"])
    f.D1 = make.firm(name="札幌熱処理工業", city="札幌市", tags=["熱処理"])
    f.O1 = make.firm(name="Penang Precision", city="George Town", country="MY", tags=["machining"])
    make.offering(f.D1, title="真空熱処理", description="焼入れ・焼戻し・真空熱処理。SKD11、SUS440C。")
    make.offering(f.L2, title="精密板金加工", description="SPCC・SUS304の曲げ、溶接、組立")

    def award(buyer, supplier, day, amount, currency="JPY", hours=2, rates=None):
        rfq = Rfq(buyer_firm_id=buyer.id, title=f"{buyer.name}の依頼", due_date=day, status="awarded", rates=rates or {},
                  created_at=at(day))
        db.session.add(rfq)
        db.session.flush()
        inv = Invitation(rfq_id=rfq.id, supplier_firm_id=supplier.id, status="awarded", invited_at=at(day),
                         answered_at=at(day) + timedelta(hours=hours))
        db.session.add(inv)
        db.session.flush()
        quote = Quote(invitation_id=inv.id, amount=Decimal(amount), currency=currency,
                      created_at=at(day) + timedelta(hours=hours))
        db.session.add(quote)
        db.session.flush()
        deal = record_rfq_deal(rfq, inv, quote, None, day)
        db.session.commit()
        return deal

    award(f.L1, f.L2, date(2025, 3, 31), 999)
    award(f.L1, f.L2, date(2025, 4, 1), 100_000, hours=HOURS[0])
    award(f.L1, f.L3, date(2025, 6, 15), 200_000, hours=HOURS[1])
    award(f.L2, f.L4, date(2025, 6, 30), 300_000, hours=HOURS[2])
    award(f.L3, f.D1, date(2025, 7, 1), 400_000, hours=HOURS[3])
    f.usd = award(f.L1, f.O1, date(2025, 7, 15), 1000, currency="USD", hours=HOURS[4], rates={"USD": "150"})
    award(f.L2, f.L3, date(2026, 3, 31), 50_000, hours=HOURS[5])
    award(f.L4, f.L1, date(2026, 4, 1), 70_000)

    # L4 moves away after its deal
    from matchmaker.firms.service import apply_location

    f.L4.city = "札幌市"
    apply_location(f.L4)

    # a request no one quoted for
    rfq = Rfq(buyer_firm_id=f.L3.id, title="金型部品の真空熱処理", description="SKD11 焼入れ焼戻し 硬度HRC58-60",
              due_date=date(2025, 9, 10), status="cancelled", created_at=at(date(2025, 9, 1)))
    db.session.add(rfq)
    db.session.flush()
    db.session.add_all([
        Invitation(rfq_id=rfq.id, supplier_firm_id=f.L2.id, status="declined", invited_at=at(date(2025, 9, 1)),
                   answered_at=at(date(2025, 9, 2))),
        Invitation(rfq_id=rfq.id, supplier_firm_id=f.L4.id, status="expired", invited_at=at(date(2025, 9, 1))),
    ])

    # needs
    for firm, status, day in ((f.L1, "open", date(2025, 5, 1)), (f.L2, "fulfilled", date(2025, 8, 1)),
                              (f.L3, "closed", date(2026, 1, 10)), (f.L1, "open", date(2025, 3, 1))):
        db.session.add(Need(firm_id=firm.id, title="アルミ部品の黒アルマイト処理", description="A5052 月200個",
                            status=status, created_at=at(day), updated_at=at(day)))

    # the fair
    fair = Fair(name_ja="商談会", venue="藤沢", start_date=date(2025, 10, 1), end_date=date(2025, 10, 1),
                day_start=time(13), day_end=time(17), registration_deadline=date(2025, 9, 20), published=True)
    db.session.add(fair)
    db.session.flush()
    p1, p2, p3 = (Participant(fair_id=fair.id, firm_id=x.id) for x in (f.L1, f.L2, f.L3))
    db.session.add_all([p1, p2, p3])
    db.session.flush()
    m1 = Meeting(fair_id=fair.id, a_id=p1.id, b_id=p2.id, slot="20251001T1300", table_no=1, a_held=True,
                 b_held=True, a_outcome="order", b_outcome="order")
    m2 = Meeting(fair_id=fair.id, a_id=p1.id, b_id=p3.id, slot="20251001T1330", table_no=1, a_held=False,
                 a_outcome="nothing")
    m3 = Meeting(fair_id=fair.id, a_id=p2.id, b_id=p3.id, slot="20251001T1400", table_no=1)
    db.session.add_all([m1, m2, m3])
    db.session.flush()
    record_fair_deal(m1, f.L1, f.L2, 80_000, date(2025, 10, 20), "商談会")
    db.session.commit()
    # the supply gaps' verdicts, as the scheduled job (`matchmaker tick`) writes them
    from matchmaker.indicators.gaps import check

    check()
    return f
