"""Importing a member list into the database: plan every row (clean, compare, decide), then write the
plan in one transaction, or nothing.

A plan is what the dry run shows and what the import then does: each row is created, updates a firm
(a near-certain duplicate with ``on_duplicate="update"``), is skipped (a near-certain duplicate, the
same firm as an earlier row, or nothing new), waits for the organizer's decision (an uncertain
duplicate: "review"), or has errors. A file with errors writes nothing unless ``valid_only`` is set.
The matching index follows after the commit through the change log, like every other change.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import sqlalchemy as sa

from ..extensions import db
from ..models import ChangeLog, Firm, FirmFacet, utcnow
from ..search.text import char_pairs, firm_search_text
from .cleaning import CleanRow, clean_row
from .columns import Mapping
from .duplicates import Firmish, Match, Matcher
from .industry import suggest_industry
from .messages import message
from .reading import Table

ON_DUPLICATE = ("skip", "update")
DECISIONS = ("create", "skip", "update")
LIST_FIELDS = ("industries", "certifications")
Progress = Callable[[str, int, int], None]


@dataclass
class Options:
    on_duplicate: str = "skip"
    valid_only: bool = False
    decisions: dict[int, str] = field(default_factory=dict)  # row number -> create | skip | update (uncertain rows)
    accept_suggestions: bool = True  # JSIC codes suggested for industry words


@dataclass
class RowPlan:
    clean: CleanRow
    action: str  # create | update | skip | review | error
    target: int | None = None  # the firm updated or matched
    target_name: str = ""
    match: Match | None = None
    same_as_row: int | None = None

    @property
    def number(self) -> int:
        return self.clean.number


@dataclass
class Plan:
    table: Table
    mapping: Mapping
    options: Options
    rows: list[RowPlan] = field(default_factory=list)
    header_errors: list[tuple[str, dict]] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.header_errors) or any(r.action == "error" for r in self.rows)

    @property
    def writable(self) -> bool:
        return not self.header_errors and (self.options.valid_only or not self.has_errors)


def _existing() -> Matcher:
    cols = (Firm.id, Firm.name, Firm.name_kana, Firm.name_en, Firm.city, Firm.postal_code, Firm.phone, Firm.website)
    rows = db.session.execute(sa.select(*cols).where(Firm.deleted_at.is_(None))).all()
    return Matcher(Firmish(r.id, r.name, r.name_kana, r.name_en, r.city, r.postal_code, r.phone, r.website)
                   for r in rows)


def _firmish(ref: int, v: dict) -> Firmish:
    return Firmish(ref, v.get("name", ""), v.get("name_kana", ""), v.get("name_en", ""), v.get("city", ""),
                   v.get("postal_code", ""), v.get("phone", ""), v.get("website", ""))


def plan_import(table: Table, mapping: Mapping, options: Options | None = None,
                progress: Progress | None = None) -> Plan:
    options = options or Options()
    plan = Plan(table, mapping, options, header_errors=mapping.problems())
    if plan.header_errors:
        return plan
    existing = _existing()
    names = dict(db.session.execute(sa.select(Firm.id, Firm.name).where(Firm.deleted_at.is_(None))).all())
    in_file = Matcher()
    total = len(table.rows)
    suggest = suggest_industry if options.accept_suggestions else (lambda words: None)
    for i, (number, cells) in enumerate(table.rows):
        row = clean_row(number, cells, mapping, suggest)
        if row.errors:
            plan.rows.append(RowPlan(row, "error"))
        else:
            me = _firmish(number, row.values)
            rp = _decide(row, existing.best(me), in_file.best(me), options, names)
            plan.rows.append(rp)
            in_file.add(me)
        if progress and (i % 200 == 0 or i + 1 == total):
            progress("check", i + 1, total)
    return plan


def _decide(row: CleanRow, db_match: Match | None, file_match: Match | None, options: Options,
            names: dict[int, str]) -> RowPlan:
    if file_match and file_match.certain:
        return RowPlan(row, "skip", same_as_row=file_match.ref, match=file_match)
    decision = options.decisions.get(row.number)
    if db_match:
        name = names.get(db_match.ref, "")
        if db_match.certain:
            action = options.on_duplicate
        else:
            action = decision if decision in DECISIONS else "review"
        if action == "create":
            return RowPlan(row, "create", match=db_match, target_name=name)
        return RowPlan(row, action, target=db_match.ref, target_name=name, match=db_match)
    if file_match:  # uncertain: like an earlier row of the file
        action = decision if decision in ("create", "skip") else "review"
        return RowPlan(row, action, same_as_row=file_match.ref, match=file_match)
    return RowPlan(row, "create")


BATCH = 1000  # firms created per INSERT statement


def apply_plan(plan: Plan, progress: Progress | None = None) -> dict[str, int]:
    """Write the plan in the current transaction (the caller commits); counts of what was done.

    Updates go through the ORM (each changes only what differs). New firms, the bulk of a first import, are
    inserted a batch at a time (one INSERT ... RETURNING, then their facets and change-log rows), without
    building ORM objects: what the session's flush hooks would add (the search text, the change log that
    the matching index follows) is written here, in the same transaction."""
    now = utcnow()
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    creates = [r for r in plan.rows if r.action == "create"]
    updates = [r for r in plan.rows if r.action == "update"]
    total, done = len(creates) + len(updates), 0
    targets = {}
    ids = [r.target for r in updates]
    for start in range(0, len(ids), 500):
        for firm in db.session.scalars(sa.select(Firm).where(Firm.id.in_(ids[start:start + 500]))):
            targets[firm.id] = firm
    for r in updates:
        firm = targets.get(r.target)
        if firm is None or firm.deleted_at is not None:
            counts["unchanged"] += 1
        elif _assign(firm, r.clean.values, overwrite=True, keep_name=True):
            firm.updated_at = now
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        done += 1
        if progress and (done % 200 == 0 or done == total):
            progress("write", done, total)
        if done % 1000 == 0:
            db.session.flush()
    db.session.flush()
    for start in range(0, len(creates), BATCH):
        batch = creates[start:start + BATCH]
        rows = [_new_firm(r.clean.values, now) for r in batch]
        firm_ids = _insert_firms(rows)
        facets = [{"firm_id": firm_id, "kind": kind, "value": value, "position": i}
                  for firm_id, r in zip(firm_ids, batch) for kind, values in _facets(r.clean.values)
                  for i, value in enumerate(values)]
        if facets:
            db.session.execute(sa.insert(FirmFacet), facets)
        db.session.execute(sa.insert(ChangeLog), [{"entity": "firm", "entity_id": firm_id, "op": "upsert", "at": now}
                                                  for firm_id in firm_ids])
        counts["created"] += len(firm_ids)
        done += len(batch)
        if progress:
            progress("write", done, total)
    return counts


def _insert_firms(rows: list[dict]) -> list[int]:
    """Insert the rows; their ids, in order. PostgreSQL: ids drawn from the table's sequence first, then one
    prepared INSERT for all rows (psycopg parses a statement of thousands of VALUES anew each time, which
    costs more than the writing); elsewhere INSERT ... RETURNING."""
    if db.session.get_bind().dialect.name == "postgresql":
        ids = list(db.session.scalars(sa.select(sa.func.nextval(sa.func.pg_get_serial_sequence("firms", "id")))
                                      .select_from(sa.func.generate_series(1, len(rows)))))
        for row, firm_id in zip(rows, ids):
            row["id"] = firm_id
        db.session.execute(sa.insert(Firm), rows)
        return ids
    return list(db.session.scalars(sa.insert(Firm).returning(Firm.id, sort_by_parameter_order=True), rows))


_FACET_KINDS = {"industries": "industry", "certifications": "certification"}
_COLUMN_DEFAULTS = {c.key: (c.default.arg if c.default is not None and c.default.is_scalar else None)
                    for c in Firm.__table__.columns if c.key != "id"}


def _facets(values: dict) -> list[tuple[str, list[str]]]:
    """The firm's list fields as its facets keep them: stripped, once each, in order (models._facet_property)."""
    out = []
    for key, kind in _FACET_KINDS.items():
        seen: list[str] = []
        for v in values.get(key) or []:
            v = (v or "").strip()
            if v and v not in seen:
                seen.append(v)
        if seen:
            out.append((kind, seen))
    return out


