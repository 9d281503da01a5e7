"""Rows as the dictionaries the response schemas dump, labels in the request's language."""
from __future__ import annotations

from datetime import datetime, timezone

from .. import locality
from ..i18n import current_locale
from ..models import Firm, Need, Offering


def _zoned(value: datetime | None) -> datetime | None:
    """Times with their zone (SQLite hands back naive UTC)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def firm_summary(firm: Firm) -> dict:
    return {"id": firm.id, "name": firm.display_name(current_locale()), "city": firm.city, "country": firm.country}


def firm(f: Firm) -> dict:
    loc = current_locale()
    return {
        "id": f.id, "name": f.display_name(loc), "name_ja": f.name, "name_en": f.name_en, "name_kana": f.name_kana,
        "description": f.description(loc), "description_ja": f.description_ja, "description_en": f.description_en,
        "website": f.website, "address": f.address, "city": f.city, "prefecture": f.prefecture, "country": f.country,
        "latitude": f.latitude, "longitude": f.longitude, "locality": locality.of_firm(f), "employees": f.employees,
        "founded_year": f.founded_year, "overseas_interest": f.overseas_interest, "industries": f.industries,
        "tags": f.tags, "certifications": f.certifications, "languages": f.languages, "equipment": f.equipment,
        "listed": f.is_public, "updated_at": _zoned(f.updated_at),
    }


def offering(o: Offering) -> dict:
    return {"id": o.id, "firm": firm_summary(o.firm), "title": o.title, "description": o.description or "",
            "categories": list(o.categories or []), "tags": list(o.tags or []), "status": o.status,
            "created_at": _zoned(o.created_at), "updated_at": _zoned(o.updated_at)}


def need(n: Need) -> dict:
    out = offering(n)  # the shared fields
    out.update(quantity=n.quantity or "", delivery_date=n.delivery_date, budget_min=n.budget_min,
               budget_max=n.budget_max, required_certifications=list(n.required_certifications or []),
               supplier_scope=n.supplier_scope)
    return out


def hit(h) -> dict:
    return {
        "firm": firm_summary(h.firm),
        "offering": {"id": h.offering.id, "title": h.offering.title} if h.offering else None,
        "need": {"id": h.need.id, "title": h.need.title} if h.need else None,
        "score": round(h.score, 4), "strength": h.strength or "partial", "locality": locality.of_firm(h.firm),
        "reasons": list(h.reasons),
    }
