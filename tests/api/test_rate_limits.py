"""Each access token has its own rate limit; anonymous callers share their address's."""
from __future__ import annotations

import pytest


@pytest.fixture
def app_config():
    return {"MATCHMAKER_API_TOKEN_LIMIT": "3 per minute", "MATCHMAKER_API_LIMIT": "2 per minute"}


def test_each_token_has_its_own_rate_limit(client, member, other_member, bearer):
    a, b = bearer(member), bearer(other_member)
    codes_a = [client.get("/api/v1/me", headers=a).status_code for _ in range(4)]
    assert codes_a == [200, 200, 200, 429]
    assert client.get("/api/v1/me", headers=b).status_code == 200
    r = client.get("/api/v1/me", headers=a)
    assert r.status_code == 429 and r.mimetype == "application/problem+json"
    # Anonymous callers: one budget for the address across all operations (the first one's too).
    assert [client.get("/api/v1/industries").status_code for _ in range(2)] == [200, 200]
    assert client.get("/api/v1/suppliers", query_string={"q": "旋盤"}).status_code == 429
