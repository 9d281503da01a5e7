"""The directory's keyword filter: one folded text column per firm, read with LIKE and a trigram index.

A firm's `search_text` holds its names, descriptions, tags and equipment folded by the engine's
normaliser (NFKC, case, katakana -> hiragana: メッキ = めっき, ＡＬＭ = alm), followed by the keys of
the vocabulary concepts the engine reads in them (`@process.plating`), so that 鍍金 finds a firm
that writes めっき. A `before_flush` hook keeps the column current whoever changes the firm; on
PostgreSQL a pg_trgm GIN index serves `LIKE '%...%'`, so the filter does not read every description.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..formfields import like_pattern
from ..matching.analyze import analyse
from ..matching.normalize import fold
from ..matching.vocabulary import default_vocabulary
from ..models import Firm

CONCEPT_MARK = "@"
_CACHE_SIZE = 512
_cache: OrderedDict[str, tuple[str, ...]] = OrderedDict()
_cache_lock = threading.Lock()
_installed = False


def concepts_in(text: str) -> tuple[str, ...]:
    """The vocabulary concepts the engine reads in a text (sorted; a bounded cache of recent texts)."""
    text = (text or "").strip()
    if not text:
        return ()
    with _cache_lock:
        hit = _cache.get(text)
        if hit is not None:
            _cache.move_to_end(text)
            return hit
    found = tuple(sorted(analyse(text, default_vocabulary(), keep_stream=False).concepts))
    with _cache_lock:
        _cache[text] = found
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return found


def compose(parts: list[str], concepts: tuple[str, ...] | list[str]) -> str:
    """The stored form: the folded texts, then one `@concept ` key per concept."""
    written = fold(" ".join(p for p in parts if p))
    return " ".join([written, *(f"{CONCEPT_MARK}{c}" for c in concepts)]) + " "


def firm_parts(firm: Firm) -> list[str]:
    return [firm.name, firm.name_en, firm.name_kana, firm.description_ja, firm.description_en,
            *firm.tags, *firm.equipment]


def firm_search_text(firm: Firm) -> str:
    parts = [p or "" for p in firm_parts(firm)]
    return compose(parts, concepts_in("\n".join(parts)))


def keyword_filter(column: sa.ColumnElement, q: str) -> sa.ColumnElement[bool]:
    """Every word of the query (split at spaces) appears in the text, as written (folded) or as the
    concepts the engine reads in it (all of them: アルミ切削 needs aluminium and machining)."""
    conds = []
    for term in fold(q).split():
        alts = [column.like(like_pattern(term), escape="\\")]
        concepts = concepts_in(term)
        if concepts:
            alts.append(sa.and_(*(column.like(like_pattern(f"{CONCEPT_MARK}{c} "), escape="\\") for c in concepts)))
        conds.append(sa.or_(*alts))
    return sa.and_(*conds) if conds else sa.true()


def _before_flush(session: so.Session, flush_context, instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Firm):
            text = firm_search_text(obj)
            if obj.search_text != text:
                obj.search_text = text


def install() -> None:
    global _installed
    if not _installed:
        sa.event.listen(so.Session, "before_flush", _before_flush)
        _installed = True


def fill_missing(session: so.Session, batch: int = 500) -> int:
    """Compute the column for firms that have none yet (rows written before it existed); returns how many."""
    done = 0
    while True:
        firms = session.scalars(sa.select(Firm).where(sa.or_(Firm.search_text.is_(None), Firm.search_text == ""))
                                .order_by(Firm.id).limit(batch)).all()
        if not firms:
            return done
        for f in firms:
            f.search_text = firm_search_text(f)
        session.commit()
        done += len(firms)
