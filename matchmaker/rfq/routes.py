"""Requests for quotation on the site: send one to chosen suppliers, answer as a supplier, compare,
award. Only the buyer firm and each invited supplier see a request (a supplier sees its own part
only); anyone else gets 404, as if it did not exist."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import idempotency, locality
from ..extensions import db, limiter
from ..files.checks import ACCEPT, UploadError
from ..files.service import attach, uploaded, validate
from ..formfields import page_number, parse_id
from ..forms import EmptyForm
from ..security import firm_required, get_or_404, verified_required
from ..threads import service as threads
from . import service
from .forms import (CURRENCIES, AwardForm, CancelForm, DeclineForm, MessageForm, QuoteForm, RatesForm, RfqForm,
                    cancel_reason_label, decline_reason_label)
from .models import MAX_SUPPLIERS, Invitation, Rfq
from .service import QuoteFields, RfqError, RfqFields

bp = Blueprint("rfq", __name__)


def _per_firm() -> str:
    return f"firm:{current_user.firm_id}"


def _rfq_limit() -> str:
    return current_app.config["MATCHMAKER_RFQ_LIMIT"]


def _message_limit() -> str:
    return current_app.config["MATCHMAKER_MESSAGE_LIMIT"]


def _error_text(code: str) -> str:
    return service.error_text(code)


def _as_buyer(rfq_id: int) -> Rfq:
    rfq = service.as_buyer(rfq_id, current_user.firm_id)
    if rfq is None:
        abort(404)
    return rfq


def _as_supplier(rfq_id: int) -> Invitation:
    inv = service.as_supplier(rfq_id, current_user.firm_id)
    if inv is None:
        abort(404)
    return inv


def _ids(name: str) -> list[int]:
    return [i for i in (parse_id(v) for v in request.values.getlist(name)) if i is not None]


# ------------------------------------------------------------------ lists


@bp.route("/")
@firm_required
def index():
    """The firm's requests: those it sent (buyer) and those it received (supplier)."""
    box = "received" if request.args.get("box") == "received" else "sent"
    if box == "received":
        page = db.paginate(service.for_supplier(current_user.firm_id), per_page=current_app.config["MATCHMAKER_PAGE_SIZE"],
                           page=page_number(), error_out=False)
        for inv in page.items:
            service.refresh(inv.rfq)
    else:
        page = db.paginate(service.for_buyer(current_user.firm_id), per_page=current_app.config["MATCHMAKER_PAGE_SIZE"],
                           page=page_number(), error_out=False)
        for rfq in page.items:
            service.refresh(rfq)
    db.session.commit()
    return render_template("rfq/index.html", page=page, box=box)


# ------------------------------------------------------------------ sending a request


@bp.route("/new", methods=["GET", "POST"])
@firm_required
@verified_required
@limiter.limit(_rfq_limit, key_func=_per_firm, methods=["POST"])
def new():
    need = None
    need_id = parse_id(request.values.get("need"))
    if need_id is not None:
        need = service.own_open_need(need_id, current_user.firm_id)
        if need is None:
            abort(404)
    suppliers = service.invitable(current_user.firm, _ids("supplier"))
    form = RfqForm()
    if request.method == "GET" and need is not None:
        form.title.data = need.title
        form.description.data = "\n".join(p for p in (need.description, _("Quantity: %(q)s", q=need.quantity)
                                                       if need.quantity else "") if p)
        form.delivery_date.data = need.delivery_date
        # a team proposed on the need's page: who takes which part, for the suppliers to read (editable)
        team_note = (request.args.get("message") or "")[:1000]
        if team_note and not any(ord(c) < 32 and c not in "\n\t" for c in team_note):
            form.message.data = team_note
    too_many = len(suppliers) > MAX_SUPPLIERS
    if form.validate_on_submit() and not too_many:
        if not suppliers:
            flash(_error_text("no_suppliers"), "danger")
        else:
            try:
                files = validate(uploaded(form.files.data))
            except UploadError as e:
                form.files.errors = [str(e)]
            else:
                done = idempotency.already_done(form.submission.data, current_user.id) if form.submission.data else None
                if done is not None:
                    flash(_("This form was already sent; it was saved once."), "info")
                    return redirect(done or url_for("rfq.index"))
                fields = RfqFields(form.title.data.strip(), (form.description.data or "").strip(), form.quantity.data,
                                   (form.unit.data or "").strip(), form.delivery_date.data,
                                   (form.delivery_place.data or "").strip(), form.due_date.data,
                                   (form.message.data or "").strip())
                try:
                    rfq = service.create(current_user, need, suppliers, fields)
                except RfqError as e:
                    db.session.rollback()
                    flash(_error_text(str(e)), "danger")
                else:
                    attach(files, current_user.firm_id, rfq_id=rfq.id)
                    if form.submission.data:
                        done = idempotency.create_once(form.submission.data, current_user.id,
                                                       lambda: url_for("rfq.view", rfq_id=rfq.id))
                        if done is not None:
                            flash(_("This form was already sent; it was saved once."), "info")
                            return redirect(done or url_for("rfq.index"))
                    else:
                        db.session.commit()
                    flash(_("Your request for quotation has been sent to %(n)d suppliers.", n=len(suppliers)),
                          "success")
                    return redirect(url_for("rfq.view", rfq_id=rfq.id))
    if too_many:
        flash(_error_text("too_many_suppliers"), "danger")
    return render_template("rfq/new.html", form=form, need=need, suppliers=suppliers, accept=ACCEPT,
                           max_suppliers=MAX_SUPPLIERS)


