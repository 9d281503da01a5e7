"""Bulk encoding of records into sparse feature rows, for building a whole index.

A record's features are the sum of its phrase segments' features (words and
code n-grams, weighted; concept evidence, see intent.py), plus its tags and
certifications; see ``Engine._raw_features``, which does the same
for one record at a time. Building an index of a million records record by
record spends most of its time in Python dictionaries, so the encoder keeps,
per process, each segment already turned into feature ids, and merges a whole
chunk of records with a few numpy operations. Both paths give the same rows
(``tests/matching/test_encode.py``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Sequence

import numpy as np

from .analyze import analyse, analyse_segment, capped_evidence, term_length, weighted_segments
from .classification import background
from .intent import DOES
from .normalize import cert_key

if TYPE_CHECKING:  # pragma: no cover
    from .records import Record
    from .vocabulary import Vocabulary

CONCEPT = "c:"
CERT = "!cert:"

def is_binary(name: str) -> bool:
    """Concept and certification features are not words: no BM25 (see :func:`feature_value`)."""
    return name.startswith((CONCEPT, CERT))


def feature_value(name: str, raw: float, evidence_keep: float) -> float:
    """A concept or certification feature's stored value from its summed raw value.

    A certification counts once. A concept's value grows with its evidence (each phrase that says the
    firm does it adds 1, a mere mention or an arranged one less; intent.py) and saturates:
    1 - keep ** evidence, so a firm naming a process in three places is ahead of one naming it once,
    and either is far ahead of one that only arranges it."""
    if name.startswith(CERT):
        return 1.0
    return 1.0 - evidence_keep ** max(raw, 0.0)


def tag_and_certificate_features(r: "Record", vocabulary: "Vocabulary") -> Iterator[tuple[str, float]]:
    """What a record's tags and certifications add to its text features: a tag that is a concept id
    gives the concept and its ancestors, any other tag its words; a certification its key."""
    for tag in r.tags:
        if tag in vocabulary:
            for cid in (tag, *vocabulary.ancestors(tag)):
                yield CONCEPT + cid, 1.0
        else:
            yield from analyse(tag, keep_stream=False).terms.items()
    for c in r.certifications:
        k = cert_key(c)
        if k:
            yield CERT + k, 1.0


# (new feature names since the last chunk, row pointer, feature ids, values, document lengths)
Chunk = tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]


class ChunkEncoder:
    """Turns records into CSR rows over feature ids private to this encoder.

    Feature ids are numbered in order of first use; each chunk reports the names it added, so
    the receiver maps ids to its own columns with one lookup table per encoder."""

    def __init__(self, vocabulary: "Vocabulary", cache_size: int = 300_000, background_weight: float = 0.0) -> None:
        self.vocabulary = vocabulary
        self.background_weight = background_weight
        self.names: list[str] = []
        self._ids: dict[str, int] = {}
        self._sent = 0
        self._segments: dict[tuple[str, float], tuple[tuple[int, ...], tuple[float, ...], float]] = {}
        self._cache_size = cache_size

    def _id(self, name: str) -> int:
        i = self._ids.get(name)
        if i is None:
            i = self._ids[name] = len(self.names)
            self.names.append(name)
        return i

    def _segment(self, seg: str, how: float) -> tuple[tuple[int, ...], tuple[float, ...], tuple[tuple[int, float], ...],
                                                      float]:
        """A segment's word features, its concepts' evidence (feature id, value) and its length."""
        key = (seg, how)
        hit = self._segments.get(key)
        if hit is not None:
            return hit
        sg = analyse_segment(seg, self.vocabulary)
        if how >= DOES:
            ids = [self._id(k) for k in sg.terms]
            vals = list(sg.terms.values())
            dl = term_length(sg.terms)
        else:  # only arranged: its concepts count a little, its words not at all (as in analyse())
            ids, vals, dl = [], [], 0.0
        concepts = tuple((self._id(CONCEPT + c), v * how) for c, v in sg.evidence.items())
        if len(self._segments) >= self._cache_size:
            self._segments.clear()
        out = self._segments[key] = (tuple(ids), tuple(vals), concepts, dl)
        return out

    def encode(self, recs: Sequence["Record"]) -> Chunk:
        ids: list[int] = []
        vals: list[float] = []
        lens = np.zeros(len(recs), dtype=np.int64)
        dls = np.zeros(len(recs), dtype=np.float32)
        for n, r in enumerate(recs):
            start = len(ids)
            dl = 0.0
            evidence: dict[int, float] = {}
            strongest: dict[int, float] = {}
            bg = background(r.name) if self.background_weight > 0 else ""
            for seg, how, w, own in weighted_segments(r.text, r.name, r.role, bg, self.background_weight):
                s_ids, s_vals, s_concepts, s_dl = self._segment(seg, how)
                ids.extend(s_ids)
                if own:
                    vals.extend(s_vals)
                    dl += s_dl
                else:  # the record's background: weighted, and not in its length
                    vals.extend(v * w for v in s_vals)
                for i, v in s_concepts:
                    evidence[i] = evidence.get(i, 0.0) + v * w
                    strongest[i] = max(strongest.get(i, 0.0), v * w)
            for i, v in evidence.items():
                ids.append(i)
                vals.append(capped_evidence(v, strongest[i]))
            for name, value in tag_and_certificate_features(r, self.vocabulary):
                ids.append(self._id(name))
                vals.append(value)
            lens[n] = len(ids) - start
            dls[n] = dl or 1.0
        ptr, cols, data = self._merge(ids, vals, lens)
        new = self.names[self._sent :]
        self._sent = len(self.names)
        return new, ptr, cols, data, dls

    def _merge(self, ids: list[int], vals: list[float], lens: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sum repeated features of each record (the raw values; see ``feature_value``)."""
        cols = np.array(ids, dtype=np.int64)
        data = np.array(vals, dtype=np.float64)
        rows = np.repeat(np.arange(len(lens), dtype=np.int64), lens)
        keys, inverse = np.unique(rows * (len(self.names) + 1) + cols, return_inverse=True)
        summed = np.bincount(inverse.ravel(), weights=data, minlength=len(keys))
        rows_u = keys // (len(self.names) + 1)
        cols_u = keys - rows_u * (len(self.names) + 1)
        ptr = np.zeros(len(lens) + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows_u, minlength=len(lens)), out=ptr[1:])
        return ptr, cols_u.astype(np.int32), summed.astype(np.float32)
