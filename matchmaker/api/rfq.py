"""Requests for quotation through the API, for a firm's members: send one to up to ten suppliers,
read your own (as buyer or as invited supplier), quote or revise, decline, write in the request's
thread, award or cancel. The rules are rfq/service.py's, the pages' own: a request exists only for
its buyer and its invited suppliers (404 for anyone else), a supplier sees its own part only, and
the buyer sees the quotes once they can be compared.

Creating POSTs (the request, a message) take an ``Idempotency-Key``; what changes the request (a
quote, a decline, the award, the cancellation) needs ``If-Match`` with the request's ETag (428
without, 412 when it changed since it was read), so a retried or a stale change does nothing.
"""
from __future__ import annotations

from flask import current_app, request, url_for
from sqlalchemy.exc import IntegrityError
from flask_babel import gettext as _

from ..extensions import db, limiter
from ..rfq import service
from ..rfq.models import Invitation, Rfq
from ..rfq.service import QuoteFields, RfqError, RfqFields
from ..threads.models import Message
from . import auth, idempotent, paging, present
from .blueprint import blp
from .problems import problem
from .read import BEARER
from .schemas import (AwardInput, CancelInput, DeclineInput, EmptyArgs, QuoteInput, RfqArgs, RfqInput, RfqMessageInput,
                      RfqMessageSchema, RfqPage, RfqSchema)
from .write import IDEMPOTENCY_PARAM, LOCATION

IF_MATCH_PARAM = {"in": "header", "name": "If-Match", "required": True,
                  "description": "The request's ETag, as last read (GET /rfqs/{rfq_id}).",
                  "schema": {"type": "string"}}
CONFLICT = {"description": "The request's state does not allow this (closed for quotes, already answered "
                           "or decided, not yet comparable)."}
# RfqError codes that are about the request's state (409), not the input (422)
_STATE = {"closed", "already_answered", "already_decided", "not_yet", "thread_closed"}


def _per_firm() -> str:
    auth.identify()
    user = auth.caller()
    return f"firm:{user.firm_id}" if user is not None and user.firm_id else f"api-addr:{request.remote_addr or ''}"


def _rfq_limit() -> str:
    return current_app.config["MATCHMAKER_RFQ_LIMIT"]


def _message_limit() -> str:
    return current_app.config["MATCHMAKER_MESSAGE_LIMIT"]


def _refused(e: RfqError):
    code = str(e)
    return problem(409 if code in _STATE else 422, service.error_text(code))


def _member():
    """The caller's firm (403 without one) and user."""
    return auth.own_firm(), auth.caller()


def _verified(user) -> None:
    if not user.email_verified:
        raise problem(403, _("Confirm your e-mail address before sending requests, quotes or messages."))


# ------------------------------------------------------------------ presenting


def _quote(q) -> dict | None:
    if q is None:
        return None
    return {"revision": q.revision, "amount": q.amount, "currency": q.currency, "price_basis": q.price_basis,
            "lead_time_days": q.lead_time_days, "valid_until": q.valid_until, "notes": q.notes or "",
            "created_at": present._zoned(q.created_at)}


def _messages(inv: Invitation) -> list[dict]:
    thread = service.thread_of(inv)
    if thread is None:
        return []
    rows = db.session.scalars(db.select(Message).where(Message.thread_id == thread.id).order_by(Message.id))
    return [_message(m) for m in rows]


def _invitation(inv: Invitation, show_quote: bool) -> dict:
    return {"id": inv.id, "supplier": present.firm_summary(inv.supplier), "status": inv.status,
            "decline_reason": inv.decline_reason or "", "decline_note": inv.decline_note or "",
            "not_selected_note": inv.not_selected_note or "", "answered_at": present._zoned(inv.answered_at),
            "quote": _quote(inv.quote) if show_quote else None, "messages": _messages(inv)}


def present_rfq(rfq: Rfq, firm_id: int) -> dict:
    """The request as `firm_id` may see it: the buyer everything (quotes once comparable), a
    supplier the request and its own invitation."""
    buyer = rfq.buyer_firm_id == firm_id
    if buyer:
        comparable = service.comparable(rfq)
        invitations = [_invitation(i, comparable) for i in rfq.invitations]
    else:
        invitations = [_invitation(i, True) for i in rfq.invitations if i.supplier_firm_id == firm_id]
    return {"id": rfq.id, "role": "buyer" if buyer else "supplier", "buyer": present.firm_summary(rfq.buyer),
            "need_id": rfq.need_id if buyer else None, "title": rfq.title, "description": rfq.description or "",
            "quantity": rfq.quantity, "unit": rfq.unit or "", "delivery_date": rfq.delivery_date,
            "delivery_place": rfq.delivery_place or "", "due_date": rfq.due_date, "message": rfq.message or "",
            "status": rfq.status, "comparable": service.comparable(rfq), "close_reason": rfq.close_reason or "",
            "created_at": present._zoned(rfq.created_at), "closed_at": present._zoned(rfq.closed_at),
            "decided_at": present._zoned(rfq.decided_at), "invitations": invitations}


