"""A firm's deals, and the buyer's answer to the follow-up question (delivered? more business?)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..formfields import page_number
from ..forms import EmptyForm
from ..models import utcnow
from ..security import firm_required, get_or_404
from . import service
from .models import Deal

bp = Blueprint("deals", __name__)


@bp.route("/")
@firm_required
def index():
    page = db.paginate(service.for_firm(current_user.firm_id), per_page=current_app.config["MATCHMAKER_PAGE_SIZE"],
                       page=page_number(), error_out=False)
    return render_template("deals/index.html", page=page)


@bp.route("/<int:deal_id>", methods=["GET", "POST"])
@firm_required
def view(deal_id: int):
    deal = get_or_404(Deal, deal_id)
    if current_user.firm_id not in (deal.buyer_firm_id, deal.supplier_firm_id):
        abort(404)
    form = EmptyForm()
    if request.method == "POST":
        if current_user.firm_id != deal.buyer_firm_id or not form.validate_on_submit():
            abort(403)
        answers = {k: request.form.get(k) for k in ("delivered", "repeat_business")}
        if any(v not in ("yes", "no") for v in answers.values()):
            flash(_("Please answer both questions."), "danger")
        else:
            deal.delivered = answers["delivered"] == "yes"
            deal.repeat_business = answers["repeat_business"] == "yes"
            deal.followup_note = (request.form.get("note") or "").strip()[:2000]
            deal.followup_answered_at = utcnow()
            db.session.commit()
            flash(_("Thank you. Your answer helps the city see what local trade leads to."), "success")
            return redirect(url_for("deals.view", deal_id=deal.id))
    return render_template("deals/view.html", deal=deal, form=form)
