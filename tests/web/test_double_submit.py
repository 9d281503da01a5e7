"""The same creating form posted twice (one after the other, or at the same moment) creates one listing."""
from __future__ import annotations

import re
import threading

from support import new_client

from matchmaker.models import Need

from .conftest import count, text

NEED = {"title": "アルミ部品の黒アルマイト処理", "description": "A5052 月200個", "supplier_scope": "anywhere"}


def _submission_id(client) -> str:
    m = re.search(r'name="submission" type="hidden" value="([0-9a-f]+)"', text(client.get("/needs/new")))
    assert m, "the form carries no submission id"
    return m.group(1)


def test_posting_the_same_form_twice_creates_one_need(client, auth, member):
    auth.login(member.email)
    sid = _submission_id(client)
    first = client.post("/needs/new", data={**NEED, "submission": sid})
    second = client.post("/needs/new", data={**NEED, "submission": sid})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]  # the second lands on what the first made
    assert count(Need) == 1
    # a new form (new submission id) creates another one
    assert client.post("/needs/new", data={**NEED, "submission": _submission_id(client)}).status_code == 302
    assert count(Need) == 2


def test_concurrent_double_submit_creates_one_need(app, client, auth, member):
    auth.login(member.email)
    sid = _submission_id(client)
    cookies = {c.key: c.value for c in client._cookies.values()}
    results = []

    def post():
        c = new_client(app)
        for k, v in cookies.items():
            c.set_cookie(k, v)
        results.append(c.post("/needs/new", data={**NEED, "submission": sid}).status_code)

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [302] * 4
    assert count(Need) == 1


def test_someone_elses_submission_id_is_not_followed(client, auth, member, other_member):
    auth.login(member.email)
    sid = _submission_id(client)
    client.post("/needs/new", data={**NEED, "submission": sid})
    auth.logout()
    auth.login(other_member.email)
    r = client.post("/needs/new", data={**NEED, "submission": sid})
    assert r.status_code == 302 and "/needs/" not in r.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert count(Need) == 1  # not created twice, and the other firm's need is not revealed
