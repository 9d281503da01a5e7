"""Benchmark of the meeting scheduler against the shared checker and its greedy baseline.

Usage (from the project root): python bench/scheduling.py [--time-limit 30] [--quick]

Generates instances with ../shared/eval/scheduling/gen.py, solves each in a fresh process
(`python -m matchmaker.scheduling`, so peak RSS is per instance), checks every schedule with
check.py (no broken rule allowed), scores check.py --greedy as the baseline and prints a table.
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
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
EVAL = (ROOT / ".." / "shared" / "eval" / "scheduling").resolve()

SIZES = [  # (name, participants, requests, slots, tables, seed)
    ("200p/1000r/12s/40t seed 1", 200, 1000, 12, 40, 1),
    ("200p/1000r/12s/40t seed 2", 200, 1000, 12, 40, 2),
    ("1000p/5000r/16s/150t seed 1", 1000, 5000, 16, 150, 1),
    ("1000p/5000r/16s/150t seed 2", 1000, 5000, 16, 150, 2),
]


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_eval_{name}", EVAL / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def idle_gaps(inst: dict, sched: dict) -> float:
    """Average number of idle gaps (runs of empty slots between two meetings) per participant with meetings."""
    order = {s["id"]: i for i, s in enumerate(sorted(inst["slots"], key=lambda s: s["start"]))}
    mask: dict[str, int] = {}
    for m in sched["meetings"]:
        for p in (m["a"], m["b"]):
            mask[p] = mask.get(p, 0) | 1 << order[m["slot"]]
    if not mask:
        return 0.0
    return sum((x & ~(x << 1)).bit_count() - 1 for x in mask.values()) / len(mask)


def check(*args: str) -> tuple[dict, int, str]:
    res = subprocess.run([sys.executable, str(EVAL / "check.py"), *args, "--json"], capture_output=True, text=True)
    return json.loads(res.stdout), res.returncode, res.stderr


def solve_in_child(inst_path: Path, out_path: Path, time_limit: float) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, stderr) of one `python -m matchmaker.scheduling` run."""
    with open(out_path, "w") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "matchmaker.scheduling", str(inst_path), "--time-limit", str(time_limit)],
            cwd=ROOT, stdout=out, stderr=err,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        log = err.read()
    if proc.returncode != 0:
        raise SystemExit(f"solver failed on {inst_path}:\n{log}")
    return wall, usage.ru_maxrss / 1024, log  # ru_maxrss is KiB on Linux


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--quick", action="store_true", help="only the first size")
    args = ap.parse_args()
    gen, chk = _module("gen"), _module("check")
    rows = []
    all_valid = True
    with tempfile.TemporaryDirectory(prefix="mm-sched-bench-") as tmp:
        for name, p, r, s, t, seed in SIZES[:1] if args.quick else SIZES:
            inst = gen.generate(p, r, s, t, seed)
            ipath, spath = Path(tmp) / "inst.json", Path(tmp) / "sched.json"
            ipath.write_text(json.dumps(inst))
            wall, rss, _ = solve_in_child(ipath, spath, args.time_limit)
            sched = json.loads(spath.read_text())
            ours, rc, err = check(str(ipath), str(spath))
            if rc != 0 or ours["errors"]:
                all_valid = False
                print(f"{name}: broken rules\n{err}", file=sys.stderr)
            base, _, _ = check(str(ipath), "--greedy", "--no-bound")
            greedy_sched = chk.greedy(inst)
            rows.append([
                name, f"{sched['stats']['solve_seconds']:.1f}", f"{wall:.1f}", f"{rss:.0f}",
                f"{ours['weight']:.3f}", f"{ours['bound']:.3f}", f"{100 * ours['ratio']:.2f}%",
                f"{ours['left_without_meeting']} / {base['left_without_meeting']}",
                f"{100 * base['weight'] / ours['bound']:.2f}%",
                f"{idle_gaps(inst, sched):.2f} / {idle_gaps(inst, greedy_sched):.2f}",
                "yes" if rc == 0 and not ours["errors"] else "NO",
            ])
            print(f"done: {name}", file=sys.stderr)
    head = ["instance", "solve s", "wall s", "peak RSS MiB", "total weight", "upper bound (check.py)",
            "ratio", "w/o meeting ours / greedy", "greedy ratio", "avg idle gaps ours / greedy", "valid"]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |")
    print(f"\ntime limit {args.time_limit:g} s, {os.cpu_count()} CPUs; ratio = total weight / check.py LP bound")
    return 0 if all_valid else 1


if __name__ == "__main__":
    sys.exit(main())
