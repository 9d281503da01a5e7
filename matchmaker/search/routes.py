"""Supplier search for buyers, and overseas contacts for firms that want to export or source abroad."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import locality, reference
from ..extensions import limiter
from ..formfields import options
from ..i18n import current_locale
from ..matching import Query
from ..security import firm_required
from .forms import DISTANCES, SupplierSearchForm
from .records import scoped
from .service import overseas_contacts, search_suppliers

bp = Blueprint("search", __name__)


def _search_limit() -> str:
    return current_app.config.get("MATCHMAKER_SEARCH_LIMIT", "60 per minute")


def _origin(city: str):
    """Where distances are measured from: the city typed, else the user's firm, else the home city."""
    if city:
        return reference.find_place(city, locality.home_country()) or reference.find_place(city, "")
    if current_user.is_authenticated and current_user.firm and current_user.firm.latitude is not None:
        f = current_user.firm
        return reference.Place(f.city, f.city, f.prefecture, "", f.country, f.latitude, f.longitude)
    return reference.find_place(current_app.config["MATCHMAKER_HOME_CITY"], current_app.config["MATCHMAKER_HOME_COUNTRY"])


@bp.route("/suppliers")
@limiter.limit(_search_limit)
def suppliers():
    loc = current_locale()
    form = SupplierSearchForm(request.args)
    form.distance.choices = options([("", _("Any distance"))] + [(d, _("within %(km)s km", km=d)) for d in DISTANCES if d])
    form.category.choices = options([("", _("All industries"))] + reference.industry_filter_choices(loc, request.args.get("category", "")))
    form.language.choices = options([("", _("Any language"))] + reference.language_choices(loc))
    form.scope.choices = options([("", _("Anywhere")), ("local", _("Local (near the city)")), ("domestic", _("Japan")),
                          ("overseas", _("Overseas"))])
    per_page = current_app.config["MATCHMAKER_PAGE_SIZE"]
    try:
        page = max(1, min(int(request.args.get("page", 1)), 50))
    except ValueError:
        page = 1
    hits, searched, origin, error = [], False, None, None
    text = " ".join((form.q.data or "").split())
    if form.validate() and text:
        searched = True
        city = (form.city.data or "").strip()
        origin = _origin(city)
        if city and origin is None:
            error = _("Unknown place: %(city)s. Distances are measured from your firm or the city instead.", city=city)
            origin = _origin("")
        query = scoped(Query(
            text=text, city=origin.name if origin else None, country=origin.country if origin else locality.home_country(),
            lat=origin.lat if origin else None, lon=origin.lon if origin else None,
            required_certifications=[form.certification.data.strip()] if form.certification.data else [],
            languages_filter=[form.language.data] if form.language.data else None,
            exclude_owner=str(current_user.firm_id) if current_user.is_authenticated and current_user.firm_id else None,
        ), form.scope.data, float(form.distance.data) if form.distance.data else None)
        hits = search_suppliers(query, top=page * per_page + 1, industry=form.category.data or "")
    has_next = len(hits) > page * per_page
    hits = hits[(page - 1) * per_page: page * per_page]
    return render_template("search/suppliers.html", form=form, hits=hits, searched=searched, page=page,
                           has_next=has_next, origin=origin, error=error)


@bp.route("/overseas")
@firm_required
def overseas():
    firm = current_user.firm
    if firm is None:
        abort(403)
    hits = overseas_contacts(firm, top=20)
    return render_template("search/overseas.html", firm=firm, hits=hits)
