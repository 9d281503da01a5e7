"""What the industrial classification itself says about a record that is one of its classes.

A record named exactly as a detail class of the Japan Standard Industrial Classification (the
classes the member-list import suggests codes from, or a profile whose name is its class:
``水産練製品製造業``, ``Fish paste products``) is read with the classification's description of
that class as its *background*: ``主としてかまぼこ、焼ちくわ、揚げかまぼこなどの水産練製品…を製造する
事業所をいう`` gives the class the words a firm uses about its trade that the short name leaves out.
The engine counts background words at ``Settings.background_weight`` of the record's own words and
leaves them out of its length (engine.py, encode.py).

Only what a description says the class does is kept: a clause sending some work to another class
(``…は中分類16［1652］に分類される``, ``本分類に含まれない``), an aside excluding something (``（…を除く）``)
and the bracketed codes are left out, so 楽団 does not take the words of private music lessons.
A catch-all class (``その他の…``, ``他に分類されない…``) covers what its group does that no other class
of the group names, so its background also has the names of its groups
(``他に分類されない輸送用機械器具製造業``: 輸送用機械器具製造業). A name several classes share has none.
The example phrases of the classification are not used (they are what a test of this reading asks).
Pure: no Flask, no database; the descriptions are the product's reference data (reference.py).
"""
from __future__ import annotations

import re
from functools import lru_cache

from .normalize import fold

_ASIDE = re.compile(r"[（(][^（）()]*[)）]")
_CODES = re.compile(r"[［\[][^］\]]*[］\]]")
_SENTENCE = re.compile(r"(?<=。)")
_CLAUSE = re.compile(r"(?<=が)、|^ただし、")
# a clause that sends work elsewhere, or says what the class does not include
_ELSEWHERE = re.compile(r"(?<!他に)分類される|含まれない|含めない")
_EXCLUDING = re.compile(r"除く|除き|除いた")


def _key(name: str) -> str:
    return fold(name).replace(" ", "")


@lru_cache(maxsize=1)
def _descriptions() -> dict[str, str]:
    """Folded detail-class name (Japanese and English) -> the class's background. A name several classes
    share (主として管理事務を行う本社等 under every group, "Tea") says no class, so it has none."""
    from .. import reference  # the product's one home for the classification's data

    codes: dict[str, set[str]] = {}
    text: dict[str, str] = {}
    for ind in reference.industries().values():
        if ind.level != "detail":
            continue
        own = own_description(ind.description)
        if is_catch_all(ind.name_ja):  # what its groups do that no other class of them names
            own = "\n".join([own, *(p.name_ja for p in reference.industry_path(ind.code)[1:-1])])
        text[ind.code] = own.strip()
        for name in (ind.name_ja, ind.name_en):
            if name:
                codes.setdefault(_key(name), set()).add(ind.code)
    return {key: text[code] for key, (code, *more) in ((k, sorted(v)) for k, v in codes.items())
            if not more and text[code]}


def is_catch_all(name: str) -> bool:
    """A class for the rest of its group: その他の金属製品製造業, 他に分類されない小売業 (not
    発電機・電動機・その他の回転電気機械製造業, which names its things)."""
    return name.startswith(("その他", "他に分類されない"))


def own_description(description: str) -> str:
    """What a class description says the class does: pointers to other classes and excluding asides out."""
    kept: list[str] = []
    for sentence in _SENTENCE.split(_CODES.sub("", description or "")):
        for clause in _CLAUSE.split(sentence):
            if not clause or _ELSEWHERE.search(clause):
                continue
            clause = _ASIDE.sub(lambda m: "" if _EXCLUDING.search(m.group()) else m.group(), clause)
            kept.append(clause.strip())
    return "\n".join(c for c in kept if c)


def background(name: str) -> str:
    """The classification's description of the detail class a record is named as, or ""."""
    if not name or len(name) > 120:
        return ""
    return _descriptions().get(_key(name), "")
