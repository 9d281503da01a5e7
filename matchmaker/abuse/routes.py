"""A member reports a thread (/messages/<id>/report); the city's staff list reports (/admin/reports),
read the reported thread while the report is open (each look logged), close it, and an admin suspends
an account of the reported firm."""
from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db, limiter
from ..files.storage import storage
from ..formfields import page_number
from ..forms import EmptyForm
from ..models import User
from ..security import admin_required, firm_required, get_or_404, organizer_required
from ..threads import service as threads
from ..threads.models import Thread
from . import service
from .forms import CloseForm, ReportForm, category_label
from .models import AbuseReport

bp = Blueprint("abuse", __name__)


def _per_firm() -> str:
    return f"firm:{current_user.firm_id}"


def _report_limit() -> str:
    return current_app.config["MATCHMAKER_REPORT_LIMIT"]


@bp.app_template_global()
def open_abuse_reports() -> int:
    """Open reports, for the staff's administration menu."""
    if not current_user.is_authenticated or not current_user.is_organizer:
        return 0
    return service.open_count()


@bp.route("/messages/<int:thread_id>/report", methods=["GET", "POST"])
@firm_required
@limiter.limit(_report_limit, key_func=_per_firm, methods=["POST"])
def report(thread_id: int):
    thread = get_or_404(Thread, thread_id)
    if not thread.involves(current_user.firm_id):
        abort(404)
    back = threads.link(thread, current_user.firm_id)
    existing = service.open_report_of(thread, current_user)
    form = ReportForm()
    if existing is None and form.validate_on_submit():
        try:
            service.report(thread, current_user, form.category.data, form.text.data.strip())
        except service.AlreadyReported:
            db.session.rollback()
        else:
            db.session.commit()
        flash(_("Thank you. The city's staff have received your report and will look at this conversation."),
              "success")
        return redirect(back)
    if existing is not None and request.method == "POST":  # posted twice: the first report stands
        flash(_("You have already reported this conversation; the city's staff are looking at it."), "info")
        return redirect(back)
    return render_template("abuse/report.html", form=form, thread=thread, existing=existing, back=back,
                           other=thread.counterpart(current_user.firm_id)), 200 if request.method == "GET" else 400


@bp.route("/admin/reports")
@organizer_required
def index():
    status = request.args.get("status", "open")
    if status not in ("open", "closed", "all"):
        status = "open"
    page = db.paginate(service.listing(None if status == "all" else status), per_page=50, page=page_number(),
                       error_out=False)
    return render_template("abuse/index.html", page=page, status=status, category_label=category_label)


def _thread_context(r: AbuseReport) -> dict:
    """What staff see of an RFQ thread besides its messages: the request's title and the two firms (no
    quote, no amount, no other supplier)."""
    if r.thread.kind == "rfq" and r.thread.invitation_id is not None:
        from ..rfq.models import Invitation

        inv = db.session.get(Invitation, r.thread.invitation_id)
        return {"rfq_title": inv.rfq.title if inv is not None else ""}
    return {"rfq_title": ""}


@bp.route("/admin/reports/<int:report_id>")
@organizer_required
def view(report_id: int):
    r = get_or_404(AbuseReport, report_id)
    if r.is_open:
        service.log_view(r, current_user)
        db.session.commit()
    return render_template("abuse/view.html", r=r, thread=r.thread, category_label=category_label,
                           close_form=CloseForm(), suspend_form=EmptyForm(), views=service.views_of(r),
                           members=service.suspendable(r) if current_user.is_admin else [], **_thread_context(r))


@bp.route("/admin/reports/<int:report_id>/files/<int:file_id>")
@organizer_required
def download(report_id: int, file_id: int):
    """A file of the reported thread, for staff, while the report is open; logged like the thread."""
    r = get_or_404(AbuseReport, report_id)
    f = service.file_of_thread(r, file_id) if r.is_open else None
    if f is None:
        abort(404)
    service.log_view(r, current_user, file_id=f.id)
    db.session.commit()
    response = send_file(io.BytesIO(storage().read(f.storage_key)), mimetype=f.content_type, as_attachment=True,
                         download_name=f.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/admin/reports/<int:report_id>/close", methods=["POST"])
@organizer_required
def close(report_id: int):
    r = get_or_404(AbuseReport, report_id)
    form = CloseForm()
    if not form.validate_on_submit():
        abort(400)
    if service.close(r, current_user, (form.note.data or "").strip()):
        db.session.commit()
        flash(_("The report is closed; the reporter has been told."), "success")
    else:
        flash(_("This report was already closed."), "info")
    return redirect(url_for("abuse.view", report_id=r.id))


@bp.route("/admin/reports/<int:report_id>/suspend/<int:user_id>", methods=["POST"])
@admin_required
def suspend(report_id: int, user_id: int):
    r = get_or_404(AbuseReport, report_id)
    user = get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if user.firm_id != r.reported_firm_id or user.role != "member":
        abort(404)  # only an account of the reported firm, from its report
    service.suspend(user)
    db.session.commit()
    flash(_("Account %(email)s suspended: it can no longer sign in.", email=user.email), "success")
    return redirect(url_for("abuse.view", report_id=r.id))
