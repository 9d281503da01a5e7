"""Pages at scale: the SQL statements of the main pages do not grow with the data (no N+1), and the
directory's keyword filter reads the engine-folded search column (メッキ = めっき = 鍍金)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db

from .conftest import text


@pytest.fixture
def app_config():
    return {"MATCHMAKER_PAGE_SIZE": 200}  # one page holds every demo firm a keyword finds


class Statements:
    def __init__(self):
        self.n = 0

    def __call__(self, *args):
        self.n += 1


def statements(client, url: str) -> int:
    counter = Statements()
    sa.event.listen(db.engine, "before_cursor_execute", counter)
    try:
        r = client.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counter)
    assert r.status_code == 200, url
    return counter.n


def grow(make, k: int, start: int) -> None:
    """k more firms, each with tags, an offering and an open need that the member's firm can answer."""
    for i in range(start, start + k):
        firm = make.firm(name=f"相模めっき工業{i}", industries=["2464"], tags=["めっき", "NC旋盤"], languages=["ja"],
                         certifications=["ISO 9001"], equipment=["自動めっきライン"])
        make.offering(firm, title="無電解ニッケルめっき", description="SUS・アルミ部品のめっき加工")
        make.need(firm, title="SUS304シャフトのNC旋盤加工", description="φ10 月500本")


PAGES = ["/", "/firms/?q=めっき", "/firms/?q=めっき&industry=E&area=local&language=ja", "/firms/mine",
         "/search/suppliers?q=無電解ニッケルめっき", "/needs/", "/offerings/", "/fairs/"]


def test_main_pages_issue_the_same_statements_at_two_sizes(app, make, world, client_as):
    client = client_as("member")
    own_need = f"/needs/{world['need']}"
    grow(make, 2, 0)
    for url in PAGES + [own_need]:  # warm: the index built, caches filled
        client.get(url)
    small = {url: statements(client, url) for url in PAGES + [own_need]}
    grow(make, 6, 2)
    for url in PAGES + [own_need]:
        client.get(url)  # the index applies the new rows
    large = {url: statements(client, url) for url in PAGES + [own_need]}
    grew = {url: (small[url], large[url]) for url in small if large[url] > small[url]}
    assert not grew, f"statements grow with the data (N+1): {grew}"
    assert small["/"] <= 12, small


@pytest.fixture
def demo_firms(app):
    from matchmaker.demo.loader import _firm, read_demo_firms

    for rec in read_demo_firms():
        db.session.add(_firm(rec))
    db.session.commit()


def names(client, q: str) -> set[str]:
    from matchmaker.models import Firm

    html = text(client.get("/firms/", query_string={"q": q}))
    return {f.name for f in db.session.scalars(sa.select(Firm)) if f.name in html}


def test_directory_keyword_folds_kana_width_and_reads_concepts(demo_firms, client):
    from matchmaker.models import Firm

    plating = names(client, "めっき")
    assert len(plating) >= 2
    assert names(client, "メッキ") == plating  # katakana folded like the engine folds it
    assert names(client, "ﾒｯｷ") == plating  # half width too
    assert plating <= names(client, "鍍金")  # the vocabulary's concept: 鍍金 = めっき
    aluminium_machining = names(client, "アルミ 切削")
    assert aluminium_machining, "no firm found for アルミ 切削"
    for firm in db.session.scalars(sa.select(Firm).where(Firm.name.in_(aluminium_machining))):
        assert any(w in firm.search_text for w in ("あるみ", "alumin")), firm.name
    assert names(client, "存在しない工程ですよ") == set()


