"""The capability tags a firm picks from: the concepts of the engine's bilingual vocabulary (read once,
by the engine's module)."""
from __future__ import annotations

from functools import lru_cache

from .matching.vocabulary import Concept, default_vocabulary


def concepts() -> dict[str, Concept]:
    return default_vocabulary().concepts


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
