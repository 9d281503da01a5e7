"""The supply gaps' two halves: the job (gaps.check, run by `matchmaker tick`) decides with the engine
and stores its verdicts; the page only reads them."""
from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.indicators import gaps, periods
from matchmaker.indicators.figures import compute

FY2025 = periods.fiscal_year(2025)


def _anodising(found: gaps.Gaps) -> dict | None:
    return next((g for g in found.rows if "アルマイト" in g["label_ja"]), None)


def test_the_page_reads_the_stored_verdicts_without_the_engine(app, world, monkeypatch):
    from matchmaker.matching import Engine
    from matchmaker.search import index

    def no_engine(*a, **k):
        raise AssertionError("the indicators ran the matching engine")

    monkeypatch.setattr(Engine, "search", no_engine)
    monkeypatch.setattr(index, "get_index", no_engine)
    fig = compute(FY2025)
    assert fig["supply_gaps_checked"] == {"needs": 3, "of": 3}  # two needs and the unanswered request
    assert _anodising(gaps.supply_gaps(FY2025))["needs"] == 2
    assert gaps.check() == 0  # nothing left to decide: the job does not even open the index


def test_an_edited_need_waits_for_the_job(app, world):
    from matchmaker.models import Need

    need = db.session.scalars(db.select(Need).where(Need.status == "open", Need.created_at >= periods.fiscal_year(2025)
                                                   .bounds()[0])).one()
    need.description = "A5052 月300個 硬質アルマイト"
    db.session.commit()
    found = gaps.supply_gaps(FY2025)
    assert (found.checked, found.candidates) == (2, 3)  # its verdict was about the old text
    assert _anodising(found)["needs"] == 1 and found.open_without_local == 0
    assert gaps.pending(10) == [(need.id, None)]
    assert gaps.check() >= 1 and gaps.pending(10) == []  # one search, and the nearest firms of any new concept
    found = gaps.supply_gaps(FY2025)
    assert found.checked == 3 and _anodising(found)["needs"] == 2 and found.open_without_local == 1


def test_a_new_local_supplier_closes_the_gap_after_the_job(app, world, make):
    assert gaps.pending(10) == []
    make.offering(world.L2, title="アルマイト処理", description="アルミの黒アルマイト、硬質アルマイト。A5052・A6061。")
    # the supply changed: every verdict (of every period: also the need of the year before) is checked again,
    # oldest decision first; the page still reads the old ones meanwhile
    assert len(gaps.pending(10)) == 4
    assert _anodising(gaps.supply_gaps(FY2025))["needs"] == 2
    gaps.check()
    found = gaps.supply_gaps(FY2025)
    assert _anodising(found) is None and found.open_without_local == 0 and found.checked == 3


def test_the_job_is_bounded_and_runs_on_tick(app, world, make):
    from matchmaker import tick

    for i in range(3):
        make.need(world.L2, title=f"金型部品の真空熱処理 {i}", description="SKD11 焼入れ")
    assert len(gaps.pending(2)) == 2
    assert gaps.check(limit=2) >= 2
    assert len(gaps.pending(10)) == 1
    done = tick.run()
    assert done["supply gaps checked"] >= 1 and gaps.pending(10) == []


@pytest.mark.parametrize("radius", [1])
def test_a_new_radius_needs_new_verdicts(app, world, radius):
    app.config["MATCHMAKER_LOCAL_RADIUS_KM"] = radius
    found = gaps.supply_gaps(FY2025)
    assert (found.checked, found.candidates, found.rows) == (0, 3, [])
    gaps.check()
    assert gaps.supply_gaps(FY2025).checked == 3
