"""Record every change to matchable data in `change_log`, whoever makes it (pages, CLI, demo loader).

A SQLAlchemy `after_flush` hook sees the rows a flush wrote and appends one change row per
firm, offering or need touched, in the same transaction, so the log can never disagree with
the data. Each server process reads the rows it has not applied yet (see `index.py`).
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..models import ChangeLog, Firm, FirmFacet, Need, Offering, utcnow

_installed = False


def _entity(obj) -> tuple[str, int] | None:
    if isinstance(obj, Firm):
        return ("firm", obj.id)
    if isinstance(obj, FirmFacet):
        return ("firm", obj.firm_id)
    if isinstance(obj, Offering):
        return ("offering", obj.id)
    if isinstance(obj, Need):
        return ("need", obj.id)
    return None


def _after_flush(session: so.Session, flush_context) -> None:
    changes: dict[tuple[str, int], str] = {}
    for obj in list(session.new) + [o for o in session.dirty if session.is_modified(o, include_collections=False)]:
        key = _entity(obj)
        if key and key[1] is not None:
            changes.setdefault(key, "upsert")
    for obj in session.deleted:
        key = _entity(obj)
        if key and key[1] is not None:
            # A deleted facet only changes its firm; a deleted firm, offering or need is gone.
            changes[key] = "upsert" if isinstance(obj, FirmFacet) else "delete"
    if changes:
        now = utcnow()
        session.connection().execute(
            sa.insert(ChangeLog),
            [{"entity": e, "entity_id": i, "op": op, "at": now} for (e, i), op in changes.items()],
        )


def install() -> None:
    global _installed
    if not _installed:
        sa.event.listen(so.Session, "after_flush", _after_flush)
        _installed = True
