"""The matching engine: records in, ranked matches with reasons out.

Two stages. Retrieval: the query's words (BM25 weights) and concepts (with
hierarchy credit) are summed over the inverted index postings; hard filters
(certifications, scope, languages, owner, kind) remove rows; the best
``pool_size`` rows are kept. Ranking: locality, language and freshness modify
the relevance of the pool rows; the confidence thresholds decide what is shown.
"""
from __future__ import annotations

import gc
import itertools
import math
import os
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Iterator, Sequence

import numpy as np
import scipy.sparse as sp

from . import geo
from .analyze import MAX_TEXT_CHARS, Analysis, analyse, term_length
from .classification import background
from .encode import CERT, CONCEPT, Chunk, ChunkEncoder, feature_value, is_binary, tag_and_certificate_features
from .index import BulkWriter, InvertedIndex
from .locks import ReadWriteLock
from .meaning import WordVectors, word_vectors
from .normalize import cert_key, fold, nfkc
from .places import mentioned_countries
from .reasons import GENERIC_WORDS, Reason
from .records import Match, Query, Record
from .scoring import bm25_saturation, category_overlap, freshness, idf, locality
from .settings import Settings
from .trade import NONE as NO_TRADE, record_trade, trade_of
from .vocabulary import Vocabulary, default_vocabulary

_NEIGHBOUR_CACHE = 10_000  # words whose meaning neighbours are kept (until the next merge)
_GATHERED_ROWS = 5_000  # vector rows copied for the neighbour search (6 MB); more: the mapped matrix
KIND_CODES = {"firm": 0, "offering": 1, "need": 2}


@dataclass
class _QueryState:
    """Everything one search works out about its query; it belongs to that search alone, so an engine
    shared by the threads of a server answers several searches at once."""

    analysis: Analysis
    words: dict[int, float]  # index column -> weight of the query's words
    denom: float
    concept_w: dict[str, float] = field(default_factory=dict)  # query concept -> weight
    concept_dist: dict[str, dict[str, float]] = field(default_factory=dict)  # query concept -> credit per ancestor
    total: float = 0.0
    caps: bool = False  # the query names capabilities
    trade: int = NO_TRADE  # the type of business the query names (trade.py)
    meaning: np.ndarray | None = None  # unit vector of what the query's Japanese words mean, if any


class _Interner:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.names: list[str] = []

    def get(self, value: str | None, create: bool = True) -> int:
        if not value:
            return -1
        i = self.ids.get(value)
        if i is None:
            if not create:
                return -2  # never equal to a stored value
            i = len(self.names)
            self.ids[value] = i
            self.names.append(value)
        return i


class _Meta:
    """Per-row metadata arrays (grown by doubling)."""

    def __init__(self) -> None:
        self.cap = 0
        self.lat = np.zeros(0, np.float32)
        self.lon = np.zeros(0, np.float32)
        self.country = np.zeros(0, np.int32)
        self.city = np.zeros(0, np.int32)
        self.owner = np.zeros(0, np.int32)
        self.kind = np.zeros(0, np.int8)
        self.updated = np.zeros(0, np.float64)
        self.langs = np.zeros(0, np.int64)
        self.dl = np.zeros(0, np.float32)
        self.trade = np.zeros(0, np.int8)  # type of business the record names (trade.py)

    def ensure(self, n: int) -> None:
        if n <= self.cap:
            return
        cap = max(n, 2 * self.cap, 64)
        for name, fill in (("lat", np.nan), ("lon", np.nan), ("country", -1), ("city", -1), ("owner", -1),
                           ("kind", 0), ("updated", np.nan), ("langs", 0), ("dl", 0.0), ("trade", 0)):
            old = getattr(self, name)
            new = np.full(cap, fill, dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)
        self.cap = cap


_serials = itertools.count(1)


