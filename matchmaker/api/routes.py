"""A small read-only JSON API over the same engine the pages use (`/api/v1/...`).

One envelope for every answer: `{"ok": true, "data": ...}` or `{"ok": false, "error": {...}}`
(errors.py renders the latter for every /api/ error). Rate-limited per client address.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import BadRequest

from .. import locality, reference
from ..extensions import csrf, limiter
from ..i18n import current_locale
from ..matching import Query
from ..search.records import scoped
from ..search.service import search_suppliers

bp = Blueprint("api", __name__)
csrf.exempt(bp)  # read-only GET endpoints; nothing here changes data


def _limit() -> str:
    return current_app.config["MATCHMAKER_API_LIMIT"]


class ApiError(BadRequest):
    matchmaker_message = True


def _arg(name: str, max_len: int = 200) -> str:
    value = (request.args.get(name) or "").strip()
    if len(value) > max_len:
        raise ApiError(f"'{name}' is longer than {max_len} characters")
    if any(ord(ch) < 32 for ch in value):
        raise ApiError(f"'{name}' contains control characters")
    return value


def _float_arg(name: str, low: float, high: float) -> float | None:
    raw = _arg(name, 40)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ApiError(f"'{name}' must be a number") from None
    if not low <= value <= high:
        raise ApiError(f"'{name}' must be between {low:g} and {high:g}")
    return value


@bp.route("/v1/suppliers")
@limiter.limit(_limit)
def suppliers():
    """Suppliers for a free-text need: ?q=...&lat=&lon=|city=&max_km=&scope=&certification=&language=&limit="""
    q = _arg("q", 2000)
    if not q:
        raise ApiError("'q' is required: describe what you need")
    lat, lon = _float_arg("lat", -90, 90), _float_arg("lon", -180, 180)
    if (lat is None) != (lon is None):
        raise ApiError("give both 'lat' and 'lon', or neither")
    city, country = _arg("city", 100), (_arg("country", 2) or locality.home_country()).upper()
    if city and lat is None:
        place = reference.find_place(city, country)
        if place is None:
            raise ApiError(f"unknown city '{city}' in country '{country}'")
        lat, lon = place.lat, place.lon
    scope = _arg("scope", 20) or "any"
    if scope not in ("local", "domestic", "overseas", "any"):
        raise ApiError("'scope' must be one of local, domestic, overseas, any")
    industry = _arg("industry", 10)
    if industry and reference.industry(industry) is None:
        raise ApiError(f"unknown industry code '{industry}'")
    language = _arg("language", 5)
    if language and not reference.is_language(language):
        raise ApiError(f"unknown language code '{language}'")
    max_km = _float_arg("max_km", 0, 20000)
    limit = int(_float_arg("limit", 1, 50) or 10)
    query = scoped(Query(
        text=q, city=city or None, country=country, lat=lat, lon=lon,
        required_certifications=[c for c in [_arg("certification", 100)] if c],
        languages_filter=[language] if language else None,
    ), scope, max_km)
    hits = search_suppliers(query, top=limit, industry=industry)
    lang = current_locale()
    return jsonify({"ok": True, "data": [
        {
            "firm": {"id": h.firm.id, "name": h.firm.display_name(lang), "city": h.firm.city, "country": h.firm.country},
            "offering": {"id": h.offering.id, "title": h.offering.title} if h.offering else None,
            "score": round(h.score, 4),
            "strength": h.strength,
            "reasons": h.reasons,
        }
        for h in hits
    ]})