def _new_firm(values: dict, now) -> dict:
    """The columns of a new firm: its values where given, else the model's defaults (every row has every key,
    so that the batch is one statement)."""
    row = {k: v for k, v in _COLUMN_DEFAULTS.items()}
    for key, value in values.items():
        if key in row and key not in LIST_FIELDS and value not in (None, ""):
            row[key] = value
    row.update(published_at=now, imported_at=now, confirmed_at=None, created_at=now, updated_at=now,
               country=row["country"] or "JP")
    row["search_text"] = firm_search_text(SimpleNamespace(**row, tags=[], equipment=[]))
    row["search_pairs"] = char_pairs(row["search_text"])
    return row


def _assign(firm: Firm, values: dict, overwrite: bool, keep_name: bool = False) -> bool:
    """Copy a row's values onto a firm (lists: added to the firm's own); whether anything changed."""
    changed = False
    for key, value in values.items():
        if keep_name and key == "name":
            continue
        if key in LIST_FIELDS:
            old = list(getattr(firm, key))
            new = old + [x for x in value if x not in old]
            if new != old:
                setattr(firm, key, new)
                changed = True
            continue
        if value in (None, "") or getattr(firm, key) == value:
            continue
        setattr(firm, key, value)
        changed = True
    return changed


# ------------------------------------------------------------------ the report