class Engine:
    def __init__(self, settings: Settings | None = None, vocabulary: Vocabulary | None = None,
                 vectors: WordVectors | None = None):
        """``vectors``: word vectors for meaning (default: the ja-ginza package's, if installed)."""
        self.serial = next(_serials)  # tells engines apart in callers' cache keys (id() is reused once freed)
        self.settings = settings or Settings()
        self.vocabulary = vocabulary if vocabulary is not None else default_vocabulary()
        self._given_vectors = vectors
        self._rw = ReadWriteLock()  # searches read together; changes write alone
        self._cache_lock = threading.Lock()  # the explanation cache and the typo table, filled by searches
        self._reset()

    def _reset(self) -> None:
        self.index = InvertedIndex()
        self._row_of: dict[str, int] = {}
        self._ids: list[str] = []
        self._records: list[Record | None] = []
        self._cats: list[tuple[str, ...]] = []
        self._meta = _Meta()
        self._countries = _Interner()
        self._cities = _Interner()
        self._owners = _Interner()
        self._langs = _Interner()
        self._avgdl = 0.0
        self._len_sum = 0.0
        self._typo_keys: dict[tuple[bool, int], list[str]] | None = None
        self._char_keys: dict[str, list[str]] | None = None
        # meaning (word vectors): the vector row of each index column (-2: not looked up yet, -1: none),
        # filled by searches, and the index columns of each vector row (rebuilt after a merge)
        self._col_vec = np.zeros(0, np.int32)
        self._vec_rows: tuple | None = None  # see _neighbour_table
        self._explain_cache: OrderedDict[int, Analysis] = OrderedDict()

    # ================================================================ build
    def __len__(self) -> int:
        return self.index.n_alive

    @property
    def count(self) -> int:
        return self.index.n_alive

    def analyse_record(self, r: Record, keep_stream: bool = True) -> Analysis:
        """A record read as the index reads it: its name and text, and its background (classification.py)."""
        return analyse(r.text, self.vocabulary, name=r.name, keep_stream=keep_stream, role=r.role,
                       background=background(r.name) if self.settings.background_weight > 0 else "",
                       background_weight=self.settings.background_weight)

    def build(self, records: Iterable[Record], workers: int = 1, pause_gc: bool = False) -> None:
        """Replace the whole index by these records (a later duplicate of an id wins).

        ``workers`` > 1 analyses the texts in that many processes (fork), which pays off
        from some ten thousand records on. ``pause_gc`` pauses the cyclic garbage collector
        during a large build: for command-line builds only, never inside a server process,
        since the pause is process-wide."""
        recs = list(records)
        last: dict[str, int] = {}
        for i, r in enumerate(recs):
            last[r.id] = i
        if len(last) != len(recs):
            recs = [recs[i] for i in sorted(last.values())]
        with self._rw.write(), _cyclic_gc_paused(pause_gc and len(recs) >= 20_000):
            self._reset()
            idx = self.index
            writer = BulkWriter()
            lens = np.zeros(len(recs), dtype=np.float32)
            maps: dict[int, _IdMap] = {}  # per encoder (process): its feature ids -> index columns
            i = 0
            for source, (new, ptr, cols, vals, dls) in self._feature_chunks(recs, workers):
                m = maps.setdefault(source, _IdMap())
                m.extend(idx.col(k, create=True) for k in new)
                writer.add_many(m.array()[cols], vals, np.diff(ptr))
                lens[i : i + len(dls)] = dls
                i += len(dls)
            ptr, cols, tf = writer.arrays()
            del writer
            self._len_sum = float(lens.sum())
            self._avgdl = self._len_sum / len(recs) if recs else 0.0
            # BM25 saturation of the word features, evidence saturation of the concepts (feature_value),
            # vectorised over all entries
            kind = np.fromiter((2 if f.startswith(CONCEPT) else 1 if is_binary(f) else 0 for f in idx.features),
                               dtype=np.int8, count=len(idx.features))
            if len(cols):
                dl = np.repeat(lens, np.diff(ptr))
                sat = _bm25_vec(tf, dl, self._avgdl or 1.0, self.settings)
                k = kind[cols]
                evidence = 1.0 - self.settings.evidence_keep ** np.maximum(tf, 0.0)
                tf = np.where(k == 0, sat, np.where(k == 2, evidence, 1.0)).astype(np.float32)
            idx.bulk_arrays(ptr, cols, tf)
            self._meta.ensure(len(recs))
            self._meta.dl[: len(recs)] = lens
            self._store_many(recs, 0)

    def _feature_chunks(self, recs: list[Record], workers: int, chunk: int = 500) -> Iterable[tuple[int, Chunk]]:
        """Records encoded in chunks, here or in ``workers`` forked processes, as (encoder, chunk) pairs."""
        spans = [(i, min(i + chunk, len(recs))) for i in range(0, len(recs), chunk)]
        if workers > 1 and len(recs) >= 2000:
            import multiprocessing as mp

            global _WORKER_ENGINE
            _WORKER_ENGINE = self
            self.vocabulary.keys  # build the key table once, before forking
            _WORKER_RECORDS[:] = [recs]
            try:
                with mp.get_context("fork").Pool(workers) as pool:
                    yield from pool.imap(_encode_span, spans)
            finally:
                _WORKER_RECORDS.clear()
                _WORKER_ENGINE = None
            return
        encoder = ChunkEncoder(self.vocabulary, background_weight=self.settings.background_weight)
        for a, b in spans:
            yield 0, encoder.encode(recs[a:b])

    def _record_features(self, r: Record) -> tuple[dict[str, float], float]:
        a = self.analyse_record(r, keep_stream=False)
        terms = dict(a.terms)
        for k, v in a.background_terms.items():
            terms[k] = terms.get(k, 0.0) + v
        return self._raw_features(r, terms, a.evidence), _doc_len(a.terms)

    def upsert(self, record: Record) -> None:
        """Add or replace one record without rebuilding the index."""
        raw, dl = self._record_features(record)
        with self._rw.write():
            old = self._row_of.get(record.id)
            if old is not None:
                self._drop(old)
            self._len_sum += dl
            self._avgdl = self._len_sum / (self.index.n_alive + 1)
            keep = self.settings.evidence_keep
            feats = {
                k: (feature_value(k, v, keep) if is_binary(k) else bm25_saturation(v, dl, self._avgdl, self.settings))
                for k, v in raw.items()
            }
            row = self.index.add_delta(*self.index.encode(feats))
            self._meta.ensure(row + 1)
            self._meta.dl[row] = dl
            self._store(record, row)
            if self.index.delta_rows >= self.settings.merge_every:
                self.index.merge()
                with self._cache_lock:
                    self._typo_keys = None
                    self._char_keys = None
                    self._vec_rows = None

    def remove(self, record_id: str) -> bool:
        with self._rw.write():
            row = self._row_of.get(record_id)
            if row is None:
                return False
            self._drop(row)
            return True

    def owned_by(self, owner: str) -> list[str]:
        """The ids of one owner's records (a scan of the owner column: a millisecond at a million rows)."""
        with self._rw.read():
            o = self._owners.get(owner, create=False)
            if o < 0:
                return []
            n = self.index.n_rows
            rows = np.flatnonzero((self._meta.owner[:n] == o) & self.index.alive[:n])
            return [self._ids[r] for r in rows.tolist()]

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._row_of

    def get(self, record_id: str) -> Record | None:
        with self._rw.read():
            row = self._row_of.get(record_id)
            return self._records[row] if row is not None else None

    def record_analysis(self, record_id: str) -> Analysis | None:
        """The analysis of an indexed record (its concepts and their evidence), from the cache the
        reasons fill: a record just returned by ``search(explain=True)`` costs a lookup."""
        with self._rw.read():
            row = self._row_of.get(record_id)
            return self._record_analysis(row) if row is not None else None

    def _drop(self, row: int) -> None:
        rid = self._ids[row]
        self._row_of.pop(rid, None)
        self._len_sum = max(self._len_sum - float(self._meta.dl[row]), 0.0)
        self.index.remove(row)
        self._records[row] = None
        self._cats[row] = ()
        with self._cache_lock:
            self._explain_cache.pop(row, None)

    def _raw_features(self, r: Record, terms: dict[str, float], evidence: dict[str, float]) -> dict[str, float]:
        """Raw term frequencies, concept evidence (ancestors included) and certification features of a
        record, before saturation (BM25 for words, ``feature_value`` for the others)."""
        feats: dict[str, float] = dict(terms)
        for c, v in evidence.items():
            feats[CONCEPT + c] = v
        for name, value in tag_and_certificate_features(r, self.vocabulary):
            feats[name] = feats.get(name, 0.0) + value
        return feats

    def _store(self, r: Record, row: int) -> None:
        self._store_many([r], row)

    def _store_many(self, recs: Sequence[Record], first_row: int) -> None:
        """Keep ids, records and per-row metadata (assigned column-wise, which matters at 1M rows)."""
        m = self._meta
        n = len(recs)
        m.ensure(first_row + n)
        lat, lon, country, city, owner, kind, upd, langs, trades = [], [], [], [], [], [], [], [], []
        keep = self.settings.store_records
        for i, r in enumerate(recs):
            row = first_row + i
            self._row_of[r.id] = row
            self._ids.append(r.id)
            self._records.append(r if keep else None)
            self._cats.append(tuple(c for c in (_clean_code(x) for x in r.categories) if c) if r.categories else ())
            coords = geo.valid_coords(r.lat, r.lon) or geo.city_coords(r.city, r.country)
            lat.append(coords[0] if coords else np.nan)
            lon.append(coords[1] if coords else np.nan)
            country.append(self._countries.get((r.country or "").upper() or None))
            city.append(self._cities.get(_city_key(r.city, r.country)))
            owner.append(self._owners.get(r.owner))
            kind.append(KIND_CODES.get(r.kind, 0))
            trades.append(record_trade(r.name, r.text))
            upd.append(_timestamp(r.updated_at))
            bits = 0
            for lang in r.languages:
                j = self._langs.get(lang.lower()[:2])
                if 0 <= j < 63:
                    bits |= 1 << j
            langs.append(bits)
        sl = slice(first_row, first_row + n)
        m.lat[sl], m.lon[sl] = lat, lon
        m.country[sl], m.city[sl], m.owner[sl], m.kind[sl] = country, city, owner, kind
        m.updated[sl], m.langs[sl], m.trade[sl] = upd, langs, trades
        assert len(self._ids) == first_row + n

    # =============================================================== search
    def search(
        self,
        query: Query,
        top: int = 10,
        offset: int = 0,
        explain: bool = True,
        group_by_owner: bool = False,
    ) -> list[Match]:
        with self._rw.read():
            scored = self._score(query)
            if scored is None:
                return []
            rows, final, parts, state = scored
            s = self.settings
            conf = parts["confidence"]
            top_needed = s.min_top_score_capability if state.caps else s.min_top_score
            if len(conf) == 0 or float(conf.max()) < top_needed:
                return []  # nothing good enough: a no-answer query comes back empty
            ok = conf >= s.min_score
            rows, final = rows[ok], np.round(final[ok], 6)
            parts = {k: v[ok] for k, v in parts.items()}
            need = max(offset, 0) + max(top, 0)
            if not group_by_owner and 0 < need < len(final):
                # only the rows that can reach the page (all ties of the last place included) are sorted
                cut = np.partition(final, len(final) - need)[len(final) - need]
                keep = np.flatnonzero(final >= cut)
            else:
                keep = np.arange(len(final))
            ids = {int(i): self._ids[int(rows[i])] for i in keep}
            order = sorted(ids, key=lambda i: (-float(final[i]), ids[i]))  # score, then id: deterministic
            if group_by_owner:
                seen: set[int] = set()
                grouped = []
                for i in order:
                    o = int(self._meta.owner[rows[i]])
                    if o >= 0 and o in seen:
                        continue
                    seen.add(o)
                    grouped.append(i)
                order = grouped
            order = order[: max(offset, 0) + max(top, 0)]
            best = float(final.max()) if len(final) else 1.0
            best = best or 1.0
            labels = []
            rank = {"partial": 0, "good": 1, "strong": 2}
            for i in order:  # the label of a result is never above the one of a result before it
                label = s.strength(float(parts["confidence"][i]), float(final[i]) / best,
                                   float(parts["exact"][i]) if "exact" in parts else 1.0)
                if labels and rank[label] > rank[labels[-1]]:
                    label = labels[-1]
                labels.append(label)
            out = []
            for i, label in list(zip(order, labels))[max(offset, 0) :]:
                row = int(rows[i])
                reasons = self._reasons(query, row, {k: float(v[i]) for k, v in parts.items()}, state) if explain else []
                c = float(parts["confidence"][i])
                out.append(Match(ids[i], float(final[i]), reasons, self._records[row], c, label))
            return out

    def candidates(self, query: Query) -> list[str]:
        """Ids of the retrieval pool (after hard filters, before the score threshold)."""
        with self._rw.read():
            scored = self._score(query)
            return [] if scored is None else [self._ids[r] for r in scored[0].tolist()]

    # ---------------------------------------------------------------- query
    def _query_terms(self, q: Query) -> tuple[_QueryState, dict[str, float], float]:
        """Analyse the query: its state (word weights per column and their normaliser, concept weights),
        the weight of each concept feature and their normaliser."""
        idx = self.index
        n = max(idx.n_alive, 1)
        a = analyse(q.text, self.vocabulary, role=q.role)
        s = self.settings
        words: dict[int, float] = {}
        denom = 0.0
        a.places, place_words = mentioned_countries(a.stream)  # type: ignore[attr-defined]
        for term, qtf in a.terms.items():
            if term in place_words:
                continue  # country names act through the place evidence, not as words
            col = idx.col(term)
            df = idx.doc_freq(col)
            w = idf(df, n) * min(qtf, 1.0)
            if term.startswith("#"):
                w *= s.code_ngram_weight / 0.25
            elif term in a.covered:
                # the word is represented by a concept (language-neutral); keep only a little of it literally
                w *= s.covered_word_weight
            elif df == 0:
                # a word no record uses and the vocabulary does not know: mostly phrasing, a little evidence
                w *= s.unknown_word_weight
            denom += w
            if df > 0:
                words[col] = words.get(col, 0.0) + w
        # a concept the query names only as the context of another word (めっき液の分析) counts a little
        concepts = {cid: min(a.evidence.get(cid, 1.0), 1.0) for cid in a.concepts}
        for tag in q.tags:
            if tag in self.vocabulary:
                concepts[tag] = 1.0
        # typo tolerance: content words the index has never seen -> nearest known word, looked up by
        # the word as written (maching -> machining) and by its stem
        for term, surf in dict.fromkeys(a.unknown):
            if idx.doc_freq(idx.col(term)) > 0 or not _typo_candidate(term, s.typo_min_chars):
                continue
            if self.vocabulary.lookup(term) or self.vocabulary.lookup(surf):
                continue
            hit = (self._typo_lookup(surf) if surf != term else None) or self._typo_lookup(term)
            if hit is None:
                continue
            key, sim = hit
            frac = sim / 100.0
            for cid in self.vocabulary.lookup(key):
                concepts.setdefault(cid, frac)
                a.concepts.setdefault(cid, surf)
            col = idx.col(key)
            if idx.doc_freq(col) > 0:
                w = idf(idx.doc_freq(idx.col(term)), n) * frac
                words[col] = max(words.get(col, 0.0), w)
        # Japanese words nobody uses (空箱, 乾燥野菜): the known words that share their characters (空き瓶,
        # 野菜) count a little, in proportion to how much they share
        if s.char_neighbour_weight > 0:
            for term, _surf in dict.fromkeys(a.unknown):
                if not _char_matchable(term) or idx.doc_freq(idx.col(term)) > 0 or term in a.covered:
                    continue
                for key, sim in self._char_neighbours(term):
                    col = idx.col(key)
                    w = idf(idx.doc_freq(col), n) * sim * s.char_neighbour_weight
                    words[col] = max(words.get(col, 0.0), w)
        # words nobody (or one record) uses that the word vectors know (もっぷ, 学生服): the known words nearest
        # in meaning (箒, ぶらし) count a little, in proportion to their similarity; compounds too
        if s.meaning_neighbour_weight > 0 and self._vectors() is not None:
            written = {t.norm: t.raw for t in a.stream if t is not None and t.content and not t.latin}
            for term in a.terms:
                if term.isascii() or term.startswith("#") or term in a.covered or term in place_words:
                    continue
                if idx.doc_freq(idx.col(term)) > s.meaning_neighbour_max_df:
                    continue
                # a neighbour never counts more than the word itself counts in the normaliser
                tdf = idx.doc_freq(idx.col(term))
                own = idf(tdf, n) * min(a.terms[term], 1.0) * (s.unknown_word_weight if tdf == 0 else 1.0)
                for col, sim in self._meaning_neighbours(term, written.get(term, "")):
                    w = min(idf(idx.doc_freq(col), n) * sim * s.meaning_neighbour_weight, own)
                    words[col] = max(words.get(col, 0.0), w)
        cweights: dict[str, float] = {}
        cdenom = 0.0
        state = _QueryState(a, words, denom)
        state.trade = trade_of(q.text)
        if s.meaning_weight > 0 and self._avgdl <= s.meaning_max_length:
            state.meaning = self._query_meaning(a, n)
        credit = s.concept_parent_credit
        kinds = s.concept_kind_weights
        for cid, strength in concepts.items():
            col = idx.col(CONCEPT + cid)
            c = self.vocabulary.concepts.get(cid)
            w = idf(idx.doc_freq(col), n) * strength * kinds.get(c.kind if c else "", 1.0)
            cdenom += w
            state.concept_w[cid] = w
            anc = self.vocabulary.ancestors(cid)
            dist = state.concept_dist.setdefault(cid, {})
            if anc and credit > 0:
                # credit of a record that has only the k-th ancestor: credit**k; sharing only the top-level
                # category counts one level further away. Linear weights: exact = 1, parent-only = credit, ...
                levels = [credit ** (k + 1) for k in range(len(anc))]
                levels[-1] *= credit
                dist[cid] = w * (1.0 - levels[0])
                for k, p in enumerate(anc):
                    nxt = levels[k + 1] if k + 1 < len(anc) else 0.0
                    dist[p] = dist.get(p, 0.0) + w * (levels[k] - nxt)
            else:
                dist[cid] = w
            for c, v in dist.items():
                cweights[c] = cweights.get(c, 0.0) + v
        return state, cweights, cdenom

    def prepare(self) -> None:
        """Build now the word tables a query otherwise builds when it first needs them (the typo table,
        the character table, the word vectors' rows: tens of thousands of words at scale), so that a server process can
        load everything before its first visitor and then keep it out of the garbage collector's way."""
        self.vocabulary.keys
        self._typo_table()
        self._char_table()
        wv = self._vectors()  # the word vectors' key table (read once per process)
        if wv is not None:
            with self._cache_lock:
                have = self._vec_rows is not None
            if not have:  # the index words' rows in it
                table = self._neighbour_table(wv)
                with self._cache_lock:
                    self._vec_rows = table

    # -------------------------------------------------------------- meaning
    def _vectors(self) -> WordVectors | None:
        s = self.settings
        if s.meaning_neighbour_weight <= 0 and s.meaning_weight <= 0:
            return None
        return self._given_vectors if self._given_vectors is not None else word_vectors()

    def _query_meaning(self, a: Analysis, n: int) -> np.ndarray | None:
        """Unit vector of the query's Japanese words, each weighted by its IDF (a word no record uses
        weighs as the rarest), or None without vectors or such words."""
        wv = self._vectors()
        if wv is None:
            return None
        idx = self.index
        written = {t.norm: t.raw for t in a.stream if t is not None and t.content and not t.latin}
        rows, weights = [], []
        for term in a.terms:
            if term.isascii() or term.startswith("#"):
                continue
            r = wv.row(term)
            if r < 0 and term in written:
                r = wv.row(written[term])
            if r >= 0:
                rows.append(r)
                weights.append(idf(idx.doc_freq(idx.col(term)), n))
        if not rows:
            return None
        v = np.asarray(weights, dtype=np.float32) @ wv.unit(np.asarray(rows))
        norm = float(np.linalg.norm(v))
        return v / norm if norm > 0 else None

    def _meaning(self, state: _QueryState, cand: np.ndarray) -> np.ndarray | None:
        """Cosine between the query's meaning vector and that of each candidate (the IDF-weighted sum of
        the vectors of its Japanese words), in a collection of short records only (names, classes of
        trade: ``meaning_max_length`` words on average at most); the vector of a long profile is a blur
        of everything it says."""
        wv = self._vectors()
        q = state.meaning
        if wv is None or q is None or self._avgdl > self.settings.meaning_max_length:
            return None
        idx = self.index
        pos, cols = idx.entries(cand)
        vrows = self._column_vectors(wv, cols)
        ok = vrows >= 0
        pos, cols, vrows = pos[ok], cols[ok], vrows[ok]
        out = np.zeros(len(cand), dtype=np.float64)
        if not len(vrows):
            return out
        n = max(idx.n_alive, 1)
        df = idx.df[cols].astype(np.float64)
        w = np.log(1.0 + (n - df + 0.5) / (df + 0.5))  # scoring.idf, vectorised
        uniq, inv = np.unique(vrows, return_inverse=True)
        units = wv.unit(uniq)
        sums = sp.csr_matrix((w, (pos, inv)), shape=(len(cand), len(uniq))) @ units  # per candidate
        lens = np.linalg.norm(sums, axis=1)
        return np.where(lens > 0, (sums @ q) / np.maximum(lens, 1e-12), 0.0)

    def _meaning_neighbours(self, term: str, written: str = "") -> list[tuple[int, float]]:
        """Index columns whose words the vectors put nearest to ``term``: the best ``meaning_neighbour_max``
        vector rows of cosine at least ``meaning_neighbour_min``, each with the index words it stands for
        (a rare word shares the row of a frequent word near it, so its own row counts too). Kept per word
        until the next merge (phrasing such as 御願い comes back in most queries)."""
        wv = self._vectors()
        if wv is None:
            return []
        with self._cache_lock:
            table = self._vec_rows
        if table is None:
            table = self._neighbour_table(wv)
            with self._cache_lock:
                self._vec_rows = table
        present, units, row_of_col, cols, seen = table
        hit = seen.get(term)
        if hit is not None:
            return hit
        r = wv.row(term)
        if r < 0 and written:
            r = wv.row(written)  # as written: the index drops long-vowel marks (しゃんぷ), the vectors do not
        out: list[tuple[int, float]] = []
        if r >= 0 and len(present):
            s = self.settings
            v = np.asarray(wv.vectors[r], dtype=np.float32) * wv.inv_norm[r]
            # the rows the index uses, gathered (small collections), or all rows over the mapped pages
            sims = units @ v if units is not None else ((wv.vectors @ v) * wv.inv_norm)[present]
            for i in np.argsort(-sims)[: s.meaning_neighbour_max].tolist():
                if sims[i] < s.meaning_neighbour_min:
                    break
                a = np.searchsorted(row_of_col, present[i], "left")
                b = np.searchsorted(row_of_col, present[i], "right")
                out.extend((int(c), float(sims[i])) for c in cols[a:b])
        with self._cache_lock:
            if len(seen) >= _NEIGHBOUR_CACHE:
                seen.clear()
            seen[term] = out
        return out

    def _neighbour_table(self, wv: WordVectors) -> tuple:
        """The vector rows the index's words use (and, up to _GATHERED_ROWS of them, their unit vectors),
        the row of each such column and the columns, by row; and an empty cache of answers."""
        idx = self.index
        vrows = self._column_vectors(wv, np.arange(len(idx.features), dtype=np.int32))
        df = idx.df[: len(vrows)]
        used = np.flatnonzero((vrows >= 0) & (df > 0))
        by_row = used[np.argsort(vrows[used], kind="stable")].astype(np.int32)
        present = np.unique(vrows[by_row])
        units = wv.unit(present) if len(present) <= _GATHERED_ROWS else None
        return present, units, vrows[by_row], by_row, {}

    def _column_vectors(self, wv: WordVectors, cols: np.ndarray) -> np.ndarray:
        """Vector rows of index columns (-1: none), looked up once per column and kept."""
        idx = self.index
        with self._cache_lock:
            if len(self._col_vec) < len(idx.features):
                grown = np.full(max(len(idx.features), 2 * len(self._col_vec), 64), -2, np.int32)
                grown[: len(self._col_vec)] = self._col_vec
                self._col_vec = grown
            table = self._col_vec
        out = table[cols]
        todo = np.unique(cols[out == -2])
        for c in todo.tolist():
            f = idx.features[c]
            table[c] = -1 if f.isascii() or f.startswith(("#", CONCEPT, "!")) else wv.row(f)
        return table[cols] if len(todo) else out

    def _typo_table(self) -> dict[tuple[bool, int], list[str]]:
        """Known words by (script is ASCII, length): vocabulary keys and index words of 2+ records."""
        with self._cache_lock:
            buckets = self._typo_keys
        if buckets is None:
            keys = set(k for k in self.vocabulary.keys if _typo_candidate(k, 3))
            df = self.index.df
            for f, c in self.index.feature_id.items():
                if not f.startswith(("#", CONCEPT, "!")) and df[c] >= 2 and _typo_candidate(f, 3):
                    keys.add(f)
            buckets = {}
            for k in sorted(keys):
                buckets.setdefault((k.isascii(), len(k)), []).append(k)
            with self._cache_lock:
                self._typo_keys = buckets
        return buckets

    def _char_table(self) -> dict[str, list[str]]:
        """The index's Japanese words by each of their character units (kanji, pairs of kana)."""
        with self._cache_lock:
            table = self._char_keys
        if table is None:
            table = {}
            df = self.index.df
            for f, c in self.index.feature_id.items():
                if f.isascii() or f.startswith(("#", CONCEPT, "!")) or c >= len(df) or df[c] <= 0:
                    continue
                for u in _char_units(f):
                    table.setdefault(u, []).append(f)
            with self._cache_lock:
                self._char_keys = table
        return table

    def _typo_lookup(self, term: str) -> tuple[str, float] | None:
        """Nearest known word (vocabulary key or an index word used by 2+ records) of the same script
        and about the same length, if rapidfuzz's ratio reaches ``typo_cutoff``."""
        from rapidfuzz import fuzz, process

        buckets = self._typo_table()
        slack = max(1, len(term) // 4)
        choices: list[str] = []
        for n in range(len(term) - slack, len(term) + slack + 1):
            choices.extend(buckets.get((term.isascii(), n), ()))
        if not choices:
            return None
        hit = process.extractOne(term, choices, scorer=fuzz.ratio, score_cutoff=self.settings.typo_cutoff)
        if hit is None or hit[0] == term:
            return None
        return hit[0], float(hit[1])

    def _char_neighbours(self, term: str) -> list[tuple[str, float]]:
        """Known Japanese words of the index sharing characters with ``term`` (each kanji, each pair of
        kana), with their Dice similarity over those units, the best ``char_neighbour_max`` of at least
        ``char_neighbour_min``."""
        units = _char_units(term)
        if not units:
            return []
        table = self._char_table()
        shared: dict[str, int] = {}
        for u in units:
            for f in table.get(u, ()):
                shared[f] = shared.get(f, 0) + 1
        s = self.settings
        scored = []
        for f, k in shared.items():
            sim = 2.0 * k / (len(units) + len(_char_units(f)))
            if sim >= s.char_neighbour_min:
                scored.append((-sim, f))
        scored.sort()
        return [(f, -neg) for neg, f in scored[: s.char_neighbour_max]]

    def _score(self, q: Query) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], _QueryState] | None:
        s = self.settings
        idx = self.index
        n = idx.n_rows
        if n == 0 or idx.n_alive == 0 or not (q.text or "").strip() and not q.tags:
            return None
        state, cweights, cdenom = self._query_terms(q)
        a, words, denom = state.analysis, state.words, state.denom
        if denom <= 0 and cdenom <= 0:
            return None
        # one weighted sum: words (BM25) and concepts (idf x concept_weight) share the normaliser,
        # so a concept counts as much as the share of the query it stands for
        wt = s.text_weight if denom > 0 else 0.0
        wc = s.concept_weight if cdenom > 0 else 0.0
        total = wt * denom + wc * cdenom
        if total <= 0:
            return None
        state.total = total
        # one pass over the postings of all query features (words and concepts share the normaliser)
        weights: dict[int, float] = {col: w * wt / total for col, w in words.items()}
        for c, w in cweights.items():
            col = idx.col(CONCEPT + c)
            if col >= 0:
                weights[col] = weights.get(col, 0.0) + w * wc / total
        rel_all = idx.accumulate(weights, n)
        cand = np.flatnonzero(rel_all)
        cand = cand[idx.alive[cand]]
        if len(cand) == 0:
            return None
        caps = self._capabilities(a)
        state.caps = bool(caps)
        if caps and s.capability_gate < 1.0:
            # capability gate: a record offering none of the capabilities the query names is at best weak
            share = wc * sum(state.concept_w.get(c, 0.0) for c in caps) / total
            gate = 1.0 - (1.0 - s.capability_gate) * min(1.0, share / max(s.capability_share_full, 1e-6))
            cap_cols: set[int] = set()
            for cid in caps:
                for c in (cid, *self.vocabulary.ancestors(cid)[: s.capability_gate_levels]):
                    col = idx.col(CONCEPT + c)
                    if col >= 0:
                        cap_cols.add(col)
            has_cap = idx.values_for(cand, dict.fromkeys(cap_cols, 1.0)) > 0
            rel_all[cand] = np.where(has_cap, rel_all[cand], rel_all[cand] * gate)
        cand = self._filter(q, cand)
        if len(cand) == 0:
            return None
        if len(cand) > s.pool_size:
            part = np.argpartition(-rel_all[cand], s.pool_size - 1)[: s.pool_size]
            cand = cand[part]
        rel = rel_all[cand].astype(np.float64)
        text_part = idx.values_for(cand, {col: w * wt / total for col, w in words.items()})
        parts: dict[str, np.ndarray] = {"text": text_part, "concept": np.maximum(rel - text_part, 0.0)}
        # confidence for the thresholds: relevance blended with capability coverage (how much of what the
        # query needs done the record offers, 0..1 with hierarchy credit), so that a record covering the
        # whole capability passes even for a long, chatty query, and one offering none of it does not
        conf = rel
        if caps and s.capability_coverage_weight > 0:
            cap_w: dict[int, float] = {}
            cap_den = 0.0
            for cid in caps:
                cap_den += state.concept_w.get(cid, 0.0)
                for c, v in state.concept_dist.get(cid, {}).items():
                    col = idx.col(CONCEPT + c)
                    if col >= 0:
                        cap_w[col] = cap_w.get(col, 0.0) + v
            if cap_den > 0:
                cov = np.minimum(idx.values_for(cand, cap_w) / cap_den, 1.0)
                beta = s.capability_coverage_weight
                conf = (1 - beta) * rel + beta * cov

        # how much of what the query is about the record names itself (or a narrower kind of it), not only
        # something related: the asked work and the things to make; 0 when the query names concepts only
        # as the context of words nobody knows (印刷缶: a can, not printing), 1 without concepts
        core = self._core(a, caps, q)
        if core:
            core_w = {c: state.concept_w.get(c, 0.0) for c in core}
            den = sum(core_w.values()) or 1.0
            cols_w = {idx.col(CONCEPT + c): w / den for c, w in core_w.items()}
            parts["exact"] = np.minimum(idx.values_for(cand, {k: v for k, v in cols_w.items() if k >= 0}), 1.0)
        elif a.concepts:
            parts["exact"] = np.zeros(len(cand))
        if "exact" in parts:
            parts["exact"] = parts["exact"] * self._material_fit(a, cand)
        # ---- meaning: in a collection of short records (names, classes of trade), records whose words
        # mean what the query's words mean come first; it orders, the confidence (thresholds) stays literal
        cos = self._meaning(state, cand)
        if cos is not None:
            mw = s.meaning_weight
            rel = (rel + mw * np.maximum(cos, 0.0)) / (1.0 + mw)
            parts["meaning"] = cos
        # ---- type of business: a maker is not proposed for a wholesaler's phrase, nor the other way round
        if state.trade != NO_TRADE and s.trade_mismatch < 1.0:
            ct = self._meta.trade[cand]
            rel = np.where((ct != NO_TRADE) & (ct != state.trade), rel * s.trade_mismatch, rel)
        # ---- category (only when the query names industry codes)
        qcats = [_clean_code(c) for c in q.categories if _clean_code(c)]
        if qcats and s.category_weight > 0:
            cat = np.array([category_overlap(qcats, self._cats[r])[0] for r in cand.tolist()], dtype=np.float64)
            rel = (rel + s.category_weight * cat) / (1.0 + s.category_weight)
            parts["category"] = cat
        # ---- locality
        m = self._meta
        qpos = _query_coords(q)
        qcountry = self._countries.get((q.country or "").upper() or None, create=False)
        ccountry = m.country[cand]
        same_country = (ccountry == qcountry) & (qcountry >= 0)
        if qpos is not None:
            dist = geo.haversine_km(qpos[0], qpos[1], m.lat[cand].astype(np.float64), m.lon[cand].astype(np.float64))
        else:
            dist = np.full(len(cand), np.nan)
        qcity = self._cities.get(_city_key(q.city, q.country), create=False)
        same_city = (m.city[cand] == qcity) & (qcity >= 0)
        if q.prefer == "local":
            known = ~np.isnan(dist) | same_city
        else:
            known = (ccountry >= 0) & (qcountry >= 0)
        loc, lw = locality(dist, same_city, same_country, known, q.prefer, s)
        parts["locality"] = loc
        parts["distance"] = dist
        parts["same_city"] = same_city.astype(np.float64)
        parts["same_country"] = same_country.astype(np.float64)
        final = rel * (1.0 - lw + lw * loc)
        # ---- countries named in the query text
        mentioned = a.places  # type: ignore[attr-defined]
        if mentioned and s.place_mention_weight > 0:
            ids = [self._countries.get(c, create=False) for c in mentioned]
            inside = np.isin(ccountry, ids)
            pf = np.where(ccountry >= 0, inside.astype(np.float64), s.unknown_locality)
            final = final * (1.0 - s.place_mention_weight + s.place_mention_weight * pf)
            parts["place"] = pf
        # ---- language
        qbits = self._lang_bits(q.languages)
        if qbits:
            cbits = m.langs[cand]
            shared = (cbits & qbits) != 0
            langv = np.where(cbits == 0, 0.5, shared.astype(np.float64))
            cross = ~same_country
            lwv = np.where(cross, s.language_weight_cross_border, s.language_weight)
            final = final * (1.0 - lwv + lwv * langv)
            parts["language"] = langv
        # ---- freshness
        if s.freshness_weight > 0:
            upd = m.updated[cand]
            if not np.all(np.isnan(upd)):
                now = datetime.now(timezone.utc).timestamp()
                fr = freshness((now - upd) / 86400.0, s)
                final = final * (1.0 - s.freshness_weight + s.freshness_weight * fr)
                parts["fresh"] = (now - upd) / 86400.0
        parts["relevance"] = rel
        parts["confidence"] = conf
        return cand, np.clip(final, 0.0, 1.0), parts, state

    def capabilities(self, text: str, role: str = "demand") -> list[str]:
        """The work a text asks to be done (or, with role "supply", says it does): its concepts of the
        capability kinds, named as such (the reading a search makes of its query)."""
        return self._capabilities(analyse(text, self.vocabulary, role=role))

    def _capabilities(self, a: Analysis) -> list[str]:
        """The work the query asks to be done: its concepts of the capability kinds, named as such (not
        only as the context of another word)."""
        kinds = self.settings.capability_kinds
        out = []
        for cid in a.concepts:
            c = self.vocabulary.concepts.get(cid)
            if c is not None and c.kind in kinds and a.evidence.get(cid, 1.0) >= 1.0:
                out.append(cid)
        return out

    def _core(self, a: Analysis, caps: list[str], q: Query) -> list[str]:
        """What the query is about: the asked work and the products it names as such (materials,
        equipment and the like are details); without either, any concept it names as such. A text of
        several lines (a need's title, then its description) is about what its first line names: the
        description's other work (三価クロメート after 亜鉛めっき) is a detail, not a second core."""
        named = [c for c in a.concepts if a.evidence.get(c, 1.0) >= 1.0]
        kinds = {"product"}
        products = [c for c in named if (k := self.vocabulary.concepts.get(c)) is not None and k.kind in kinds]
        core = [*caps, *products] if caps or products else named
        core = self._by_parts(a, core)
        head, sep, _ = q.text.strip().partition("\n")
        if sep and head.strip() and len(core) > 1:
            said = analyse(head, self.vocabulary, role=q.role).concepts
            first = [c for c in core if c in said]
            if first:
                return first
        return core

    def _material_fit(self, a: Analysis, cand: np.ndarray) -> np.ndarray:
        """0 for a record that names other materials of the same family but none of those the query
        names (titanium asked, an aluminium-only anodizer); 1 otherwise, records naming no material
        included. Such a record is at best a partial match."""
        idx = self.index
        vocab = self.vocabulary
        fit = np.ones(len(cand))
        for c in a.concepts:
            k = vocab.concepts.get(c)
            anc = vocab.ancestors(c)
            if k is None or k.kind != "material" or not anc or a.evidence.get(c, 1.0) < 1.0:
                continue
            # the asked material, or a close kind of it (SUS316 for SUS304: both stainless), against the
            # whole family (metals)
            near = [c] + ([anc[0]] if len(anc) > 1 else [])
            cols = {col: 1.0 for col in (idx.col(CONCEPT + x) for x in near) if col >= 0}
            fam = idx.col(CONCEPT + anc[-1])
            if fam < 0:
                continue
            has = idx.values_for(cand, cols) > 0 if cols else np.zeros(len(cand), dtype=bool)
            other = idx.values_for(cand, {fam: 1.0}) > 0
            fit = np.where(other & ~has, 0.0, fit)
        return fit

    def _by_parts(self, a: Analysis, core: list[str]) -> list[str]:
        """A compound the query also names by its parts is done by a record that does the parts:
        ステンレス溶接 (with 溶接 and ステンレス named too) by a shop that welds and works stainless."""
        vocab = self.vocabulary
        out: list[str] = []
        for c in core:
            anc = vocab.ancestors(c)
            surf = a.concepts.get(c, "")
            parts = [m for m, ms in a.concepts.items() if m != c and ms and ms != surf and ms in surf
                     and not vocab.is_work(m)]
            if anc and anc[0] in core and parts:
                out.extend(p for p in parts if p not in out)
            elif c not in out:
                out.append(c)
        return out

    def _lang_bits(self, langs: Sequence[str] | None) -> int:
        bits = 0
        for lang in langs or ():
            i = self._langs.get(lang.lower()[:2], create=False)
            if 0 <= i < 63:
                bits |= 1 << i
        return bits

    def _filter(self, q: Query, cand: np.ndarray) -> np.ndarray:
        idx = self.index
        m = self._meta
        keep = np.ones(len(cand), dtype=bool)
        for c in q.required_certifications:
            k = cert_key(c)
            if not k:
                continue
            col = idx.col(CERT + k)
            if col < 0:
                return cand[:0]
            keep &= np.isin(cand, idx.posting(col).rows)
        if q.exclude_owner:
            o = self._owners.get(q.exclude_owner, create=False)
            keep &= m.owner[cand] != o
        if q.kinds is not None:
            codes = [KIND_CODES.get(k, -1) for k in q.kinds]
            keep &= np.isin(m.kind[cand], codes)
        if q.languages_filter is not None:
            bits = self._lang_bits(q.languages_filter)
            keep &= (m.langs[cand] & bits) != 0
        qcountry = self._countries.get((q.country or "").upper() or None, create=False)
        scope = (q.scope or "any").lower()
        ccountry = m.country[cand]
        if q.prefer == "overseas" or scope == "overseas":
            if qcountry != -1:  # asker's country known: only firms elsewhere (unknown country excluded)
                keep &= (ccountry != qcountry) & (ccountry >= 0)
        if scope == "domestic" and qcountry != -1:
            keep &= ccountry == qcountry
        limit = q.max_distance_km
        if scope == "local":
            limit = min(limit, self.settings.local_radius_km) if limit is not None else self.settings.local_radius_km
        if limit is not None:
            qpos = _query_coords(q)
            if qpos is not None:
                d = geo.haversine_km(qpos[0], qpos[1], m.lat[cand].astype(np.float64), m.lon[cand].astype(np.float64))
                qcity = self._cities.get(_city_key(q.city, q.country), create=False)
                keep &= (d <= limit) | ((m.city[cand] == qcity) & (qcity >= 0))
        return cand[keep]

    # -------------------------------------------------------------- reasons
    def _record_analysis(self, row: int) -> Analysis | None:
        with self._cache_lock:
            hit = self._explain_cache.get(row)
            if hit is not None:
                self._explain_cache.move_to_end(row)
                return hit
        r = self._records[row]
        if r is None:
            return None
        a = self.analyse_record(r)
        with self._cache_lock:
            self._explain_cache[row] = a
            if len(self._explain_cache) > 4096:
                self._explain_cache.popitem(last=False)
        return a

    def _telling(self, term: str, key: str, col: int) -> bool:
        """Whether a shared word tells a person something: not boilerplate, not a place, not a word most
        records use."""
        if term in GENERIC_WORDS or key in GENERIC_WORDS:
            return False
        if _is_common(self.index.doc_freq(col), self.index.n_alive, self.settings.common_word_share):
            return False
        return not geo.is_place_name(key)

    def _reasons(self, q: Query, row: int, part: dict[str, float], state: _QueryState) -> list[Reason]:
        idx = self.index
        s = self.settings
        qa: Analysis = state.analysis
        out: list[Reason] = []
        rcols = set(idx.row(row)[0].tolist())
        ra = self._record_analysis(row)
        rconcepts = ra.concepts if ra else {}
        covered: set[str] = set()
        vocab = self.vocabulary
        for cid, qsurf in qa.concepts.items():
            col = idx.col(CONCEPT + cid)
            w = s.concept_weight * state.concept_w.get(cid, 0.0) / state.total
            if col in rcols:
                rsurf = rconcepts.get(cid) or next(
                    (sf for rc, sf in rconcepts.items() if cid in vocab.ancestors(rc)), ""
                )
                out.append(Reason("capability", _concept_data(vocab, cid, qsurf, rsurf, False), w))
                covered.add(fold(qsurf))
                continue
            # a related capability is named only when it is close: the record names the parent of what
            # was asked (めっき for 無電解ニッケルめっき), or a sibling under a parent that is not a whole
            # top-level field (ステンレス溶接 and アルミ溶接: yes; アルミ and copper, both metals: no)
            anc = vocab.ancestors(cid)
            if not anc or idx.col(CONCEPT + anc[0]) not in rcols:
                continue
            parent = anc[0]
            rsurf = ""
            if vocab.ancestors(parent):
                rsurf = next((sf for rc, sf in rconcepts.items() if vocab.ancestors(rc)[:1] == (parent,)), "")
            rsurf = rsurf or rconcepts.get(parent, "")
            if rsurf:
                out.append(Reason("capability", _concept_data(vocab, parent, qsurf, rsurf, True),
                                  w * s.concept_parent_credit))
        words = state.words
        surf_of = {}
        for t in qa.stream:
            if t is not None and t.content:
                surf_of.setdefault(t.norm, t.raw)
        found: dict[str, str] = {}  # folded -> as the query wrote it
        written = nfkc(q.text[:MAX_TEXT_CHARS])
        low = written.casefold()
        for col, w in sorted(words.items(), key=lambda kv: -kv[1]):
            term = idx.features[col]
            if term.startswith("#") or term.isdigit() or col not in rcols:
                continue
            raw = surf_of.get(term) or _as_written(term, written, low)
            if raw is None:  # a compound's folded form (がそりんすたんど): its parts say it as written
                continue
            key = fold(raw)
            if not self._telling(term, key, col):
                continue
            if key and not any(_part_of(key, c) for c in covered):
                found.setdefault(key, raw)
                if len(found) >= 20:
                    break
        # the parts of a compound add nothing beside it (半導体, not also 半 and 導体)
        shared = [raw for key, raw in found.items() if not any(key != o and _part_of(key, o) for o in found)][:5]
        if shared:
            out.append(Reason("text", {"query_terms": shared}, part.get("text", 0.0) * s.text_weight))
        if "category" in part and part["category"] > 0:
            hits = category_overlap([_clean_code(c) for c in q.categories], self._cats[row])[1]
            out.append(Reason("category", {"codes": hits}, part["category"] * s.category_weight))
        m = self._meta
        if part.get("same_city"):
            out.append(Reason("same_city", {"city": self._records[row].city if self._records[row] else q.city}))
        elif not math.isnan(part.get("distance", math.nan)) and q.prefer != "overseas":
            out.append(Reason("distance", {"km": round(part["distance"], 1)}))
        c = int(m.country[row])
        if q.prefer == "overseas" and c >= 0 and self._countries.names[c] != (q.country or "").upper():
            out.append(Reason("overseas", {"country": self._countries.names[c]}))
        if q.required_certifications:
            out.append(Reason("certification", {"certifications": list(q.required_certifications)}))
        if part.get("language", 0) >= 1.0 and (q.prefer == "overseas" or not part.get("same_country")):
            qb = self._lang_bits(q.languages)
            common = [self._langs.names[i] for i in range(min(len(self._langs.names), 63)) if (qb >> i) & 1 and (int(m.langs[row]) >> i) & 1]
            out.append(Reason("language", {"languages": common}))
        if "fresh" in part and not math.isnan(part["fresh"]) and part["fresh"] <= 90:
            out.append(Reason("fresh", {"days": int(part["fresh"])}))
        return out


