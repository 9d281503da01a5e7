"""The firm directory, firm pages, profile editing and the firm's dashboard."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import reference
from ..extensions import db
from ..files.media import of_firm as media_of_firm
from ..formfields import options
from ..forms import EmptyForm
from ..i18n import current_locale
from ..models import Firm, Need, Offering, utcnow
from ..paging import paginate
from ..security import get_or_404, organizer_required, require_own_firm
from ..search.service import needs_for_firm, suppliers_for_need
from .forms import DirectoryForm, FirmForm
from .freshness import confirm, is_stale
from .service import apply_location, city_error, directory_filters, has_own_coordinates
from .verification import audit_log, set_verified

bp = Blueprint("firms", __name__)


@bp.route("/")
def directory():
    loc = current_locale()
    form = DirectoryForm(request.args)
    form.industry.choices = options([("", _("All industries"))] + reference.industry_filter_choices(loc, request.args.get("industry", "")))
    form.language.choices = options([("", _("Any language"))] + reference.language_choices(loc))
    form.area.choices = options([("", _("Anywhere")), ("local", _("Local (near the city)")), ("domestic", _("Japan")),
                         ("overseas", _("Overseas"))])
    query = sa.select(Firm).where(Firm.public())
    if form.validate():
        query = directory_filters(query, q=form.q.data, city=form.city.data, industry=form.industry.data,
                                  certification=form.certification.data, language=form.language.data,
                                  area=form.area.data, verified=bool(form.verified.data))
    query = query.order_by(Firm.updated_at.desc(), Firm.id.desc())
    page = paginate(query, per_page=current_app.config["MATCHMAKER_PAGE_SIZE"])
    return render_template("firms/directory.html", form=form, page=page)


@bp.route("/<int:firm_id>")
def view(firm_id: int):
    firm = get_or_404(Firm, firm_id)
    if not firm.is_public and not _may_see_unlisted(firm):
        abort(404)
    offerings = [o for o in firm.offerings if o.is_open]
    needs = [n for n in firm.needs if n.is_open]
    can_edit = current_user.is_authenticated and current_user.can_edit_firm(firm)
    contacts = sorted((m for m in firm.members if m.is_contact and m.active), key=lambda m: m.id)
    organizer = current_user.is_authenticated and current_user.is_organizer
    return render_template("firms/view.html", firm=firm, offerings=offerings, needs=needs, can_edit=can_edit,
                           media=media_of_firm(firm.id), contacts=contacts,
                           audit=audit_log(firm) if organizer else [], action_form=EmptyForm(),
                           stale=is_stale(firm))


@bp.route("/<int:firm_id>/verify", methods=["POST"])
@organizer_required
def verify(firm_id: int):
    """Mark the firm verified (verified=1) or take the mark back (verified=0); logged with who and when."""
    firm = get_or_404(Firm, firm_id)
    form = EmptyForm()
    if not form.validate_on_submit() or firm.deleted_at is not None:
        abort(400)
    verified = request.form.get("verified") == "1"
    if set_verified(firm, current_user, verified):
        db.session.commit()
        flash(_("%(name)s is marked verified.", name=firm.name) if verified
              else _("The verified mark of %(name)s was removed.", name=firm.name), "success")
    return redirect(url_for("firms.view", firm_id=firm.id))


@bp.route("/<int:firm_id>/confirm", methods=["POST"])
@login_required
def confirm_profile(firm_id: int):
    """A member confirms that the profile is still right."""
    firm = get_or_404(Firm, firm_id)
    require_own_firm(firm.id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    confirm(firm)
    db.session.commit()
    flash(_("Thank you: the profile is marked as confirmed today."), "success")
    return redirect(url_for("firms.dashboard"))


@bp.route("/<int:firm_id>/edit", methods=["GET", "POST"])
@login_required
def edit(firm_id: int):
    firm = get_or_404(Firm, firm_id)
    require_own_firm(firm.id)
    loc = current_locale()
    members = sorted((m for m in firm.members if m.active), key=lambda m: m.id)
    form = FirmForm(obj=firm, data=None if request.method == "POST" else {
        "contacts": [{"user_id": m.id, "shown": m.is_contact, "department": m.department} for m in members]})
    if not form.is_submitted() and not has_own_coordinates(firm):
        # The position comes from the municipality: the fine adjustment starts empty, so a new
        # municipality moves it too.
        form.latitude.data = form.longitude.data = None
    form.country.choices = options(reference.country_choices(loc))
    form.industries.choices = reference.industry_select_choices(loc, form.industries.data)
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
            by_id = {m.id: m for m in members}
            for entry in form.contacts.entries:
                member = by_id.get(entry.form.user_id.data)  # only this firm's members, whatever is posted
                if member is not None:
                    member.is_contact = bool(entry.form.shown.data)
                    member.department = (entry.form.department.data or "").strip()
            firm.updated_at = firm.confirmed_at = utcnow()
            db.session.commit()
            flash(_("Your company profile has been saved."), "success")
            return redirect(url_for("firms.view", firm_id=firm.id))
    names = {m.id: m.name for m in members}
    return render_template("firms/edit.html", form=form, firm=firm, tag_suggestions=capability_suggestions(loc),
                           member_names=names)


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
    from ..search.teams import partner_needs_for_firm

    with_partner = partner_needs_for_firm(firm)
    suppliers = {n.id: suppliers_for_need(n, top=3).hits for n in needs if n.is_open}
    return render_template("firms/dashboard.html", firm=firm, percent=percent, missing=missing,
                           offerings=offerings, needs=needs, answerable=answerable, suppliers=suppliers,
                           with_partner=with_partner,
                           verify_form=EmptyForm(), stale=is_stale(firm))


def _may_see_unlisted(firm: Firm) -> bool:
    """A firm not listed (yet, or any more) is seen by its own members and, unless deleted, by the city's staff."""
    if not current_user.is_authenticated:
        return False
    return current_user.firm_id == firm.id or (current_user.is_organizer and firm.deleted_at is None)


def capability_suggestions(locale: str) -> list[str]:
    from ..capabilities import labels

    return labels(locale)
