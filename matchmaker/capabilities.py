"""The capability tags a firm picks from: the concepts of the bilingual vocabulary shipped with the engine."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

KINDS = ("process", "material", "equipment", "product", "certification", "service", "industry")


@dataclass(frozen=True)
class Concept:
    id: str
    kind: str
    parent: str
    ja: str
    en: str

    def label(self, locale: str) -> str:
        return self.ja if locale == "ja" else self.en


@lru_cache(maxsize=1)
def concepts() -> dict[str, Concept]:
    folder = resources.files("matchmaker") / "matching" / "data" / "vocabulary"
    out: dict[str, Concept] = {}
    if not folder.is_dir():
        return out
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".tsv"):
            continue
        with entry.open(encoding="utf-8") as f:
            rows = csv.reader((line for line in f if line.strip() and not line.startswith("#")), delimiter="\t")
            for row in rows:
                if len(row) < 5 or row[0] == "id":
                    continue
                cid, kind, parent, ja, en = (c.strip() for c in row[:5])
                if cid and kind in KINDS and cid not in out:
                    out[cid] = Concept(cid, kind, parent, ja, en)
    return out


@lru_cache(maxsize=4)
def labels(locale: str, kinds: tuple[str, ...] = ("process", "material", "product", "service", "equipment")) -> list[str]:
    """Tag suggestions in the user's language first, then the other one (a user may write either)."""
    cs = [c for c in concepts().values() if c.kind in kinds]
    first = sorted({c.label(locale) for c in cs if c.label(locale)})
    other = sorted({c.label("en" if locale == "ja" else "ja") for c in cs} - set(first) - {""})
    return first + other


@lru_cache(maxsize=1)
def certification_labels() -> list[str]:
    return sorted({c.en for c in concepts().values() if c.kind == "certification" and c.en})
