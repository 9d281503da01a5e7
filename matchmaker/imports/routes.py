"""The organizer's import page: upload a member list, see the detected columns (and change them), the dry
run's report, then confirm; and the export of the firm list in the same columns."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
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
from ..models import Firm, utcnow
from ..security import get_or_404, organizer_required
from ..tick import job
from . import FileProblem, load
from .columns import FIELDS, Mapping
from .export import FORMATS, to_bytes
from .messages import FIELD_LABELS, message
from .models import ImportUpload
from .reading import ENCODINGS
from .service import DECISIONS, Options, apply_plan, plan_import, report

bp = Blueprint("imports", __name__)
KEEP = timedelta(days=1)  # uploads not imported are removed after this


class UploadForm(FlaskForm):
    file = FileField(_l("Member list (CSV or XLSX)"), validators=[FileRequired()])
    encoding = SelectField(_l("Text encoding (CSV)"), choices=options([("auto", _l("Detect (UTF-8 or Shift_JIS)")),
                                                                      ("utf-8", "UTF-8"), ("cp932", "Shift_JIS (CP932)")]))
    sheet = StringField(_l("Sheet (XLSX; empty: the first)"), validators=[Optional(), Length(max=100)])


def _upload(upload_id: int) -> ImportUpload:
    upload = get_or_404(ImportUpload, upload_id)
    if upload.user_id != current_user.id and not current_user.is_admin:
        abort(404)
    return upload


def _options(values) -> tuple[Options, dict]:
    on_duplicate = values.get("on_duplicate", "skip")
    opts = Options(on_duplicate=on_duplicate if on_duplicate in ("skip", "update") else "skip",
                   valid_only=values.get("valid_only") == "1", accept_suggestions=values.get("suggest", "1") == "1")
    for key, value in values.items():
        if key.startswith("decision-") and key[9:].isdigit() and value in DECISIONS:
            opts.decisions[int(key[9:])] = value
    return opts, {"on_duplicate": opts.on_duplicate, "valid_only": opts.valid_only, "suggest": opts.accept_suggestions}


def _mapping(headers: list[str], values) -> Mapping:
    if not any(k.startswith("col-") for k in values):
        return Mapping.detect(headers)
    columns = {}
    for i in range(len(headers)):
        f = values.get(f"col-{i}", "")
        if f in FIELDS:
            columns[i] = f
    return Mapping(list(headers), columns)


def _table(upload: ImportUpload):
    encoding = (upload.result or {}).get("encoding", "auto")
    sheet = (upload.result or {}).get("sheet") or None
    return load(storage().read(upload.storage_key), upload.filename, encoding=encoding, sheet=sheet)


@bp.route("/import", methods=["GET", "POST"])
@organizer_required
def start():
    form = UploadForm()
    if form.validate_on_submit():
        f = form.file.data
        data = f.read()
        encoding = form.encoding.data if form.encoding.data in ENCODINGS else "auto"
        try:
            load(data, f.filename or "", encoding=encoding, sheet=(form.sheet.data or "").strip() or None)
        except FileProblem as e:
            form.file.errors.append(message(e.code, e.params))
        else:
            upload = ImportUpload(user_id=current_user.id, storage_key=storage().save(data),
                                  filename=(f.filename or "")[:200], size=len(data),
                                  result={"encoding": encoding, "sheet": (form.sheet.data or "").strip()})
            db.session.add(upload)
            db.session.commit()
            return redirect(url_for("imports.review", upload_id=upload.id))
    return render_template("imports/start.html", form=form, formats=FORMATS)


@bp.route("/import/<int:upload_id>")
@organizer_required
def review(upload_id: int):
    upload = _upload(upload_id)
    if upload.imported_at is not None:
        return render_template("imports/done.html", upload=upload, result=upload.result.get("report", {}))
    try:
        table = _table(upload)
    except (FileProblem, OSError):
        flash(_("The uploaded file is no longer available; please upload it again."), "warning")
        return redirect(url_for("imports.start"))
    mapping = _mapping(table.headers, request.args)
    options, chosen = _options(request.args)
    plan = plan_import(table, mapping, options)
    db.session.rollback()
    result = report(plan, None, dry_run=True)
    return render_template("imports/review.html", upload=upload, table=table, mapping=mapping, result=result,
                           chosen=chosen, fields=FIELDS, field_labels=FIELD_LABELS, writable=plan.writable,
                           form=EmptyForm())


@bp.route("/import/<int:upload_id>/confirm", methods=["POST"])
@organizer_required
def confirm(upload_id: int):
    upload = _upload(upload_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        table = _table(upload)
    except (FileProblem, OSError):
        flash(_("The uploaded file is no longer available; please upload it again."), "warning")
        return redirect(url_for("imports.start"))
    mapping = _mapping(table.headers, request.form)
    options, _chosen = _options(request.form)
    now = utcnow()
    # Claimed in the import's own transaction: a second confirmation waits for the first, then finds it done.
    claimed = db.session.execute(sa.update(ImportUpload).where(
        ImportUpload.id == upload.id, ImportUpload.imported_at.is_(None)).values(imported_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        db.session.rollback()
        flash(_("This list has already been imported."), "info")
        return redirect(url_for("imports.review", upload_id=upload.id))
    plan = plan_import(table, mapping, options)
    if not plan.writable:
        db.session.rollback()
        flash(_("Nothing was imported: some rows have problems. Correct the file, or choose to import only "
                "the valid rows."), "danger")
        return redirect(url_for("imports.review", upload_id=upload.id,
                                **{k: v for k, v in request.form.items() if k != "csrf_token"}))
    counts = apply_plan(plan)
    result = report(plan, counts, dry_run=False)
    db.session.execute(sa.update(ImportUpload).where(ImportUpload.id == upload.id).values(
        result={**(upload.result or {}), "report": result}).execution_options(synchronize_session=False))
    db.session.commit()
    storage().delete(upload.storage_key)
    flash(_("Imported: %(created)d firms created, %(updated)d updated, %(skipped)d skipped.",
            created=result["created"], updated=result["updated"], skipped=result["skipped"]), "success")
    return redirect(url_for("imports.review", upload_id=upload.id))


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
        storage().delete(upload.storage_key)
        db.session.delete(upload)
    return len(old)
