"""The notifications page, marking them read, and which ones come by mail."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..formfields import page_number, parse_id
from ..forms import EmptyForm
from ..i18n import current_locale
from . import service
from .models import Notification
from .texts import GROUPS, text

bp = Blueprint("notifications", __name__)


@bp.app_template_global()
def unread_notifications() -> int:
    """The signed-in user's unread notifications (the navigation bar shows the count)."""
    if not current_user.is_authenticated:
        return 0
    return service.unread_count(current_user)


@bp.route("/")
@login_required
def index():
    page = db.paginate(service.for_user(current_user).order_by(Notification.created_at.desc(), Notification.id.desc()),
                       per_page=current_app.config["MATCHMAKER_PAGE_SIZE"], page=page_number(), error_out=False)
    loc = current_locale()
    items = [{"n": n, "text": text(n.key, n.params, loc)} for n in page.items]
    return render_template("notifications/list.html", page=page, items=items, form=EmptyForm())


@bp.route("/read", methods=["POST"])
@login_required
def read():
    """Mark one (id=) or all as read; for one of the user's own, go to its page. Another user's id, a
    missing one and a malformed one all answer the same way, so nothing about them can be learnt."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    raw = request.form.get("id")
    one = parse_id(raw) if raw not in (None, "") else None
    if raw not in (None, "") and one is None:
        return redirect(url_for("notifications.index"))
    n = service.mark_read(current_user, one)
    db.session.commit()
    if one is not None:
        if n is not None and n.link.startswith("/") and not n.link.startswith("//"):
            return redirect(n.link)
        return redirect(url_for("notifications.index"))
    flash(_("Marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = EmptyForm()
    if form.validate_on_submit():
        service.set_email_settings(current_user, {g: request.form.get(g) == "1" for g in GROUPS})
        db.session.commit()
        flash(_("Your mail settings have been saved."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form, groups=GROUPS,
                           chosen=service.email_settings(current_user))