# ------------------------------------------------------------------ finding and checking


def _visible(rfq_id: int, firm_id: int) -> Rfq:
    """The request for its buyer or an invited supplier (404 for anyone else), brought up to date."""
    rfq = service.as_buyer(rfq_id, firm_id)
    if rfq is None:
        inv = service.as_supplier(rfq_id, firm_id)
        rfq = inv.rfq if inv is not None else None
    if rfq is None:
        raise problem(404, _("No such request for quotation."))
    if service.refresh(rfq):
        db.session.commit()
    return rfq


def _if_match(rfq: Rfq, firm_id: int) -> None:
    """The change is made on the request as the caller last read it (POST is not checked by
    flask-smorest, so here)."""
    if not request.if_match:
        raise problem(428, _("Send If-Match with the request's ETag (read it first)."))
    etag = blp._generate_etag(RfqSchema().dump(present_rfq(rfq, firm_id)))
    if etag not in request.if_match:
        raise problem(412, _("The request has changed since you read it; read it again."))


def _as_buyer(rfq_id: int, firm_id: int) -> Rfq:
    rfq = _visible(rfq_id, firm_id)
    if rfq.buyer_firm_id != firm_id:
        raise problem(403, _("Only the firm that sent the request may do this."))
    return rfq


def _as_supplier(rfq_id: int, firm_id: int) -> Invitation:
    rfq = _visible(rfq_id, firm_id)
    inv = service.as_supplier(rfq.id, firm_id)
    if inv is None:
        raise problem(403, _("Only an invited supplier may do this."))
    return inv


def _answer(rfq: Rfq, firm_id: int, status: int = 200, headers: dict | None = None):
    db.session.expire_all()
    rfq = db.session.get(Rfq, rfq.id)
    data = present_rfq(rfq, firm_id)
    blp.set_etag(data, RfqSchema)
    return data, status, headers or {}


# ------------------------------------------------------------------ reading


@blp.route("/rfqs")
@auth.require("read")
@blp.arguments(RfqArgs, location="query")
@blp.response(200, RfqPage, headers={"Link": {"description": 'The next page: `<url>; rel="next"`.',
                                               "schema": {"type": "string"}}})
@blp.doc(security=BEARER)
def rfqs(args):
    """Your firm's requests for quotation: those it sent (`box=sent`) or was invited to (`box=received`)."""
    firm, _user = _member()
    if args["box"] == "received":
        query = db.select(Rfq).join(Invitation, Invitation.rfq_id == Rfq.id).where(
            Invitation.supplier_firm_id == firm.id)
    else:
        query = db.select(Rfq).where(Rfq.buyer_firm_id == firm.id)
    rows, cursor = paging.page_of_rows(query, Rfq.id, args, f"rfqs-{args['box']}")
    if any([service.refresh(r) for r in rows]):
        db.session.commit()
    return paging.answer([present_rfq(r, firm.id) for r in rows], cursor)


@blp.route("/rfqs/<int:rfq_id>")
@auth.require("read")
@blp.etag
@blp.arguments(EmptyArgs, location="query")
@blp.response(200, RfqSchema)
@blp.doc(security=BEARER)
def rfq(_args, rfq_id: int):
    """One request for quotation: yours as buyer, or one your firm was invited to (its own part)."""
    firm, _user = _member()
    rfq = _visible(rfq_id, firm.id)
    inv = service.as_supplier(rfq.id, firm.id)
    if inv is not None and inv.viewed_at is None and rfq.buyer_firm_id != firm.id:
        service.mark_viewed(inv)  # as opening the invitation's page does
        db.session.commit()
    return present_rfq(rfq, firm.id)


# ------------------------------------------------------------------ the buyer


