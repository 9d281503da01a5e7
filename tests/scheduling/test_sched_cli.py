"""The `schedule` click command, run through click's CliRunner (no Flask app context)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sched_helpers import broken_rules, instance

from matchmaker.scheduling.cli import schedule_command

DATA = instance(3, 2, ["A", "B", "C", "D"], [("A", "B", 1.0), ("C", "D", 0.5), ("A", "C", 0.25)])


def runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        return CliRunner()


@pytest.fixture()
def files(tmp_path: Path) -> Path:
    (tmp_path / "inst.json").write_text(json.dumps(DATA))
    return tmp_path


def test_good_run_is_parsed_back(files: Path) -> None:
    res = runner().invoke(schedule_command, [str(files / "inst.json"), "--time-limit", "5"])
    assert res.exit_code == 0, res.stderr
    out = json.loads(res.stdout)
    assert broken_rules(DATA, out) == []
    assert out["total_weight"] == pytest.approx(1.75)
    assert out["participants_without_meeting"] == []
    assert "total weight 1.750" in res.stderr and "participants without a meeting 0" in res.stderr


def test_locked_file(files: Path) -> None:
    (files / "locked.json").write_text(json.dumps({"meetings": [{"a": "C", "b": "A", "slot": "S2", "table": 2}]}))
    res = runner().invoke(schedule_command, [str(files / "inst.json"), "--locked", str(files / "locked.json")])
    assert res.exit_code == 0, res.stderr
    out = json.loads(res.stdout)
    assert {"a": "C", "b": "A", "slot": "S2", "table": 2, "locked": True} in out["meetings"]
    assert broken_rules(DATA, out) == []


@pytest.mark.parametrize(
    "mutate, words",
    [
        (lambda d: d["requests"].append({"from": "A", "to": "Q", "weight": 1}), ["unknown participant 'Q'"]),
        (lambda d: d.update(tables=0), ["tables"]),
        (lambda d: d["participants"].append({"id": "B"}), ["duplicate participant id 'B'"]),
    ],
)
def test_bad_instance_exits_2_naming_the_item(files: Path, mutate, words) -> None:
    d = json.loads(json.dumps(DATA))
    mutate(d)
    (files / "bad.json").write_text(json.dumps(d))
    res = runner().invoke(schedule_command, [str(files / "bad.json")])
    assert res.exit_code == 2
    assert res.stdout == ""
    line = res.stderr.strip()
    assert "\n" not in line and line.startswith("error: ") and str(files / "bad.json") in line
    assert all(w in line for w in words), line


def test_invalid_json_names_the_file(files: Path) -> None:
    (files / "broken.json").write_text('{"slots": [')
    res = runner().invoke(schedule_command, [str(files / "broken.json")])
    assert res.exit_code == 2 and res.stdout == ""
    assert "broken.json: invalid JSON" in res.stderr


def test_missing_file(files: Path) -> None:
    res = runner().invoke(schedule_command, [str(files / "nope.json")])
    assert res.exit_code == 2 and res.stdout == ""
    assert "nope.json: cannot read" in res.stderr


def test_bad_locked_meeting(files: Path) -> None:
    (files / "locked.json").write_text(json.dumps({"meetings": [{"a": "A", "b": "D", "slot": "S1", "table": 1}]}))
    res = runner().invoke(schedule_command, [str(files / "inst.json"), "--locked", str(files / "locked.json")])
    assert res.exit_code == 2 and res.stdout == ""
    assert "locked meeting A-D in S1 at table 1: no request between them" in res.stderr


def test_bad_time_limit(files: Path) -> None:
    res = runner().invoke(schedule_command, [str(files / "inst.json"), "--time-limit", "0"])
    assert res.exit_code == 2 and "--time-limit" in res.stderr


def test_python_dash_m_runs_the_same_command(files: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    res = subprocess.run([sys.executable, "-m", "matchmaker.scheduling", str(files / "inst.json"), "--quiet"],
                         cwd=root, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert broken_rules(DATA, json.loads(res.stdout)) == []
    assert res.stderr == ""
    (files / "bad.json").write_text(json.dumps({**DATA, "tables": 0}))
    res = subprocess.run([sys.executable, "-m", "matchmaker.scheduling", str(files / "bad.json")],
                         cwd=root, capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and res.stdout == "" and "tables: 0" in res.stderr


def test_command_name() -> None:
    assert schedule_command.name == "schedule"


def test_progress_lines_only_for_long_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from matchmaker.scheduling import Progress
    from matchmaker.scheduling.cli import _ProgressPrinter

    printer = _ProgressPrinter(after=2.0, every=2.0)
    for t in (0.5, 1.0, 2.5, 3.0, 4.6):
        printer(Progress(3, "MIP", 812.4, 815.0, t))
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["phase 3/4: MIP, incumbent 812.4, bound 815.0, 2.5 s",
                     "phase 3/4: MIP, incumbent 812.4, bound 815.0, 4.6 s"]
