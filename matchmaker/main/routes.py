"""Home page and the site's general pages."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template

from .. import locality
from ..extensions import db
from ..models import Firm, Need, Offering

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    needs = db.session.scalars(sa.select(Need).where(Need.status == "open").order_by(Need.created_at.desc(), Need.id.desc()).limit(6)).all()
    offerings = db.session.scalars(sa.select(Offering).where(Offering.status == "active").order_by(Offering.created_at.desc(), Offering.id.desc()).limit(6)).all()
    stats = {
        "firms": db.session.scalar(sa.select(sa.func.count(Firm.id))) or 0,
        "japan_firms": db.session.scalar(sa.select(sa.func.count(Firm.id)).where(Firm.country == locality.home_country())) or 0,
        "open_needs": db.session.scalar(sa.select(sa.func.count(Need.id)).where(Need.status == "open")) or 0,
        "offerings": db.session.scalar(sa.select(sa.func.count(Offering.id)).where(Offering.status == "active")) or 0,
    }
    return render_template("main/index.html", needs=needs, offerings=offerings, stats=stats)


@bp.route("/about")
def about():
    return render_template("main/about.html")


@bp.route("/healthz")
def healthz():
    db.session.execute(sa.text("SELECT 1"))
    return {"ok": True}
