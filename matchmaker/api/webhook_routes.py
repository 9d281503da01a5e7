"""Registering webhooks: a firm's members (write scope) for their firm's events, organizers
(organizer scope) for the city's; the delivery log of each. Delivery itself: webhooks.py."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..extensions import db
from . import auth, paging, webhooks
from .blueprint import blp
from .models import RFQ_EVENTS, WebhookDelivery, WebhookEndpoint
from .present import _zoned
from .problems import problem
from .read import BEARER, load
from .schemas import DeliveryPage, EmptyArgs, PageArgs, WebhookCreated, WebhookInput, WebhookList

MAX_PER_OWNER = 10


def _show(ep: WebhookEndpoint, secret: bool = False) -> dict:
    out = {"id": ep.id, "url": ep.url, "scope": "firm" if ep.firm_id else "city", "firm_id": ep.firm_id,
           "events": ep.event_list, "created_at": _zoned(ep.created_at)}
    if secret:
        out["secret"] = ep.secret
    return out


def _mine():
    """The endpoints the caller may manage: its firm's (write scope), and the city's (organizers)."""
    user = auth.caller()
    conds = []
    if user.firm_id is not None and auth.has_scope("write"):
        conds.append(WebhookEndpoint.firm_id == user.firm_id)
    if user.is_organizer and auth.has_scope("organizer"):
        conds.append(WebhookEndpoint.firm_id.is_(None))
    return sa.or_(*conds) if conds else sa.false()


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    ep = load(WebhookEndpoint, endpoint_id)
    if ep is None or not db.session.scalar(sa.select(sa.literal(True)).where(WebhookEndpoint.id == ep.id, _mine())):
        raise problem(404, _("No such webhook."))
    return ep


@blp.route("/webhooks")
@auth.require("read")
@blp.arguments(EmptyArgs, location="query")
@blp.response(200, WebhookList)
@blp.doc(security=BEARER)
def list_webhooks(_args):
    """Your firm's webhooks (write scope) and, for organizers, the city's."""
    rows = db.session.scalars(sa.select(WebhookEndpoint).where(_mine()).order_by(WebhookEndpoint.id))
    return {"items": [_show(ep) for ep in rows]}


@blp.route("/webhooks", methods=["POST"])
@auth.require("read")
@blp.arguments(WebhookInput)
@blp.response(201, WebhookCreated)
@blp.doc(security=BEARER)
def create_webhook(data):
    """Register a URL for signed events (`X-Matchmaker-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
    "<t>.<body>">`). The secret is in this answer only."""
    user = auth.caller()
    if data["scope"] == "city":
        if not (auth.has_scope("organizer") and user.is_organizer):
            raise problem(403, _("Only organizers may do this."))
        if set(data["events"]) & set(RFQ_EVENTS):
            raise problem(422, _("Invalid input"), errors={
                "json.events": [_("Events of requests for quotation go to the firms' own webhooks only.")]})
        firm_id = None
    else:
        if not auth.has_scope("write"):
            raise problem(403, _("The token lacks the '%(scope)s' scope.", scope="write"))
        firm_id = auth.own_firm().id
    reason = webhooks.url_problem(data["url"])
    if reason:
        raise problem(422, _("Invalid input"), errors={"json.url": [reason]})
    count = db.session.scalar(sa.select(sa.func.count(WebhookEndpoint.id)).where(
        WebhookEndpoint.firm_id == firm_id if firm_id else WebhookEndpoint.firm_id.is_(None)))
    if count >= MAX_PER_OWNER:
        raise problem(409, _("There are already %(n)d webhooks; delete one first.", n=MAX_PER_OWNER))
    ep = WebhookEndpoint(firm_id=firm_id, created_by_id=user.id, url=data["url"], secret=webhooks.new_secret(),
                         events=" ".join(dict.fromkeys(data["events"])))
    db.session.add(ep)
    db.session.commit()
    return _show(ep, secret=True)


@blp.route("/webhooks/<int:endpoint_id>", methods=["DELETE"])
@auth.require("read")
@blp.arguments(EmptyArgs, location="query")
@blp.response(204)
@blp.doc(security=BEARER)
def delete_webhook(_args, endpoint_id: int):
    """Stop a webhook (its delivery log goes with it)."""
    db.session.delete(_endpoint(endpoint_id))
    db.session.commit()


@blp.route("/webhooks/<int:endpoint_id>/deliveries")
@auth.require("read")
@blp.arguments(PageArgs, location="query")
@blp.response(200, DeliveryPage, headers={"Link": {"schema": {"type": "string"}}})
@blp.doc(security=BEARER)
def webhook_deliveries(args, endpoint_id: int):
    """The delivery log: each event, its attempts, the last answer or error."""
    ep = _endpoint(endpoint_id)
    rows, cursor = paging.page_of_rows(sa.select(WebhookDelivery).where(WebhookDelivery.endpoint_id == ep.id),
                                       WebhookDelivery.id, args, f"deliveries{ep.id}")
    return paging.answer([{"id": d.id, "event": d.event, "status": d.status, "attempts": d.attempts,
                           "last_status": d.last_status, "last_error": d.last_error,
                           "created_at": _zoned(d.created_at), "delivered_at": _zoned(d.delivered_at),
                           "next_attempt_at": _zoned(d.next_attempt_at) if d.status == "pending" else None}
                          for d in rows], cursor)
