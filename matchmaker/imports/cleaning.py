"""Cleaning one row of a member list into a firm's fields: widths folded, legal forms written out,
postal code and phone normalised, the address resolved to prefecture, municipality and coordinates,
employees to the site's ranges, industries to JSIC codes.

Pure: no Flask, no database. Problems are (field, code, params); messages.py words them.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from .. import reference
from ..models import EMPLOYEE_RANGES
from ..spreadsheet import FORMULA_STARTS
from .columns import Mapping

LIMITS = {"name": 200, "name_en": 200, "name_kana": 200, "website": 300, "address": 300, "email": 254}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_SPACES = re.compile(r"[ \u3000\t]+")
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\u30fc\uff70"})
_SPLIT = re.compile(r"\s*(?:[、,，;；/／\n]|・(?=\S)|\s{2,})\s*")
# Abbreviated legal forms written out, as the firm's registered name reads (㈱ is (株) after NFKC).
_LEGAL_ABBREVIATIONS = {"(株)": "株式会社", "(有)": "有限会社", "(同)": "合同会社", "(資)": "合資会社", "(名)": "合名会社"}
_LEGAL_JA = "株式会社|有限会社|合同会社|合資会社|合名会社"
_LEGAL_ABBREVIATION = re.compile(r"\s*(\((?:株|有|同|資|名)\))\s*")


def text(value: str, multiline: bool = False) -> str:
    """NFKC (full-width letters and digits, half-width kana), control characters out, spaces collapsed."""
    value = unicodedata.normalize("NFKC", str(value or ""))
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        value = _CONTROL.sub("", value)
        return "\n".join(_SPACES.sub(" ", line).strip() for line in value.split("\n")).strip()
    return _SPACES.sub(" ", _CONTROL_LINE.sub(" ", value)).strip()


def firm_name(value: str) -> str:
    """'㈱ 桐原精密' -> '株式会社桐原精密'; 'ｶﾌﾞｼｷｶﾞｲｼｬ' -> 'カブシキガイシャ'."""
    name = _LEGAL_ABBREVIATION.sub(lambda m: _LEGAL_ABBREVIATIONS[m.group(1)], text(value)).strip()
    # '有限会社 辻堂プレス' -> '有限会社辻堂プレス' (a Japanese name has no space after its legal form)
    name = re.sub(rf"^({_LEGAL_JA}) (?=[^\x00-\x7f])", r"\1", name)
    return re.sub(rf"(?<=[^\x00-\x7f]) ({_LEGAL_JA})$", r"\1", name)


def postal_code(value: str) -> str | None:
    """'〒２５１－００５２' -> '251-0052'; None when it is not seven digits."""
    v = text(value).translate(_DASHES).replace("〒", "").replace("-", "").replace(" ", "")
    if len(v) == 6 and v.isdigit():  # a spreadsheet dropped the leading zero (北海道 0xx-xxxx)
        v = "0" + v
    return f"{v[:3]}-{v[3:]}" if len(v) == 7 and v.isascii() and v.isdigit() else None


_PHONE_LABEL = re.compile(r"^(?:tel|phone|電話(?:番号)?|代表)\s*[.:：]?\s*", re.IGNORECASE)


def phone(value: str) -> str | None:
    """'ＴＥＬ０４６６（２２）１２３４' -> '0466-22-1234'; None when it is no phone number."""
    v = _PHONE_LABEL.sub("", text(value).translate(_DASHES)).strip()
    v = re.sub(r"\s*\(\s*", "-", v)
    v = re.sub(r"\s*\)\s*", "-", v)
    v = re.sub(r"[\s.]+", "-", v).strip("-")
    v = re.sub(r"-{2,}", "-", v)
    if not re.fullmatch(r"\+?[0-9-]+", v):
        return None
    digits = v.replace("-", "").replace("+", "")
    if v.startswith("+"):
        return v if 8 <= len(digits) <= 15 else None
    if len(digits) in (9, 10) and not digits.startswith("0"):  # a number cell lost its leading zero
        v, digits = "0" + v, "0" + digits
    return v if digits.startswith("0") and len(digits) in (10, 11) else None


def phone_key(value: str) -> str:
    return re.sub(r"\D", "", value or "")


# A plain ASCII address (dot-atom local part, host name labels): its domain is checked once per list.
_PLAIN_EMAIL = re.compile(r"([A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)@"
                          r"((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})")


@lru_cache(maxsize=4096)
def _domain_ok(domain: str) -> bool:
    try:
        validate_email("x@" + domain, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def email(value: str) -> str | None:
    v = text(value)
    m = _PLAIN_EMAIL.fullmatch(v)
    if m and len(m.group(1)) <= 64 and len(v) <= 254 and "xn--" not in v.lower():  # as validate_email, cached
        return v.lower() if _domain_ok(m.group(2).lower()) else None
    try:
        return validate_email(v, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def website(value: str) -> str | None:
    v = text(value).replace(" ", "")
    if not re.match(r"^https?://", v, re.IGNORECASE):
        v = "https://" + v
    m = re.fullmatch(r"(https?)://([A-Za-z0-9.-]+\.[A-Za-z]{2,})(:\d+)?(/\S*)?", v, re.IGNORECASE)
    if not m:
        return None
    return f"{m.group(1).lower()}://{m.group(2).lower()}{m.group(3) or ''}{m.group(4) or ''}"


def website_key(value: str) -> str:
    m = re.match(r"^(?:https?://)?(?:www\.)?([^/:]+)", (value or "").lower())
    return m.group(1) if m else ""


# ------------------------------------------------------------------ places


@lru_cache(maxsize=1)
def _prefectures() -> tuple[str, ...]:
    return tuple(sorted({p.region for p in reference.all_municipalities()}, key=len, reverse=True))


@lru_cache(maxsize=1)
def _municipality_keys() -> dict[str, dict[str, reference.Place]]:
    """prefecture -> municipality name as an address writes it (横浜市中区) -> place."""
    out: dict[str, dict[str, reference.Place]] = {}
    for p in reference.all_municipalities():
        out.setdefault(p.region, {})[p.name.replace(" ", "").replace("ヶ", "ケ")] = p
    return out


@lru_cache(maxsize=1)
def _municipality_index() -> dict[str, dict[str, list[tuple[str, reference.Place]]]]:
    """prefecture -> first character -> (municipality name as an address writes it, place)."""
    out: dict[str, dict[str, list[tuple[str, reference.Place]]]] = {}
    for region, keys in _municipality_keys().items():
        for key, place in keys.items():
            out.setdefault(region, {}).setdefault(key[:1], []).append((key, place))
    return out


_GUN = re.compile(r"^[^\s市区町村]{1,6}郡")


def resolve_address(address: str) -> reference.Place | None:
    """The municipality an address lies in: '神奈川県藤沢市藤沢1-1' -> 藤沢市; '高座郡寒川町' -> 寒川町.
    Without the prefecture, a name found in several prefectures is not guessed."""
    a = re.sub(r"^〒?\d{3}-?\d{4}", "", text(address).translate(_DASHES).replace(" ", "").replace("ヶ", "ケ"))
    pref = next((p for p in _prefectures() if a.startswith(p)), None)
    rest = a[len(pref):] if pref else a
    found: list[tuple[int, reference.Place]] = []
    for region in ([pref] if pref else _municipality_keys()):
        by_first = _municipality_index()[region]
        for candidate in (rest, _GUN.sub("", rest)):
            for key, place in by_first.get(candidate[:1], ()):
                if candidate.startswith(key):
                    found.append((len(key), place))
    if not found:
        return None
    longest = max(n for n, _ in found)
    places = {(p.region, p.name): p for n, p in found if n == longest}
    return next(iter(places.values())) if len(places) == 1 else None


# ------------------------------------------------------------------ numbers


def employees(value: str) -> str | None:
    """'12名' -> '10-29'; '10～29人' -> '10-29'; '300名以上' -> '300+'; None when no number is found."""
    v = text(value).translate(_DASHES).replace(",", "")
    numbers = [int(n) for n in re.findall(r"\d+", v)]
    if not numbers or len(numbers) > 2:
        return None
    n = (numbers[0] + numbers[1]) / 2 if len(numbers) == 2 else numbers[0]
    if n < 1:
        return None
    bounds = ((9, "1-9"), (29, "10-29"), (99, "30-99"), (299, "100-299"))
    return next((r for top, r in bounds if n <= top), EMPLOYEE_RANGES[-1])


_ERAS = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018, "M": 1867, "T": 1911, "S": 1925,
         "H": 1988, "R": 2018}


def founded_year(value: str, today: date | None = None) -> int | None:
    """'1965', '1965年4月', '1965-04-01', '昭和40年', 'S40', '平成元年' -> the year; None otherwise."""
    v = text(value).replace("元年", "1年")
    m = re.match(r"^(明治|大正|昭和|平成|令和|[MTSHR])\s*(\d{1,2})", v, re.IGNORECASE)
    if m:
        year = _ERAS[m.group(1).upper() if len(m.group(1)) == 1 else m.group(1)] + int(m.group(2))
    else:
        m = re.match(r"^(\d{4})(?:$|[年/.\-]|\s)", v)
        if not m:
            return None
        year = int(m.group(1))
    this_year = (today or date.today()).year
    return year if 1600 <= year <= this_year else None


def split_list(value: str) -> list[str]:
    return [p for p in (x.strip() for x in _SPLIT.split(text(value, multiline=True))) if p]


_CODE = re.compile(r"^(?:[A-T]|\d{2,4})$")


def industry_codes(value: str, suggest) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """Codes given, (words, suggested code) pairs and words nothing was found for."""
    codes: list[str] = []
    suggested: list[tuple[str, str]] = []
    unknown: list[str] = []
    for part in split_list(value):
        token = part.upper().replace(" ", "")
        m = re.match(r"^([A-T]|\d{2,4})(?:\s|$|[^\dA-Z])", token + " ")
        if m and _CODE.match(m.group(1)) and reference.industry(m.group(1)):
            codes.append(m.group(1))
            continue
        if _CODE.match(token):
            unknown.append(part)
            continue
        code = suggest(part)
        if code:
            suggested.append((part, code))
        else:
            unknown.append(part)
    return codes, suggested, unknown


# ------------------------------------------------------------------ a row


def _unquote(value: str) -> str:
    """'=SUM(A1) as our export neutralised it (spreadsheet.safe_cell) -> =SUM(A1), kept as text."""
    return value[1:] if value[:1] == "'" and value[1:2] in FORMULA_STARTS and value[1:2] else value


