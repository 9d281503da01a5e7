"""Each figure against the hand-counted world of conftest.py."""
from __future__ import annotations

from datetime import date

import pytest

from matchmaker.indicators import periods
from matchmaker.indicators.figures import compute
from matchmaker.indicators.periods import Period, PeriodError

FY2025 = periods.fiscal_year(2025)


def test_fiscal_year_figures(app, world):
    fig = compute(FY2025)
    d = fig["deals"]
    assert (d["count"], d["amount_jpy"]) == (7, 1_280_000)
    assert (d["local"]["count"], d["local"]["amount_jpy"]) == (5, 730_000)  # L4 moved later: still local
    assert (d["domestic"]["count"], d["domestic"]["amount_jpy"]) == (1, 400_000)
    assert (d["overseas"]["count"], d["overseas"]["amount_jpy"]) == (1, 150_000)  # USD 1,000 at 150
    assert d["local_share_count"] == round(5 / 7, 4) and d["local_share_amount"] == round(730 / 1280, 4)
    assert d["local"]["firms"] == 2  # suppliers L2 L3 L4, buyers L1 L2: the fewer
    assert world.usd.currency == "USD" and world.usd.amount_jpy == 150_000

    months = {m["month"]: m for m in fig["by_month"]}
    assert list(months) == [f"2025-{m:02d}" for m in range(4, 13)] + ["2026-01", "2026-02", "2026-03"]
    assert months["2025-06"]["local"]["count"] == 2 and months["2025-06"]["local"]["amount_jpy"] == 500_000
    assert (months["2025-07"]["domestic"]["count"], months["2025-07"]["overseas"]["count"]) == (1, 1)
    assert months["2026-03"]["count"] == 1 and months["2025-05"]["count"] == 0

    assert fig["new_relationships"]["count"] == 5 and fig["new_relationships"]["local"]["count"] == 3

    r = fig["rfq"]
    assert (r["sent"], r["invitations"], r["answered"], r["awarded"], r["awarded_local"]) == (7, 8, 7, 6, 4)
    assert r["answered_share"] == 0.875 and r["median_hours_to_first_quote"] == 7.0
    assert r["awarded_local_share"] == round(4 / 6, 4)

    assert {k: fig["needs"][k] for k in ("posted", "fulfilled", "open", "closed")} == \
        {"posted": 3, "fulfilled": 1, "open": 1, "closed": 1}
    f = fig["fairs"]
    assert (f["fairs"], f["participants"], f["meetings_planned"], f["meetings_held"], f["no_shows"], f["deals"],
            f["deals_local"]) == (1, 3, 3, 1, 1, 1, 1)
    assert fig["activity"]["active_firms"] == 6

    prev = fig["previous"]
    assert prev["period"] == {"from": "2024-04-01", "to": "2025-03-31"}
    assert prev["deals"]["count"] == 1 and prev["deals"]["amount_jpy"] == 999 and prev["needs"]["posted"] == 1

    # supply gaps: anodising (two needs, two buyers) and heat treatment, which the nearest is D1 in Sapporo
    gaps = {g["label_ja"]: g for g in fig["supply_gaps"]}
    heat = [g for label, g in gaps.items() if "熱処理" in label]
    assert heat and world.D1.id in [n["firm_id"] for n in heat[0]["nearest"]]
    assert heat[0]["nearest"][0]["locality"] == "domestic" and heat[0]["nearest"][0]["distance_km"] > 800
    anod = [g for label, g in gaps.items() if "アルマイト" in label]
    assert anod and anod[0]["needs"] == 2 and anod[0]["firms"] == 2
    assert fig["needs"]["open_without_local"] == 1


def test_a_period_that_cuts_months(app, world):
    fig = compute(Period(date(2025, 6, 20), date(2025, 7, 10)), gaps=False)
    assert fig["deals"]["count"] == 2 and fig["deals"]["amount_jpy"] == 700_000
    assert [m["month"] for m in fig["by_month"]] == ["2025-06", "2025-07"]
    assert fig["previous"]["period"] == {"from": "2025-05-30", "to": "2025-06-19"}
    assert fig["previous"]["deals"]["count"] == 1
    # the radius of the day is kept with each deal and shown
    assert fig["setting"]["deal_radii_km"] == [30.0]


def test_a_new_radius_does_not_rewrite_the_past(app, world):
    app.config["MATCHMAKER_LOCAL_RADIUS_KM"] = 1
    fig = compute(FY2025, previous=False, gaps=False)
    assert fig["deals"]["local"]["count"] == 5 and fig["setting"]["radius_km"] == 1.0


def test_empty_database_renders_zeros(app):
    fig = compute(FY2025)
    assert fig["deals"]["count"] == 0 and fig["deals"]["local_share_count"] is None
    assert fig["rfq"]["median_hours_to_first_quote"] is None and fig["supply_gaps"] == []


def test_periods():
    today = date(2026, 2, 10)
    assert periods.preset("this_fy", today) == Period(date(2025, 4, 1), date(2026, 3, 31))
    assert periods.preset("last_fy", today) == Period(date(2024, 4, 1), date(2025, 3, 31))
    assert periods.preset("last_12_months", today) == Period(date(2025, 3, 1), date(2026, 2, 10))
    assert periods.preset("calendar_year", today, 2024) == Period(date(2024, 1, 1), date(2024, 12, 31))
    assert periods.custom("2025-05-01", None, today) == Period(date(2025, 5, 1), date(2026, 3, 31))
    assert Period(date(2026, 1, 1), date(2026, 3, 31)).previous() == Period(date(2025, 10, 1), date(2025, 12, 31))
    for start, end in (("2025-02-30", None), ("x", None), ("2025-05-01", "2025-04-30")):
        with pytest.raises(PeriodError):
            periods.custom(start, end, today)


def test_every_radius_the_deals_were_recorded_with(app, world):
    import sqlalchemy as sa

    from matchmaker.deals.models import Deal
    from matchmaker.extensions import db

    ids = db.session.scalars(sa.select(Deal.id).where(Deal.deal_date.between(FY2025.start, FY2025.end))
                             .order_by(Deal.id)).all()
    for deal_id, radius in zip(ids, (10.0, 20.0, 40.0, None)):
        db.session.execute(sa.update(Deal).where(Deal.id == deal_id).values(radius_km=radius))
    db.session.commit()
    assert compute(FY2025, previous=False, gaps=False)["setting"]["deal_radii_km"] == [10.0, 20.0, 30.0, 40.0]
    db.session.execute(sa.update(Deal).values(radius_km=25.0))
    db.session.commit()
    assert compute(FY2025, previous=False, gaps=False)["setting"]["deal_radii_km"] == [25.0]
