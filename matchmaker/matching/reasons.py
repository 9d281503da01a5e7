"""Structured reasons ("why this match") with Japanese and English wording."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..reference import language_name as _reference_language_name
from .normalize import fold


def language_name(code: str, lang: str) -> str:
    """The language's name in Japanese or English (the product's reference data, one list)."""
    return _reference_language_name(code, "ja" if lang.startswith("ja") else "en")


@dataclass
class Reason:
    """One piece of evidence. ``kind`` is one of: capability, text, category, distance, same_city,
    domestic, overseas, certification, language, fresh. ``weight`` is its share of the score."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    weight: float = 0.0

    def text(self, lang: str = "ja") -> str:
        ja = lang.startswith("ja")
        d = self.data
        k = self.kind
        if k == "capability":
            q = d.get("query_term") or ""
            r = d.get("record_term") or d.get("label_" + ("ja" if ja else "en")) or ""
            label = d.get("label_ja" if ja else "label_en", "")
            if d.get("partial"):  # related through a broader concept: name it
                if not q:
                    return label
                field_ = f"（{label}）" if ja else f" ({label})"
                if not label or fold(label) in (fold(q), fold(r)):
                    field_ = ""
                return f"近い分野{field_}: {q} ↔ {r}" if ja else f"related{field_}: {q} ↔ {r}"
            if q and r and q != r:
                return f"{q} ↔ {r}"
            return q or r or label
        if k == "text":
            words = "、".join(d.get("query_terms", [])) if ja else ", ".join(d.get("query_terms", []))
            return f"共通の語: {words}" if ja else f"shared words: {words}"
        if k == "category":
            return f"同じ業種 ({', '.join(d.get('codes', []))})" if ja else f"same industry ({', '.join(d.get('codes', []))})"
        if k == "same_city":
            return "同じ市内" if ja else "in the same city"
        if k == "distance":
            km = d.get("km", 0.0)
            txt = f"{km:.0f}" if km >= 10 else f"{km:.1f}"
            return f"距離 {txt} km" if ja else f"{txt} km away"
        if k == "domestic":
            return "国内" if ja else "same country"
        if k == "overseas":
            c = d.get("country", "")
            return f"海外 ({c})" if ja else f"abroad ({c})"
        if k == "certification":
            certs = ", ".join(d.get("certifications", []))
            return f"{certs} 取得" if ja else f"{certs} certified"
        if k == "language":
            names = [language_name(c, lang) for c in d.get("languages", [])]
            return ("共通言語: " + "、".join(names)) if ja else ("shared language: " + ", ".join(names))
        if k == "fresh":
            days = d.get("days", 0)
            return f"{days} 日前に更新" if ja else f"updated {days} days ago"
        return k

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, **self.data, "weight": round(self.weight, 4)}
        if lang:
            out["text"] = self.text(lang)
        return out