@dataclass
class CleanRow:
    number: int
    values: dict = field(default_factory=dict)  # Firm attribute -> value
    errors: list[tuple[str, str, dict]] = field(default_factory=list)  # (field, code, params)
    warnings: list[tuple[str, str, dict]] = field(default_factory=list)
    suggestions: list[tuple[str, str]] = field(default_factory=list)  # (words, JSIC code)


def clean_row(number: int, cells: list[str], mapping: Mapping, suggest, today: date | None = None) -> CleanRow:
    row = CleanRow(number)
    width = len(mapping.headers)
    extra = [c for c in cells[width:] if str(c).strip()]
    if extra:
        row.errors.append(("", "too_many_cells", {"cells": width + len(cells[width:]), "headers": width}))
    raw: dict[str, str] = {}
    for f, cols in mapping.fields().items():
        parts = [_unquote(str(cells[i])) for i in cols if i < len(cells) and str(cells[i]).strip()]
        raw[f] = "\n".join(parts)
    v = row.values

    def err(f: str, code: str, **params):
        row.errors.append((f, code, {"value": raw.get(f, "")[:80], **params}))

    v["name"] = firm_name(raw.get("name", ""))
    if not v["name"]:
        err("name", "required")
    for f in ("name_en", "name_kana"):
        if raw.get(f):
            v[f] = text(raw[f])
    if raw.get("postal_code"):
        code = postal_code(raw["postal_code"])
        if code is None:
            err("postal_code", "bad_postal_code")
        else:
            v["postal_code"] = code
    if raw.get("address"):
        v["address"] = text(raw["address"])
        if "postal_code" not in v and not raw.get("postal_code"):
            m = re.match(r"^〒?\s*(\d{3}-?\d{4})\s*", v["address"])
            if m:
                v["postal_code"] = postal_code(m.group(1))
        v["address"] = re.sub(r"^〒?\s*\d{3}-?\d{4}\s*", "", v["address"])
        place = resolve_address(v["address"])
        if place is None:
            err("address", "unknown_municipality")
        else:
            v.update(city=place.name, prefecture=place.region, country="JP", latitude=place.lat, longitude=place.lon)
    if raw.get("phone"):
        p = phone(raw["phone"])
        if p is None:
            err("phone", "bad_phone")
        else:
            v["phone"] = p
    if raw.get("email"):
        e = email(raw["email"])
        if e is None:
            err("email", "bad_email")
        else:
            v["contact_email"] = e
    if raw.get("website"):
        w = website(raw["website"])
        if w is None:
            err("website", "bad_website")
        else:
            v["website"] = w
    if raw.get("industry"):
        codes, suggested, unknown = industry_codes(raw["industry"], suggest)
        row.suggestions = suggested
        v["industries"] = list(dict.fromkeys(codes + [c for _, c in suggested]))
        for word in unknown:
            row.warnings.append(("industry", "unknown_industry", {"value": word}))
    if raw.get("description"):
        v["description_ja"] = text(raw["description"], multiline=True)
    if raw.get("employees"):
        e = employees(raw["employees"])
        if e is None:
            err("employees", "bad_employees")
        else:
            v["employees"] = e
    if raw.get("founded"):
        y = founded_year(raw["founded"], today)
        if y is None:
            err("founded", "bad_founded")
        else:
            v["founded_year"] = y
    if raw.get("certifications"):
        v["certifications"] = split_list(raw["certifications"])
    for f, limit in LIMITS.items():
        key = "contact_email" if f == "email" else f
        if isinstance(v.get(key), str) and len(v[key]) > limit:
            err(f, "too_long", limit=limit)
    return row
