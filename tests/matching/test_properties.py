from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker.matching import Engine, Query, Record, Settings

WORDS = ["めっき", "板金", "溶接", "旋盤", "アルミ", "ステンレス", "射出成形", "金型", "検査", "組立", "塗装",
         "plating", "welding", "machining", "molding", "assembly", "ISO", "SUS304", "A5052", "試作", "量産"]

profiles = st.lists(st.lists(st.sampled_from(WORDS), min_size=2, max_size=6, unique=True), min_size=2, max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(profiles=profiles, pick=st.integers(min_value=0, max_value=100))
def test_ranking_is_deterministic_and_a_record_finds_itself_first(vocab, profiles, pick):
    # distinct texts: a record's own text must rank it first (ties with identical twins are excluded)
    texts = list(dict.fromkeys(" ".join(p) for p in profiles))
    records = [Record(f"r{i}", text=t) for i, t in enumerate(texts)]
    e = Engine(Settings(min_score=0.0), vocab)
    e.build(records)
    target = records[pick % len(records)]
    q = Query(text=target.text)
    first = e.search(q, top=5)
    again = e.search(q, top=5)
    assert [(m.id, m.score) for m in first] == [(m.id, m.score) for m in again]
    assert first[0].id == target.id or first[0].score == first[[m.id for m in first].index(target.id)].score
    e2 = Engine(Settings(min_score=0.0), vocab)
    e2.build(list(reversed(records)))
    assert [m.id for m in e2.search(q, top=5)] == [m.id for m in first]
