"""Country names mentioned in a query ("made in Japan", "タイの工場", "in Vietnam or Thailand").

A gazetteer, not a list of set words: English names come from pycountry, Japanese
names from pycountry's own ja translations, and they are matched over the same
token stream as the vocabulary (so タイ never matches inside タイヤ/タイプ).
"""
from __future__ import annotations

import re
import threading

from .vocabulary import Concept, Vocabulary

_LOCK = threading.Lock()
_PLACES: Vocabulary | None = None


def _names() -> list[Concept]:
    import gettext

    import pycountry

    try:
        ja = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ja"]).gettext
    except OSError:  # pragma: no cover - translations missing
        ja = None
    out = []
    for c in pycountry.countries:
        en = {c.name}
        for attr in ("common_name", "official_name"):
            v = getattr(c, attr, None)
            if v:
                en.add(v)
        en = {n for n in en if len(n) >= 4 and "," not in n}
        ja_names: set[str] = set()
        if ja:
            t = ja(c.name)
            if t and t != c.name:
                for part in re.split(r"[()（）・]", t):
                    part = part.strip()
                    if len(part) >= 2 and not part.endswith("領"):
                        ja_names.add(part)
        if not en and not ja_names:
            continue
        label_en = sorted(en, key=len)[0] if en else c.name
        out.append(Concept(f"place.{c.alpha_2}", "place", None, next(iter(ja_names), ""), label_en,
                           sorted(en | ja_names)))
    return out


def gazetteer() -> Vocabulary:
    global _PLACES
    if _PLACES is None:
        with _LOCK:
            if _PLACES is None:
                try:
                    _PLACES = Vocabulary(_names())
                except Exception:  # pragma: no cover - pycountry unavailable
                    _PLACES = Vocabulary()
    return _PLACES


def mentioned_countries(stream: list) -> tuple[set[str], set[str]]:
    """ISO alpha-2 codes of the countries named in a token stream, and the word terms naming them."""
    spans: list[tuple[int, int, tuple[str, ...]]] = []
    hits = gazetteer().match(stream, spans)
    words = {t.norm for a, b, _ in spans for t in stream[a:b] if t is not None}
    return {cid.split(".", 1)[1] for cid in hits}, words
