"""Administration: accounts and roles (admins), and the city's indicators of local trade (organizers)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import reference
from ..extensions import db
from ..formfields import clean_query, like_pattern, page_number
from ..forms import EmptyForm
from ..models import ROLES, Firm, Need, Offering, User
from ..security import admin_required, get_or_404, organizer_required

bp = Blueprint("admin", __name__)


@bp.route("/users")
@admin_required
def users():
    q = clean_query(request.args.get("q"))
    query = sa.select(User).order_by(User.role.desc(), User.email)
    if q:
        query = query.where(sa.or_(User.email.ilike(like_pattern(q), escape="\\"), User.name.ilike(like_pattern(q), escape="\\")))
    page = db.paginate(query, per_page=50, page=page_number(), error_out=False)
    return render_template("admin/users.html", page=page, q=q, roles=ROLES, form=EmptyForm())


@bp.route("/users/<int:user_id>", methods=["POST"])
@admin_required
def update_user(user_id: int):
    user = get_or_404(User, user_id)
    form = EmptyForm()
    role = request.form.get("role", user.role)
    active = request.form.get("active", "1" if user.active else "0") == "1"
    if not form.validate_on_submit() or role not in ROLES:
        abort(400)
    if user.id == current_user.id and (role != "admin" or not active):
        flash(_("You cannot remove your own admin role or deactivate yourself."), "danger")
        return redirect(url_for("admin.users"))
    if role == "member" and user.firm_id is None:
        flash(_("A member must belong to a firm; this account has none."), "danger")
        return redirect(url_for("admin.users"))
    user.role, user.active = role, active
    db.session.commit()
    flash(_("Account %(email)s updated.", email=user.email), "success")
    return redirect(url_for("admin.users", q=request.args.get("q", "")))


@bp.route("/users/<int:user_id>/delete", methods=["GET", "POST"])
@admin_required
def delete_user(user_id: int):
    """An admin deletes an account (a person who asked, or abuse); the firm stays."""
    from ..accounts.service import delete_user as delete

    user = get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("Delete your own account from your account settings."), "danger")
        return redirect(url_for("admin.users"))
    form = EmptyForm()
    if form.validate_on_submit():
        email = user.email
        delete(user)
        db.session.commit()
        flash(_("Account %(email)s deleted.", email=email), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/confirm_delete.html", form=form, what="user", user=user, firm=None)


@bp.route("/firms/<int:firm_id>/delete", methods=["GET", "POST"])
@admin_required
def delete_firm(firm_id: int):
    """An admin deletes a firm with its listings and its members' accounts (anonymised where others need it)."""
    from ..accounts.service import delete_firm as delete

    firm = get_or_404(Firm, firm_id)
    if firm.deleted_at is not None:
        abort(404)
    if current_user.firm_id == firm.id:
        flash(_("Delete your own firm from your account settings."), "danger")
        return redirect(url_for("firms.view", firm_id=firm.id))
    form = EmptyForm()
    if form.validate_on_submit():
        name = firm.name
        delete(firm)
        db.session.commit()
        flash(_("%(name)s and its listings have been deleted.", name=name), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/confirm_delete.html", form=form, what="firm", user=None, firm=firm)


@bp.route("/indicators")
@organizer_required
def indicators():
    """Indicators of local trade: where the firms are, and whether needs can be met locally."""
    from .. import locality

    local = locality.local_city_names()
    firms = db.session.execute(sa.select(Firm.id, Firm.city, Firm.country)).all()
    local_ids = {f.id for f in firms if f.country == "JP" and f.city in local}
    counts = {
        "firms": len(firms),
        "local": len(local_ids),
        "domestic": sum(1 for f in firms if f.country == "JP") - len(local_ids),
        "overseas": sum(1 for f in firms if f.country != "JP"),
    }
    needs = db.session.execute(sa.select(Need.id, Need.firm_id, Need.status, Need.supplier_scope)).all()
    offerings_open = db.session.scalar(sa.select(sa.func.count(Offering.id)).where(Offering.status == "active")) or 0
    by_status = {s: sum(1 for n in needs if n.status == s) for s in ("open", "closed", "fulfilled")}
    by_scope = {s: sum(1 for n in needs if n.status == "open" and n.supplier_scope == s)
                for s in ("local", "domestic", "overseas", "anywhere")}
    local_open = [n for n in needs if n.status == "open" and n.firm_id in local_ids]
    industries: dict[str, int] = {}
    for code, in db.session.execute(sa.text("SELECT value FROM firm_facets WHERE kind = 'industry'")):
        path = reference.industry_path(code)
        key = path[1].code if len(path) > 1 else code
        industries[key] = industries.get(key, 0) + 1
    top_industries = sorted(industries.items(), key=lambda kv: -kv[1])[:12]
    return render_template("admin/indicators.html", counts=counts, by_status=by_status, by_scope=by_scope,
                           local_open=len(local_open), offerings_open=offerings_open, top_industries=top_industries,
                           home=current_app.config["MATCHMAKER_HOME_CITY"],
                           radius=current_app.config.get("MATCHMAKER_LOCAL_RADIUS_KM", 30))
