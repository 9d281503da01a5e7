"""Database rows to the matching engine's plain records."""
from __future__ import annotations

from ..matching import Query, Record
from ..models import Firm, Need, Offering


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
                  tags=list(firm.tags), kind="firm", updated_at=firm.updated_at, **_place(firm))


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


PREFER = {"local": "local", "domestic": "any", "overseas": "overseas", "anywhere": "any"}


def need_query(n: Need) -> Query:
    firm = n.firm
    return Query(
        id=f"n{n.id}", text=_join(n.title, n.description, " ".join(n.tags or [])), city=firm.city or None,
        country=firm.country, lat=firm.latitude, lon=firm.longitude, languages=list(firm.languages),
        prefer=PREFER.get(n.supplier_scope, "any"), required_certifications=list(n.required_certifications or []),
        categories=list(n.categories or []), tags=list(n.tags or []), exclude_owner=str(firm.id),
    )


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