def report(plan: Plan, counts: dict[str, int] | None, dry_run: bool) -> dict:
    """What the dry run shows and the command prints (--json): counts, duplicates, problems, in the UI language."""
    table, mapping = plan.table, plan.mapping
    errors = [{"row": table.header_row, "column": "", "message": message(code, params)}
              for code, params in plan.header_errors]
    warnings = []
    duplicates = []
    by_action = {a: 0 for a in ("create", "update", "skip", "review", "error")}
    for r in plan.rows:
        by_action[r.action] += 1
        for f, code, params in r.clean.errors:
            errors.append({"row": r.number, "column": mapping.header_of(f) if f else "", "field": f,
                           "message": message(code, params)})
        for f, code, params in r.clean.warnings:
            warnings.append({"row": r.number, "column": mapping.header_of(f), "field": f,
                             "message": message(code, params)})
        if r.match:
            duplicates.append({
                "row": r.number, "action": r.action, "firm_id": r.target, "firm": r.target_name,
                "same_as_row": r.same_as_row, "score": r.match.score, "certain": r.match.certain,
                "reasons": r.match.reasons,
            })
    written = counts is not None
    return {
        "file": {"kind": table.kind, "encoding": table.encoding, "sheet": table.sheet,
                 "header_row": table.header_row},
        "mapping": mapping.as_dict(),
        "unknown_columns": [h for _, h in mapping.unknown()],
        "dry_run": dry_run,
        "written": written,
        "rows": len(table.rows),
        "created": counts["created"] if written else by_action["create"],
        "updated": counts["updated"] if written else by_action["update"],
        "skipped": (by_action["skip"] + by_action["review"] + (counts["unchanged"] if written else 0)),
        "review": by_action["review"],
        "invalid": by_action["error"],
        "duplicates": duplicates,
        "suggestions": [{"row": r.number, "words": w, "code": c} for r in plan.rows for w, c in r.clean.suggestions],
        "errors": errors,
        "warnings": warnings,
    }


