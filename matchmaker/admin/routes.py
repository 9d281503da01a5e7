"""Administration: accounts and roles (admins). The city's indicators of local trade are in indicators/."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..formfields import clean_query, like_pattern, page_number
from ..forms import EmptyForm
from ..models import ROLES, Firm, User
from ..security import admin_required, get_or_404

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
    if user.active and not active:  # a deactivated account is signed out everywhere at once
        from ..accounts.sessions import end_all

        end_all(user.id)
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
