"""The columns of a member list: which field each header names (Japanese or English, usual variants).

The export writes the first header of each field, so an exported list imports again unchanged.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# field -> header variants (the first is what the export writes)
FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("企業名", "会社名", "事業所名", "事業所名称", "名称", "商号", "法人名", "company", "company name", "name",
             "firm", "firm name"),
    "name_kana": ("フリガナ", "ふりがな", "カナ", "企業名カナ", "企業名フリガナ", "会社名カナ", "会社名フリガナ", "よみがな",
                  "kana"),
    "name_en": ("英文社名", "英語名", "英文名", "英文会社名", "name_en", "english name", "company name in english"),
    "postal_code": ("郵便番号", "〒", "postal code", "zip", "zip code", "postcode", "post code"),
    "address": ("所在地", "住所", "本社所在地", "事業所所在地", "所在地住所", "address"),
    "phone": ("電話番号", "TEL", "電話", "代表電話", "代表電話番号", "phone", "telephone", "phone number", "tel."),
    "email": ("メールアドレス", "E-mail", "email", "mail", "メール", "e-mail address", "email address"),
    "website": ("URL", "ホームページ", "HP", "ホームページアドレス", "HPアドレス", "website", "web", "homepage", "web site"),
    "industry": ("業種", "業種コード", "産業分類", "JSIC", "industry", "industry code", "jsic code", "業種名"),
    "description": ("事業内容", "営業品目", "主要製品", "主な製品", "主な事業内容", "取扱品目", "description", "products",
                    "business"),
    "employees": ("従業員数", "従業員", "社員数", "employees", "number of employees", "staff"),
    "founded": ("創業", "設立", "創業年", "設立年", "創業年月", "設立年月日", "founded", "established", "year founded"),
    "certifications": ("認証", "取得認証", "認証取得", "資格・認証", "certifications", "certification"),
}
# Fields several columns may fill (their texts are joined); any other field named twice is a mistake.
MULTI = ("description", "certifications")

_BRACKETS = re.compile(r"[(\[（【].*?[)\]）】]")
_NOISE = re.compile(r"[\s_\-・:：.。*※]+")


def header_key(text: str) -> str:
    """'会社名（漢字）' = '会社名', 'E-mail' = 'email', 'ＴＥＬ' = 'tel'."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip()
    stripped = _BRACKETS.sub("", text)
    if stripped.strip():
        text = stripped
    return _NOISE.sub("", text).casefold()


_LOOKUP = {header_key(v): f for f, variants in FIELDS.items() for v in variants}
# A few header variants collide after folding ("name" in English, 名称): the dict keeps the first.


def field_for(header: str) -> str | None:
    return _LOOKUP.get(header_key(header))


@dataclass
class Mapping:
    """Which columns fill which field; columns without a field are ignored."""

    headers: list[str]
    columns: dict[int, str] = field(default_factory=dict)  # column index -> field

    @classmethod
    def detect(cls, headers: list[str]) -> "Mapping":
        return cls(list(headers), {i: f for i, h in enumerate(headers) if (f := field_for(h))})

    def fields(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for i in sorted(self.columns):
            out.setdefault(self.columns[i], []).append(i)
        return out

    def unknown(self) -> list[tuple[int, str]]:
        return [(i, h) for i, h in enumerate(self.headers) if i not in self.columns and str(h).strip()]

    def problems(self) -> list[tuple[str, dict]]:
        """(code, params) for what stops an import: no name column, a field named by two columns."""
        out: list[tuple[str, dict]] = []
        fields = self.fields()
        if "name" not in fields:
            out.append(("no_name_column", {}))
        for f, cols in fields.items():
            if len(cols) > 1 and f not in MULTI:
                out.append(("duplicate_column", {"field": f, "columns": ", ".join(self.headers[i] for i in cols)}))
        return out

    def header_of(self, f: str) -> str:
        cols = self.fields().get(f)
        return self.headers[cols[0]] if cols else f

    def as_dict(self) -> dict[str, list[str]]:
        return {f: [self.headers[i] for i in cols] for f, cols in self.fields().items()}


def looks_like_header(cells: list[str]) -> bool:
    """A row that names the firm's column and at least one other known field."""
    found = {field_for(c) for c in cells if str(c).strip()}
    return "name" in found and len(found - {None}) >= 2
