"""Partner recommendations inside a fair: both directions, reasons, no self, requested pairs marked."""
from __future__ import annotations

from matchmaker.extensions import db
from matchmaker.fairs.partners import fair_matches, touch
from matchmaker.fairs.slots import fair_slots


def test_both_directions_and_reasons(app, fairs, make, setup):
    fair, p1, p2, p3 = setup["fair"], setup["p1"], setup["p2"], setup["p3"]
    one_way = fairs.join(fair, make.firm(name="相模原精密"), seeks="", offers="黒アルマイト処理")
    unrelated = fairs.join(fair, make.firm(name="湘南食品"), seeks="包装資材", offers="弁当 ケータリング")
    touch(fair)
    db.session.commit()
    with app.test_request_context():
        matches = fair_matches(fair)
    recs = {r.participant_id: r for r in matches.by_participant[p1.id]}
    assert p1.id not in recs
    assert unrelated.id not in recs
    assert recs[p2.id].mutual and recs[p3.id].mutual
    assert one_way.id in recs and not recs[one_way.id].mutual
    order = [r.participant_id for r in matches.by_participant[p1.id]]
    assert order.index(p3.id) < order.index(one_way.id)  # both sides benefit first
    assert recs[p3.id].reasons_offer and recs[p3.id].reasons_seek
    assert recs[p3.id].reasons_offer[0].kind in ("capability", "text")
    # symmetric pair score, used for the scheduler's weights
    assert matches.score(p1.id, p3.id) == matches.score(p3.id, p1.id) > 0


def test_cache_follows_changes_and_no_common_slot(app, fairs, make, setup):
    fair, p1, p2 = setup["fair"], setup["p1"], setup["p2"]
    with app.test_request_context():
        first = fair_matches(fair)
        assert fair_matches(fair) is first
        keys = [s.key for s in fair_slots(fair)]
        p1.available, p2.available = keys[:1], keys[1:]
        touch(fair)
        db.session.commit()
        second = fair_matches(fair)
    assert second is not first
    assert p2.id not in {r.participant_id for r in second.by_participant[p1.id]}


def test_partners_page(client, auth, fairs, setup):
    fair, p2 = setup["fair"], setup["p2"]
    auth.login("member@example.com")
    client.post("/account/language", data={"lang": "en"})
    page = client.get(f"/fairs/{fair.id}/partners").get_data(as_text=True)
    assert "Both sides benefit" in page and "They offer what you seek" in page
    assert f'name="target" value="{p2.id}"' in page
    fairs.request(fair, setup["p1"], p2, status="pending")
    page = client.get(f"/fairs/{fair.id}/partners").get_data(as_text=True)
    assert f'name="target" value="{p2.id}"' not in page and "Already requested" in page
