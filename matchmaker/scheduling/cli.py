"""`matchmaker schedule INSTANCE.json > SCHEDULE.json` (also `python -m matchmaker.scheduling`).

Needs no Flask app context. Bad input: one line on stderr naming the offending item, exit 2.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import click

from ..machine_output import stdout_to_stderr, write_stdout
from .model import Instance, InstanceError, Meeting, Schedule
from .solver import Progress, solve


def _process_age() -> float:
    """Seconds since this process started (interpreter start-up and imports count against the limit)."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        start = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19]) / ticks
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        age = uptime - start
        return age if 0.0 <= age <= 3.0 else 0.0  # a fresh CLI process, not a long-lived host process
    except (OSError, ValueError, IndexError):
        return 0.0


def _load_json(path: str) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InstanceError(f"{path}: cannot read the file ({getattr(e, 'strerror', None) or e})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InstanceError(f"{path}: invalid JSON at line {e.lineno} column {e.colno}: {e.msg}") from None


def load_locked(path: str) -> list[Meeting]:
    data = _load_json(path)
    raw = data.get("meetings") if isinstance(data, dict) else data
    if not isinstance(raw, list):
        raise InstanceError(f"{path}: expected a schedule object with a 'meetings' list")
    return [Meeting.from_dict(m, locked=True) for m in raw]


def summary(s: Schedule) -> str:
    return (
        f"total weight {s.total_weight:.3f}, bound {s.upper_bound:.3f}, ratio {100 * s.ratio:.2f}%, "
        f"{len(s.meetings)} meetings, participants without a meeting {len(s.participants_without_meeting)}, "
        f"avg idle gaps {s.avg_idle_gaps:.2f} per participant ({s.avg_idle_slots:.2f} idle slots), "
        f"{s.stats.solve_seconds:.1f} s, {s.stats.method}, optimal: {'yes' if s.stats.optimal else 'not proven'}"
    )


class _ProgressPrinter:
    """Progress lines on stderr, only once a run takes a while and then at most every 2 s."""

    def __init__(self, after: float = 2.0, every: float = 2.0) -> None:
        self.after, self.every, self.last = after, every, -1e9

    def __call__(self, p: Progress) -> None:
        if p.elapsed >= self.after and p.elapsed - self.last >= self.every:
            self.last = p.elapsed
            click.echo(str(p), err=True)


@click.command("schedule")
@click.argument("instance_path", metavar="INSTANCE.json")
@click.option("--time-limit", type=float, default=30.0, show_default=True, metavar="SECONDS",
              help="Wall-clock budget of the solver.")
@click.option("--locked", "locked_path", default=None, metavar="LOCKED.json",
              help="Meetings to keep as they are (schedule format); the rest is re-optimised around them.")
@click.option("--quiet", is_flag=True, help="No progress lines and no summary on stderr.")
@click.pass_context
def schedule_command(
    ctx: click.Context, instance_path: str, time_limit: float, locked_path: str | None, quiet: bool
) -> None:
    """Schedule the meetings of INSTANCE.json; the schedule (JSON) goes to standard output.

    Objective: first as few participants as possible without a meeting, then the largest
    total weight, then fewer idle gaps.
    """
    t0 = time.monotonic() - _process_age()
    try:
        with stdout_to_stderr(discard=quiet):  # HiGHS prints its banner on C-level stdout: not there
            schedule = _solve(instance_path, time_limit, locked_path, quiet, t0)
    except InstanceError as e:
        click.echo(f"error: {e}", err=True)
        ctx.exit(2)
    write_stdout(json.dumps(schedule.to_dict(), ensure_ascii=False) + "\n")
    if not quiet:
        click.echo(summary(schedule), err=True)


def _solve(instance_path: str, time_limit: float, locked_path: str | None, quiet: bool, t0: float) -> Schedule:
    if not time_limit > 0:
        raise InstanceError(f"--time-limit: {time_limit} (must be positive)")
    try:
        instance = Instance.from_dict(_load_json(instance_path))
    except InstanceError as e:
        msg = str(e)
        raise InstanceError(msg if msg.startswith(instance_path) else f"{instance_path}: {msg}") from None
    locked = load_locked(locked_path) if locked_path else []
    budget = max(0.1, time_limit - (time.monotonic() - t0) - 0.2)  # leave time to write the output
    return solve(instance, budget, locked, None if quiet else _ProgressPrinter())


def main() -> None:  # pragma: no cover - thin wrapper
    schedule_command(prog_name="python -m matchmaker.scheduling")


if __name__ == "__main__":  # pragma: no cover
    main()
