"""Write operations for a firm's members (a token with the `write` scope): the firm's own profile,
and its offerings and needs (create, update, close, reopen, delete), under the pages' rules.

Updates and deletes need ``If-Match`` with the ETag the client read (428 without, 412 when the
resource changed meanwhile); creating POSTs take an ``Idempotency-Key``.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from ..extensions import db
from ..firms.service import apply_location, city_error
from ..models import Firm, Need, Offering, utcnow
from . import auth, idempotent, present
from .blueprint import blp
from .problems import problem
from .read import BEARER, load, visible_listing
from .schemas import (EmptyArgs, FirmSchema, FirmUpdateSchema, NeedInput, NeedPatch, NeedSchema, OfferingInput,
                      OfferingPatch, OfferingSchema)

IDEMPOTENCY_PARAM = {"in": "header", "name": "Idempotency-Key", "required": False,
                     "description": idempotent.HEADER_DOC["Idempotency-Key"]["description"],
                     "schema": idempotent.HEADER_DOC["Idempotency-Key"]["schema"]}
LOCATION = {"Location": {"description": "The new resource's address.", "schema": {"type": "string"}}}


def _links(kind: str) -> dict:
    """OpenAPI links from a creating POST to what can be done with the new resource (clients and the
    stateful fuzzer follow them)."""
    path = f"~1api~1v1~1{kind}s~1{{{kind}_id}}"
    params = {f"{kind}_id": "$response.body#/id"}
    conditional = {**params, "header.If-Match": "$response.header.ETag"}
    return {"responses": {201: {"links": {
        f"Get{kind.title()}": {"operationRef": f"#/paths/{path}/get", "parameters": params},
        f"Update{kind.title()}": {"operationRef": f"#/paths/{path}/patch", "parameters": conditional},
        f"Delete{kind.title()}": {"operationRef": f"#/paths/{path}/delete", "parameters": conditional},
    }}}}


def _own(firm_id: int) -> None:
    """What a page forbids, the API forbids: only a member of the firm changes its data."""
    user = auth.caller()
    if user.firm_id != firm_id:
        raise problem(403, _("You do not have permission to see or change this."))


# ------------------------------------------------------------------ the firm's profile


@blp.route("/firms/<int:firm_id>", methods=["PATCH"])
@auth.require("write")
@blp.etag
@blp.arguments(FirmUpdateSchema)
@blp.response(200, FirmSchema)
@blp.doc(security=BEARER)
def update_firm(data, firm_id: int):
    """Update your own firm's profile (the fields sent; the others keep their values)."""
    firm = load(Firm, firm_id)
    if firm is None or firm.deleted_at is not None:
        blp.check_etag({}, None)
        raise problem(404, _("No such firm."))
    blp.check_etag(present.firm(firm), FirmSchema)
    _own(firm.id)
    if "city" in data or "country" in data:
        city, country = data.get("city", firm.city), data.get("country", firm.country)
        message = city_error(city, country)
        if message:
            raise problem(422, _("Invalid input"), errors={"json.city": [message]})
    for name in ("name", "name_en", "name_kana", "description_ja", "description_en", "website", "address", "city",
                 "country", "prefecture", "employees", "founded_year", "overseas_interest"):
        if name in data:
            value = data[name]
            setattr(firm, name, value.strip() if isinstance(value, str) else value)
    for name in ("industries", "tags", "certifications", "languages", "equipment"):
        if name in data:
            setattr(firm, name, data[name])
    if "city" in data or "country" in data:
        apply_location(firm)
    firm.updated_at = utcnow()
    db.session.commit()
    return present.firm(firm)


# ------------------------------------------------------------------ offerings and needs


def _creator():
    firm = auth.own_firm()
    user = auth.caller()
    if not user.email_verified:
        raise problem(403, _("Confirm your e-mail address before publishing offerings or needs."))
    return firm, user


def _create(model, kind: str, data: dict, show):
    firm, user = _creator()
    claim = idempotent.key_id(user.id)
    earlier = idempotent.earlier(claim, user.id)
    if earlier is not None:
        return _replay(model, kind, earlier, show)
    item = model(firm_id=firm.id, **data)
    item.status = "active" if model is Offering else "open"
    db.session.add(item)
    done = idempotent.commit(claim, user.id, lambda: f"{kind}:{item.id}")
    if done is not None:
        return _replay(model, kind, done, show)
    return show(item), 201, {"Location": url_for(f"api.{kind}", **{f"{kind}_id": item.id})}