@blp.route("/rfqs", methods=["POST"])
@auth.require("write")
@limiter.limit(_rfq_limit, key_func=_per_firm)
@blp.etag
@blp.arguments(RfqInput)
@blp.response(201, RfqSchema, headers=LOCATION)
@blp.alt_response(200, schema=RfqSchema, description="Already created with this Idempotency-Key.")
@blp.alt_response(429, description="Too many requests for quotation from your firm today.")
@blp.doc(security=BEARER, parameters=[IDEMPOTENCY_PARAM], responses={201: {"links": {
    "GetRfq": {"operationRef": "#/paths/~1api~1v1~1rfqs~1{rfq_id}/get",
               "parameters": {"rfq_id": "$response.body#/id"}},
    "CancelRfq": {"operationRef": "#/paths/~1api~1v1~1rfqs~1{rfq_id}~1cancel/post",
                  "parameters": {"rfq_id": "$response.body#/id", "header.If-Match": "$response.header.ETag"}},
}}})
def create_rfq(data):
    """Send a request for quotation to up to 10 listed suppliers, free or from one of your open needs."""
    firm, user = _member()
    _verified(user)
    claim = idempotent.key_id(user.id)
    earlier = idempotent.earlier(claim, user.id)
    if earlier is not None:
        return _replay(earlier, firm.id)
    need = None
    if data.get("need_id") is not None:
        need = service.own_open_need(data["need_id"], firm.id)
        if need is None:
            raise problem(422, _("Invalid input"), errors={"json.need_id": [_("No open need of your firm has this id.")]})
    suppliers = service.invitable(firm, data["supplier_ids"])
    unknown = sorted(set(data["supplier_ids"]) - {s.id for s in suppliers} - {firm.id})
    if unknown:
        raise problem(422, _("Invalid input"), errors={
            "json.supplier_ids": [_("No listed firm has the id %(ids)s.", ids=", ".join(map(str, unknown)))]})
    fields = RfqFields(data["title"].strip(), (data.get("description") or "").strip(), data.get("quantity"),
                       (data.get("unit") or "").strip(), data.get("delivery_date"),
                       (data.get("delivery_place") or "").strip(), data["due_date"],
                       (data.get("message") or "").strip())
    try:
        created = service.create(user, need, suppliers, fields)
    except RfqError as e:
        db.session.rollback()
        raise _refused(e) from None
    done = idempotent.commit(claim, user.id, lambda: f"rfq:{created.id}")
    if done is not None:
        return _replay(done, firm.id)
    return _answer(created, firm.id, 201, {"Location": url_for("api.rfq", rfq_id=created.id)})


def _replay(target: str, firm_id: int):
    kind, _sep, ident = target.partition(":")
    found = service.as_buyer(int(ident), firm_id) if kind == "rfq" and ident.isdigit() else None
    if found is None:
        raise problem(409, _("This Idempotency-Key was used for something that no longer exists; use a new key."))
    return _answer(found, firm_id, 200, {"Idempotent-Replayed": "true",
                                         "Location": url_for("api.rfq", rfq_id=found.id)})


@blp.route("/rfqs/<int:rfq_id>/award", methods=["POST"])
@auth.require("write")
@blp.etag
@blp.arguments(AwardInput)
@blp.response(200, RfqSchema)
@blp.alt_response(409, description=CONFLICT["description"])
@blp.alt_response(412, description="The request changed since you read it.")
@blp.alt_response(428, description="If-Match is missing.")
@blp.doc(security=BEARER, parameters=[IF_MATCH_PARAM])
def award_rfq(data, rfq_id: int):
    """Award one supplier or several (a split order) among those that quoted; the others are told."""
    firm, user = _member()
    rfq = _as_buyer(rfq_id, firm.id)
    _verified(user)
    _if_match(rfq, firm.id)
    lines = service.award_lines(rfq, [(p["invitation_id"], p.get("amount_jpy")) for p in data["awards"]])
    if lines is None:
        raise problem(422, _("Invalid input"), errors={"json.awards": [_("Not an invitation of this request.")]})
    try:
        service.award(rfq, user, lines, data["keep_need_open"], (data.get("note") or "").strip())
    except RfqError as e:
        db.session.rollback()
        raise _refused(e) from None
    db.session.commit()
    return _answer(rfq, firm.id)


@blp.route("/rfqs/<int:rfq_id>/cancel", methods=["POST"])
@auth.require("write")
@blp.etag
@blp.arguments(CancelInput)
@blp.response(200, RfqSchema)
@blp.alt_response(409, description=CONFLICT["description"])
@blp.alt_response(412, description="The request changed since you read it.")
@blp.alt_response(428, description="If-Match is missing.")
@blp.doc(security=BEARER, parameters=[IF_MATCH_PARAM])
def cancel_rfq(data, rfq_id: int):
    """Close the request without an order (with a reason); the suppliers still in it are told."""
    firm, user = _member()
    rfq = _as_buyer(rfq_id, firm.id)
    _if_match(rfq, firm.id)
    try:
        service.cancel(rfq, user, data["reason"], (data.get("note") or "").strip())
    except RfqError as e:
        db.session.rollback()
        raise _refused(e) from None
    db.session.commit()
    return _answer(rfq, firm.id)


