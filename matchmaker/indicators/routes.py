"""The indicators page (organizers and admins), its exports, and the public page when the city wants one."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _

from ..extensions import limiter
from ..security import organizer_required
from ..spreadsheet import csv_response, xlsx_bytes
from . import charts, tables
from .figures import compute
from .periods import PRESETS, Period, PeriodError, custom, fiscal_year_of, preset, today_local
from .tables import Hidden

bp = Blueprint("indicators", __name__)
FORMATS = {"int": "#,##0", "yen": "#,##0", "share": "0.0%", "hours": "0.0", "change": "#,##0.##",
           "share_change": "0.0%"}


def period_from_request() -> tuple[Period, str]:
    """The period the request asks for (a preset, or from/to), and which preset it is ("" when custom)."""
    args = request.args
    today = today_local()
    if args.get("from") or args.get("to"):
        return custom(args.get("from"), args.get("to"), today), ""
    name = args.get("preset", "this_fy")
    if name not in PRESETS:
        raise PeriodError(_("Unknown period."))
    year = args.get("year", type=int)
    if year is not None and not 1900 <= year <= 9000:
        raise PeriodError(_("Unknown period."))
    return preset(name, today, year), name


def fmt(value, kind: str = "int") -> str:
    """A cell as the page writes it."""
    if isinstance(value, Hidden):
        return str(value)
    if value is None:
        return "—"
    if kind == "share":
        return format_decimal(value * 100, "#,##0.0") + "%"
    if kind == "yen":
        return "¥" + format_decimal(value, "#,##0")
    if kind == "hours":
        return format_decimal(value, "#,##0.0")
    if kind == "share_change":
        return ("+" if value > 0 else "") + format_decimal(value * 100, "#,##0.0") + " pt"
    if kind == "change":
        return ("+" if value > 0 else "") + format_decimal(value, "#,##0.#")
    if isinstance(value, (int, float)):
        return format_decimal(value, "#,##0.#")
    return str(value)


def _render(public: bool):
    try:
        period, chosen = period_from_request()
    except PeriodError as e:
        return render_template("indicators/page.html", error=str(e), public=public, fig=None, presets=_presets(),
                               chosen="", args=request.args, q={}), 400
    fig = _public_figures(period) if public else compute(period)
    tbl = {t.key: t for t in tables.all_tables(fig, public=public)}
    legend = [tables.locality_label(p) for p in ("local", "domestic", "overseas")]
    pictures = {
        "by_month": charts.stacked_months(tbl["by_month"], _("Deals per month by where the supplier is"), legend,
                                          _("Split withheld (fewer than %(n)s firms)", n=tables.min_firms())),
        "by_industry": charts.bars(tbl["by_industry"], 0, 1, _("Deals by industry")),
        "rfq_funnel": charts.bars(tbl["rfq_funnel"], 0, 1, _("Requests for quotation: funnel")),
        "supply_gaps": charts.bars(tbl["supply_gaps"], 0, 1, _("Supply gaps")),
    }
    return render_template("indicators/page.html", fig=fig, tables=tbl, charts=pictures, fmt=fmt, public=public,
                           presets=_presets(), chosen=chosen, period=period, error=None, args=request.args,
                           q={k: request.args[k] for k in ("preset", "year", "from", "to") if request.args.get(k)})


def _presets() -> list[tuple[str, str, dict]]:
    today = today_local()
    fy = fiscal_year_of(today)
    return [("this_fy", _("This fiscal year (FY%(y)s)", y=fy), {"preset": "this_fy"}),
            ("last_fy", _("Last fiscal year (FY%(y)s)", y=fy - 1), {"preset": "last_fy"}),
            ("last_12_months", _("Last 12 months"), {"preset": "last_12_months"}),
            ("calendar_year", _("Calendar year %(y)s", y=today.year - 1), {"preset": "calendar_year"})]


@bp.route("/admin/indicators")
@organizer_required
def page():
    return _render(public=False)


PUBLIC_CACHE_SECONDS = 600


def _public_figures(period: Period) -> dict:
    """The public page's figures, computed at most every ten minutes per period in a process (anyone
    may ask for them, so asking often must not cost the database)."""
    import time

    cache = current_app.extensions.setdefault("matchmaker_public_indicators", {})
    now = time.monotonic()
    hit = cache.get(period)
    if hit is None or now - hit[0] > PUBLIC_CACHE_SECONDS:
        if len(cache) > 64:
            cache.clear()
        hit = cache[period] = (now, compute(period))
    return hit[1]


@bp.route("/indicators")
@limiter.limit(lambda: current_app.config["MATCHMAKER_SEARCH_LIMIT"])
def public_page():
    if not current_app.config.get("MATCHMAKER_PUBLIC_INDICATORS"):
        abort(404)
    return _render(public=True)


@bp.route("/admin/indicators/<key>.csv")
@organizer_required
def export_csv(key: str):
    if key not in tables.TABLE_KEYS:
        abort(404)
    encoding = request.args.get("encoding", "utf-8")
    if encoding not in ("utf-8", "cp932"):
        abort(400)
    period, t = _table_for_export(key)
    rows = [t.columns, *[[_plain(v) for v in row] for row in t.rows]]
    suffix = "-sjis" if encoding == "cp932" else ""
    return csv_response(rows, f"indicators-{key}-{period.start}-{period.end}{suffix}.csv", encoding)


@bp.route("/admin/indicators/indicators.xlsx")
@organizer_required
def export_xlsx():
    period, fig = _figures_for_export()
    sheets = []
    for t in tables.all_tables(fig):
        rows = [t.columns, *[[_plain(v) for v in row] for row in t.rows]]
        sheets.append((t.title, rows, lambda i, j, t=t: FORMATS.get(t.kind(i, j), "")))
    from flask import Response

    name = f"indicators-{period.start}-{period.end}.xlsx"
    return Response(xlsx_bytes(sheets), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _figures_for_export() -> tuple[Period, dict]:
    try:
        period, _chosen = period_from_request()
    except PeriodError:
        abort(400)
    return period, compute(period)


def _table_for_export(key: str):
    period, fig = _figures_for_export()
    return period, next(t for t in tables.all_tables(fig) if t.key == key)


def _plain(value):
    """A cell for a spreadsheet: numbers stay numbers, a hidden cell is its text, nothing is empty."""
    if isinstance(value, Hidden):
        return str(value)
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return value
