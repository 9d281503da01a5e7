"""Database rows to the matching engine's plain records and queries: the one record builder.

Also the one reading of a supplier scope (:func:`scoped`): "local" (within the city's radius,
locality.py), "domestic", "overseas" or anywhere, for the search page, the API and a need's
recommendations alike.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..matching import Query, Record
from ..models import Firm, Need, Offering

if TYPE_CHECKING:  # pragma: no cover
    from ..fairs.models import Participant

SCOPES = ("local", "domestic", "overseas", "anywhere")


def _join(*parts) -> str:
    return "\n".join(p for p in parts if p)


def _place(firm: Firm) -> dict:
    return {
        "city": firm.city or None, "country": firm.country or None, "lat": firm.latitude, "lon": firm.longitude,
        "languages": list(firm.languages), "certifications": list(firm.certifications), "owner": str(firm.id),
    }


def firm_record(firm: Firm) -> Record:
    text = _join(firm.description_ja, firm.description_en, " ".join(firm.tags), " ".join(firm.equipment))
    return Record(id=f"f{firm.id}", name=_join(firm.name, firm.name_en), text=text, categories=list(firm.industries),
                  tags=list(firm.tags), kind="firm", updated_at=firm.last_confirmed, **_place(firm))


def offering_record(o: Offering) -> Record:
    firm = o.firm
    text = _join(o.description, " ".join(o.tags or []))
    return Record(id=f"o{o.id}", name=o.title, text=text, categories=list(o.categories or []) or list(firm.industries),
                  tags=list(o.tags or []), kind="offering", updated_at=o.updated_at, **_place(firm))


def need_record(n: Need) -> Record:
    firm = n.firm
    place = _place(firm)
    place["certifications"] = []  # a need's required certifications filter the offering side (service.py)
    return Record(id=f"n{n.id}", name=n.title, text=_join(n.description, " ".join(n.tags or [])),
                  categories=list(n.categories or []), tags=list(n.tags or []), kind="need", updated_at=n.updated_at,
                  **place)


def scoped(q: Query, scope: str | None, max_km: float | None = None) -> Query:
    """The query limited to a supplier scope, nearness ordering capable firms everywhere at home.

    local: within the city's radius (the engine's ``local_radius_km`` comes from locality.py, or
    ``max_km`` if smaller); domestic: the home country; overseas: other countries (their languages
    and the concepts bridge the texts); anywhere (also "any" or None): no limit, firms at home first."""
    scope = scope if scope in SCOPES else "anywhere"
    if scope == "overseas":
        return replace(q, prefer="overseas", scope="overseas", max_distance_km=max_km)
    return replace(q, prefer="local", scope=None if scope == "anywhere" else scope, max_distance_km=max_km)


def need_query(n: Need) -> Query:
    firm = n.firm
    q = Query(
        id=f"n{n.id}", text=_join(n.title, n.description, " ".join(n.tags or [])), city=firm.city or None,
        country=firm.country, lat=firm.latitude, lon=firm.longitude, languages=list(firm.languages),
        required_certifications=list(n.required_certifications or []),
        categories=list(n.categories or []), tags=list(n.tags or []), exclude_owner=str(firm.id),
    )
    return scoped(q, n.supplier_scope)


def offering_query(o: Offering) -> Query:
    """An offering looking for open needs it can answer."""
    firm = o.firm
    return Query(
        id=f"o{o.id}", text=_join(o.title, o.description, " ".join(o.tags or [])), city=firm.city or None,
        country=firm.country, lat=firm.latitude, lon=firm.longitude, languages=list(firm.languages),
        prefer="any", categories=list(o.categories or []), tags=list(o.tags or []), exclude_owner=str(firm.id),
        role="supply",
    )


def firm_query(firm: Firm, prefer: str = "any") -> Query:
    """A firm's whole profile as a query (partners, overseas contacts)."""
    return Query(
        id=f"f{firm.id}", text=_join(firm.description_ja, firm.description_en, " ".join(firm.tags)),
        city=firm.city or None, country=firm.country, lat=firm.latitude, lon=firm.longitude,
        languages=list(firm.languages), prefer=prefer, categories=list(firm.industries), tags=list(firm.tags),
        exclude_owner=str(firm.id), role="supply",
    )


def participant_record(p: "Participant") -> Record:
    """What a trade-fair participant offers at the fair (its registration text, tags and equipment)."""
    f = p.firm
    return Record(id=str(p.id), name=_join(f.name, f.name_en), text=_join(p.offers, " ".join(f.tags + f.equipment)),
                  categories=list(f.industries), tags=list(f.tags), kind="offering", **_place(f))


def participant_query(p: "Participant") -> Query:
    """What a trade-fair participant seeks at the fair, from its own place."""
    f = p.firm
    return Query(id=str(p.id), text=p.seeks, city=f.city or None, country=f.country, lat=f.latitude,
                 lon=f.longitude, languages=list(f.languages), exclude_owner=str(f.id))