def _is_common(df: int, n: int, share: float) -> bool:
    """A word most records use (the city's name in every firm's name, 株式会社): from 50 records on."""
    return n >= 50 and df > share * n


def _as_written(term: str, written: str, low: str) -> str | None:
    """A term (folded; a piece of a code such as "sus" of SUS303) as the (NFKC) text wrote it, if it did."""
    i = low.find(term)
    if i < 0:
        return None
    return written[i : i + len(term)] if len(low) == len(written) else term


def _part_of(word: str, phrase: str) -> bool:
    """A folded word is part of a folded phrase: a whole word of a Latin phrase, any piece of a Japanese one."""
    if word == phrase:
        return True
    if word.isascii():
        return word in phrase.split()
    return word in phrase


def _concept_data(vocab: Vocabulary, cid: str, qsurf: str, rsurf: str, partial: bool) -> dict:
    c = vocab.concepts.get(cid)
    return {
        "concept": cid,
        "label_ja": c.ja if c else cid,
        "label_en": c.en if c else cid,
        "query_term": qsurf,
        "record_term": rsurf,
        "partial": partial,
    }


def _doc_len(terms: dict[str, float]) -> float:
    return term_length(terms) or 1.0


def _bm25_vec(tf: np.ndarray, dl: np.ndarray, avg: float, s: Settings) -> np.ndarray:
    k1, b = s.bm25_k1, s.bm25_b
    norm = k1 * (1.0 - b + b * dl / max(avg, 1e-6))
    return tf * (k1 + 1.0) / (tf + norm) / (k1 + 1.0)


