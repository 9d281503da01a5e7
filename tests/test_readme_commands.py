"""Every `matchmaker ...` line the README shows runs, as a user runs it: the installed console script
in a subprocess, on a temporary database, in the README's order.

Optional parts (`[--top 10]`) are given; `> FILE` means the command's standard output is data
and must parse (JSON, or JSON Lines for .jsonl); placeholders in capitals (`C.jsonl`,
`INSTANCE.json`) are files this test provides. A line naming a command that does not exist, or
an input file this test does not know, fails.
"""
from __future__ import annotations

import json
import re
import shlex
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from live import BIN, cli_env, free_port

README = Path(__file__).resolve().parents[1] / "README.md"
PASSWORD = "Harbour-lantern-2026!"

RANK_CANDIDATES = [
    {"id": "c1", "name": "藤沢メッキ工業", "text": "無電解ニッケルめっき、亜鉛めっき。小ロット対応。", "city": "藤沢市", "country": "JP"},
    {"id": "c2", "name": "Chao Plating", "text": "Electroless nickel plating for export.", "country": "TH"},
    {"id": "c3", "name": "湘南システム", "text": "業務システム開発", "city": "藤沢市", "country": "JP"},
]
RANK_QUERIES = [{"id": "q1", "text": "無電解ニッケルメッキ 100個"}, {"id": "q2", "text": "nickel plating"}]
INSTANCE = {
    "slots": [{"id": f"S{i + 1}", "start": f"2027-02-10T{9 + i:02d}:00", "end": f"2027-02-10T{9 + i:02d}:25"} for i in range(3)],
    "tables": 2,
    "participants": [{"id": p} for p in "ABCD"],
    "requests": [{"from": "A", "to": "B", "weight": 1.0}, {"from": "C", "to": "D", "weight": 0.5},
                 {"from": "A", "to": "C", "weight": 0.25}],
}
INPUTS = {
    "C.jsonl": "\n".join(json.dumps(c, ensure_ascii=False) for c in RANK_CANDIDATES) + "\n",
    "Q.jsonl": "\n".join(json.dumps(q, ensure_ascii=False) for q in RANK_QUERIES) + "\n",
    "INSTANCE.json": json.dumps(INSTANCE),
    "LIST.csv": "会社名,所在地,電話番号,業種\n株式会社README工業,神奈川県藤沢市藤沢1-1,0466-22-1234,24\n",
}
PLACEHOLDER = re.compile(r"^[A-Z][A-Z_]*\.(jsonl|json|csv|xlsx)$")


def readme_command_lines() -> list[str]:
    lines = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        for line in block.splitlines():
            if line.strip().startswith("matchmaker "):
                lines.append(line.split("#", 1)[0].strip())
    return lines


def to_argv(line: str, files: Path) -> tuple[list[str], Path | None]:
    """The README line as an argument vector, and the file its standard output is sent to."""
    words = shlex.split(line)[1:]  # without the program name
    argv: list[str] = []
    out: Path | None = None
    i = 0
    while i < len(words):
        w = words[i].strip("[]")
        if w == ">":
            out = files / words[i + 1]
            i += 2
            continue
        if PLACEHOLDER.match(w):
            if w not in INPUTS:
                pytest.fail(f"the README names an input file this test does not provide: {w} ({line})")
            path = files / w
            path.write_text(INPUTS[w], encoding="utf-8")
            w = str(path)
        argv.append(w)
        i += 1
    return argv, out


def test_the_readme_shows_the_commands():
    names = {line.split()[1] for line in readme_command_lines()}
    assert {"run", "db", "seed-demo", "create-user", "reindex", "rank", "schedule"} <= names
    assert any("/api/v1/openapi.json" in line for line in readme_curl_lines())


def readme_curl_lines() -> list[str]:
    return [line.strip() for block in re.findall(r"```[a-z]*\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
            for line in block.splitlines() if line.strip().startswith("curl ")]


def _demo_member_token(database_url: str) -> str:
    """A token for a demo member, made as the settings page makes one."""
    from matchmaker import create_app
    from matchmaker.api import tokens
    from matchmaker.extensions import db
    from matchmaker.models import User

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "live-test-secret"})
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "kirihara-seimitsu@demo.example.com"))
        _token, raw = tokens.create(user, "readme", ["read", "write"], 1)
        db.session.commit()
        db.engine.dispose()
    return raw


def test_every_readme_command_runs(tmp_path):
    database_url = "sqlite:///" + str(tmp_path / "readme.db")
    env = cli_env(database_url)
    lines = readme_command_lines()
    # the server last: it needs the database the other lines make
    ordered = [line for line in lines if line.split()[1] != "run"] + [line for line in lines if line.split()[1] == "run"]
    for line in ordered:
        argv, out = to_argv(line, tmp_path)
        if argv[0] == "run":
            _serve(argv, env, database_url)
            continue
        stdin = f"{PASSWORD}\n{PASSWORD}\n" if argv[0] == "create-user" else None
        r = subprocess.run([str(BIN / "matchmaker"), *argv], env=env, input=stdin, capture_output=True, text=True,
                           timeout=180)
        assert r.returncode == 0, f"{line}\nexit {r.returncode}\n{r.stdout}\n{r.stderr}"
        if out is not None:
            if out.suffix == ".jsonl":
                rows = [json.loads(x) for x in r.stdout.splitlines() if x.strip()]
                assert rows, line
            elif out.suffix == ".json":
                assert isinstance(json.loads(r.stdout), dict), line
            out.write_text(r.stdout, encoding="utf-8")


def _serve(argv: list[str], env: dict[str, str], database_url: str) -> None:
    """Start the server as the README says, see it answer, and run the README's API examples (curl,
    as a user types them, with a demo member's token) against it."""
    port = free_port()
    proc = subprocess.Popen([str(BIN / "matchmaker"), *argv, "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, "the development server exited"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    assert r.status == 200
                break
            except OSError:
                assert time.monotonic() < deadline, "the development server did not answer"
                time.sleep(0.2)
        curl_env = {**env, "TOKEN": _demo_member_token(database_url)}
        for line in readme_curl_lines():
            line = line.replace("127.0.0.1:5000", f"127.0.0.1:{port}")
            r = subprocess.run(["bash", "-c", line], env=curl_env, capture_output=True, text=True, timeout=60)
            assert r.returncode == 0, f"{line}\nexit {r.returncode}\n{r.stderr}"
            assert isinstance(json.loads(r.stdout), dict), line
    finally:
        proc.terminate()
        proc.wait(10)