# ------------------------------------------------------------------ the buyer


@bp.route("/<int:rfq_id>")
@firm_required
def view(rfq_id: int):
    rfq = _as_buyer(rfq_id)
    changed = service.refresh(rfq)
    comparable = service.comparable(rfq)
    rows = []
    for inv in rfq.invitations:
        quote = inv.quote
        distance = locality.distance_km(rfq.buyer, inv.supplier)
        rows.append({
            "inv": inv, "quote": quote if comparable else None,
            "amount_jpy": service.amount_jpy(quote, rfq.rates or {}) if quote and comparable else None,
            "distance": distance, "locality": locality.of_firm(inv.supplier),
            "thread": service.thread_of(inv),
        })
    unread = {r["inv"].id for r in rows if r["thread"] is not None and threads.unread(r["thread"], rfq.buyer_firm_id)}
    for r in rows:  # the buyer reads every thread on this page
        if r["inv"].id in unread:
            threads.mark_read(r["thread"], rfq.buyer_firm_id)
            changed = True
    if changed:
        db.session.commit()
    currencies = sorted({r["quote"].currency for r in rows if r["quote"] and r["quote"].currency != "JPY"})
    return render_template("rfq/view.html", rfq=rfq, rows=rows, comparable=comparable, currencies=currencies,
                           award_form=AwardForm(), cancel_form=CancelForm(), rates_form=RatesForm(),
                           message_form=MessageForm(), decline_label=decline_reason_label,
                           cancel_label=cancel_reason_label, unread_threads=unread, accept=ACCEPT)


@bp.route("/<int:rfq_id>/rates", methods=["POST"])
@firm_required
def rates(rfq_id: int):
    rfq = _as_buyer(rfq_id)
    if not RatesForm().validate_on_submit():
        abort(400)
    wanted: dict[str, Decimal] = {}
    for code in CURRENCIES:
        raw = (request.form.get(f"rate_{code}") or "").strip().replace(",", "")
        if not raw:
            continue
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = Decimal(-1)
        if not (Decimal("0") < value < Decimal("1000000")):
            flash(_("%(code)s: enter how many yen one unit is worth, e.g. 150.2.", code=code), "danger")
            return redirect(url_for("rfq.view", rfq_id=rfq.id))
        wanted[code] = value
    service.set_rates(rfq, wanted)
    db.session.commit()
    return redirect(url_for("rfq.view", rfq_id=rfq.id) + "#compare")


@bp.route("/<int:rfq_id>/award", methods=["POST"])
@firm_required
@verified_required
def award(rfq_id: int):
    rfq = _as_buyer(rfq_id)
    form = AwardForm()
    if not form.validate_on_submit():
        flash(_("Please check the form."), "danger")
        return redirect(url_for("rfq.view", rfq_id=rfq.id))
    picks = []
    for inv_id in _ids("invitation"):
        raw = (request.form.get(f"amount_{inv_id}") or "").strip().replace(",", "")
        amount = None
        if raw:
            if not raw.isdigit() or len(raw) > 15:
                flash(_("Enter the awarded amount in whole yen."), "danger")
                return redirect(url_for("rfq.view", rfq_id=rfq.id))
            amount = int(raw)
        picks.append((inv_id, amount))
    lines = service.award_lines(rfq, picks)
    if lines is None:
        abort(400)
    try:
        deals = service.award(rfq, current_user, lines, form.keep_need_open.data, (form.note.data or "").strip())
    except RfqError as e:
        db.session.rollback()
        flash(_error_text(str(e)), "danger")
        return redirect(url_for("rfq.view", rfq_id=rfq.id))
    db.session.commit()
    flash(_("Awarded. The suppliers have been told, and the deal is recorded (%(n)d).", n=len(deals)), "success")
    return redirect(url_for("rfq.view", rfq_id=rfq.id))


@bp.route("/<int:rfq_id>/cancel", methods=["POST"])
@firm_required
def cancel(rfq_id: int):
    rfq = _as_buyer(rfq_id)
    form = CancelForm()
    if not form.validate_on_submit():
        flash(_("Please check the form."), "danger")
        return redirect(url_for("rfq.view", rfq_id=rfq.id))
    try:
        service.cancel(rfq, current_user, form.reason.data, (form.note.data or "").strip())
    except RfqError as e:
        db.session.rollback()
        flash(_error_text(str(e)), "danger")
        return redirect(url_for("rfq.view", rfq_id=rfq.id))
    db.session.commit()
    flash(_("The request is closed without an order; the suppliers have been told."), "success")
    return redirect(url_for("rfq.view", rfq_id=rfq.id))


# ------------------------------------------------------------------ the supplier


