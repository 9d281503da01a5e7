"""One reading of a supplier scope for the search page, the API and a need's recommendations."""
import pytest

from matchmaker.matching import Query
from matchmaker.search.records import scoped


@pytest.mark.parametrize("scope, prefer, hard", [
    ("local", "local", "local"), ("domestic", "local", "domestic"), ("overseas", "overseas", "overseas"),
    ("anywhere", "local", None), ("any", "local", None), (None, "local", None), ("nonsense", "local", None),
])
def test_scopes(scope, prefer, hard):
    q = scoped(Query(text="めっき", country="JP"), scope)
    assert (q.prefer, q.scope, q.max_distance_km) == (prefer, hard, None)
    assert q.text == "めっき"


def test_a_given_distance_is_kept():
    assert scoped(Query(text="x"), "local", 12.0).max_distance_km == 12.0
    assert scoped(Query(text="x"), "domestic", 80.0).max_distance_km == 80.0
