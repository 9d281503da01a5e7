"""Reading a member list: CSV (UTF-8 with or without BOM, Shift_JIS/CP932 as Japanese Excel writes it,
UTF-16 as Excel's "Unicode text") or XLSX, into a header and rows of text cells.

Everything a file can be wrong in is a :class:`FileProblem` with a code (worded by messages.py),
never an exception from the parser reaching the user.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from .columns import looks_like_header

ENCODINGS = ("auto", "utf-8", "cp932")
HEADER_SEARCH_ROWS = 10  # a title line or two above the header is common in member lists
# PDF, PNG, JPEG, GIF, gzip: files people pick by mistake
_OTHER_FORMATS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b")
MAX_UNZIPPED = 200 * 1024 * 1024  # an XLSX that unpacks beyond this is refused (zip bomb)


class FileProblem(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as the spreadsheet shows it, cells)
    kind: str  # csv | xlsx
    encoding: str = ""
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    header_row: int = 1


def read_table(data: bytes, filename: str = "", encoding: str = "auto", sheet: str | None = None) -> Table:
    if not data or not data.strip(b"\x00\t\r\n \xef\xbb\xbf"):
        raise FileProblem("empty_file")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, sheet)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileProblem("old_excel")
    if data.startswith(_OTHER_FORMATS):
        raise FileProblem("not_a_table")
    text, used = _decode(data, encoding)
    return _read_csv(text, used)


# ------------------------------------------------------------------ CSV

def _decode(data: bytes, encoding: str) -> tuple[str, str]:
    if encoding not in ENCODINGS:
        raise FileProblem("bad_encoding_option", encoding=encoding)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") and encoding == "auto":
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise FileProblem("undecodable", encoding="UTF-16") from None
    tries = {"auto": ("utf-8-sig", "cp932"), "utf-8": ("utf-8-sig",), "cp932": ("cp932",)}[encoding]
    for enc in tries:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise FileProblem("not_a_table")
        return text, "utf-8" if enc == "utf-8-sig" else enc
    if b"\x00" in data[:4096]:
        raise FileProblem("not_a_table")
    names = {"auto": "UTF-8 / Shift_JIS", "utf-8": "UTF-8", "cp932": "Shift_JIS (CP932)"}
    raise FileProblem("undecodable", encoding=names[encoding])


def _read_csv(text: str, encoding: str) -> Table:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as e:
        raise FileProblem("bad_csv", detail=str(e)) from None
    return _table([(i + 1, r) for i, r in enumerate(records)], "csv", encoding=encoding)


# ------------------------------------------------------------------ XLSX

def _read_xlsx(data: bytes, sheet: str | None) -> Table:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
            if "xl/workbook.xml" not in names:
                raise FileProblem("not_a_table")
            if sum(i.file_size for i in z.infolist()) > MAX_UNZIPPED:
                raise FileProblem("too_large_unzipped")
        # Not read-only mode: it would keep the file open past this call; member lists fit in memory.
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except FileProblem:
        raise
    except Exception:  # noqa: BLE001 - any damage to the workbook is the same answer to the user
        raise FileProblem("bad_xlsx") from None
    try:
        sheets = list(wb.sheetnames)
        if sheet:
            if sheet not in sheets:
                raise FileProblem("no_such_sheet", sheet=sheet, sheets=", ".join(sheets))
            ws = wb[sheet]
        else:
            ws = wb.worksheets[0]
        rows = [(i + 1, [_cell_text(v) for v in row]) for i, row in enumerate(ws.iter_rows(values_only=True))]
        return _table(rows, "xlsx", sheet=ws.title, sheets=sheets)
    finally:
        wb.close()


def _cell_text(value) -> str:
    """A cell as the text the organizer sees (a formula stays its text: it is never computed)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


# ------------------------------------------------------------------ both

def _table(records: list[tuple[int, list[str]]], kind: str, **kw) -> Table:
    nonempty = [(n, [str(c) for c in cells]) for n, cells in records if any(str(c).strip() for c in cells)]
    if not nonempty:
        raise FileProblem("empty_file")
    header_at = 0
    for i, (_, cells) in enumerate(nonempty[:HEADER_SEARCH_ROWS]):
        if looks_like_header(cells):
            header_at = i
            break
    header_row, headers = nonempty[header_at]
    while headers and not headers[-1].strip():  # trailing empty header cells (Excel's used range)
        headers = headers[:-1]
    rows = nonempty[header_at + 1:]
    if not rows:
        raise FileProblem("no_rows")
    return Table(headers=[h.strip() for h in headers], rows=rows, kind=kind, header_row=header_row, **kw)
