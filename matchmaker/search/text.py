"""The directory's keyword filter: one folded text column per firm, read with LIKE and a trigram index.

A firm's `search_text` holds its names, descriptions, tags and equipment folded by the engine's
normaliser (NFKC, case, katakana -> hiragana: メッキ = めっき = ﾒｯｷ). Writing it is cheap (no
tokenizer, no vocabulary), and a `before_flush` hook keeps it current whoever changes the firm.
A query word is looked up as written (folded) or as any written form of the vocabulary concepts
the engine reads in it, so that 鍍金 finds a firm that writes めっき or plating. On PostgreSQL a
pg_trgm GIN index serves `LIKE '%...%'`, so the filter does not read every description; trigrams
cannot serve a word of two characters (溶接, 板金, 研磨: most Japanese work words), so each firm also
stores the pairs of neighbouring non-ASCII characters of its text (`search_pairs`), which a second GIN
index holds there, and such a word is looked up as one of them: the same rows as LIKE, off an index.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.dialects.postgresql import ARRAY

from ..formfields import like_pattern
from ..matching.analyze import analyse
from ..matching.normalize import fold
from ..matching.vocabulary import default_vocabulary
from ..models import Firm

MAX_FORMS = 16  # written forms of one concept tried per query word
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


def compose(parts: list[str]) -> str:
    """The stored form: the texts folded, one space between them."""
    return fold(" ".join(p for p in parts if p))


def written_forms(cid: str) -> list[str]:
    """How texts write a concept (its labels and variants, folded); short Latin forms (al, ti) are left
    out, since they are parts of too many other words."""
    c = default_vocabulary().concepts.get(cid)
    if c is None:
        return []
    forms = []
    for f in dict.fromkeys(fold(x).strip() for x in (c.ja, c.en, *c.variants) if x):
        if len(f) >= (4 if f.isascii() else 2):
            forms.append(f)
    return forms[:MAX_FORMS]


def firm_parts(firm: Firm) -> list[str]:
    return [firm.name, firm.name_en, firm.name_kana, firm.description_ja, firm.description_en,
            *firm.tags, *firm.equipment]


def firm_search_text(firm: Firm) -> str:
    return compose([p or "" for p in firm_parts(firm)])


def _fewest(forms: list[str]) -> list[str]:
    """The forms that hold no shorter one: a text with めっき加工 holds めっき, so '%めっき加工%' adds nothing
    to '%めっき%' but the cost of another pattern on every row read."""
    kept: list[str] = []
    for f in sorted(forms, key=len):
        if not any(k in f for k in kept):
            kept.append(f)
    return kept


def keyword_filter(column: sa.ColumnElement, q: str, pairs: sa.ColumnElement | None = None) -> sa.ColumnElement[bool]:
    """Every word of the query (split at spaces) appears in the text, as written (folded) or as a written
    form of each concept the engine reads in it (all of them: アルミ切削 needs aluminium and machining).
    With `pairs` (the firm's search_pairs, on PostgreSQL), a two-character non-ASCII word is read off
    the pairs index."""
    def contains(words) -> sa.ColumnElement[bool]:
        alts = []
        for word in dict.fromkeys(words):
            if pairs is not None and is_pair(word):
                alts.append(sa.func.mm_pairs(pairs, type_=ARRAY(sa.Text)).contains([word]))
            else:
                alts.append(column.like(like_pattern(word), escape="\\"))
        return sa.or_(*alts)

    conds = []
    for term in fold(q).split():
        concepts = [_fewest(written_forms(c)) for c in concepts_in(term)]
        if len(concepts) == 1 and concepts[0]:
            conds.append(contains([term, *concepts[0]]))  # one concept: the word or any of its forms
        elif concepts and all(concepts):
            conds.append(sa.or_(contains([term]), sa.and_(*(contains(forms) for forms in concepts))))
        else:
            conds.append(contains([term]))
    return sa.and_(*conds) if conds else sa.true()


def is_pair(word: str) -> bool:
    """Two characters, neither ASCII: what `search_pairs` holds."""
    return len(word) == 2 and all(ord(ch) > 127 for ch in word)


def char_pairs(text: str) -> str:
    """A stored text's distinct pairs of neighbouring non-ASCII characters, space-separated, in order of
    first appearance: a text contains a two-character word of `is_pair` exactly when its pairs do."""
    return " ".join(dict.fromkeys(text[i:i + 2] for i in range(len(text) - 1) if is_pair(text[i:i + 2])))


def _before_flush(session: so.Session, flush_context, instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Firm):
            text = firm_search_text(obj)
            if obj.search_text != text:
                obj.search_text = text
            pairs = char_pairs(text)
            if obj.search_pairs != pairs:
                obj.search_pairs = pairs


def install() -> None:
    global _installed
    if not _installed:
        sa.event.listen(so.Session, "before_flush", _before_flush)
        _installed = True


def fill_missing(session: so.Session, batch: int = 500) -> int:
    """Compute the column for firms that have none yet (rows written before it existed); returns how many."""
    done, after = 0, 0
    while True:
        firms = session.scalars(sa.select(Firm).where(Firm.id > after, sa.or_(Firm.search_text.is_(None),
                                                                               Firm.search_text == ""))
                                .order_by(Firm.id).limit(batch)).all()
        if not firms:
            return done
        after = firms[-1].id
        for f in firms:
            f.search_text = firm_search_text(f)
        session.commit()
        done += len(firms)
