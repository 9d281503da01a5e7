"""Terms of use, privacy policy and operator contact: read by everyone, edited by admins (each save
is a new version; earlier versions stay readable)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..extensions import db
from ..formfields import no_control_chars, parse_id
from ..i18n import current_locale
from ..security import admin_required
from . import service
from .models import DOCUMENT_KINDS

bp = Blueprint("legal", __name__)

KIND_PATTERN = "<any(" + ", ".join(DOCUMENT_KINDS) + "):kind>"


class DocumentForm(FlaskForm):
    title_ja = StringField(_l("Title (Japanese)"), validators=[DataRequired(), Length(max=200), no_control_chars])
    title_en = StringField(_l("Title (English)"), validators=[DataRequired(), Length(max=200), no_control_chars])
    body_ja = TextAreaField(_l("Text (Japanese)"), validators=[DataRequired(), Length(max=50_000), no_control_chars])
    body_en = TextAreaField(_l("Text (English)"), validators=[DataRequired(), Length(max=50_000), no_control_chars])
    submit = SubmitField(_l("Save as a new version"))


@bp.route("/" + KIND_PATTERN)
def page(kind: str):
    doc = service.current(kind)
    asked = request.args.get("version")
    if asked is not None:
        number = parse_id(asked)
        doc = service.version(kind, number) if number else None
        if doc is None:
            abort(404)
    latest = service.current(kind).version
    return render_template("legal/page.html", doc=doc, latest=latest, body=service.render(doc.body(current_locale())))


@bp.route("/" + KIND_PATTERN + "/edit", methods=["GET", "POST"])
@admin_required
def edit(kind: str):
    doc = service.current(kind)
    form = DocumentForm(data={"title_ja": doc.title_ja, "title_en": doc.title_en, "body_ja": doc.body_ja,
                              "body_en": doc.body_en})
    if form.validate_on_submit():
        fields = {f: getattr(form, f).data.strip() for f in ("title_ja", "title_en", "body_ja", "body_en")}
        try:
            saved = service.save(kind, user=current_user, **fields)
            db.session.commit()
        except IntegrityError:  # another admin saved a version at the same moment
            db.session.rollback()
            flash(_("Someone saved this document at the same time. Here is their version; make your change again."),
                  "warning")
            return redirect(url_for("legal.edit", kind=kind))
        if saved is None:
            flash(_("Nothing changed, so no new version was saved."), "info")
        else:
            flash(_("Saved as version %(n)d.", n=saved.version), "success")
        return redirect(url_for("legal.edit", kind=kind))
    return render_template("legal/edit.html", form=form, doc=doc, kind=kind, versions=service.versions(kind),
                           kinds=DOCUMENT_KINDS)
