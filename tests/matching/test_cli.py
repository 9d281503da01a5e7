import json

from click.testing import CliRunner

from matchmaker.matching.cli import rank_command


def write(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows),
                    encoding="utf-8")
    return str(path)


CANDS = [
    {"id": "C1", "name": "テストめっき株式会社", "text": "無電解ニッケルめっきの受託", "city": "Fujisawa", "country": "JP",
     "lat": 35.349, "lon": 139.477, "languages": ["ja"], "certifications": ["ISO 9001"]},
    {"id": "C2", "name": "Test Anodize Ltd.", "text": "anodizing of aluminium parts", "country": "TH", "languages": ["en"]},
]
QUERIES = [
    {"id": "Q1", "text": "無電解ニッケルめっき 10個", "city": "Fujisawa", "country": "JP", "lat": 35.35, "lon": 139.48,
     "prefer": "local"},
    {"id": "Q2", "text": "   "},
    {"id": "Q3", "text": "アルマイト", "required_certifications": ["ISO9001"]},
    {"id": "Q4", "text": "anodizing 🔩 " + "x" * 100_000, "lat": 500, "lon": "east"},
]


def test_rank_outputs_one_line_per_query(tmp_path):
    c = write(tmp_path / "c.jsonl", CANDS)
    q = write(tmp_path / "q.jsonl", QUERIES)
    res = CliRunner().invoke(rank_command, ["--candidates", c, "--queries", q, "--top", "5"])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [x["query"] for x in lines] == ["Q1", "Q2", "Q3", "Q4"]
    assert lines[0]["results"][0]["id"] == "C1" and "reasons" not in lines[0]["results"][0]
    assert lines[1]["results"] == []
    assert lines[2]["results"] == []  # C2 matches the text but lacks ISO 9001
    assert lines[3]["results"][0]["id"] == "C2"


def test_rank_explain_and_timings(tmp_path):
    c = write(tmp_path / "c.jsonl", CANDS)
    q = write(tmp_path / "q.jsonl", QUERIES[:1])
    res = CliRunner().invoke(rank_command, ["--candidates", c, "--queries", q, "--explain", "--timings"])
    assert res.exit_code == 0
    first = json.loads(res.stdout.splitlines()[0])
    result = first["results"][0]
    reasons = result["reasons"]
    assert any(r["kind"] == "same_city" for r in reasons) and all("text" not in r for r in reasons)  # codes, no words
    assert result["strength"] in ("strong", "good", "partial") and 0 <= result["confidence"] <= 1
    timings = json.loads(res.stderr.strip().splitlines()[-1])
    assert set(timings) == {"candidates", "queries", "index_s", "p50_ms", "p95_ms"}
    assert timings["candidates"] == 2 and timings["queries"] == 1


def test_malformed_line_names_file_and_line(tmp_path):
    c = write(tmp_path / "c.jsonl", [CANDS[0], '{"id": "C2", "text": broken', CANDS[1]])
    q = write(tmp_path / "q.jsonl", QUERIES)
    res = CliRunner().invoke(rank_command, ["--candidates", c, "--queries", q])
    assert res.exit_code != 0
    assert res.stdout == ""
    assert f"{c}:2" in res.stderr


def test_non_object_line_and_missing_file(tmp_path):
    q = write(tmp_path / "q.jsonl", ["[1, 2]"])
    c = write(tmp_path / "c.jsonl", CANDS)
    res = CliRunner().invoke(rank_command, ["--candidates", c, "--queries", q])
    assert res.exit_code != 0 and f"{q}:1" in res.stderr and res.stdout == ""
    res = CliRunner().invoke(rank_command, ["--candidates", str(tmp_path / "nope.jsonl"), "--queries", q])
    assert res.exit_code != 0 and res.stdout == ""


def test_module_entry_point(tmp_path):
    import subprocess
    import sys

    c = write(tmp_path / "c.jsonl", CANDS)
    q = write(tmp_path / "q.jsonl", QUERIES[:1])
    out = subprocess.run([sys.executable, "-m", "matchmaker.matching", "rank", "--candidates", c, "--queries", q],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.splitlines()[0])["query"] == "Q1"
