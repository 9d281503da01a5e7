"""The organizer's import page: upload a member list, see the detected columns (and change them), the dry
run's report, then confirm; and the export of the firm list in the same columns.

Checks and imports run outside the request (jobs.py): each has a page that shows its progress while it runs
(refreshing itself, or polled by app.js through the status route) and its report when done. The city's
organizers share the work: any organizer (or admin) sees and may confirm any upload; members never."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from ..extensions import db
from ..files.storage import storage
from ..formfields import options
from ..forms import EmptyForm
from ..i18n import current_locale
from ..models import Firm, utcnow
from ..security import get_or_404, organizer_required
from ..tick import job
from . import FileProblem, jobs, load
from .columns import FIELDS
from .export import FORMATS, to_bytes
from .messages import FIELD_LABELS, message
from .models import LIVE, ImportJob, ImportUpload
from .reading import ENCODINGS

bp = Blueprint("imports", __name__)
KEEP = timedelta(days=1)  # uploads not imported are removed after this


class UploadForm(FlaskForm):
    file = FileField(_l("Member list (CSV or XLSX)"), validators=[FileRequired()])
    encoding = SelectField(_l("Text encoding (CSV)"), choices=options([("auto", _l("Detect (UTF-8 or Shift_JIS)")),
                                                                      ("utf-8", "UTF-8"), ("cp932", "Shift_JIS (CP932)")]))
    sheet = StringField(_l("Sheet (XLSX; empty: the first)"), validators=[Optional(), Length(max=100)])


MAX_LIVE_PER_USER = 3  # checks and imports one organizer may have waiting or running at once


def _locale() -> str:
    return current_locale()


def _start_job(upload: ImportUpload, kind: str, params: dict):
    """Queue a job on the upload, commit, start it; the job page to go to."""
    job = jobs.create(upload, kind, params, current_user.id)
    db.session.commit()
    jobs.start(job)
    return redirect(url_for("imports.job_page", job_id=job.id))


def _too_many() -> ImportJob | None:
    """The organizer's latest unfinished job when they already have MAX_LIVE_PER_USER of them."""
    live = db.session.scalars(sa.select(ImportJob).where(ImportJob.user_id == current_user.id,
                                                         ImportJob.state.in_(LIVE))
                              .order_by(ImportJob.id.desc())).all()
    return live[0] if len(live) >= MAX_LIVE_PER_USER else None


def _refresh(job: ImportJob) -> ImportJob:
    """The job as it is now; marked failed first if its process stopped beating."""
    stale = timedelta(seconds=float(current_app.config["MATCHMAKER_IMPORT_STALE_SECONDS"]))
    beat = job.heartbeat_at if job.heartbeat_at.tzinfo else job.heartbeat_at.replace(tzinfo=timezone.utc)
    if job.live and beat < utcnow() - stale:
        jobs.expire()
        db.session.refresh(job)
    return job


@bp.route("/import", methods=["GET", "POST"])
@organizer_required
def start():
    form = UploadForm()
    if form.validate_on_submit():
        f = form.file.data
        data = f.read()
        encoding = form.encoding.data if form.encoding.data in ENCODINGS else "auto"
        sheet = (form.sheet.data or "").strip()
        try:
            load(data, f.filename or "", encoding=encoding, sheet=sheet or None)
        except FileProblem as e:
            form.file.errors.append(message(e.code, e.params))
        else:
            if busy := _too_many():
                flash(_("You already have %(n)d checks or imports under way; wait for one to finish.",
                        n=MAX_LIVE_PER_USER), "warning")
                return redirect(url_for("imports.job_page", job_id=busy.id))
            upload = ImportUpload(user_id=current_user.id, storage_key=storage().save(data),
                                  filename=(f.filename or "")[:200], size=len(data),
                                  result={"encoding": encoding, "sheet": sheet})
            db.session.add(upload)
            db.session.flush()
            return _start_job(upload, "check", jobs.params_from({}, _locale()))
    recent = db.session.scalars(sa.select(ImportJob).order_by(ImportJob.id.desc()).limit(10)).all()
    return render_template("imports/start.html", form=form, formats=FORMATS, recent=recent,
                           uploads={u.id: u for u in db.session.scalars(sa.select(ImportUpload).where(
                               ImportUpload.id.in_({j.upload_id for j in recent})))})


@bp.route("/import/<int:upload_id>")
@organizer_required
def review(upload_id: int):
    """The upload's latest check or import."""
    upload = get_or_404(ImportUpload, upload_id)
    latest = db.session.scalar(sa.select(ImportJob).where(ImportJob.upload_id == upload.id)
                               .order_by(ImportJob.id.desc()).limit(1))
    if latest is None:
        abort(404)
    return redirect(url_for("imports.job_page", job_id=latest.id))