@contextmanager
def _cyclic_gc_paused(pause: bool = True) -> Iterator[None]:
    """Millions of new objects and none in a cycle: the cyclic collector would only cost time (and, in
    forked workers, copy the parent's pages by touching them). Reference counting still frees memory.
    The pause is process-wide, so small builds (a web request's) leave the collector alone."""
    was_enabled = gc.isenabled()
    if not pause:
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_WORKER_ENGINE: "Engine | None" = None
_WORKER_RECORDS: list[list[Record]] = []
_WORKER_ENCODER: list[tuple[int, ChunkEncoder]] = []


def _encode_span(span: tuple[int, int]) -> tuple[int, Chunk]:
    """Runs in a forked worker: the engine and the records were inherited from the parent."""
    assert _WORKER_ENGINE is not None
    pid = os.getpid()
    if not _WORKER_ENCODER or _WORKER_ENCODER[0][0] != pid:
        _WORKER_ENCODER[:] = [(pid, ChunkEncoder(_WORKER_ENGINE.vocabulary,
                                                 background_weight=_WORKER_ENGINE.settings.background_weight))]
    return pid, _WORKER_ENCODER[0][1].encode(_WORKER_RECORDS[0][span[0] : span[1]])


class _IdMap:
    """A growing int32 table from an encoder's feature ids to index columns."""

    def __init__(self) -> None:
        self._a = np.zeros(1024, dtype=np.int32)
        self._n = 0

    def extend(self, cols: Iterable[int]) -> None:
        for c in cols:
            if self._n == len(self._a):
                self._a = np.concatenate([self._a, np.zeros(len(self._a), dtype=np.int32)])
            self._a[self._n] = c
            self._n += 1

    def array(self) -> np.ndarray:
        return self._a[: self._n]


