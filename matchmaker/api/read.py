"""Read operations: firms, offerings, needs, recommendations, fairs and reference data.

Public data needs no token and shows what the pages show to anyone; a token with the `read` scope
also shows the caller's own firm's unlisted or closed listings and its recommendations.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import locality, reference
from ..capabilities import concepts
from ..extensions import db
from ..fairs.models import Fair
from ..formfields import like_pattern, parse_id
from ..i18n import current_locale
from ..matching import Query
from ..models import Firm, Need, Offering
from ..firms.service import directory_filters
from ..search.records import scoped
from ..search.service import overseas_contacts, search_suppliers, suppliers_for_need
from . import auth, paging, present
from .blueprint import blp
from .problems import problem
from .schemas import (ConceptArgs, ConceptPage, EmptyArgs, FairPage, FairSchema, FirmArgs, FirmPage, FirmSchema,
                      HitList, IndustryArgs, IndustryPage, LegacySupplierEnvelope, ListingArgs, MeSchema, NeedPage,
                      NeedSchema, OfferingPage, OfferingSchema, PageArgs, RecommendationArgs, SupplierArgs,
                      TeamProposalSchema)

BEARER = [{"bearerAuth": []}]
OPTIONAL_BEARER = [{}, {"bearerAuth": []}]
LINK = {"Link": {"description": 'The next page: `<url>; rel="next"` (absent on the last page).',
                 "schema": {"type": "string"}}}


# ------------------------------------------------------------------ who am I


@blp.route("/me")
@blp.arguments(EmptyArgs, location="query")
@blp.response(200, MeSchema)
@blp.doc(security=BEARER)
@auth.require("read")
def me(_args):
    """The token's user, firm and scopes."""
    from ..api.present import _zoned

    token, user = auth.g.api_token, auth.caller()
    return {"user_id": user.id, "name": user.name, "role": user.role, "firm_id": user.firm_id,
            "scopes": token.scope_list, "token_expires_at": _zoned(token.expires_at)}


# ------------------------------------------------------------------ firms


def load(model, ident: int):
    """The row, or None; an id past the integer column's range (the URL takes any) is simply none."""
    return db.session.get(model, ident) if parse_id(ident) else None


def _own_firm_id() -> int | None:
    user = auth.caller()
    return user.firm_id if user is not None and auth.has_scope("read") else None


def _visible_firm(firm_id: int) -> Firm:
    firm = load(Firm, firm_id)
    if firm is None or firm.deleted_at is not None or (not firm.is_public and firm.id != _own_firm_id()):
        raise problem(404, _("No such firm."))
    return firm


@blp.route("/firms")
@blp.arguments(FirmArgs, location="query")
@blp.response(200, FirmPage, headers=LINK)
@blp.doc(security=OPTIONAL_BEARER)
def firms(args):
    """Listed firms, with the directory's filters (oldest first; page with `cursor`)."""
    query = directory_filters(sa.select(Firm).where(Firm.public()), q=args.get("q"), city=args.get("city"),
                              industry=args.get("industry"), certification=args.get("certification"),
                              language=args.get("language"), area=args.get("area"))
    rows, cursor = paging.page_of_rows(query, Firm.id, args, "firms")
    return paging.answer([present.firm(f) for f in rows], cursor)


@blp.route("/firms/<int:firm_id>")
@blp.etag
@blp.arguments(EmptyArgs, location="query")
@blp.response(200, FirmSchema)
@blp.doc(security=OPTIONAL_BEARER)
def firm(_args, firm_id: int):
    """One firm: listed, or your own."""
    return present.firm(_visible_firm(firm_id))


# ------------------------------------------------------------------ offerings and needs


def _listing_query(model, open_status: str, args: dict):
    query = sa.select(model).join(Firm, Firm.id == model.firm_id).where(Firm.deleted_at.is_(None))
    status = args.get("status") or open_status
    own = _own_firm_id()
    if status != open_status:
        # Closed listings are their own firm's business, as on the pages.
        if own is None:
            raise problem(403, _("Only your own firm's closed listings can be read (with a token)."))
        query = query.where(model.firm_id == own, model.status == status)
    else:
        query = query.where(model.status == status, Firm.public())
    if args.get("firm_id"):
        query = query.where(model.firm_id == args["firm_id"])
    if args.get("q"):
        like = like_pattern(args["q"])
        query = query.where(sa.or_(model.title.ilike(like, escape="\\"), model.description.ilike(like, escape="\\")))
    return query


