"""The firm directory, firm pages, profile editing and the firm's dashboard."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import reference
from ..extensions import db
from ..formfields import options, page_number
from ..forms import EmptyForm
from ..i18n import current_locale
from ..models import Firm, Need, Offering, utcnow
from ..security import get_or_404, require_own_firm
from ..search.service import needs_for_firm, suppliers_for_need
from .forms import DirectoryForm, FirmForm
from .service import apply_location, city_error, directory_filters

bp = Blueprint("firms", __name__)


@bp.route("/")
def directory():
    loc = current_locale()
    form = DirectoryForm(request.args)
    form.industry.choices = options([("", _("All industries"))] + reference.industry_choices(loc, levels=("major", "middle", "minor")))
    form.language.choices = options([("", _("Any language"))] + reference.language_choices(loc))
    form.area.choices = options([("", _("Anywhere")), ("local", _("Local (near the city)")), ("domestic", _("Japan")),
                         ("overseas", _("Overseas"))])
    query = sa.select(Firm).where(Firm.public())
    if form.validate():
        query = directory_filters(query, q=form.q.data, city=form.city.data, industry=form.industry.data,
                                  certification=form.certification.data, language=form.language.data,
                                  area=form.area.data)
    query = query.order_by(Firm.updated_at.desc(), Firm.id.desc())
    page = db.paginate(query, per_page=current_app.config["MATCHMAKER_PAGE_SIZE"], page=page_number(), error_out=False, max_per_page=100)
    return render_template("firms/directory.html", form=form, page=page)


@bp.route("/<int:firm_id>")
def view(firm_id: int):
    firm = get_or_404(Firm, firm_id)
    if not firm.is_public and not _may_see_unlisted(firm):
        abort(404)
    offerings = [o for o in firm.offerings if o.is_open]
    needs = [n for n in firm.needs if n.is_open]
    can_edit = current_user.is_authenticated and current_user.can_edit_firm(firm)
    return render_template("firms/view.html", firm=firm, offerings=offerings, needs=needs, can_edit=can_edit)


@bp.route("/<int:firm_id>/edit", methods=["GET", "POST"])
@login_required
def edit(firm_id: int):
    firm = get_or_404(Firm, firm_id)
    require_own_firm(firm.id)
    loc = current_locale()
    form = FirmForm(obj=firm)
    form.country.choices = options(reference.country_choices(loc))
    form.industries.choices = options(reference.industry_choices(loc))
    languages = reference.language_choices(loc)
    for code in firm.languages:  # keep any language the firm already has
        if code not in dict(languages):
            languages.append((code, reference.language_name(code, loc)))
    form.languages.choices = options(languages)
    if form.validate_on_submit():
        problem = city_error(form.city.data, form.country.data)
        if problem:
            form.city.errors.append(problem)
        else:
            for field in ("name", "name_en", "name_kana", "description_ja", "description_en", "website", "country",
                          "prefecture", "city", "address", "employees", "founded_year", "overseas_interest"):
                value = getattr(form, field).data
                setattr(firm, field, value.strip() if isinstance(value, str) else value)
            firm.latitude, firm.longitude = form.latitude.data, form.longitude.data
            firm.industries = form.industries.data
            firm.tags = form.tags.data
            firm.equipment = form.equipment.data
            firm.certifications = form.certifications.data
            firm.languages = form.languages.data
            apply_location(firm, keep_coordinates=form.latitude.data is not None)
            firm.updated_at = utcnow()
            db.session.commit()
            flash(_("Your company profile has been saved."), "success")
            return redirect(url_for("firms.view", firm_id=firm.id))
    return render_template("firms/edit.html", form=form, firm=firm, tag_suggestions=capability_suggestions(loc))


@bp.route("/mine")
@login_required
def dashboard():
    if current_user.firm is None:
        if current_user.is_organizer:
            return redirect(url_for("main.index"))
        abort(403)
    firm = current_user.firm
    percent, missing = firm.completeness()
    offerings = db.session.scalars(sa.select(Offering).where(Offering.firm_id == firm.id)
                                   .order_by(Offering.status, Offering.created_at.desc())).all()
    needs = db.session.scalars(sa.select(Need).where(Need.firm_id == firm.id)
                               .order_by(Need.status.desc(), Need.created_at.desc())).all()
    answerable = needs_for_firm(firm, top=6)
    suppliers = {n.id: suppliers_for_need(n, top=3).hits for n in needs if n.is_open}
    return render_template("firms/dashboard.html", firm=firm, percent=percent, missing=missing,
                           offerings=offerings, needs=needs, answerable=answerable, suppliers=suppliers,
                           verify_form=EmptyForm())


def _may_see_unlisted(firm: Firm) -> bool:
    """A firm not listed (yet, or any more) is seen by its own members and, unless deleted, by the city's staff."""
    if not current_user.is_authenticated:
        return False
    return current_user.firm_id == firm.id or (current_user.is_organizer and firm.deleted_at is None)


def capability_suggestions(locale: str) -> list[str]:
    from ..capabilities import labels

    return labels(locale)
