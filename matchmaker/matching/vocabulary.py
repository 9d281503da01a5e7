"""The bilingual concept vocabulary (TSV files in ``data/vocabulary``).

Columns: ``id kind parent ja en variants`` (variants ``|``-separated). Every
``*.tsv`` in the folder is loaded; the same id in several files is merged,
malformed lines are skipped with a warning. Every label and variant is run
through the same analyser as the texts, and both the joined surface forms and
the joined normalised forms become lookup keys, so a variant written in any
script or spelling meets the text however Sudachi splits it.
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

log = logging.getLogger(__name__)

WORK_KINDS = frozenset({"process", "service"})
KINDS = frozenset({"process", "material", "equipment", "product", "certification", "service", "industry"})
DEFAULT_DIR = Path(__file__).parent / "data" / "vocabulary"
_ID = re.compile(r"^[A-Za-z0-9_.\-]+$")
MAX_SPAN = 8
MIN_READING = 3  # shorter readings (かん, せん) name too many words to stand for one term
_HIRAGANA = re.compile(r"^[\u3041-\u309f]+$")


@dataclass
class Concept:
    id: str
    kind: str
    parent: str | None
    ja: str
    en: str
    variants: list[str] = field(default_factory=list)

    def label(self, lang: str = "ja") -> str:
        if lang.startswith("ja"):
            return self.ja or self.en or self.id
        return self.en or self.ja or self.id


class Vocabulary:
    def __init__(self, concepts: Iterable[Concept] = ()):
        self.concepts: dict[str, Concept] = {}
        for c in concepts:
            self.add(c)
        self._keys: dict[str, tuple[str, ...]] | None = None
        self._readings: dict[str, tuple[str, ...]] = {}
        self._max_span = 1
        self._lock = threading.Lock()
        self._ancestors: dict[str, tuple[str, ...]] = {}

    # ------------------------------------------------------------ loading
    def add(self, c: Concept) -> None:
        old = self.concepts.get(c.id)
        if old is None:
            self.concepts[c.id] = c
        else:  # tolerate the same id in several files: merge
            old.variants.extend(v for v in c.variants if v not in old.variants)
            old.ja = old.ja or c.ja
            old.en = old.en or c.en
            old.parent = old.parent or c.parent
        self._keys = None
        self._ancestors = {}

    @classmethod
    def load(cls, folder: str | Path | None = None) -> "Vocabulary":
        folder = Path(folder) if folder else DEFAULT_DIR
        vocab = cls()
        if not folder.is_dir():
            log.warning("vocabulary folder %s not found; matching without concepts", folder)
            return vocab
        for path in sorted(folder.glob("*.tsv")):
            for c in read_tsv(path):
                vocab.add(c)
        return vocab

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[str]]) -> "Vocabulary":
        """Build from (id, kind, parent, ja, en, variants) tuples, e.g. in tests."""
        out = cls()
        for r in rows:
            c = _concept_from_cols(list(r), "<rows>", 0)
            if c:
                out.add(c)
        return out

    # ----------------------------------------------------------- hierarchy
    def ancestors(self, cid: str) -> tuple[str, ...]:
        """Parent, grandparent, ... of a concept (cycles and unknown parents tolerated)."""
        hit = self._ancestors.get(cid)
        if hit is not None:
            return hit
        out: list[str] = []
        seen = {cid}
        c = self.concepts.get(cid)
        while c is not None and c.parent and c.parent not in seen:
            out.append(c.parent)
            seen.add(c.parent)
            c = self.concepts.get(c.parent)
        res = tuple(out)
        self._ancestors[cid] = res
        return res

    def label(self, cid: str, lang: str = "ja") -> str:
        c = self.concepts.get(cid)
        return c.label(lang) if c else cid

    def __len__(self) -> int:
        return len(self.concepts)

    def __contains__(self, cid: object) -> bool:
        return cid in self.concepts

    # -------------------------------------------------------------- keys
    @property
    def keys(self) -> dict[str, tuple[str, ...]]:
        if self._keys is None:
            with self._lock:
                if self._keys is None:
                    self._build_keys()
        assert self._keys is not None
        return self._keys

    def _build_keys(self) -> None:
        from .analyze import tokenize

        keys: dict[str, set[str]] = {}
        readings: dict[str, set[str]] = {}
        max_span = 1
        for c in self.concepts.values():
            for term in {c.ja, c.en, *c.variants}:
                if not term or not term.strip():
                    continue
                toks = [t for t in tokenize(term) if t is not None]
                if not toks:
                    continue
                max_span = max(max_span, min(len(toks), MAX_SPAN))
                for key in ("".join(t.surf for t in toks), "".join(t.norm for t in toks)):
                    if key:
                        keys.setdefault(key, set()).add(c.id)
                # how it sounds, for text typed in kana only (せっさく, やきいれ): Japanese terms only
                reading = "".join(t.read for t in toks) if all(t.read for t in toks) else ""
                if len(reading) >= MIN_READING:
                    readings.setdefault(reading, set()).add(c.id)
        self._keys = {k: tuple(sorted(v)) for k, v in keys.items()}
        self._readings = {k: tuple(sorted(v)) for k, v in readings.items() if k not in self._keys}
        self._max_span = max_span

    def is_work(self, cid: str) -> bool:
        """A concept that names work someone does for a customer (a process or a service)."""
        c = self.concepts.get(cid)
        return c is not None and c.kind in WORK_KINDS

    def lookup(self, key: str) -> tuple[str, ...]:
        return self.keys.get(key, ())

    def match(self, stream: Sequence[object], spans: list[tuple[int, int, tuple[str, ...]]] | None = None) -> dict[str, str]:
        """Greedy longest match of vocabulary keys over a token stream -> {concept id: matched surface}.

        If ``spans`` is given, (start, end, concept ids) of every match is appended to it."""
        keys = self.keys
        out: dict[str, str] = {}
        n = len(stream)
        i = 0
        while i < n:
            t = stream[i]
            if t is None:
                i += 1
                continue
            best_end = -1
            best: tuple[str, ...] = ()
            surf = norm = ""
            for j in range(i, min(n, i + self._max_span)):
                tj = stream[j]
                if tj is None:
                    break
                surf += tj.surf  # type: ignore[attr-defined]
                norm += tj.norm  # type: ignore[attr-defined]
                hit = keys.get(surf) or keys.get(norm)
                if not hit and len(surf) >= MIN_READING and _HIRAGANA.match(surf):
                    hit = self._readings.get(surf)  # written in kana only: how it sounds
                if hit:
                    best_end, best = j, hit
            if best_end >= 0:
                raw = _join_raw(stream[i : best_end + 1])
                for cid in best:
                    out.setdefault(cid, raw)
                if spans is not None:
                    spans.append((i, best_end + 1, best))
                i = best_end + 1
            else:
                i += 1
        return out


    def parts(self, stream: Sequence[object]) -> list[tuple[int, int, tuple[str, ...]]]:
        """The known parts of one matched compound: greedy longest matches shorter than the whole,
        as (start, end, concept ids) within ``stream`` (ステンレス溶接 -> ステンレス, 溶接)."""
        keys = self.keys
        out: list[tuple[int, int, tuple[str, ...]]] = []
        n = len(stream)
        i = 0
        while i < n:
            best_end, best = -1, ()
            surf = norm = ""
            for j in range(i, min(n, i + self._max_span)):
                if i == 0 and j == n - 1:
                    break  # the whole compound is not one of its parts
                tj = stream[j]
                if tj is None:
                    break
                surf += tj.surf  # type: ignore[attr-defined]
                norm += tj.norm  # type: ignore[attr-defined]
                hit = keys.get(surf) or keys.get(norm)
                if hit:
                    best_end, best = j, hit
            if best_end >= 0:
                out.append((i, best_end + 1, best))
                i = best_end + 1
            else:
                i += 1
        return out


def _join_raw(tokens: Sequence[object]) -> str:
    out = ""
    prev_latin = False
    for t in tokens:
        latin = t.latin  # type: ignore[attr-defined]
        if out and latin and prev_latin:
            out += " "
        out += t.raw  # type: ignore[attr-defined]
        prev_latin = latin
    return out


def _concept_from_cols(cols: list[str], path: str, lineno: int) -> Concept | None:
    while len(cols) < 6:
        cols.append("")
    cid, kind, parent, ja, en, variants = (c.strip() for c in cols[:6])
    if not cid or not _ID.match(cid):
        log.warning("%s:%d: bad concept id %r, line skipped", path, lineno, cid)
        return None
    if kind not in KINDS:
        log.warning("%s:%d: unknown kind %r, line skipped", path, lineno, kind)
        return None
    vs = [v.strip() for v in variants.split("|") if v.strip()]
    if not (ja or en or vs):
        log.warning("%s:%d: concept %s has no label, line skipped", path, lineno, cid)
        return None
    return Concept(cid, kind, parent or None, ja, en, vs)


def read_tsv(path: Path) -> list[Concept]:
    out: list[Concept] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("cannot read vocabulary file %s: %s", path, exc)
        return out
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.split("\t")
        if cols[0].strip() == "id" and len(cols) > 1 and cols[1].strip() == "kind":
            continue  # header
        if len(cols) < 5:
            log.warning("%s:%d: expected 6 tab-separated columns, got %d; line skipped", path, lineno, len(cols))
            continue
        c = _concept_from_cols(cols, str(path), lineno)
        if c:
            out.append(c)
    return out


_DEFAULT: Vocabulary | None = None
_DEFAULT_LOCK = threading.Lock()


def default_vocabulary() -> Vocabulary:
    """The package vocabulary, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        with _DEFAULT_LOCK:
            if _DEFAULT is None:
                _DEFAULT = Vocabulary.load()
    return _DEFAULT
