"""`matchmaker import-firms FILE`: a city's member list into the directory, from the command line.

Exit status: 0 done (or, with --dry-run, nothing in the way); 1 rows or the header had errors and
nothing was written; 2 the file could not be read. With --json the report is the only thing on
standard output; progress goes to standard error.
"""
from __future__ import annotations

import json
import sys

import click
from flask_babel import force_locale

from ..machine_output import stdout_to_stderr, write_stdout
from .reading import ENCODINGS


class _Progress:
    STAGES = {"check": "checked", "write": "written"}

    def __init__(self):
        self.tty = sys.stderr.isatty()
        self.last = (None, -1)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage == "waiting":  # another import holds the lock (locking.py)
            if self.last[0] != stage:
                sys.stderr.write("waiting for another import to finish\n")
                sys.stderr.flush()
            self.last = (stage, 0)
            return
        tenth = done * 10 // max(total, 1)
        if not self.tty and (stage, tenth) == self.last:
            return
        self.last = (stage, tenth)
        end = "\n" if (not self.tty or done == total) else ""
        sys.stderr.write(f"\r{self.STAGES.get(stage, stage)} {done:,}/{total:,} rows{end}")
        sys.stderr.flush()


@click.command("import-firms")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=False))
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@click.option("--encoding", type=click.Choice(ENCODINGS), default="auto", show_default=True,
              help="Text encoding of a CSV file (auto: UTF-8 with or without BOM, else Shift_JIS/CP932).")
@click.option("--sheet", default=None, help="The XLSX sheet to read (default: the first).")
@click.option("--on-duplicate", type=click.Choice(["skip", "update"]), default="skip", show_default=True,
              help="What to do with a row that is near-certainly a firm already in the directory.")
@click.option("--valid-only", is_flag=True, help="Import the valid rows even when other rows have errors.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def import_firms(file: str, dry_run: bool, encoding: str, sheet: str | None, on_duplicate: str, valid_only: bool,
                 as_json: bool) -> None:
    """Import firms from a member list (CSV or XLSX, Japanese or English headers)."""
    from . import FileProblem, Options, import_table, load
    from .messages import message

    with force_locale("en"), stdout_to_stderr():
        try:
            with open(file, "rb") as f:
                data = f.read()
            table = load(data, file, encoding=encoding, sheet=sheet)
        except FileProblem as e:
            problem = {"code": e.code, "message": message(e.code, e.params)}
        except OSError as e:
            problem = {"code": "unreadable", "message": f"{file}: {e.strerror or e}"}
        else:
            problem = None
            result = import_table(table, options=Options(on_duplicate=on_duplicate, valid_only=valid_only),
                                  dry_run=dry_run, progress=_Progress())
    if problem:
        if as_json:
            write_stdout(json.dumps({"error": problem}, ensure_ascii=False) + "\n")
        click.echo(f"Error: {problem['message']}", err=True)
        sys.exit(2)
    failed = bool(result["errors"]) and not result["written"] and not (dry_run and valid_only)
    if as_json:
        write_stdout(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        _print(result)
    sys.exit(1 if failed else 0)


def _print(r: dict) -> None:
    echo = click.echo
    if r["unknown_columns"]:
        echo(f"Columns ignored: {', '.join(r['unknown_columns'])}")
    for e in r["errors"]:
        where = f"row {e['row']}" + (f", {e['column']}" if e["column"] else "")
        echo(f"{where}: {e['message']}")
    for w in r["warnings"]:
        echo(f"row {w['row']}, {w['column']}: {w['message']}")
    for d in r["duplicates"]:
        other = f"firm {d['firm_id']} {d['firm']}" if d["firm_id"] else f"row {d['same_as_row']}"
        echo(f"row {d['row']}: {'same as' if d['certain'] else 'maybe the same as'} {other} -> {d['action']}")
    verb = "would be" if not r["written"] else "were"
    echo(f"{r['rows']} rows: {r['created']} {verb} created, {r['updated']} updated, {r['skipped']} skipped "
         f"({r['review']} to review), {r['invalid']} with errors.")
    if r["errors"] and not r["written"]:
        echo("Nothing was written." if not r["dry_run"] else "Dry run: nothing was written.")
    elif r["dry_run"]:
        echo("Dry run: nothing was written.")
