"""Evidence functions used on the candidate pool (vectorised with numpy)."""
from __future__ import annotations

import math

import numpy as np

from .settings import Settings


def bm25_saturation(tf: float, doc_len: float, avg_len: float, s: Settings) -> float:
    """BM25 term-frequency part, scaled to 0..1."""
    k1, b = s.bm25_k1, s.bm25_b
    norm = k1 * (1.0 - b + b * doc_len / max(avg_len, 1e-6))
    return tf * (k1 + 1.0) / (tf + norm) / (k1 + 1.0)


def idf(df: int, n: int) -> float:
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def locality(
    dist_km: np.ndarray,
    same_city: np.ndarray,
    same_country: np.ndarray,
    known: np.ndarray,
    prefer: str,
    s: Settings,
) -> tuple[np.ndarray, float]:
    """Locality score 0..1 per candidate and the weight it gets for this preference."""
    if prefer == "local":
        beyond = np.maximum(np.nan_to_num(dist_km, nan=1e6) - s.local_radius_km, 0.0)
        loc = np.exp(-beyond / max(s.distance_scale_km, 1e-6))
        loc = np.where(same_city, 1.0, loc)
        loc = np.where(known, loc, s.unknown_locality)
        return loc, s.locality_weight_local
    if prefer == "any":
        loc = np.where(same_country, 1.0, 0.0)
        loc = np.where(known, loc, s.unknown_locality)
        return loc, s.locality_weight_any
    return np.ones_like(dist_km), 0.0


def freshness(age_days: np.ndarray, s: Settings) -> np.ndarray:
    f = np.power(0.5, np.maximum(age_days, 0.0) / max(s.freshness_half_life_days, 1e-6))
    return np.where(np.isnan(age_days), 0.5, f)


def category_overlap(query_codes: list[str], record_codes: tuple[str, ...]) -> tuple[float, list[str]]:
    """Best overlap of hierarchical industry codes (JSIC: "E" > "18" > "182" > "1821").

    A record code inside the query's category counts fully; a broader record code counts by how much
    of the query code it covers; siblings by their shared prefix (at least two characters)."""
    best = 0.0
    hits: list[str] = []
    for q in query_codes:
        for r in record_codes:
            if r.startswith(q):
                v = 1.0
            elif q.startswith(r):
                v = len(r) / len(q)
            else:
                n = 0
                for a, b in zip(q, r):
                    if a != b:
                        break
                    n += 1
                v = n / max(len(q), len(r)) if n >= 2 else 0.0
            if v > best:
                best, hits = v, [r]
            elif v == best and v > 0 and r not in hits:
                hits.append(r)
    return best, hits
