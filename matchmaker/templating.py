"""Template filters and globals: labels in the user's language, dates and numbers for the locale."""
from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import request
from flask_babel import format_currency, format_date, format_datetime, format_decimal
from flask_babel import gettext as _
from markupsafe import Markup

from . import reference
from .i18n import current_locale


def init_templating(app) -> None:
    @app.context_processor
    def inject():
        return {
            "locale": current_locale(),
            "languages": app.config["MATCHMAKER_LANGUAGES"],
        }

    @app.template_global()
    def has_endpoint(name: str) -> bool:
        return name in app.view_functions

    @app.template_global()
    def role_label(role: str) -> str:
        return {"member": _("Member"), "organizer": _("Organizer"), "admin": _("Admin")}.get(role, role)

    @app.template_global()
    def scope_label(scope: str) -> str:
        return {"local": _("Local"), "domestic": _("Japan"), "overseas": _("Overseas"), "anywhere": _("Anywhere")}.get(scope, scope)

    @app.template_global()
    def status_label(status: str) -> str:
        return {"open": _("Open"), "active": _("Active"), "closed": _("Closed"), "fulfilled": _("Fulfilled")}.get(status, status)

    @app.template_global()
    def completeness_label(part: str) -> str:
        return {
            "description": _("description"), "address": _("address"), "location": _("location"),
            "industries": _("industries"), "tags": _("capabilities"), "certifications": _("certifications"),
            "equipment": _("equipment"), "languages": _("languages"), "website": _("website"),
            "employees": _("employees"), "founded_year": _("founding year"), "offerings": _("offerings"),
        }.get(part, part)

    @app.template_global()
    def industry_label(code: str) -> str:
        ind = reference.industry(code)
        return ind.label(current_locale()) if ind else code

    @app.template_global()
    def industry_tree_url() -> str:
        from .main.routes import industry_tree_url as url

        return url(current_locale())

    @app.template_global()
    def preload_logos(firms) -> str:
        """Read the logos of a page's firms in one query (then firm_logo() asks nothing more)."""
        from flask import g

        from .files.media import logos

        ids = [getattr(f, "id", f) for f in firms]
        cache = g.setdefault("firm_logos", {})
        found = logos([i for i in ids if i not in cache])
        for i in ids:
            cache.setdefault(i, found.get(i))
        return ""

    @app.template_global()
    def firm_logo(firm) -> Markup:
        """The firm's logo as a small image, or nothing."""
        from flask import g, url_for

        cache = g.setdefault("firm_logos", {})
        if firm.id not in cache:
            # every firm the page has loaded so far, in one query (no query per card on any page)
            from .extensions import db
            from .models import Firm

            loaded = [o.id for o in db.session.identity_map.values() if isinstance(o, Firm) and o.id not in cache]
            preload_logos([firm.id, *loaded])
        row = cache[firm.id]
        if row is None or firm.deleted_at is not None:
            return Markup("")
        return Markup('<img class="firm-logo border rounded bg-white" src="{}" width="{}" height="{}" alt="" '
                      'loading="lazy">').format(url_for("files.media", media_id=row.id, size="thumb"),
                                                row.thumb_width or 48, row.thumb_height or 48)

    @app.template_global()
    def legal_title(kind: str) -> str:
        return {"terms": _("Terms of use"), "privacy": _("Privacy policy"),
                "operator": _("Operator and contact")}.get(kind, kind)

    @app.template_global()
    def language_label(code: str) -> str:
        return reference.language_name(code, current_locale())

    @app.template_global()
    def country_label(code: str) -> str:
        return reference.country_name(code, current_locale())

    @app.template_global()
    def city_label(firm) -> str:
        """The firm's city in the reader's language (藤沢市 / Fujisawa)."""
        if current_locale() == "ja" or not firm.city:
            return firm.city
        place = reference.find_place(firm.city, firm.country)
        return place.label("en") if place else firm.city

    @app.template_global()
    def firm_name(firm) -> str:
        if firm.deleted_at is not None:
            return _("Deleted firm")
        return firm.display_name(current_locale())

    @app.template_global()
    def profile_stale(firm) -> bool:
        from .firms.freshness import is_stale

        return is_stale(firm)

    @app.template_global()
    def firm_description(firm) -> str:
        return firm.description(current_locale())

    @app.template_global()
    def page_url(page: int) -> str:
        """This page's address with ?page= replaced, always relative.

        Built from the path and the query as they came, not with url_for: the query's keys are
        the visitor's, and url_for would take some of them (endpoint, _external, _scheme, ...) as
        its own options.
        """
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
        args.append(("page", str(page)))
        path = "/" + (request.script_root + request.path).lstrip("/")  # never //host/...
        return quote(path) + "?" + urlencode(args)

    @app.template_global()
    def rfq_status_label(status: str) -> str:
        return {"open": _("Taking quotes"), "closed": _("Quotes closed"), "awarded": _("Awarded"),
                "cancelled": _("Closed without an order")}.get(status, status)

    @app.template_global()
    def invitation_status_label(status: str) -> str:
        return {"invited": _("Not answered yet"), "quoted": _("Quote sent"), "declined": _("Declined"),
                "expired": _("No answer"), "awarded": _("Awarded"), "not_selected": _("Not selected")}.get(status, status)

    @app.template_global()
    def status_style(status: str) -> str:
        """Bootstrap colour of a status badge, by meaning: done well, waiting, refused or ended."""
        if status in ("awarded", "accepted", "quoted", "open", "active"):
            return "text-bg-success"
        if status in ("invited", "pending", "closed"):
            return "text-bg-warning"
        if status in ("declined", "not_selected", "expired", "cancelled"):
            return "text-bg-secondary"
        return "text-bg-light border"

    @app.template_global()
    def locality_label(value: str) -> str:
        return {"local": _("Local"), "domestic": _("Japan"), "overseas": _("Overseas")}.get(value, value)

    @app.template_global()
    def strength_label(value: str) -> str:
        return {"strong": _("Strong match"), "good": _("Good match"), "partial": _("Partial match")}.get(value, "")

    @app.template_filter("money")
    def money_filter(amount, currency: str = "JPY") -> str:
        """¥1,234,000 in English, 1,234,000円 in Japanese; other currencies as the locale writes them."""
        if amount is None:
            return ""
        if currency == "JPY" and current_locale() == "ja":
            return f"{format_decimal(amount, format='#,##0')}円"
        return format_currency(amount, currency)

    @app.template_filter("date")
    def date_filter(value, fmt: str = "medium") -> str:
        return format_date(value, fmt) if value else ""

    @app.template_filter("datetime")
    def datetime_filter(value, fmt: str = "medium") -> str:
        return format_datetime(value, fmt) if value else ""

    @app.template_filter("number")
    def number_filter(value) -> str:
        return format_decimal(value) if value is not None else ""

    @app.template_filter("yen")
    def yen_filter(value) -> str:
        if value is None:
            return ""
        return f"¥{format_decimal(value)}"

    @app.template_filter("nl2br")
    def nl2br(value: str) -> Markup:
        from markupsafe import escape

        return Markup("<br>".join(escape(line) for line in (value or "").splitlines()))