def visible_listing(model, item_id: int, open_status: str):
    item = load(model, item_id)
    if item is None or item.firm.deleted_at is not None:
        raise problem(404, _("No such listing."))
    if (item.status != open_status or not item.firm.is_public) and item.firm_id != _own_firm_id():
        raise problem(404, _("No such listing."))
    return item


def _status_arg(args: dict, statuses: tuple[str, ...]) -> None:
    if args.get("status") and args["status"] not in statuses:
        raise problem(422, _("Invalid input"), errors={"query.status": [f"must be one of {', '.join(statuses)}"]})


@blp.route("/offerings")
@blp.arguments(ListingArgs, location="query")
@blp.response(200, OfferingPage, headers=LINK)
@blp.doc(security=OPTIONAL_BEARER)
def offerings(args):
    """Active offerings of listed firms (`status=closed`: your own firm's closed ones)."""
    _status_arg(args, ("active", "closed"))
    rows, cursor = paging.page_of_rows(_listing_query(Offering, "active", args), Offering.id, args, "offerings")
    return paging.answer([present.offering(o) for o in rows], cursor)


@blp.route("/offerings/<int:offering_id>")
@blp.etag
@blp.arguments(EmptyArgs, location="query")
@blp.response(200, OfferingSchema)
@blp.doc(security=OPTIONAL_BEARER)
def offering(_args, offering_id: int):
    """One offering."""
    return present.offering(visible_listing(Offering, offering_id, "active"))


@blp.route("/needs")
@blp.arguments(ListingArgs, location="query")
@blp.response(200, NeedPage, headers=LINK)
@blp.doc(security=OPTIONAL_BEARER)
def needs(args):
    """Open needs of listed firms (`status=closed|fulfilled`: your own firm's)."""
    _status_arg(args, ("open", "closed", "fulfilled"))
    rows, cursor = paging.page_of_rows(_listing_query(Need, "open", args), Need.id, args, "needs")
    return paging.answer([present.need(n) for n in rows], cursor)


@blp.route("/needs/<int:need_id>")
@blp.etag
@blp.arguments(EmptyArgs, location="query")
@blp.response(200, NeedSchema)
@blp.doc(security=OPTIONAL_BEARER)
def need(_args, need_id: int):
    """One need."""
    return present.need(visible_listing(Need, need_id, "open"))


# ------------------------------------------------------------------ recommendations


@blp.route("/needs/<int:need_id>/suppliers")
@blp.arguments(RecommendationArgs, location="query")
@blp.response(200, HitList)
@blp.doc(security=BEARER)
@auth.require("read")
def need_suppliers(args, need_id: int):
    """Recommended suppliers for one of your firm's open needs (local first, as on the need's page);
    organizers may ask for any open need."""
    return {"items": [present.hit(h) for h in suppliers_for_need(_recommendable_need(need_id), top=args["limit"]).hits]}


def _recommendable_need(need_id: int) -> Need:
    """One of the caller's firm's open needs (organizers: any listed firm's), as on the need's page."""
    item = load(Need, need_id)
    user = auth.caller()
    own = item is not None and item.firm_id == user.firm_id
    if item is None or not (own or (user.is_organizer and item.firm.is_public)):
        raise problem(404, _("No such listing."))
    if not item.is_open:
        raise problem(409, _("The need is closed; reopen it to get recommendations."))
    return item


@blp.route("/needs/<int:need_id>/teams")
@blp.arguments(EmptyArgs, location="query")
@blp.response(200, TeamProposalSchema)
@blp.alt_response(409, description="The need is closed.")
@blp.doc(security=BEARER)
@auth.require("read")
def need_teams(_args, need_id: int):
    """Teams of firms that together do every part of one of your firm's open needs (仲間まわし), as on the
    need's page; organizers may ask for any open need."""
    from ..search.teams import team_proposal

    found = team_proposal(_recommendable_need(need_id))
    return {
        "parts": found.parts,
        "teams": [{"members": [{"firm": present.firm_summary(m.firm), "parts": m.parts, "reasons": m.reasons,
                                "km": m.km} for m in t.members],
                   "worked_together": [{"firm_ids": [a.id, b.id], "how": how} for a, b, how in t.together]}
                  for t in found.teams],
        "single_firms": [present.firm_summary(f) for f in found.single],
        "uncovered": found.uncovered,
    }


@blp.route("/me/overseas-contacts")
@blp.arguments(RecommendationArgs, location="query")
@blp.response(200, HitList)
@blp.doc(security=BEARER)
@auth.require("read")
def my_overseas_contacts(args):
    """Firms abroad that fit your firm's profile, as suppliers or buyers."""
    return {"items": [present.hit(h) for h in overseas_contacts(auth.own_firm(), top=args["limit"])]}


