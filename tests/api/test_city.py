"""Organizer operations on the city: the indicators (the command's JSON) and the firm import (dry
run, then real; the command's report), organizers only."""
from __future__ import annotations

import io
import json

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Firm
from tests.imports.files import HEADER_JA, ROWS_JA, csv_bytes, xlsx_bytes


def _firms() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(Firm.id)))


def test_indicators_are_the_commands_figures(client, organizer, member, bearer, make):
    from matchmaker.indicators.figures import compute
    from matchmaker.indicators.periods import custom, today_local

    make.need(member.firm)
    h = bearer(organizer, scopes=("read", "organizer"))
    r = client.get("/api/v1/indicators", query_string={"from": "2026-04-01", "to": "2027-03-31"}, headers=h)
    assert r.status_code == 200, r.get_json()
    expected = json.loads(json.dumps(compute(custom("2026-04-01", "2027-03-31", today_local())), ensure_ascii=False))
    assert r.get_json() == expected and r.get_json()["period"] == {"from": "2026-04-01", "to": "2027-03-31"}
    r = client.get("/api/v1/indicators", query_string={"from": "2027-01-01", "to": "2026-01-01"}, headers=h)
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert client.get("/api/v1/indicators", headers=bearer(member, scopes=("read", "write"))).status_code == 403
    assert client.get("/api/v1/indicators", headers=bearer(organizer, scopes=("read",))).status_code == 403
    r = client.post("/api/v1/webhooks", json={"url": "https://hooks.example.com/in", "scope": "city",
                                              "events": ["need.created", "rfq.created"]}, headers=h)
    assert r.status_code == 422 and "json.events" in r.get_json()["errors"]  # RFQ events are a firm's own


def test_import_dry_run_then_real(client, organizer, member, bearer):
    h = bearer(organizer, scopes=("read", "organizer"))
    before = _firms()
    upload = {"file": (io.BytesIO(csv_bytes([HEADER_JA] + ROWS_JA)), "members.csv")}
    r = client.post("/api/v1/firms/import", data=upload, headers=h, content_type="multipart/form-data")
    assert r.status_code == 200, r.get_json()
    report = r.get_json()
    assert report["dry_run"] and not report["written"] and report["created"] == 3 and _firms() == before
    book = {"file": (io.BytesIO(xlsx_bytes([HEADER_JA] + ROWS_JA)), "members.xlsx")}
    r = client.post("/api/v1/firms/import", query_string={"dry_run": "false"}, data=book, headers=h,
                    content_type="multipart/form-data")
    assert r.status_code == 200 and r.get_json()["written"] and r.get_json()["created"] == 3
    assert _firms() == before + 3
    # not a member list; no file; JSON instead of a file; a member's token
    bad = {"file": (io.BytesIO(b"\x00\x01binary"), "members.pdf")}
    r = client.post("/api/v1/firms/import", data=bad, headers=h, content_type="multipart/form-data")
    assert r.status_code == 422 and "files.file" in r.get_json()["errors"]
    assert client.post("/api/v1/firms/import", data={}, headers=h, content_type="multipart/form-data").status_code == 422
    assert client.post("/api/v1/firms/import", json={"file": "x"}, headers=h).status_code == 415
    upload = {"file": (io.BytesIO(csv_bytes([HEADER_JA] + ROWS_JA)), "members.csv")}
    assert client.post("/api/v1/firms/import", query_string={"dry_run": "false"}, data=upload,
                       headers=bearer(member, scopes=("read", "write")), content_type="multipart/form-data"
                       ).status_code == 403
    assert _firms() == before + 3