@bp.route("/import/jobs/<int:job_id>")
@organizer_required
def job_page(job_id: int):
    job = _refresh(get_or_404(ImportJob, job_id))
    upload = db.session.get(ImportUpload, job.upload_id)
    if job.live:
        return render_template("imports/progress.html", job=job, upload=upload, stage=jobs.stage_label(job))
    if job.state == "failed":
        last_check = db.session.scalar(sa.select(ImportJob).where(
            ImportJob.upload_id == upload.id, ImportJob.kind == "check", ImportJob.state == "done")
            .order_by(ImportJob.id.desc()).limit(1))
        return render_template("imports/failed.html", job=job, upload=upload, result=job.result or {},
                               problem=jobs.error_message(job.error), last_check=last_check, form=EmptyForm())
    result = job.result or {}
    if job.kind == "import":
        return render_template("imports/done.html", job=job, upload=upload, result=result)
    imported = db.session.scalar(sa.select(ImportJob).where(
        ImportJob.upload_id == upload.id, ImportJob.kind == "import", ImportJob.state != "failed").limit(1))
    headers = result.get("headers", [])
    columns = {int(i): f for i, f in (result.get("columns") or {}).items()}
    params = job.params or {}
    chosen = {"on_duplicate": params.get("on_duplicate", "skip"), "valid_only": params.get("valid_only", False),
              "suggest": params.get("suggest", True)}
    return render_template("imports/review.html", job=job, upload=upload, result=result, headers=headers,
                           columns=columns, chosen=chosen, fields=FIELDS, field_labels=FIELD_LABELS,
                           writable=result.get("writable", False), imported=imported, form=EmptyForm())


@bp.route("/import/jobs/<int:job_id>/status")
@organizer_required
def job_status(job_id: int):
    """The job's state and progress for the page's script (the page itself works without it)."""
    job = _refresh(get_or_404(ImportJob, job_id))
    return jsonify({
        "id": job.id, "kind": job.kind, "state": job.state, "stage": job.stage, "label": jobs.stage_label(job),
        "done": job.done, "total": job.total, "percent": job.percent, "finished": not job.live,
        "error": jobs.error_message(job.error) if job.state == "failed" else None,
        "url": url_for("imports.job_page", job_id=job.id),
    })


def _posted_upload(upload_id: int) -> ImportUpload:
    upload = get_or_404(ImportUpload, upload_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return upload


@bp.route("/import/<int:upload_id>/check", methods=["POST"])
@organizer_required
def check(upload_id: int):
    """Check the list again with the organizer's choices (columns, duplicates, valid rows only)."""
    upload = _posted_upload(upload_id)
    params = jobs.params_from(request.form, _locale())
    for job in db.session.scalars(sa.select(ImportJob).where(
            ImportJob.upload_id == upload.id, ImportJob.kind == "check", ImportJob.state != "failed")
            .order_by(ImportJob.id.desc())):
        if jobs.same_choices(job.params or {}, params):  # the same check again: its answer stands
            return redirect(url_for("imports.job_page", job_id=job.id))
    if busy := _too_many():
        flash(_("You already have %(n)d checks or imports under way; wait for one to finish.",
                n=MAX_LIVE_PER_USER), "warning")
        return redirect(url_for("imports.job_page", job_id=busy.id))
    return _start_job(upload, "check", params)


@bp.route("/import/<int:upload_id>/confirm", methods=["POST"])
@organizer_required
def confirm(upload_id: int):
    """Import the stored list with the choices of the check the organizer saw; once, however often posted."""
    upload = _posted_upload(upload_id)

    def existing():
        return db.session.scalar(sa.select(ImportJob).where(
            ImportJob.upload_id == upload.id, ImportJob.kind == "import", ImportJob.state != "failed").limit(1))

    job = existing()
    if upload.imported_at is None and job is None:
        try:
            job = jobs.create(upload, "import", jobs.params_from(request.form, _locale()), current_user.id)
            db.session.commit()
        except sa.exc.IntegrityError:  # posted twice at once: the other request queued it
            db.session.rollback()
            job = existing()
        else:
            jobs.start(job)
            return redirect(url_for("imports.job_page", job_id=job.id))
    flash(_("This list has already been imported, or is being imported."), "info")
    return redirect(url_for("imports.job_page", job_id=job.id) if job else url_for("imports.start"))


@bp.route("/firms/export")
@organizer_required
def export():
    fmt = request.args.get("format", "xlsx")
    if fmt not in FORMATS:
        abort(400)
    firms = db.session.scalars(sa.select(Firm).where(Firm.deleted_at.is_(None)).order_by(Firm.id))
    ext, content_type = FORMATS[fmt]
    name = f"firms-{utcnow():%Y%m%d}.{ext}"
    return Response(to_bytes(firms, fmt), content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@job("uploaded member lists removed")
def remove_old_uploads(now: datetime) -> int:
    old = db.session.scalars(sa.select(ImportUpload).where(ImportUpload.created_at < now - KEEP)).all()
    for upload in old:
        if db.session.scalar(sa.select(ImportJob.id).where(ImportJob.upload_id == upload.id,
                                                           ImportJob.state.in_(LIVE)).limit(1)):
            continue  # still being checked or imported: the next tick
        storage().delete(upload.storage_key)
        db.session.execute(sa.delete(ImportJob).where(ImportJob.upload_id == upload.id))
        db.session.delete(upload)
    return len(old)
