"""Organizer operations: a fair's participants, requests, schedule, the scheduler and the figures,
for organizer tokens only."""
from __future__ import annotations

from datetime import time

import pytest
from fairs.conftest import FairFactory


@pytest.fixture
def app_config():
    return {"MATCHMAKER_SCHEDULER_TIME_LIMIT": 2}


def test_organizer_reads_runs_and_members_are_refused(client, make, member, other_member, organizer, bearer):
    fairs = FairFactory(make)
    fair = fairs.fair(published=False, day_start=time(10, 0), day_end=time(10, 30))
    a = fairs.join(fair, member.firm, seeks="黒アルマイト", offers="NC旋盤")
    b = fairs.join(fair, other_member.firm, seeks="切削", offers="アルマイト")
    fairs.request(fair, a, b)
    org = bearer(organizer, scopes=("read", "organizer"))
    base = f"/api/v1/fairs/{fair.id}"
    # Members, and organizers without the scope, are refused every organizer operation.
    for headers in (bearer(member), bearer(organizer, scopes=("read",)), {}):
        for method, path in (("get", "/participants"), ("get", "/requests"), ("get", "/schedule"),
                             ("post", "/schedule/run"), ("get", "/figures")):
            r = getattr(client, method)(base + path, headers=headers)
            assert r.status_code in (401, 403), (headers, path)
    assert client.get(base).status_code == 404  # unpublished: not public
    parts = client.get(base + "/participants", headers=org).get_json()["items"]
    assert [p["firm"]["id"] for p in parts] == [member.firm_id, other_member.firm_id]
    reqs = client.get(base + "/requests", headers=org).get_json()["items"]
    assert reqs[0]["status"] == "accepted" and reqs[0]["from_participant"] == a.id
    run = client.post(base + "/schedule/run", headers=org)
    assert run.status_code == 200 and run.get_json()["meetings"] == 1
    schedule = client.get(base + "/schedule", headers=org).get_json()
    meeting = schedule["meetings"][0]
    assert {meeting["a"], meeting["b"]} == {a.id, b.id} and meeting["start"].endswith("+09:00")
    assert client.get(base + "/figures", headers=org).get_json()["planned"] == 1
    empty = fairs.fair()
    r = client.post(f"/api/v1/fairs/{empty.id}/schedule/run", headers=org)
    assert r.status_code == 409 and r.get_json(force=True)["detail"]