def _replay(model, kind: str, target: str, show):
    """The answer to a repeated Idempotency-Key: what the first request created."""
    name, _sep, ident = target.partition(":")
    item = db.session.get(model, int(ident)) if name == kind and ident.isdigit() else None
    if item is None:
        raise problem(409, _("This Idempotency-Key was used for something that no longer exists; use a new key."))
    return show(item), 200, {"Idempotent-Replayed": "true",
                             "Location": url_for(f"api.{kind}", **{f"{kind}_id": item.id})}


def _editable(model, item_id: int, open_status: str, schema, show):
    """The caller's own listing, after the If-Match check (404 for what the caller may not see,
    403 for another firm's visible listing)."""
    item = load(model, item_id)
    user = auth.caller()
    if item is not None and item.firm_id != user.firm_id:
        visible_listing(model, item_id, open_status)  # 404 unless the public may see it
        blp.check_etag(show(item), schema)
        raise problem(403, _("You do not have permission to see or change this."))
    if item is None:
        blp.check_etag({}, None)
        raise problem(404, _("No such listing."))
    blp.check_etag(show(item), schema)
    return item


def _update(item, data: dict):
    for name, value in data.items():
        setattr(item, name, value)
    item.updated_at = utcnow()
    db.session.commit()
    return item


@blp.route("/offerings", methods=["POST"])
@auth.require("write")
@blp.etag
@blp.arguments(OfferingInput)
@blp.response(201, OfferingSchema, headers=LOCATION)
@blp.alt_response(200, schema=OfferingSchema, description="Already created with this Idempotency-Key.")
@blp.doc(security=BEARER, parameters=[IDEMPOTENCY_PARAM], **_links("offering"))
def create_offering(data):
    """Create an offering of your firm."""
    return _create(Offering, "offering", data, present.offering)


@blp.route("/offerings/<int:offering_id>", methods=["PATCH"])
@auth.require("write")
@blp.etag
@blp.arguments(OfferingPatch)
@blp.response(200, OfferingSchema)
@blp.doc(security=BEARER)
def update_offering(data, offering_id: int):
    """Update, close (`status: closed`) or reopen (`status: active`) one of your offerings."""
    item = _editable(Offering, offering_id, "active", OfferingSchema, present.offering)
    return present.offering(_update(item, data))


@blp.route("/offerings/<int:offering_id>", methods=["DELETE"])
@auth.require("write")
@blp.etag
@blp.arguments(EmptyArgs, location="query")
@blp.response(204)
@blp.doc(security=BEARER)
def delete_offering(_args, offering_id: int):
    """Delete one of your offerings."""
    item = _editable(Offering, offering_id, "active", OfferingSchema, present.offering)
    db.session.delete(item)
    db.session.commit()


@blp.route("/needs", methods=["POST"])
@auth.require("write")
@blp.etag
@blp.arguments(NeedInput)
@blp.response(201, NeedSchema, headers=LOCATION)
@blp.alt_response(200, schema=NeedSchema, description="Already created with this Idempotency-Key.")
@blp.doc(security=BEARER, parameters=[IDEMPOTENCY_PARAM], **_links("need"))
def create_need(data):
    """Create a need of your firm (what it wants to buy or have made)."""
    _need_rules(data)
    return _create(Need, "need", data, present.need)


@blp.route("/needs/<int:need_id>", methods=["PATCH"])
@auth.require("write")
@blp.etag
@blp.arguments(NeedPatch)
@blp.response(200, NeedSchema)
@blp.doc(security=BEARER)
def update_need(data, need_id: int):
    """Update, close (`status: closed` or `fulfilled`) or reopen (`status: open`) one of your needs."""
    item = _editable(Need, need_id, "open", NeedSchema, present.need)
    _need_rules(data, item)
    return present.need(_update(item, data))


@blp.route("/needs/<int:need_id>", methods=["DELETE"])
@auth.require("write")
@blp.etag
@blp.arguments(EmptyArgs, location="query")
@blp.response(204)
@blp.doc(security=BEARER)
def delete_need(_args, need_id: int):
    """Delete one of your needs."""
    item = _editable(Need, need_id, "open", NeedSchema, present.need)
    db.session.delete(item)
    db.session.commit()


def _need_rules(data: dict, item: Need | None = None) -> None:
    """The need form's rules that need today or the stored values."""
    from datetime import date

    errors = {}
    if data.get("delivery_date") is not None and data["delivery_date"] < date.today():
        errors["json.delivery_date"] = [_("The delivery date may not be in the past.")]
    low = data["budget_min"] if "budget_min" in data else (item.budget_min if item else None)
    high = data["budget_max"] if "budget_max" in data else (item.budget_max if item else None)
    if low is not None and high is not None and high < low:
        errors["json.budget_max"] = [_("The upper budget must not be below the lower one.")]
    if errors:
        raise problem(422, _("Invalid input"), errors=errors)


