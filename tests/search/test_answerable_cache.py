"""The needs a firm can answer (its dashboard): a candidate need's supplier search is shared by every
firm it is a candidate of, and worked out again once the index changes."""
from __future__ import annotations

from matchmaker.matching import Engine
from matchmaker.search.service import needs_for_firm


def counting(monkeypatch) -> list[bool]:
    calls: list[bool] = []
    real = Engine.search

    def search(self, query, *a, **k):
        calls.append(bool(k.get("explain", True)))
        return real(self, query, *a, **k)

    monkeypatch.setattr(Engine, "search", search)
    return calls


def test_two_firms_with_the_same_candidate_need_share_its_search(app, make, monkeypatch):
    buyer = make.firm(name="湘南精機", tags=["組立"])
    need = make.need(buyer, title="アルミ部品の黒アルマイト処理", description="A5052 月200個 黒アルマイト")
    a = make.firm(name="辻堂アルマイト", tags=["アルマイト", "黒アルマイト"], description_ja="アルミの陽極酸化処理")
    b = make.firm(name="鵠沼アルマイト", tags=["アルマイト", "硬質アルマイト"], description_ja="アルミの陽極酸化処理")
    calls = counting(monkeypatch)
    assert [h.need.id for h in needs_for_firm(a)] == [need.id]
    first = calls.count(False)  # the candidate needs' searches, without reasons
    calls.clear()
    assert [h.need.id for h in needs_for_firm(b)] == [need.id]
    assert first >= 1 and calls.count(False) == 0  # the need's suppliers were already known
    assert calls.count(True) == 1  # only the reasons shown for b are worked out

    make.firm(name="藤沢メッキ", tags=["無電解ニッケルめっき"])  # any change to the index
    calls.clear()
    needs_for_firm(b)
    assert calls.count(False) >= 1  # searched again on the new index state


def test_workers_share_the_lists_through_redis(app, make, monkeypatch, backend):
    """With Redis on PostgreSQL, a firm's lists worked out by one process are read by the others (here:
    the process's own caches emptied, as in another worker), with the same needs, scores and reasons."""
    import redis

    from matchmaker.search import service, teams

    if backend != "postgresql":
        return  # the shared tier names the database by its PostgreSQL identity
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        import os

        assert os.environ.get("CI") != "true", "Redis must be reachable in CI"
        return
    app.config["MATCHMAKER_REDIS_URL"] = url
    buyer = make.firm(name="湘南精機", tags=["組立"])
    need = make.need(buyer, title="アルミ部品の黒アルマイト処理", description="A5052 月200個 黒アルマイト")
    a = make.firm(name="辻堂アルマイト", tags=["アルマイト", "黒アルマイト"], description_ja="アルミの陽極酸化処理")
    first = needs_for_firm(a)
    assert [h.need.id for h in first] == [need.id]
    for cache in (service._answerable_cache, service._need_top_cache, teams._partner_cache):
        cache.clear()  # another worker
    calls = counting(monkeypatch)
    again = needs_for_firm(a)
    assert calls == []  # no search at all: the list came from Redis
    assert [(h.need.id, h.score, h.strength, h.reasons) for h in again] == \
        [(h.need.id, h.score, h.strength, h.reasons) for h in first]
    teams.partner_needs_for_firm(a)  # the partner list goes through its codec too
    teams._partner_cache.clear()
    assert teams.partner_needs_for_firm(a) is not None
