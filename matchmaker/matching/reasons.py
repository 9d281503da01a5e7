"""Structured reasons ("why this match") with Japanese and English wording."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_LANG_JA = {"ja": "日本語", "en": "英語", "zh": "中国語", "ko": "韓国語", "th": "タイ語", "vi": "ベトナム語",
            "de": "ドイツ語", "fr": "フランス語", "es": "スペイン語", "pt": "ポルトガル語", "ms": "マレー語",
            "id": "インドネシア語", "tl": "タガログ語", "it": "イタリア語", "ru": "ロシア語", "hi": "ヒンディー語"}


def language_name(code: str, lang: str) -> str:
    if lang.startswith("ja"):
        return _LANG_JA.get(code, code)
    try:
        import pycountry

        hit = pycountry.languages.get(alpha_2=code)
        return hit.name if hit else code
    except Exception:  # pragma: no cover - pycountry missing or odd code
        return code


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
            if d.get("partial"):
                return (f"近い分野: {q} ↔ {r}" if ja else f"related: {q} ↔ {r}") if q else label
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
