"""Bringing a city's member list in: read (reading.py), recognise the columns (columns.py), clean each
row (cleaning.py), find duplicates (duplicates.py), plan and write in one transaction (service.py).

``import_file`` is what the command line and the organizer's page both call.
"""
from __future__ import annotations

from flask import current_app

from ..extensions import db
from .columns import Mapping
from .locking import import_lock
from .reading import FileProblem, Table, read_table
from .service import Options, Plan, Progress, apply_plan, plan_import, report


def max_bytes() -> int:
    return int(float(current_app.config["MATCHMAKER_IMPORT_MAX_MB"]) * 1024 * 1024)


def load(data: bytes, filename: str = "", encoding: str = "auto", sheet: str | None = None) -> Table:
    """The file as a table, or FileProblem (too large, not CSV/XLSX, empty, unreadable...)."""
    if len(data) > max_bytes():
        raise FileProblem("too_large", limit=current_app.config["MATCHMAKER_IMPORT_MAX_MB"])
    return read_table(data, filename, encoding=encoding, sheet=sheet)


def import_table(table: Table, mapping: Mapping | None = None, options: Options | None = None,
                 dry_run: bool = True, progress: Progress | None = None) -> dict:
    """Plan the import and, unless ``dry_run`` or the plan has errors (and not ``valid_only``), write it
    and commit. Returns the report (service.report). A real import waits for any other to finish first
    (locking.py), then plans against the firms it saved."""
    mapping = mapping or Mapping.detect(table.headers)
    if dry_run:
        plan = plan_import(table, mapping, options, progress)
        db.session.rollback()
        return report(plan, None, dry_run)
    counts = None
    try:
        with import_lock(db.session, on_wait=(lambda: progress("waiting", 0, 0)) if progress else None):
            plan = plan_import(table, mapping, options, progress)
            if plan.writable:
                counts = apply_plan(plan, progress)
                db.session.commit()
            else:
                db.session.rollback()
    except Exception:
        db.session.rollback()
        raise
    return report(plan, counts, dry_run)


__all__ = ["FileProblem", "Mapping", "Options", "Plan", "import_lock", "import_table", "load", "max_bytes", "read_table"]