@bp.route("/<int:rfq_id>/invitation")
@firm_required
def invitation(rfq_id: int):
    inv = _as_supplier(rfq_id)
    changed = service.refresh(inv.rfq)
    if inv.viewed_at is None:
        service.mark_viewed(inv)
        changed = True
    thread = service.thread_of(inv)
    if thread is not None and threads.unread(thread, current_user.firm_id):
        threads.mark_read(thread, current_user.firm_id)
        changed = True
    if changed:
        db.session.commit()
    quote_form = QuoteForm(obj=inv.quote) if inv.quote else QuoteForm()
    if inv.quote is not None:
        quote_form.submission.data = idempotency.new_submission_id()
    return render_template("rfq/invitation.html", inv=inv, rfq=inv.rfq, thread=thread, quote_form=quote_form,
                           decline_form=DeclineForm(), message_form=MessageForm(), accept=ACCEPT,
                           open_for_answers=inv.rfq.status == "open" and not service.past_due(inv.rfq)
                           and inv.status in ("invited", "quoted"),
                           decline_label=decline_reason_label)


@bp.route("/<int:rfq_id>/quote", methods=["POST"])
@firm_required
@verified_required
def quote(rfq_id: int):
    inv = _as_supplier(rfq_id)
    form = QuoteForm()
    if form.validate_on_submit():
        try:
            files = validate(uploaded(form.files.data))
        except UploadError as e:
            flash(str(e), "danger")
            return redirect(url_for("rfq.invitation", rfq_id=rfq_id))
        if form.submission.data and idempotency.already_done(form.submission.data, current_user.id) is not None:
            flash(_("This form was already sent; it was saved once."), "info")
            return redirect(url_for("rfq.invitation", rfq_id=rfq_id))
        fields = QuoteFields(form.amount.data, form.currency.data, form.price_basis.data, form.lead_time_days.data,
                             form.valid_until.data, (form.notes.data or "").strip())
        try:
            q = service.submit_quote(inv, current_user, fields)
        except RfqError as e:
            db.session.rollback()
            flash(_error_text(str(e)), "danger")
            return redirect(url_for("rfq.invitation", rfq_id=rfq_id))
        attach(files, current_user.firm_id, quote_id=q.id)
        if form.submission.data:
            if idempotency.create_once(form.submission.data, current_user.id,
                                       lambda: url_for("rfq.invitation", rfq_id=rfq_id)) is not None:
                flash(_("This form was already sent; it was saved once."), "info")
                return redirect(url_for("rfq.invitation", rfq_id=rfq_id))
        else:
            db.session.commit()
        flash(_("Your quote has been sent.") if q.revision == 1 else _("Your revised quote has been sent."), "success")
    else:
        flash(" ".join(f"{form[k].label.text}: {v[0]}" for k, v in form.errors.items()), "danger")
    return redirect(url_for("rfq.invitation", rfq_id=rfq_id))


@bp.route("/<int:rfq_id>/decline", methods=["POST"])
@firm_required
def decline(rfq_id: int):
    inv = _as_supplier(rfq_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            service.decline(inv, current_user, form.reason.data, (form.note.data or "").strip())
        except RfqError as e:
            db.session.rollback()
            flash(_error_text(str(e)), "danger")
        else:
            db.session.commit()
            flash(_("You have declined this request; the buyer has been told."), "success")
    else:
        flash(" ".join(f"{form[k].label.text}: {v[0]}" for k, v in form.errors.items()), "danger")
    return redirect(url_for("rfq.invitation", rfq_id=rfq_id))


# ------------------------------------------------------------------ messages (either side)


@bp.route("/<int:rfq_id>/messages/<int:invitation_id>", methods=["POST"])
@firm_required
@verified_required
@limiter.limit(_message_limit, key_func=_per_firm)
def message(rfq_id: int, invitation_id: int):
    rfq = get_or_404(Rfq, rfq_id)
    try:
        thread, closed = service.message_thread(rfq, invitation_id, current_user.firm_id), None
    except RfqError as e:
        thread, closed = None, e
    if thread is None and closed is None:
        abort(404)
    back = (url_for("rfq.view", rfq_id=rfq.id) + f"#supplier-{invitation_id}"
            if current_user.firm_id == rfq.buyer_firm_id else url_for("rfq.invitation", rfq_id=rfq.id) + "#messages")
    if closed is not None:
        flash(_error_text(str(closed)), "warning")
        return redirect(back)
    form = MessageForm()
    if not form.validate_on_submit():
        flash(_("Please write a message."), "danger")
        return redirect(back)
    try:
        files = validate(uploaded(form.files.data))
    except UploadError as e:
        flash(str(e), "danger")
        return redirect(back)
    if form.submission.data and idempotency.already_done(form.submission.data, current_user.id) is not None:
        return redirect(back)
    m = threads.post(thread, current_user, form.body.data.strip())
    attach(files, current_user.firm_id, message_id=m.id)
    if form.submission.data:
        idempotency.create_once(form.submission.data, current_user.id, lambda: back)
    else:
        db.session.commit()
    flash(_("Your message has been sent."), "success")
    return redirect(back)
