"""`matchmaker seed-demo --synthetic N`: made-up firms beside the existing data, marked, searchable."""
from __future__ import annotations

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import ChangeLog, Firm, FirmFacet, Need, Offering


def test_synthetic_firms_are_added_beside_the_data_marked_and_found(runner, make, client):
    real = make.firm(name="藤沢精工株式会社", tags=["NC旋盤"])
    result = runner.invoke(args=["seed-demo", "--synthetic", "30"])
    assert result.exit_code == 0, result.output
    assert "Added 30 synthetic firms" in result.output
    firms = db.session.scalars(sa.select(Firm).where(Firm.synthetic)).all()
    assert len(firms) == 30 and db.session.get(Firm, real.id).synthetic is False
    assert all(f.is_public and f.city and f.latitude is not None and f.search_text for f in firms)
    from matchmaker.search.text import char_pairs

    assert all(f.search_pairs == char_pairs(f.search_text) for f in firms)  # as the hook writes
    ids = [f.id for f in firms]
    assert db.session.scalar(sa.select(sa.func.count(FirmFacet.id)).where(FirmFacet.firm_id.in_(ids))) > 30
    assert db.session.scalar(sa.select(sa.func.count(Offering.id)).where(Offering.firm_id.in_(ids))) > 0
    assert db.session.scalar(sa.select(sa.func.count(Need.id)).where(Need.firm_id.in_(ids))) > 0
    assert db.session.scalar(sa.select(ChangeLog.op).order_by(ChangeLog.id.desc()).limit(1)) == "rebuild"
    word = firms[0].name.replace("株式会社", "").replace("有限会社", "").replace("合同会社", "")
    assert firms[0].name in client.get("/firms/", query_string={"q": word}).get_data(as_text=True)


def test_a_bad_number_is_refused_and_nothing_is_written(runner, app):
    result = runner.invoke(args=["seed-demo", "--synthetic", "-5"])
    assert result.exit_code == 2 and "--synthetic" in result.output
    result = runner.invoke(args=["seed-demo", "--synthetic", "2000000"])
    assert result.exit_code == 2 and "at most 1,000,000" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Firm.id))) == 0