# ------------------------------------------------------------------ the supplier


@blp.route("/rfqs/<int:rfq_id>/quote", methods=["PUT"])
@auth.require("write")
@blp.etag
@blp.arguments(QuoteInput)
@blp.response(200, RfqSchema)
@blp.alt_response(409, description=CONFLICT["description"])
@blp.doc(security=BEARER)
def quote_rfq(data, rfq_id: int):
    """Send your firm's quote, or revise it, until the end of the due date (earlier revisions are kept)."""
    firm, user = _member()
    inv = _as_supplier(rfq_id, firm.id)
    rfq = inv.rfq
    blp.check_etag(present_rfq(rfq, firm.id), RfqSchema)
    _verified(user)
    fields = QuoteFields(data["amount"], data["currency"], data["price_basis"], data.get("lead_time_days"),
                         data.get("valid_until"), (data.get("notes") or "").strip())
    try:
        service.submit_quote(inv, user, fields)
        db.session.commit()
    except RfqError as e:
        db.session.rollback()
        raise _refused(e) from None
    except IntegrityError:  # another revision with the same number won meanwhile (two at once)
        db.session.rollback()
        raise problem(412, _("The request has changed since you read it; read it again.")) from None
    return _answer(rfq, firm.id)


@blp.route("/rfqs/<int:rfq_id>/decline", methods=["POST"])
@auth.require("write")
@blp.etag
@blp.arguments(DeclineInput)
@blp.response(200, RfqSchema)
@blp.alt_response(409, description=CONFLICT["description"])
@blp.alt_response(412, description="The request changed since you read it.")
@blp.alt_response(428, description="If-Match is missing.")
@blp.doc(security=BEARER, parameters=[IF_MATCH_PARAM])
def decline_rfq(data, rfq_id: int):
    """Decline the request (with a reason; a note is required with `other`); the buyer is told."""
    firm, user = _member()
    inv = _as_supplier(rfq_id, firm.id)
    _if_match(inv.rfq, firm.id)
    try:
        service.decline(inv, user, data["reason"], (data.get("note") or "").strip())
    except RfqError as e:
        db.session.rollback()
        raise _refused(e) from None
    db.session.commit()
    return _answer(inv.rfq, firm.id)


# ------------------------------------------------------------------ messages (either side)


@blp.route("/rfqs/<int:rfq_id>/invitations/<int:invitation_id>/messages", methods=["POST"])
@auth.require("write")
@limiter.limit(_message_limit, key_func=_per_firm)
@blp.arguments(RfqMessageInput)
@blp.response(201, RfqMessageSchema)
@blp.alt_response(200, schema=RfqMessageSchema, description="Already sent with this Idempotency-Key.")
@blp.alt_response(409, description="The request is decided; only the awarded supplier's thread stays open.")
@blp.alt_response(429, description="Too many messages from your firm.")
@blp.doc(security=BEARER, parameters=[IDEMPOTENCY_PARAM])
def rfq_message(data, rfq_id: int, invitation_id: int):
    """Write in the thread between the buyer and one invited supplier (either of them may)."""
    firm, user = _member()
    rfq = _visible(rfq_id, firm.id)
    try:
        thread = service.message_thread(rfq, invitation_id, firm.id)
    except RfqError as e:
        raise _refused(e) from None
    if thread is None:
        raise problem(404, _("No such thread."))
    _verified(user)
    claim = idempotent.key_id(user.id)
    earlier = idempotent.earlier(claim, user.id) or None
    if earlier is None:
        from ..threads import service as threads

        m = threads.post(thread, user, data["body"].strip())
        earlier = idempotent.commit(claim, user.id, lambda: f"message:{m.id}")
        if earlier is None:
            return _message(m), 201
    kind, _sep, ident = earlier.partition(":")
    m = db.session.get(Message, int(ident)) if kind == "message" and ident.isdigit() else None
    if m is None or m.thread_id != thread.id:
        raise problem(409, _("This Idempotency-Key was used for something else; use a new key."))
    return _message(m), 200, {"Idempotent-Replayed": "true"}


def _message(m: Message) -> dict:
    return {"id": m.id, "firm_id": m.firm_id, "body": m.body, "created_at": present._zoned(m.created_at)}
