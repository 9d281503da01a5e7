#!/usr/bin/env python3
"""Team matching benchmark: quality on the teams-dev set, speed with 100,000 firms indexed.

Quality: `matchmaker.matching.teams.teams` (the code behind `matchmaker teams`) over
bench/data/teams-dev, scored by ../shared/eval/teams/score_teams.py (coverage, local coverage,
precision, size excess, complete; first team of each need).
Speed: the teams-dev demo firms plus synthetic firms from bench/speed.py up to --size records;
p50/p95 of one team proposal (decomposition, one engine search per part, the exact cover for up to
three teams) for every teams-dev need, asked from Fujisawa: wall-clock time (time.perf_counter) and
the process's CPU time (time.process_time, what the proposal costs when the machine is shared), with
the 1-minute load average when the timing started and ended. --wait-quiet L waits (up to 15 minutes)
after the build until the 1-minute load average is below L, so that the wall-clock figure is taken
on a quiet machine.

Usage: python bench/teams.py [--size 100k] [--repeat 3] [--skip-speed] [--wait-quiet 1.5]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matchmaker.matching import Engine, Query, Record  # noqa: E402
from matchmaker.matching.teams import propose, teams  # noqa: E402

SET = ROOT / "bench" / "data" / "teams-dev"
SCORER = ROOT.parent / "shared" / "eval" / "teams" / "score_teams.py"


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def quality() -> dict:
    lines, times = teams(read(SET / "candidates.jsonl"), read(SET / "queries.jsonl"))
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for line in lines:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    out = subprocess.run([sys.executable, str(SCORER), str(SET), fh.name, "--json"], capture_output=True, text=True,
                         check=True).stdout
    Path(fh.name).unlink()
    return {**json.loads(out.strip().splitlines()[-1]), "p95_ms_145": times["p95_ms"]}


def wait_quiet(limit: float, timeout_s: float = 900.0) -> None:
    start = time.monotonic()
    while os.getloadavg()[0] >= limit and time.monotonic() - start < timeout_s:
        print(f"waiting for a quiet machine: load {os.getloadavg()[0]:.1f} >= {limit}", file=sys.stderr, flush=True)
        time.sleep(20)


def speed(size: int, repeat: int, quiet: float | None = None) -> dict:
    spec = importlib.util.spec_from_file_location("speed", ROOT / "bench" / "speed.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    demo = [Record.from_dict(d) for d in read(SET / "candidates.jsonl")]
    records = demo + mod.make_records(size - len(demo))
    engine = Engine()
    t = time.perf_counter()
    engine.build(records, workers=2, pause_gc=True)
    build_s = time.perf_counter() - t
    queries = [Query.from_dict(q) for q in read(SET / "queries.jsonl")]
    propose(engine, queries[0])  # warm: Sudachi, the typo table
    if quiet:
        wait_quiet(quiet)
    load_start = os.getloadavg()[0]
    lat, cpu = [], []
    for _ in range(repeat):
        for q in queries:
            t, c = time.perf_counter(), time.process_time()
            propose(engine, q)
            lat.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
    lat.sort()
    cpu.sort()

    def pct(xs: list[float], p: float) -> float:
        return round(xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))], 1)

    return {"records": engine.count, "build_s": round(build_s, 1), "proposals": len(lat),
            "p50_ms": pct(lat, 0.5), "p95_ms": pct(lat, 0.95), "max_ms": round(lat[-1], 1),
            "cpu_p50_ms": pct(cpu, 0.5), "cpu_p95_ms": pct(cpu, 0.95), "load_start": round(load_start, 1),
            "load_end": round(os.getloadavg()[0], 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="100k")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--wait-quiet", type=float, default=None, metavar="LOAD",
                    help="before timing, wait until the 1-minute load average is below LOAD")
    args = ap.parse_args(argv)
    q = quality()
    print("set        queries  coverage  local_cov  precision  size_excess  complete")
    print(f"teams-dev  {q['queries']:7d}  {q['coverage']:8.4f}  {q['local_coverage']:9.4f}  {q['precision']:9.4f}"
          f"  {q['size_excess']:11.4f}  {q['complete']:8.4f}")
    if not args.skip_speed:
        size = int(float(args.size.lower().rstrip("km")) * (1000 if args.size.lower().endswith("k") else
                                                              1_000_000 if args.size.lower().endswith("m") else 1))
        s = speed(size, args.repeat, args.wait_quiet)
        print()
        print("  records  build_s  proposals  wall_p50  wall_p95  wall_max  cpu_p50  cpu_p95  load (start-end)")
        print(f"{s['records']:9,d}  {s['build_s']:7.1f}  {s['proposals']:9d}  {s['p50_ms']:8.1f}  {s['p95_ms']:8.1f}"
              f"  {s['max_ms']:8.1f}  {s['cpu_p50_ms']:7.1f}  {s['cpu_p95_ms']:7.1f}  {s['load_start']:.1f}-{s['load_end']:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
