"""A firm's logo, photos and catalogue: the page where its members manage them."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import StringField, SubmitField
from wtforms.validators import Length, Optional

from ..extensions import db
from ..files import media
from ..files.checks import UploadError
from ..files.models import FirmMedia
from ..files.service import uploaded
from ..formfields import no_control_chars
from ..forms import EmptyForm
from ..models import Firm, utcnow
from ..security import get_or_404, require_own_firm
from .routes import bp

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"


class LogoForm(FlaskForm):
    logo = FileField(_l("Logo"), validators=[FileRequired(_l("Choose an image file."))],
                     render_kw={"accept": IMAGE_ACCEPT})
    submit_logo = SubmitField(_l("Upload the logo"))


class PhotosForm(FlaskForm):
    photos = MultipleFileField(_l("Photos"), render_kw={"accept": IMAGE_ACCEPT})
    caption = StringField(_l("Caption (optional)"), validators=[Optional(), Length(max=200), no_control_chars])
    submit_photos = SubmitField(_l("Add the photos"))


class CatalogueForm(FlaskForm):
    catalogue = FileField(_l("Catalogue (PDF)"), validators=[FileRequired(_l("Choose a PDF file."))],
                          render_kw={"accept": "application/pdf,.pdf"})
    submit_catalogue = SubmitField(_l("Upload the catalogue"))


def _page(firm: Firm, status: int = 200, **forms):
    forms.setdefault("logo_form", LogoForm())
    forms.setdefault("photos_form", PhotosForm())
    forms.setdefault("catalogue_form", CatalogueForm())
    return render_template("firms/media.html", firm=firm, media=media.of_firm(firm.id), limits=media.limits(),
                           delete_form=EmptyForm(), **forms), status


def _own_firm(firm_id: int) -> Firm:
    firm = get_or_404(Firm, firm_id)
    require_own_firm(firm.id)
    return firm


def _store(firm: Firm, form, field, action) -> bool:
    """Run one upload; False (and the message on the field) when it is refused. Nothing is half-saved."""
    try:
        action()
        firm.updated_at = utcnow()
        db.session.commit()
        return True
    except UploadError as e:
        db.session.rollback()
        field.errors = list(field.errors or []) + [str(e)]
        return False


@bp.route("/<int:firm_id>/media")
@login_required
def media_page(firm_id: int):
    return _page(_own_firm(firm_id))


@bp.route("/<int:firm_id>/media/logo", methods=["POST"])
@login_required
def upload_logo(firm_id: int):
    firm = _own_firm(firm_id)
    form = LogoForm()
    if form.validate_on_submit():
        f = form.logo.data
        if _store(firm, form, form.logo, lambda: media.add_images(firm.id, "logo", [(f.filename or "", f.read())])):
            flash(_("The logo has been saved."), "success")
            return redirect(url_for("firms.media_page", firm_id=firm.id))
    return _page(firm, 200, logo_form=form)


@bp.route("/<int:firm_id>/media/photos", methods=["POST"])
@login_required
def upload_photos(firm_id: int):
    firm = _own_firm(firm_id)
    form = PhotosForm()
    if form.validate_on_submit():
        files = uploaded(form.photos.data)
        if not files:
            form.photos.errors = [_("Choose one or more image files.")]
        elif _store(firm, form, form.photos, lambda: media.add_images(
                firm.id, "photo", [(f.filename or "", f.read()) for f in files], (form.caption.data or "").strip())):
            flash(_("%(n)d photos added.", n=len(files)) if len(files) > 1 else _("The photo has been added."), "success")
            return redirect(url_for("firms.media_page", firm_id=firm.id))
    return _page(firm, 200, photos_form=form)


@bp.route("/<int:firm_id>/media/catalogue", methods=["POST"])
@login_required
def upload_catalogue(firm_id: int):
    firm = _own_firm(firm_id)
    form = CatalogueForm()
    if form.validate_on_submit():
        f = form.catalogue.data
        if _store(firm, form, form.catalogue, lambda: media.set_catalogue(firm.id, f.filename or "", f.read())):
            flash(_("The catalogue has been saved."), "success")
            return redirect(url_for("firms.media_page", firm_id=firm.id))
    return _page(firm, 200, catalogue_form=form)


@bp.route("/<int:firm_id>/media/<int:media_id>/delete", methods=["POST"])
@login_required
def delete_media(firm_id: int, media_id: int):
    firm = _own_firm(firm_id)
    row = db.session.get(FirmMedia, media_id)
    if EmptyForm().validate_on_submit() and row is not None and row.firm_id == firm.id:
        media.remove(row)
        firm.updated_at = utcnow()
        db.session.commit()
        flash(_("Deleted."), "success")
    elif row is None or row.firm_id != firm.id:
        db.session.rollback()
        flash(_("This picture or file no longer exists."), "info")
    return redirect(url_for("firms.media_page", firm_id=firm.id))
