"""What "local", "domestic" and "overseas" mean for this city: one home for the idea.

Local: a firm in the home country whose municipality lies within the configured radius of the
home city (``MATCHMAKER_HOME_CITY``, ``MATCHMAKER_LOCAL_RADIUS_KM``); domestic: elsewhere in the
home country (``MATCHMAKER_HOME_COUNTRY``); overseas: anywhere else. The filters, the fairs, the
deals and the indicators all ask this module.
"""
from __future__ import annotations

from functools import lru_cache

from flask import current_app

from . import reference

LOCALITIES = ("local", "domestic", "overseas")


def home_country() -> str:
    return str(current_app.config["MATCHMAKER_HOME_COUNTRY"]).upper()


def radius_km() -> float:
    return float(current_app.config["MATCHMAKER_LOCAL_RADIUS_KM"])


def home_place() -> reference.Place | None:
    return reference.find_place(current_app.config["MATCHMAKER_HOME_CITY"], home_country())


def local_city_names() -> frozenset[str]:
    """The municipalities (as firms store them) that count as local under the current setting."""
    cfg = current_app.config
    return _local_names(cfg["MATCHMAKER_HOME_CITY"], home_country(), radius_km())


@lru_cache(maxsize=8)
def _local_names(home_city: str, country: str, radius: float) -> frozenset[str]:
    home = reference.find_place(home_city, country)
    if home is None:
        return frozenset()
    places = reference.municipalities().values() if country == "JP" else []
    return frozenset(p.name for p in places if reference.haversine_km(home.lat, home.lon, p.lat, p.lon) <= radius)


def classify(city: str | None, country: str | None) -> str:
    """local, domestic or overseas, for a firm in `city`, `country`."""
    if (country or "").upper() != home_country():
        return "overseas"
    return "local" if city in local_city_names() else "domestic"


def of_firm(firm) -> str:
    return classify(firm.city, firm.country or home_country())


def is_local(firm) -> bool:
    return of_firm(firm) == "local"


def distance_km(a, b) -> float | None:
    """Distance between two firms' locations, when both are known."""
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    return reference.haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)
