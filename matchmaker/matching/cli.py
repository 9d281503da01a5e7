"""``rank`` command: the shared evaluation format on the command line.

    matchmaker rank --candidates C.jsonl --queries Q.jsonl [--top 10] [--explain] [--timings] > RESULTS.jsonl

No app context and no database: records are taken as given, each query is
answered on its own as the site would answer it.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from ..machine_output import stdout_to_stderr, write_stdout
from .engine import Engine
from .records import Query, Record
from .settings import Settings


class InputError(click.ClickException):
    pass


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Objects of a JSON Lines file; a bad line raises InputError naming file and line."""
    out: list[dict[str, Any]] = []
    try:
        fh = open(path, encoding="utf-8", errors="strict")
    except OSError as exc:
        raise InputError(f"{path}: cannot open: {exc.strerror or exc}") from exc
    with fh:
        lineno = 0
        try:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{lineno}: malformed JSON: {exc.msg} (column {exc.colno})") from exc
                if not isinstance(obj, dict):
                    raise InputError(f"{path}:{lineno}: expected a JSON object, got {type(obj).__name__}")
                out.append(obj)
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}:{lineno + 1}: not valid UTF-8") from exc
    return out


def rank(
    candidates: list[dict[str, Any]],
    queries: list[dict[str, Any]],
    top: int = 10,
    explain: bool = False,
    settings: Settings | None = None,
    engine: Engine | None = None,
    workers: int = 1,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rank every query against the candidates -> (result lines, timings). Used by the CLI and the benches."""
    t0 = time.perf_counter()
    engine = engine or Engine(settings)
    records = [Record.from_dict(c) for c in candidates]
    engine.build(records, workers=workers, pause_gc=True)  # a command, not a server: the pause is safe
    index_s = time.perf_counter() - t0
    lines: list[dict[str, Any]] = []
    lat: list[float] = []
    for qd in queries:
        q = Query.from_dict(qd)
        t = time.perf_counter()
        matches = engine.search(q, top=top, explain=explain)
        lat.append((time.perf_counter() - t) * 1000)
        lines.append({"query": q.id, "results": [m.to_dict(explain) for m in matches]})
    lat_sorted = sorted(lat)

    def pct(p: float) -> float:
        if not lat_sorted:
            return 0.0
        return round(lat_sorted[min(len(lat_sorted) - 1, int(round(p * (len(lat_sorted) - 1))))], 3)

    timings = {
        "candidates": engine.count,
        "queries": len(queries),
        "index_s": round(index_s, 3),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
    }
    return lines, timings


@click.command("rank")
@click.option("--candidates", "candidates_path", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="JSON Lines file of candidate records.")
@click.option("--queries", "queries_path", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="JSON Lines file of queries.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=0), help="Results per query.")
@click.option("--explain", is_flag=True, help="Add structured reasons to each result.")
@click.option("--timings", is_flag=True, help="Print index/latency figures as the last line on stderr.")
@click.option("--settings", "settings_json", default=None, help="JSON object overriding engine settings.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1),
              help="Processes analysing candidate texts while indexing (for large files).")
def rank_command(candidates_path: Path, queries_path: Path, top: int, explain: bool, timings: bool,
                 settings_json: str | None, workers: int) -> None:
    """Rank candidates for each query (shared evaluation format) and print RESULTS.jsonl."""
    settings = None
    if settings_json:
        try:
            settings = Settings.from_mapping(json.loads(settings_json))
        except (json.JSONDecodeError, ValueError, AttributeError) as exc:
            raise InputError(f"--settings: {exc}") from exc
    with stdout_to_stderr():  # whatever a library prints goes to stderr; stdout holds only the results
        candidates = read_jsonl(candidates_path)
        queries = read_jsonl(queries_path)
        lines, times = rank(candidates, queries, top=top, explain=explain, settings=settings, workers=workers)
    write_stdout("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))  # only once all succeeded
    if timings:
        click.echo(json.dumps(times), err=True)


def main() -> None:  # pragma: no cover - thin wrapper
    rank_command(prog_name="python -m matchmaker.matching rank")
