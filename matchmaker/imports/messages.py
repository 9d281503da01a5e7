"""The words for the import's problem codes (reading.py, columns.py, cleaning.py), in the reader's language."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

MESSAGES = {
    # the file
    "empty_file": _l("The file is empty."),
    "no_rows": _l("The file has a header but no rows of firms."),
    "old_excel": _l("This is an old Excel file (.xls). Please save it as .xlsx or CSV and try again."),
    "not_a_table": _l("This is not a CSV or XLSX file."),
    "bad_xlsx": _l("The XLSX file could not be opened; it may be damaged. Please save it again from Excel."),
    "too_large_unzipped": _l("The XLSX file unpacks to more than we accept."),
    "too_large": _l("The file is larger than %(limit)s MB."),
    "no_such_sheet": _l("There is no sheet named %(sheet)s (sheets: %(sheets)s)."),
    "undecodable": _l("The file's characters cannot be read as %(encoding)s. Please save it as CSV (UTF-8) "
                      "or choose the encoding."),
    "bad_encoding_option": _l("Unknown encoding %(encoding)s: use auto, utf-8 or cp932."),
    "bad_csv": _l("The CSV file cannot be read (%(detail)s); a quotation mark may be missing."),
    # the header
    "no_name_column": _l("No column holds the firm's name (for example 企業名, 会社名 or company)."),
    "duplicate_column": _l("Several columns give the same field (%(columns)s); keep one or change the mapping."),
    # a row
    "too_many_cells": _l("This row has %(cells)s cells but the header only %(headers)s; a comma inside a value "
                         "needs quotation marks."),
    "required": _l("The firm's name is missing."),
    "bad_postal_code": _l("%(value)s is not a postal code (seven digits, like 251-0052)."),
    "unknown_municipality": _l("No Japanese municipality was found in the address %(value)s."),
    "bad_phone": _l("%(value)s is not a phone number."),
    "bad_email": _l("%(value)s is not an e-mail address."),
    "bad_website": _l("%(value)s is not a web address."),
    "bad_employees": _l("%(value)s is not a number of employees."),
    "bad_founded": _l("%(value)s is not a year of founding."),
    "too_long": _l("The text is longer than %(limit)s characters."),
    "unknown_industry": _l("No industry was found for %(value)s; it was left out."),
    "review": _l("This may be the same firm as %(firm)s: please decide."),
    "same_as_row": _l("The same firm as row %(row)s."),
}

FIELD_LABELS = {
    "name": _l("Name"), "name_kana": _l("Kana reading"), "name_en": _l("English name"),
    "postal_code": _l("Postal code"), "address": _l("Address"), "phone": _l("Phone"), "email": _l("E-mail"),
    "website": _l("Website"), "industry": _l("Industry"), "description": _l("Description"),
    "employees": _l("Employees"), "founded": _l("Founded"), "certifications": _l("Certifications"),
}


def message(code: str, params: dict | None = None) -> str:
    text = MESSAGES.get(code)
    if text is None:
        return code
    try:
        return str(text) % (params or {}) if params else str(text)
    except (KeyError, TypeError, ValueError):
        return str(text)


def field_label(f: str) -> str:
    label = FIELD_LABELS.get(f)
    return str(label) if label else (f or _("the row"))