@blp.route("/suppliers")
@blp.arguments(SupplierArgs, location="query")
@blp.response(200, LegacySupplierEnvelope)
@blp.doc(security=OPTIONAL_BEARER)
def suppliers(args):
    """Suppliers for a free-text need (the first API's envelope, `{"ok": true, "data": [...]}`, kept)."""
    q = args["q"].strip()
    if not q:
        raise problem(400, _("'q' is required: describe what you need"))
    lat, lon = args.get("lat"), args.get("lon")
    if (lat is None) != (lon is None):
        raise problem(400, "give both 'lat' and 'lon', or neither")
    city = (args.get("city") or "").strip()
    country = (args.get("country") or locality.home_country()).upper()
    if city and lat is None:
        place = reference.find_place(city, country)
        if place is None:
            raise problem(400, f"unknown city '{city}' in country '{country}'")
        lat, lon = place.lat, place.lon
    industry = args.get("industry") or ""
    if industry and reference.industry(industry) is None:
        raise problem(400, f"unknown industry code '{industry}'")
    language = args.get("language") or ""
    if language and not reference.is_language(language):
        raise problem(400, f"unknown language code '{language}'")
    query = scoped(Query(
        text=q, city=city or None, country=country, lat=lat, lon=lon,
        required_certifications=[c for c in [(args.get("certification") or "").strip()] if c],
        languages_filter=[language] if language else None,
    ), args.get("scope") or "any", args.get("max_km"))
    hits = search_suppliers(query, top=args.get("limit") or 10, industry=industry)
    return {"ok": True, "data": [
        {"firm": present.firm_summary(h.firm),
         "offering": {"id": h.offering.id, "title": h.offering.title} if h.offering else None,
         "score": round(h.score, 4), "strength": h.strength, "reasons": h.reasons}
        for h in hits
    ]}


# ------------------------------------------------------------------ fairs


def _fair(f: Fair) -> dict:
    loc = current_locale()
    return {"id": f.id, "name": f.display_name(loc), "description": f.description(loc), "venue": f.venue,
            "start_date": f.start_date, "end_date": f.end_date, "registration_deadline": f.registration_deadline,
            "registration_open": f.registration_open, "eligibility": f.eligibility,
            "meeting_minutes": f.meeting_minutes, "participants": len(f.participants),
            "schedule_published": f.schedule_published}


@blp.route("/fairs")
@blp.arguments(PageArgs, location="query")
@blp.response(200, FairPage, headers=LINK)
@blp.doc(security=OPTIONAL_BEARER)
def fairs(args):
    """Published trade fairs."""
    rows, cursor = paging.page_of_rows(sa.select(Fair).where(Fair.published.is_(True)), Fair.id, args, "fairs")
    return paging.answer([_fair(f) for f in rows], cursor)


@blp.route("/fairs/<int:fair_id>")
@blp.etag
@blp.arguments(EmptyArgs, location="query")
@blp.response(200, FairSchema)
@blp.doc(security=OPTIONAL_BEARER)
def fair(_args, fair_id: int):
    """One published trade fair."""
    f = load(Fair, fair_id)
    if f is None or not f.published:
        raise problem(404, _("No such fair."))
    return _fair(f)


# ------------------------------------------------------------------ reference data


@blp.route("/industries")
@blp.arguments(IndustryArgs, location="query")
@blp.response(200, IndustryPage, headers=LINK)
def industries(args):
    """The industry classification (JSIC rev. 14), labels in the request's language."""
    loc = current_locale()
    items = sorted((i for i in reference.industries().values() if not args.get("level") or i.level == args["level"]),
                   key=lambda i: i.code)
    page, cursor = paging.page_of_list(items, lambda i: i.code, args, "industries")
    return paging.answer([{"code": i.code, "level": i.level, "parent": i.parent or None, "label": i.label(loc),
                           "name_ja": i.name_ja, "name_en": i.name_en} for i in page], cursor)


@blp.route("/concepts")
@blp.arguments(ConceptArgs, location="query")
@blp.response(200, ConceptPage, headers=LINK)
def capability_concepts(args):
    """The capability vocabulary (processes, materials, products, services, equipment, certifications)
    in both languages; `label` in the request's."""
    loc = current_locale()
    items = sorted((c for c in concepts().values() if not args.get("kind") or c.kind == args["kind"]),
                   key=lambda c: c.id)
    page, cursor = paging.page_of_list(items, lambda c: c.id, args, "concepts")
    return paging.answer([{"id": c.id, "kind": c.kind, "parent": c.parent, "label": c.label(loc), "ja": c.ja or "",
                           "en": c.en or ""} for c in page], cursor)
