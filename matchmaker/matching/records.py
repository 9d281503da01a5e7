"""Plain data in and out of the engine."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

from .reasons import Reason


def _str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    try:
        return [str(v) for v in value if v is not None and str(v).strip()]
    except TypeError:
        return []


def _float(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _opt_str(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


@dataclass
class Record:
    id: str
    name: str = ""
    text: str = ""
    city: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    languages: list[str] = field(default_factory=list)
    certifications: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # industry codes (JSIC)
    tags: list[str] = field(default_factory=list)  # concept ids or free words
    owner: str | None = None  # firm id
    kind: str = "firm"  # "firm" | "offering" | "need"
    updated_at: datetime | None = None

    @property
    def role(self) -> str:
        """A need asks for something; a firm's profile or offering says what it does (intent.py)."""
        return "demand" if self.kind == "need" else "supply"

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Record":
        upd = d.get("updated_at")
        if isinstance(upd, str):
            try:
                upd = datetime.fromisoformat(upd.replace("Z", "+00:00"))
            except ValueError:
                upd = None
        elif not isinstance(upd, datetime):
            upd = None
        return cls(
            id=str(d.get("id", "")),
            name=str(d.get("name") or ""),
            text=str(d.get("text") or ""),
            city=_opt_str(d.get("city")),
            country=_opt_str(d.get("country")),
            lat=_float(d.get("lat")),
            lon=_float(d.get("lon")),
            languages=_str_list(d.get("languages")),
            certifications=_str_list(d.get("certifications")),
            categories=_str_list(d.get("categories")),
            tags=_str_list(d.get("tags")),
            owner=_opt_str(d.get("owner")),
            kind=str(d.get("kind") or "firm"),
            updated_at=upd,
        )


@dataclass
class Query:
    text: str = ""
    id: str = ""
    city: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    languages: list[str] = field(default_factory=list)
    prefer: str = "any"  # "local" | "overseas" | "any"
    required_certifications: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    exclude_owner: str | None = None
    max_distance_km: float | None = None
    scope: str | None = None  # hard filter: "local" | "domestic" | "overseas" | "any" | None
    languages_filter: list[str] | None = None  # hard filter: candidate must share one of these
    kinds: list[str] | None = None  # hard filter on Record.kind (e.g. ["offering", "firm"])
    role: str = "demand"  # the text asks for something ("demand") or describes what a firm does ("supply")

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Query":
        prefer = str(d.get("prefer") or "any").lower()
        if prefer not in ("local", "overseas", "any"):
            prefer = "any"
        lf = d.get("languages_filter")
        kinds = d.get("kinds")
        return cls(
            text=str(d.get("text") or ""),
            id=str(d.get("id", "")),
            city=_opt_str(d.get("city")),
            country=_opt_str(d.get("country")),
            lat=_float(d.get("lat")),
            lon=_float(d.get("lon")),
            languages=_str_list(d.get("languages")),
            prefer=prefer,
            required_certifications=_str_list(d.get("required_certifications")),
            categories=_str_list(d.get("categories")),
            tags=_str_list(d.get("tags")),
            exclude_owner=_opt_str(d.get("exclude_owner")),
            max_distance_km=_float(d.get("max_distance_km")),
            scope=_opt_str(d.get("scope")),
            languages_filter=_str_list(lf) if lf is not None else None,
            kinds=_str_list(kinds) if kinds is not None else None,
        )


@dataclass
class Match:
    id: str
    score: float
    reasons: list[Reason] = field(default_factory=list)
    record: Record | None = None
    confidence: float = 0.0  # relevance blended with capability coverage, 0..1 (what the thresholds use)
    strength: str = ""  # "strong", "good" or "partial" (Settings.strong_match / good_match)

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "score": round(self.score, 4)}
        if explain:
            out["strength"] = self.strength
            out["confidence"] = round(self.confidence, 4)
            out["reasons"] = [r.to_dict() for r in self.reasons]
        return out


def match_to_json(m: Match) -> dict[str, Any]:
    """A match without its record as plain JSON values, for a cache shared between processes."""
    return {"id": m.id, "score": m.score, "confidence": m.confidence, "strength": m.strength,
            "reasons": [{"kind": r.kind, "data": r.data, "weight": r.weight} for r in m.reasons]}


def match_from_json(d: dict[str, Any]) -> Match:
    return Match(id=str(d["id"]), score=float(d["score"]), confidence=float(d.get("confidence", 0.0)),
                 strength=str(d.get("strength", "")),
                 reasons=[Reason(kind=str(r["kind"]), data=dict(r.get("data") or {}), weight=float(r.get("weight", 0.0)))
                          for r in d.get("reasons", [])])
