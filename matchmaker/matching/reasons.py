"""Structured reasons ("why this match"): a kind with its data, never words.

The site words them through its catalog (matchmaker/wording.py); `matchmaker rank --explain`
writes them as they are."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reason:
    """One piece of evidence. ``kind`` is one of: capability, text, category, distance, same_city,
    domestic, overseas, certification, language, fresh. ``weight`` is its share of the score."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    weight: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.data, "weight": round(self.weight, 4)}
