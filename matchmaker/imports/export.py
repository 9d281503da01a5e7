"""The firm list as the city keeps it: CSV (UTF-8 with BOM, or Shift_JIS/CP932) or XLSX, in the columns
the import reads (columns.FIELDS, first header of each), so an exported list imports again unchanged.

Text that would start a formula is neutralised: in CSV with a leading apostrophe (spreadsheet.safe_cell;
the import removes it again), in XLSX by storing the cell as a string, never as a formula.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from ..models import Firm
from ..spreadsheet import safe_cell
from .columns import FIELDS

FORMATS = {  # name: (file extension, content type)
    "csv": ("csv", "text/csv; charset=utf-8"),
    "csv-cp932": ("csv", "text/csv; charset=shift_jis"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
ORDER = ("name", "name_kana", "name_en", "postal_code", "address", "phone", "email", "website", "industry",
         "description", "employees", "founded", "certifications")
HEADERS = [FIELDS[f][0] for f in ORDER]


def _address(firm: Firm) -> str:
    """The address with its prefecture and municipality, as the import reads it back."""
    address = (firm.address or "").strip()
    if firm.country != "JP" or not firm.city:
        return address
    city = firm.city.replace(" ", "")
    flat = address.replace(" ", "")
    if not flat.startswith(firm.prefecture or "\0"):
        if flat.startswith(city):
            return f"{firm.prefecture}{address}"
        return f"{firm.prefecture}{city}{address}"
    return address


def firm_row(firm: Firm) -> list:
    return [
        firm.name, firm.name_kana, firm.name_en, firm.postal_code, _address(firm), firm.phone, firm.contact_email,
        firm.website, "、".join(firm.industries), firm.description_ja or firm.description_en, firm.employees,
        firm.founded_year or "", "、".join(firm.certifications),
    ]


def rows(firms: Iterable[Firm]) -> Iterable[list]:
    yield HEADERS
    for f in firms:
        yield firm_row(f)


def to_bytes(firms: Iterable[Firm], fmt: str) -> bytes:
    if fmt == "xlsx":
        return _xlsx(rows(firms))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for r in rows(firms):
        writer.writerow([safe_cell(v) for v in r])
    if fmt == "csv-cp932":  # what Japanese Excel opens by double-click; a character CP932 lacks becomes ?
        return out.getvalue().encode("cp932", errors="replace")
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(table: Iterable[list]) -> bytes:
    import openpyxl
    from openpyxl.cell.cell import TYPE_STRING

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "firms"
    for r, values in enumerate(table, start=1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = TYPE_STRING  # text, never a formula
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
