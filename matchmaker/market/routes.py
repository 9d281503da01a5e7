"""Offerings (what a firm sells or can make) and needs (what it wants to buy): browse, create, edit, close, delete.

Both kinds share one set of views, parameterised by a `Kind` (model, form, the status that
counts as open), so the rules (ownership, confirmation, one transaction) live in one place.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import reference
from ..capabilities import certification_labels
from .. import idempotency
from ..extensions import db
from ..paging import paginate
from ..firms.routes import capability_suggestions
from ..formfields import clean_query, like_pattern, options
from ..forms import EmptyForm
from ..i18n import current_locale
from ..models import Firm, Need, Offering
from ..security import firm_required, get_or_404, require_own_firm, verified_required
from ..search.service import needs_for_offering, suppliers_for_need
from .forms import NeedForm, OfferingForm

bp = Blueprint("market", __name__)


@dataclass(frozen=True)
class Kind:
    name: str  # offering | need
    model: type
    form: type
    open_status: str
    statuses: tuple[str, ...]
    fields: tuple[str, ...]


OFFERING = Kind("offering", Offering, OfferingForm, "active", ("active", "closed"),
                ("title", "description", "categories", "tags"))
NEED = Kind("need", Need, NeedForm, "open", ("open", "closed", "fulfilled"),
            ("title", "description", "categories", "tags", "quantity", "delivery_date", "budget_min", "budget_max",
             "required_certifications", "supplier_scope"))
KINDS = {"offerings": OFFERING, "needs": NEED}


def _kind(kinds: str) -> Kind:
    kind = KINDS.get(kinds)
    if kind is None:
        abort(404)
    return kind


def _visible(kind: Kind, item) -> None:
    """Closed items, and those of firms not listed, are shown to their own firm only."""
    owner = current_user.is_authenticated and current_user.firm_id == item.firm_id
    if (item.status != kind.open_status or not item.firm.is_public) and not owner:
        abort(404)


def _prepare(form, loc: str) -> None:
    form.categories.choices = reference.industry_select_choices(loc, form.categories.data)


@bp.route("/<any(offerings, needs):kinds>/")
def browse(kinds: str):
    kind = _kind(kinds)
    q = clean_query(request.args.get("q"))
    query = (sa.select(kind.model).join(Firm, Firm.id == kind.model.firm_id)
             .where(kind.model.status == kind.open_status, Firm.public())
             .options(so.selectinload(kind.model.firm)))
    if q:
        like = like_pattern(q)
        query = query.where(sa.or_(kind.model.title.ilike(like, escape="\\"), kind.model.description.ilike(like, escape="\\")))
    query = query.order_by(kind.model.created_at.desc(), kind.model.id.desc())
    page = paginate(query, per_page=current_app.config["MATCHMAKER_PAGE_SIZE"])
    return render_template("market/browse.html", kind=kind, kinds=kinds, page=page, q=q)


@bp.route("/<any(offerings, needs):kinds>/<int:item_id>")
def view(kinds: str, item_id: int):
    kind = _kind(kinds)
    item = get_or_404(kind.model, item_id)
    _visible(kind, item)
    own = current_user.is_authenticated and current_user.firm_id == item.firm_id
    recommendations = teams = None
    if item.status == kind.open_status and (own or (current_user.is_authenticated and current_user.is_organizer)):
        # Suppliers for a need, or open needs an offering can answer: for the owner (and organizers).
        recommendations = suppliers_for_need(item) if kind is NEED else needs_for_offering(item)
        if kind is NEED:
            from ..search.teams import teams_for_need

            teams = teams_for_need(item)  # None unless several parts and no single firm does them all
    rfqs = []
    if kind is NEED and own:
        from ..rfq.models import Rfq

        rfqs = db.session.scalars(sa.select(Rfq).where(Rfq.need_id == item.id).order_by(Rfq.created_at.desc())).all()
    return render_template(f"market/{kind.name}.html", kind=kind, kinds=kinds, item=item, own=own,
                           action_form=EmptyForm(), recommendations=recommendations, rfqs=rfqs,
                           teams=teams)


@bp.route("/<any(offerings, needs):kinds>/new", methods=["GET", "POST"])
@firm_required
@verified_required
def create(kinds: str):
    kind = _kind(kinds)
    return _edit_form(kind, kinds, None)


@bp.route("/<any(offerings, needs):kinds>/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit(kinds: str, item_id: int):
    kind = _kind(kinds)
    item = get_or_404(kind.model, item_id)
    require_own_firm(item.firm_id)
    return _edit_form(kind, kinds, item)


def _edit_form(kind: Kind, kinds: str, item):
    """Create (item None) or edit a listing of the signed-in user's firm; one commit. Posting the same
    creating form twice (double click, two tabs, a retry) creates one listing."""
    form = kind.form(obj=item)
    _prepare(form, current_locale())
    if form.validate_on_submit():
        submission = form.submission.data if item is None else None
        if submission:
            done = idempotency.already_done(submission, current_user.id)
            if done is not None:
                return _already_created(done, kinds)
        if item is None:
            item = kind.model(firm_id=current_user.firm_id, status=kind.open_status)
            db.session.add(item)
        for name in kind.fields:
            getattr(form, name).populate_obj(item, name)
        if submission:
            done = idempotency.create_once(submission, current_user.id,
                                           lambda: url_for("market.view", kinds=kinds, item_id=item.id))
            if done is not None:
                return _already_created(done, kinds)
        else:
            db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("market.view", kinds=kinds, item_id=item.id))
    return render_template("market/edit.html", kind=kind, kinds=kinds, form=form, item=item,
                           tag_suggestions=capability_suggestions(current_locale()),
                           cert_suggestions=certification_labels())


def _already_created(target: str, kinds: str):
    flash(_("This form was already sent; it was saved once."), "info")
    return redirect(target or url_for("market.browse", kinds=kinds))


@bp.route("/<any(offerings, needs):kinds>/<int:item_id>/status", methods=["POST"])
@login_required
def set_status(kinds: str, item_id: int):
    kind = _kind(kinds)
    item = get_or_404(kind.model, item_id)
    require_own_firm(item.firm_id)
    form = EmptyForm()
    status = request.form.get("status", "")
    if not form.validate_on_submit() or status not in kind.statuses:
        abort(400)
    item.status = status
    db.session.commit()
    flash(_("The status has been updated."), "success")
    return redirect(url_for("market.view", kinds=kinds, item_id=item.id))


@bp.route("/<any(offerings, needs):kinds>/<int:item_id>/delete", methods=["GET", "POST"])
@login_required
def delete(kinds: str, item_id: int):
    kind = _kind(kinds)
    item = get_or_404(kind.model, item_id)
    require_own_firm(item.firm_id)
    form = EmptyForm()
    if form.validate_on_submit():
        db.session.delete(item)
        db.session.commit()
        flash(_("Deleted."), "success")
        return redirect(url_for("firms.dashboard"))
    return render_template("market/delete.html", kind=kind, kinds=kinds, item=item, form=form)