def _is_kanji(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch == "\u3005"


def _char_matchable(word: str) -> bool:
    """A word made of kanji only (空箱, 乾燥野菜), whose characters carry its meaning, or of four kana or more
    (ぎゅぴやれす); not a verb or adjective with its kana ending (作る ~ 作業, 新しい), nor a short kana word,
    whose pieces say little (ろっど ~ べっど)."""
    kanji = sum(1 for ch in word if _is_kanji(ch))
    if not word:
        return False
    return kanji == len(word) or (kanji == 0 and len(word) >= 4 and all("\u3041" <= ch <= "\u30ff" for ch in word))


def _char_units(word: str) -> frozenset[str]:
    """What a Japanese word is made of for character matching: each kanji, and each pair of
    neighbouring kana (kana alone say too little)."""
    units = {ch for ch in word if _is_kanji(ch)}
    kana = "".join(ch if ("\u3041" <= ch <= "\u30ff") else " " for ch in word)
    for run in kana.split():
        units.update(run[i : i + 2] for i in range(len(run) - 1))
    return frozenset(units)


def _typo_candidate(term: str, min_chars: int) -> bool:
    if any(c.isdigit() for c in term):
        return False
    if term.isascii():
        return len(term) >= min_chars and term.isalpha()
    return len(term) >= 3


def _clean_code(code: str) -> str:
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def _city_key(city: str | None, country: str | None) -> str | None:
    if not city:
        return None
    return fold(city).strip() + "|" + (country or "").upper()


def _timestamp(dt: datetime | None) -> float:
    if dt is None:
        return math.nan
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def _query_coords(q: Query) -> tuple[float, float] | None:
    return geo.valid_coords(q.lat, q.lon) or geo.city_coords(q.city, q.country)
