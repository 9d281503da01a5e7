"""A JSIC code suggested for industry words ("金属加工", "Plating"): the organizer accepts or changes it.

Reads the matching engine (its vocabulary and analyser) without changing it: the words' concepts,
and their broader concepts, that name a JSIC division or group; otherwise the JSIC entry whose name
holds the words (or one of the concepts' names), at the most general level that does, when that is a
division (製造業: E); otherwise the detail entry the engine rates strong or good for the words, ranked
over the JSIC names, which the engine reads with the classification's descriptions (金属プレス: 2452,
空箱問屋: 5361, キャベツ: 0113), and only then that entry. Rated so, the first entry is the right one more
often than the entry named after a concept (measured on 600 phrases of jsic-dev: the right detail code
for 106 instead of 43, a wrong one for 246 instead of 244).
"""
from __future__ import annotations

import re
from functools import lru_cache

from .. import reference
from ..matching.normalize import fold

_LEVEL_ORDER = {"major": 0, "middle": 1, "minor": 2, "detail": 3}
_TRIM = re.compile(r"(業種|業|industry|industries)$")


@lru_cache(maxsize=1)
def _names() -> list[tuple[str, str, str]]:
    """(folded name, code, level) for every JSIC entry in both languages, the bracketed notes removed."""
    out = []
    for code, ind in reference.industries().items():
        for name in (ind.name_ja, ind.name_en):
            base = re.sub(r"[（(].*?[）)]", "", name)
            out.append((fold(base).replace(" ", ""), code, ind.level))
    return out


def _by_name(words: str) -> str | None:
    key = fold(words).replace(" ", "")
    if not key:
        return None
    exact = [(lvl, code) for name, code, lvl in _names() if name == key or _TRIM.sub("", name) == _TRIM.sub("", key)]
    if exact:
        return min(exact, key=lambda t: _LEVEL_ORDER[t[0]])[1]
    if len(key) < 2:
        return None
    # the entry the words say most of (めっき: 電気めっき業 rather than ブリキ缶・その他のめっき板等製品製造業)
    holding = [(-len(key) / len(name), _LEVEL_ORDER[lvl], code) for name, code, lvl in _names()
               if key in name and lvl != "major"]
    return min(holding)[2] if holding else None


def _jsic_variant(concept) -> str | None:
    for v in concept.variants:
        if v.startswith("jsic:") and reference.industry(v[5:]):
            return v[5:]
    return None


@lru_cache(maxsize=1)
def _detail_engine():
    """An engine over the JSIC detail entries, their Japanese and English names (and, through the engine,
    their descriptions; built once per process)."""
    from ..matching import Engine, Record

    engine = Engine()
    engine.build([Record(id=code, name=ind.name_ja, text=ind.name_en)
                  for code, ind in reference.industries().items() if ind.level == "detail"])
    return engine


def _by_ranking(words: str, labels: tuple[str, ...]) -> str | None:
    """The detail entry the engine ranks first for the words, if its strength label is one of ``labels``."""
    from ..matching import Query

    matches = _detail_engine().search(Query(text=words), top=1, explain=False)
    return matches[0].id if matches and matches[0].strength in labels else None


@lru_cache(maxsize=4096)
def suggest_industry(words: str) -> str | None:
    """The JSIC code for industry words, or None."""
    from ..matching.analyze import analyse
    from ..matching.vocabulary import default_vocabulary

    key = fold(words).replace(" ", "")
    exact = [(_LEVEL_ORDER[lvl], code) for name, code, lvl in _names()
             if key and (name == key or _TRIM.sub("", name) == _TRIM.sub("", key))]
    if exact:
        return min(exact)[1]
    vocab = default_vocabulary()
    concepts = list(analyse(words, vocab, keep_stream=False).concepts)
    for cid in concepts:  # a concept, or a broader one, that names its JSIC division or group
        for c in (cid, *vocab.ancestors(cid)):
            concept = vocab.concepts.get(c)
            if concept is not None and (code := _jsic_variant(concept)):
                return code
    named = _by_concept_names(concepts, vocab) or _by_name(words)
    if named and reference.industry(named).level == "major":
        return named  # 製造業, 建設業: the division the words name, rather than a guess inside it
    # the detail entry the engine rates strong or good for the whole words, rather than an entry named after one
    # of their concepts (金属プレス: 金属プレス製品製造業, not 53 named after 金属)
    return _by_ranking(words, ("strong", "good")) or named


def _by_concept_names(concepts: list[str], vocab) -> str | None:
    for cid in concepts:  # the JSIC entry named like the concept, or like a broader one
        for c in (cid, *vocab.ancestors(cid)):
            concept = vocab.concepts.get(c)
            for label in (concept.ja, concept.en) if concept else ():
                if label and (code := _by_name(label)):
                    return code
    return None
