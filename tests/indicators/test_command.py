"""`matchmaker indicators` as a user runs it: the installed console script in a subprocess."""
from __future__ import annotations

import json

import pytest
from live import cli_env, run_cli


def test_command_json_on_the_hand_counted_world(app, backend, database_url, world):
    if backend == "postgresql":
        pytest.skip("one run as a user is enough; test_figures.py checks every figure on both backends")
    r = run_cli(["indicators", "--from", "2025-04-01", "--to", "2026-03-31", "--json"], cli_env(database_url))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)  # stdout is one JSON object, nothing else
    assert out["period"] == {"from": "2025-04-01", "to": "2026-03-31"}
    d = out["deals"]
    assert (d["count"], d["amount_jpy"]) == (7, 1_280_000)
    assert [d[p]["count"] for p in ("local", "domestic", "overseas")] == [5, 1, 1]
    assert [d[p]["amount_jpy"] for p in ("local", "domestic", "overseas")] == [730_000, 400_000, 150_000]
    assert 0 <= d["local_share_count"] <= 1 and 0 <= d["local_share_amount"] <= 1
    assert out["new_relationships"]["count"] == 5 and out["rfq"]["sent"] == 7 and out["needs"]["posted"] == 3
    assert out["fairs"]["meetings_held"] == 1
    gap = next(g for g in out["supply_gaps"] if "熱処理" in g["label_ja"])
    assert set(gap) >= {"concept", "label_ja", "label_en", "needs", "nearest"} and gap["label_en"]


@pytest.mark.parametrize("args,message", [
    (["--from", "2025/04/01", "--json"], "is not a date"),
    (["--from", "2025-05-01", "--to", "2025-04-30", "--json"], "the range is empty"),
])
def test_bad_dates_exit_2(tmp_path, args, message):
    r = run_cli(["indicators", *args], cli_env("sqlite:///" + str(tmp_path / "none.db")), timeout=60)
    assert r.returncode == 2 and message in r.stderr and r.stdout == ""
