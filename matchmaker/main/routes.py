"""Home page and the site's general pages."""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, abort, current_app, g, render_template, request

from .. import locality, reference
from ..extensions import db
from ..models import ChangeLog, Firm, Need, Offering

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    needs = db.session.scalars(sa.select(Need).where(Need.status == "open").options(so.selectinload(Need.firm))
                               .order_by(Need.created_at.desc(), Need.id.desc()).limit(6)).all()
    offerings = db.session.scalars(sa.select(Offering).where(Offering.status == "active")
                                   .options(so.selectinload(Offering.firm))
                                   .order_by(Offering.created_at.desc(), Offering.id.desc()).limit(6)).all()
    return render_template("main/index.html", needs=needs, offerings=offerings, stats=_stats())


_stats_cache: dict[str, tuple[int, dict[str, int]]] = {}  # database URL -> (change-log position, counts)


def _stats() -> dict[str, int]:
    """The home page's four counts, counted again only when matchable data changed (every change to
    firms, offerings and needs writes a change-log row): one indexed max() per request otherwise."""
    position = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(ChangeLog.id), 0)))
    key = str(db.engine.url)
    hit = _stats_cache.get(key)
    if hit is not None and hit[0] == position:
        return hit[1]
    stats = {
        "firms": db.session.scalar(sa.select(sa.func.count(Firm.id))) or 0,
        "japan_firms": db.session.scalar(sa.select(sa.func.count(Firm.id)).where(Firm.country == locality.home_country())) or 0,
        "open_needs": db.session.scalar(sa.select(sa.func.count(Need.id)).where(Need.status == "open")) or 0,
        "offerings": db.session.scalar(sa.select(sa.func.count(Offering.id)).where(Offering.status == "active")) or 0,
    }
    if len(_stats_cache) > 8:  # bounded: one entry per database the process serves
        _stats_cache.clear()
    _stats_cache[key] = (position, stats)
    return stats


@bp.route("/about")
def about():
    return render_template("main/about.html")


@bp.route("/healthz")
def healthz():
    db.session.execute(sa.text("SELECT 1"))
    return {"ok": True}


@lru_cache(maxsize=4)
def _industry_tree_json(locale: str) -> tuple[bytes, str]:
    body = json.dumps(reference.industry_tree(locale), ensure_ascii=False, separators=(",", ":")).encode()
    return body, hashlib.sha256(body).hexdigest()[:16]


def industry_tree_url(locale: str) -> str:
    """The picker's data for `locale`, under a URL that changes when the data does (cached for a year)."""
    from flask import url_for

    return url_for("main.industry_tree", locale=locale, v=_industry_tree_json(locale)[1])


@bp.route("/industries/<locale>.json")
def industry_tree(locale: str):
    """The whole JSIC tree in one language, [[code, parent, name], ...]: the same for everyone, so
    browsers and proxies keep it (immutable under its versioned URL, revalidated by ETag otherwise)."""
    if locale not in current_app.config["MATCHMAKER_LANGUAGES"]:
        abort(404)
    body, etag = _industry_tree_json(locale)
    g.same_for_everyone = True
    response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(etag)
    if request.args.get("v") == etag:
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "public, max-age=3600"
    return response.make_conditional(request)
