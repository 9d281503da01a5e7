"""The type of business a phrase names: making things, selling them on to businesses, selling them to
consumers, or building (the divisions of the industrial classification: 製造業, 卸売業, 小売業, 工事業).

``モップ卸売業`` is a wholesaler of mops, not a maker; ``ポンプ製造業`` a maker of pumps. A phrase says
its type by how it ends (parenthesised asides and spaces left out: ``装身具卸売業（貴金属製のもの）``
is wholesale). A phrase that does not end with such a word says nothing (``アルミの切削加工``), and
nothing is read into it. Pure: no Flask, no database.
"""
from __future__ import annotations

import re

from .normalize import nfkc

NONE, MAKING, WHOLESALE, RETAIL, BUILDING = 0, 1, 2, 3, 4

# the last words of a phrase naming its type of business, longest first where one ends another
_ENDINGS: tuple[tuple[str, int], ...] = (
    ("製造小売業", RETAIL), ("製造小売", RETAIL),  # makes and sells in its own shop: a shop (JSIC)
    ("工事業", BUILDING), ("工事", BUILDING),
    ("卸売業", WHOLESALE), ("卸売", WHOLESALE), ("卸業", WHOLESALE), ("問屋", WHOLESALE), ("卸商", WHOLESALE),
    ("小売業", RETAIL), ("小売", RETAIL),
    ("製造業", MAKING), ("製造", MAKING), ("製作所", MAKING), ("工場", MAKING),
    ("manufacturing", MAKING), ("manufacturers", MAKING), ("manufacturer", MAKING),
    ("wholesale", WHOLESALE), ("wholesalers", WHOLESALE), ("wholesaler", WHOLESALE),
    ("retailers", RETAIL), ("retailer", RETAIL), ("retail", RETAIL),
    ("construction work", BUILDING), ("contractors", BUILDING), ("contractor", BUILDING),
)
_TAIL_CHARS = 120  # the end of the first line that is read (asides included)
_LAST_CHARS = frozenset(e[-1] for e, _ in _ENDINGS) | frozenset(")）")
_ASIDE = re.compile(r"[（(][^（）()]*[)）]")
_TRAILING = re.compile(r"[\s、。,.・:：;；!！?？]+$")


def trade_of(text: str | None) -> int:
    """The type of business the first line of ``text`` names by its ending, or NONE."""
    if not text:
        return NONE
    line = _TRAILING.sub("", nfkc(text.lstrip().split("\n", 1)[0][-_TAIL_CHARS:]))  # the ending is what counts
    if not line or line[-1] not in _LAST_CHARS:
        return NONE  # the usual case for a profile: not ending with a type of business or an aside
    prev = None
    while prev != line:  # nested asides: （（…））
        prev, line = line, _ASIDE.sub("", line)
    line = _TRAILING.sub("", line)
    if line.isascii():
        low = " ".join(line.casefold().split())
        for ending, kind in _ENDINGS:
            if ending.isascii() and (low == ending or low.endswith(" " + ending)):
                return kind
        return NONE
    compact = "".join(line.split())
    for ending, kind in _ENDINGS:
        if not ending.isascii() and compact.endswith(ending):
            return kind
    return NONE


def record_trade(name: str | None, text: str | None) -> int:
    """A record's type of business: what its name says, else the first line of its text."""
    return trade_of(name) or trade_of(text)
