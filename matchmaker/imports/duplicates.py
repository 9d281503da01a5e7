"""Is this row a firm we already have (in the database, or earlier in the file)?

The same firm is written differently: the legal form before or after the name, full or half width,
katakana or hiragana, an office that moved, a typo. Names are compared in one normal form (NFKC,
case and kana folded, legal forms and punctuation removed) with rapidfuzz, and the evidence of place
and contact is added: same municipality, postal code, phone number or website. Blocking first: a row is
scored only against firms with the same name key, phone, website or postal code, and against firms
of its municipality that share the first or last two characters of the key.

Pure: no Flask, no database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ..matching.normalize import fold, strip_legal_forms
from .cleaning import phone_key, website_key

CERTAIN = 1.10  # name similarity (0-1) plus the evidence below, at or above which the firm is the same
UNCERTAIN = 0.90  # at or above: shown to the organizer to decide
EVIDENCE = {"city": 0.15, "postal_code": 0.2, "phone": 0.35, "website": 0.35}
MIN_NAME = 0.6  # below this name similarity nothing counts, whatever else is shared (a shared switchboard)
CITY_NAME = 0.8  # the same municipality counts only for names at least this close (many firms share a town)
_NON_WORD = re.compile(r"[\W_]+")


def name_key(name: str) -> str:
    """'株式会社 桐原精密' = '桐原精密(株)' = 'ｷﾘﾊﾗ精密' (kana folded) -> one key."""
    return _NON_WORD.sub("", fold(strip_legal_forms(name or "")))


@dataclass
class Firmish:
    """What the comparison looks at, for a firm in the database or a row of the file."""

    ref: int  # firm id, or row number
    name: str
    kana: str = ""
    name_en: str = ""
    city: str = ""
    postal_code: str = ""
    phone: str = ""
    website: str = ""
    keys: tuple[str, ...] = field(default=(), init=False)

    def __post_init__(self):
        self.keys = tuple(k for k in {name_key(self.name), name_key(self.kana), name_key(self.name_en)} if k)
        self.phone = phone_key(self.phone)
        self.website = website_key(self.website)


@dataclass
class Match:
    ref: int
    score: float
    certain: bool
    reasons: list[str]  # name, city, postal_code, phone, website


class Matcher:
    """Firms by block. Each block keeps the name keys of its firms in one list (with the firm of each), so a
    row's names are scored against a block in one call of rapidfuzz's C++ loop, and only the hits come back
    to Python: the work per row does not grow in Python with the size of its town's blocks."""

    def __init__(self, items=()):
        self.items: dict[int, Firmish] = {}
        self._blocks: dict[tuple, tuple[list[int], list[str]]] = {}  # block -> (firm of each key, keys)
        for it in items:
            self.add(it)

    def add(self, it: Firmish) -> None:
        self.items[it.ref] = it
        for b in self._block_keys(it):
            refs, keys = self._blocks.setdefault(b, ([], []))
            for k in it.keys:
                refs.append(it.ref)
                keys.append(k)

    @staticmethod
    def _block_keys(it: Firmish) -> set[tuple]:
        out: set[tuple] = set()
        for k in it.keys:
            out.add(("key", k))
            if it.city:
                out |= {("city", it.city, k[:2]), ("city", it.city, k[-2:])}
        if it.phone:
            out.add(("phone", it.phone))
        if it.website:
            out.add(("web", it.website))
        if it.postal_code:
            out.add(("postal", it.postal_code))
        return out

    def best(self, it: Firmish, exclude: int | None = None) -> Match | None:
        # Names first, in bulk: only candidates with a close enough name go on.
        names: dict[int, float] = {}
        for b in self._block_keys(it):
            block = self._blocks.get(b)
            if block is None:
                continue
            refs, keys = block
            for key in it.keys:
                for _, score, i in process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=MIN_NAME * 100,
                                                   limit=None):
                    ref = refs[i]
                    if ref != exclude and score / 100 > names.get(ref, 0.0):
                        names[ref] = score / 100
        best: Match | None = None
        for ref, name in sorted(names.items()):  # ties: the earliest firm or row
            m = self._score(it, self.items[ref], name)
            if m and (best is None or m.score > best.score):
                best = m
        return best

    @classmethod
    def compare(cls, a: Firmish, b: Firmish) -> Match | None:
        name = max((fuzz.ratio(x, y) for x in a.keys for y in b.keys), default=0.0) / 100
        return cls._score(a, b, name) if name >= MIN_NAME else None

    @staticmethod
    def _score(a: Firmish, b: Firmish, name: float) -> Match | None:
        reasons = ["name"] if name >= 0.97 else []
        score = name
        for f, weight in EVIDENCE.items():
            x, y = getattr(a, f), getattr(b, f)
            if x and x == y and (f != "city" or name >= CITY_NAME):
                score += weight
                reasons.append(f)
        if score < UNCERTAIN:
            return None
        return Match(b.ref, round(score, 3), score >= CERTAIN, reasons)
