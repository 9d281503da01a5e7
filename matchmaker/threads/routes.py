"""Inquiries (問い合わせ): a member writes to another firm without asking for a quote; both firms'
members read and answer the thread. Nobody else sees it."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import idempotency
from ..extensions import db, limiter
from ..files.checks import ACCEPT, UploadError
from ..files.service import attach, uploaded, validate
from ..formfields import page_number, parse_id
from ..models import Firm
from ..rfq.forms import InquiryForm, MessageForm
from ..security import firm_required, get_or_404, verified_required
from . import service
from .models import Thread

bp = Blueprint("threads", __name__)


def _per_firm() -> str:
    return f"firm:{current_user.firm_id}"


def _inquiry_limit() -> str:
    return current_app.config["MATCHMAKER_INQUIRY_LIMIT"]


def _message_limit() -> str:
    return current_app.config["MATCHMAKER_MESSAGE_LIMIT"]


@bp.route("/")
@firm_required
def index():
    page = db.paginate(service.of_firm(current_user.firm_id), per_page=current_app.config["MATCHMAKER_PAGE_SIZE"],
                       page=page_number(), error_out=False)
    return render_template("threads/index.html", page=page, thread_unread=service.unread)


@bp.route("/new", methods=["GET", "POST"])
@firm_required
@verified_required
@limiter.limit(_inquiry_limit, key_func=_per_firm, methods=["POST"])
def new():
    firm_id = parse_id(request.values.get("firm"))
    to = db.session.get(Firm, firm_id) if firm_id else None
    if to is None or not to.is_public or to.id == current_user.firm_id:
        abort(404)
    form = InquiryForm()
    if form.validate_on_submit():
        try:
            files = validate(uploaded(form.files.data))
        except UploadError as e:
            form.files.errors = [str(e)]
        else:
            done = idempotency.already_done(form.submission.data, current_user.id) if form.submission.data else None
            if done is not None:
                return redirect(done or url_for("threads.index"))
            thread = service.start_inquiry(current_user, to, form.subject.data.strip())
            m = service.post(thread, current_user, form.body.data.strip(), first=True)
            attach(files, current_user.firm_id, message_id=m.id)
            if form.submission.data:
                done = idempotency.create_once(form.submission.data, current_user.id,
                                               lambda: url_for("threads.view", thread_id=thread.id))
                if done is not None:
                    return redirect(done or url_for("threads.index"))
            else:
                db.session.commit()
            flash(_("Your inquiry has been sent to %(firm)s.", firm=to.display_name(current_user.locale)), "success")
            return redirect(url_for("threads.view", thread_id=thread.id))
    return render_template("threads/new.html", form=form, to=to, accept=ACCEPT)


def _mine(thread_id: int) -> Thread:
    thread = get_or_404(Thread, thread_id)
    if not thread.involves(current_user.firm_id):
        abort(404)
    if thread.kind == "rfq":  # read on the request's page
        abort(404)
    return thread


@bp.route("/<int:thread_id>", methods=["GET", "POST"])
@firm_required
@limiter.limit(_message_limit, key_func=_per_firm, methods=["POST"])
def view(thread_id: int):
    thread = _mine(thread_id)
    form = MessageForm()
    if request.method == "POST":
        if not current_user.email_verified:
            abort(403)
        if form.validate_on_submit():
            try:
                files = validate(uploaded(form.files.data))
            except UploadError as e:
                form.files.errors = [str(e)]
            else:
                if form.submission.data and idempotency.already_done(form.submission.data, current_user.id) is not None:
                    return redirect(url_for("threads.view", thread_id=thread.id))
                m = service.post(thread, current_user, form.body.data.strip())
                attach(files, current_user.firm_id, message_id=m.id)
                if form.submission.data:
                    idempotency.create_once(form.submission.data, current_user.id,
                                            lambda: url_for("threads.view", thread_id=thread.id))
                else:
                    db.session.commit()
                return redirect(url_for("threads.view", thread_id=thread.id) + "#last")
    elif service.unread(thread, current_user.firm_id):
        service.mark_read(thread, current_user.firm_id)
        db.session.commit()
    return render_template("threads/view.html", thread=thread, form=form, accept=ACCEPT,
                           other=thread.counterpart(current_user.firm_id))

