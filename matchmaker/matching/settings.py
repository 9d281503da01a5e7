"""Every weight and threshold of the engine in one place."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, fields
from typing import Any, Mapping


@dataclass
class Settings:
    # --- relevance: one weighted sum over the query's words and concepts, normalised by what a perfect
    # match would get: (text_weight * sum idf*bm25 + concept_weight * sum idf*kind*credit) / (same, all 1)
    text_weight: float = 1.0  # words (Sudachi normalised forms, stems, codes), BM25 weighted
    concept_weight: float = 1.8  # vocabulary concepts (cross-lingual)
    concept_parent_credit: float = 0.3  # credit when only the parent (or a sibling) matches; grandparent: 0.3^2
    # what a need is about counts more than its context: per concept kind multiplier
    concept_kind_weights: dict[str, float] = field(default_factory=lambda: {
        "process": 1.0, "service": 1.0, "product": 0.8, "equipment": 0.6, "material": 0.5,
        "industry": 0.4, "certification": 0.3,
    })
    # a record's concept value: 1 - evidence_keep ** evidence, where each phrase saying it does the work
    # adds 1, a mere mention (めっき液) 0.35 and an arranged one (外注) 0.25 (intent.py)
    evidence_keep: float = 0.3
    covered_word_weight: float = 0.3  # query words that a concept stands for keep this share as plain words
    unknown_word_weight: float = 0.3  # query words no record uses and no concept covers (phrasing)
    category_weight: float = 0.15  # shared industry code (JSIC), only when the query names categories
    # --- capabilities (concepts of these kinds are "what the query needs done")
    capability_kinds: tuple[str, ...] = ("process", "service")
    capability_coverage_weight: float = 0.6  # share of capability coverage in the confidence (thresholds)
    capability_gate: float = 1.0  # <1: multiply the score of records offering none of the capabilities
    capability_gate_levels: int = 1  # ... where the concept itself or this many ancestors count as offered
    capability_share_full: float = 0.4  # ... fully applied once capabilities are this share of the query
    bm25_k1: float = 0.8
    bm25_b: float = 0.75
    code_ngram_weight: float = 0.5  # weight of character 3-grams of model numbers / codes
    # --- typo tolerance (query words unknown to the index are mapped to the nearest known word)
    typo_cutoff: float = 80.0  # rapidfuzz ratio, 0..100
    typo_min_chars: int = 4  # Latin words shorter than this are never corrected (Japanese: 3)
    # --- Japanese words nobody uses: known words sharing their characters (kanji, kana pairs) count a little
    char_neighbour_weight: float = 0.5  # share of a neighbour's word weight, times its similarity; 0 = off
    char_neighbour_min: float = 0.4  # Dice similarity over the characters, 0..1
    char_neighbour_max: int = 8  # neighbours per unknown word
    # --- meaning (meaning.py: the ja-ginza package's word vectors; without the package, none of this)
    # Japanese words no record (or one record) uses (もっぷ): the known words nearest in meaning (箒,
    # ぶらし) count with this share of their word weight, times the cosine, never more than the word
    # itself counts; at least meaning_neighbour_min, the best meaning_neighbour_max vector rows (each row
    # may stand for several index words); 0 = off
    meaning_neighbour_weight: float = 0.5
    meaning_neighbour_min: float = 0.4
    meaning_neighbour_max: int = 5
    meaning_neighbour_max_df: int = 1  # words used by at most this many records are matched so
    # in a collection of short records (at most meaning_max_length words on average: names, classes of
    # trade, not firm profiles, whose vectors blur everything they say), the cosine of the query's and
    # the record's meaning vectors (IDF-weighted sums of their Japanese words' vectors) is added to the
    # relevance with this weight; 0 = off
    meaning_weight: float = 0.5
    meaning_max_length: float = 12.0
    # --- type of business (trade.py): a record naming another type than the query (a maker for a
    # wholesaler's phrase) keeps this share of its relevance; 1 = off
    trade_mismatch: float = 0.5
    # --- a record named as a class of the industrial classification (classification.py) is read with
    # the classification's description of the class: its words count with this share of the record's
    # own, and not in its length; 0 = off
    background_weight: float = 0.5
    # --- locality: "how much nearness counts" is a city policy setting
    locality_weight_local: float = 0.3  # prefer="local"
    locality_weight_any: float = 0.2  # prefer="any": domestic firms a little ahead of firms abroad
    local_radius_km: float = 30.0
    distance_scale_km: float = 60.0  # beyond the radius the locality score decays with this scale
    unknown_locality: float = 0.5  # record or query without a location
    # --- countries named in the query text ("made in Japan", "タイの工場"): firms there come first
    place_mention_weight: float = 0.3
    # --- language
    language_weight: float = 0.05  # same country
    language_weight_cross_border: float = 0.05  # candidate in another country than the asker
    # --- freshness
    freshness_weight: float = 0.05
    freshness_half_life_days: float = 365.0
    # --- output
    # Thresholds apply to the match confidence: relevance blended with capability coverage (see
    # capability_coverage_weight). A query is answered only if its best candidate reaches min_top_score
    # (min_top_score_capability when the query names capabilities, where the confidence is better
    # calibrated); then every candidate down to min_score is shown.
    min_score: float = 0.03
    min_top_score: float = 0.08
    min_top_score_capability: float = 0.15
    # The strength shown beside a result ("strong", "good", "partial"): "strong" needs both a high
    # confidence (the final score mixes in locality and freshness and has no fixed scale, the confidence
    # does) and a score close to the best of the list (strong_relative), so that a firm that only
    # mentions the work is not called strong beside one that does it; labels never rise down the list.
    # Measured on the judged sets (bench/quality.py, "strong relevant").
    strong_match: float = 0.6
    strong_relative: float = 0.9
    good_match: float = 0.35
    strong_exact: float = 0.65
    good_exact: float = 0.5
    common_word_share: float = 0.2  # a word in more records than this share is never shown as shared
    pool_size: int = 400  # candidates kept after retrieval for full scoring
    # --- index maintenance
    merge_every: int = 2000  # upserts kept in the small delta segment before merging
    store_records: bool = True  # keep Record objects so results carry them

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any] | None) -> "Settings":
        """Override defaults from a config mapping (unknown keys are ignored, types coerced)."""
        base = cls()
        if not mapping:
            return base
        known = {f.name: f for f in fields(cls)}
        changes: dict[str, Any] = {}
        for key, value in mapping.items():
            key = key.lower().removeprefix("matching_")
            f = known.get(key)
            if f is None or value is None:
                continue
            default = getattr(base, key)
            try:
                if isinstance(default, dict):
                    value = {**default, **{str(k): float(v) for k, v in dict(value).items()}}
                elif isinstance(default, tuple):
                    value = tuple(str(v) for v in (value.split(",") if isinstance(value, str) else value))
                elif isinstance(default, bool):
                    value = value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on")
                elif isinstance(default, int):
                    value = int(value)
                elif isinstance(default, float):
                    value = float(value)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"setting {key}: cannot use {value!r}") from exc
            changes[key] = value
        return dataclasses.replace(base, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def strength(self, confidence: float, relative: float = 1.0, exact: float = 1.0) -> str:
        """The label of a result from its confidence, its score relative to the best result of its list
        and how much of the asked work it does itself (not only related work): "strong", "good" or
        "partial"."""
        if confidence >= self.strong_match and relative >= self.strong_relative and exact >= self.strong_exact:
            return "strong"
        return "good" if confidence >= self.good_match and exact >= self.good_exact else "partial"