def test_fair_pages_issue_the_same_statements_at_two_sizes(app, make, world, client_as):
    """A fair's page, its partner suggestions, participants, requests and schedule, with 3 and then 9
    participants (each with a meeting request): no statement per participant."""
    from tests.fairs.conftest import FairFactory

    fairs = FairFactory(make)
    fair = fairs.fair()
    member_firm = world["member"].firm
    mine = fairs.join(fair, member_firm, seeks="アルミ部品の黒アルマイト処理", offers="NC旋盤による精密切削加工 SUS304")

    def more(k: int, start: int) -> None:
        for i in range(start, start + k):
            firm = make.firm(name=f"湘南アルマイト{i}", tags=["アルマイト"], languages=["ja"])
            p = fairs.join(fair, firm, seeks="ステンレスの精密切削加工", offers="黒アルマイト 表面処理")
            fairs.request(fair, p, mine, status="accepted" if i % 2 else "pending")

    member, organizer = client_as("member"), client_as("organizer")
    pages = [(member, f"/fairs/{fair.id}"), (member, f"/fairs/{fair.id}/partners"),
             (member, f"/fairs/{fair.id}/my-requests"), (organizer, f"/fairs/{fair.id}/participants"),
             (organizer, f"/fairs/{fair.id}/requests"), (organizer, f"/fairs/{fair.id}/schedule"),
             (organizer, "/fairs/")]
    more(2, 0)
    for c, url in pages:
        c.get(url)
    small = {url: statements(c, url) for c, url in pages}
    more(6, 2)
    for c, url in pages:
        c.get(url)
    large = {url: statements(c, url) for c, url in pages}
    grew = {url: (small[url], large[url]) for url in small if large[url] > small[url]}
    assert not grew, f"statements grow with the participants (N+1): {grew}"


def test_long_lists_count_up_to_a_bound_and_still_page_past_it(app, make, client, monkeypatch):
    """The directory and the lists count at most COUNT_CAP rows beyond the page: past it the page says
    "more than", and the next pages still open."""
    from matchmaker import paging

    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    app.config["MATCHMAKER_PAGE_SIZE"] = 2
    firms = [make.firm(name=f"相模精工{i}") for i in range(7)]
    for f in firms[:5]:
        make.need(f, title="アルミ部品の切削加工")
    capped = ("More than 4 results", "4件以上")
    assert any(c in text(client.get("/firms/")) for c in capped)
    last = text(client.get("/firms/?page=4"))  # row 7 of 7: the count reaches as far as the page asked for
    assert "相模精工0" in last and not any(c in last for c in capped)
    few = text(client.get("/firms/?q=相模精工1"))
    assert "相模精工1" in few and "件以上" not in few and "More than" not in few
    assert any(c in text(client.get("/needs/")) for c in capped)
    assert "アルミ部品の切削加工" in text(client.get("/needs/?page=3"))


TWO_CHARACTER_WORDS = ["溶接", "研磨", "板金", "塗装", "鍍金", "切削", "溶接 研磨", "アルミ 切削", "藤沢", "存在"]


def test_two_character_words_find_the_same_firms_through_the_pairs_index(demo_firms, backend):
    """On PostgreSQL a two-character word is read off the index of character pairs (trigrams cannot serve
    it): the same firms as LIKE finds, and the index is one the filter can use."""
    from matchmaker.models import Firm
    from matchmaker.search.text import char_pairs, is_pair, keyword_filter

    def ids(q: str, pairs: bool) -> set[int]:
        return set(db.session.scalars(sa.select(Firm.id).where(keyword_filter(Firm.search_text, q, pairs=Firm.search_pairs if pairs else None))))

    assert is_pair("溶接") and not is_pair("めっき") and not is_pair("3D") and not is_pair("溶")
    assert char_pairs("めっき加工 sus材の加工") == "めっ っき き加 加工 材の の加"  # no pair with a space or a Latin letter
    for firm in db.session.scalars(sa.select(Firm)):  # kept by the flush hook
        assert firm.search_pairs == char_pairs(firm.search_text)
    found = {q: ids(q, False) for q in TWO_CHARACTER_WORDS}
    assert found["溶接"] and found["研磨"] and found["板金"]  # the demo firms write them
    if backend != "postgresql":
        return
    for q in TWO_CHARACTER_WORDS:
        assert ids(q, True) == found[q], q
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    query = sa.select(Firm.id).where(keyword_filter(Firm.search_text, "溶接", pairs=Firm.search_pairs))
    compiled = query.compile(dialect=db.engine.dialect)
    plan = [row[0] for row in db.session.connection().exec_driver_sql("EXPLAIN " + str(compiled), compiled.params)]
    assert any("ix_firms_search_pairs" in line for line in plan), plan
    db.session.rollback()


def test_facet_kind_and_value_have_statistics_together(app, backend):
    """PostgreSQL's planner is told that a facet's value says its kind (ISO 9001 is a certification)."""
    if backend != "postgresql":
        return
    names = db.session.scalars(sa.text("SELECT stxname FROM pg_statistic_ext")).all()
    assert "st_firm_facets_kind_value" in names
