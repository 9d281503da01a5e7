"""Errors under /api as RFC 9457 problem details (``application/problem+json``).

errors.py sends every error of an /api/ path here, so the API has one error shape whatever raised
it: a view's :func:`problem`, flask-smorest's validation (its field messages become ``errors``),
the rate limiter, a 404 from routing or an unexpected exception.
"""
from __future__ import annotations

from flask import json, make_response, request
from werkzeug.exceptions import HTTPException

MEDIA_TYPE = "application/problem+json"


class Problem(HTTPException):
    """An API error with a specific detail (and field errors)."""

    def __init__(self, status: int, detail: str, errors: dict | None = None, headers: dict | None = None):
        super().__init__(description=detail)
        self.code = status
        self.detail = detail
        self.errors = errors
        self.extra_headers = headers or {}


def problem(status: int, detail: str, errors: dict | None = None, headers: dict | None = None) -> Problem:
    """Raise the result: ``raise problem(404, "no such firm")``."""
    return Problem(status, detail, errors, headers)


def _field_errors(e: Exception) -> dict | None:
    """The field messages of a flask-smorest/webargs validation error, flattened to {"location.field": [..]}."""
    data = getattr(e, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    if not isinstance(messages, dict):
        return None
    flat: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            for name, msgs in fields.items():
                flat[f"{location}.{name}" if location in ("json", "query", "headers", "form") else name] = msgs
        else:
            flat[location] = fields
    return flat or None


def respond(code: int, title: str, message: str, e: Exception | None = None):
    """The problem+json response for an error on an API path."""
    detail = message
    errors = None
    headers = {}
    if isinstance(e, Problem):
        detail, errors, headers = e.detail, e.errors, e.extra_headers
    elif e is not None:
        errors = _field_errors(e)
        data = getattr(e, "data", None) or {}
        if data.get("message"):
            detail = str(data["message"])
        elif code == 422 and errors:
            detail = "The request did not pass validation; see 'errors'."
        if isinstance(e, HTTPException) and e.code == 405 and e.valid_methods:
            headers["Allow"] = ", ".join(e.valid_methods)
    body = {"type": "about:blank", "title": title, "status": code, "detail": detail}
    if errors:
        body["errors"] = errors
    response = make_response(json.dumps(body, ensure_ascii=False), code)
    response.mimetype = MEDIA_TYPE
    for k, v in headers.items():
        response.headers[k] = v
    if code == 401 and "WWW-Authenticate" not in response.headers:
        response.headers["WWW-Authenticate"] = 'Bearer realm="matchmaker"'
    response.headers["Content-Language"] = _language()
    return response


def _language() -> str:
    from ..i18n import current_locale

    try:
        return current_locale()
    except Exception:  # noqa: BLE001 - outside a request the default
        return "ja"


def is_api_request() -> bool:
    return request.path.startswith("/api/")
