"""Coordinates: validation, haversine distance, city -> coordinates (from the reference places)."""
from __future__ import annotations

import math

import numpy as np


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


def city_coords(city: str | None, country: str | None) -> tuple[float, float] | None:
    """Coordinates of a city in a country: the product's one table of places (reference.py: Japanese
    municipalities, GeoNames cities abroad with their alternate names)."""
    if not city or not country:
        return None
    from ..reference import find_place

    place = find_place(city, country.upper())
    return (place.lat, place.lon) if place is not None else None


def is_place_name(word: str) -> bool:
    """A municipality or prefecture name (from the same table of places): never a shared word worth
    showing, since every firm of a city shares it."""
    from ..reference import is_place_name as known

    return known(word)
