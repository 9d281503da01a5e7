"""The API's blueprint: every /api/v1 operation, documented by flask-smorest from its schemas.

Before each request: the body is JSON and small, and the caller is identified by its bearer token
(auth.py). Rate-limited per token (or per address for anonymous callers).
"""
from __future__ import annotations

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser

from ..extensions import csrf, limiter
from . import auth
from .problems import problem

class _StrictParser(FlaskParser):
    """Unknown query parameters are errors too (webargs ignores them by default), as unknown body fields are."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "querystring": None}


class _Blueprint(Blueprint):
    ARGUMENTS_PARSER = _StrictParser()


blp = _Blueprint("api", __name__, url_prefix="/api/v1",
                 description="The marketplace's firms, offerings, needs, recommendations and reference data.")
# No session cookie is read under /api (auth.py), so there is no cross-site request to forge.
csrf.exempt(blp)

MAX_BODY = 64 * 1024
UPLOADS = {"api.import_firms"}  # operations that take a file (multipart/form-data)


def _limit() -> str:
    auth.identify()
    if g.get("api_token") is not None:
        return current_app.config["MATCHMAKER_API_TOKEN_LIMIT"]
    return current_app.config["MATCHMAKER_API_LIMIT"]


# One budget per token (or address) across every operation, not one per operation.
limiter.shared_limit(_limit, scope="api-v1", key_func=auth.rate_key)(blp)


@blp.before_request
def _check_request() -> None:
    if request.method in ("POST", "PUT", "PATCH"):
        limit, media = MAX_BODY, "application/json"
        if request.endpoint in UPLOADS:  # a file: a multipart body, as large as the upload allows
            from ..imports import max_bytes

            limit, media = max_bytes() + MAX_BODY, "multipart/form-data"
        if (request.content_length or 0) > limit:
            raise problem(413, _("The body may be at most %(size)s bytes.", size=limit))
        if request.content_length and request.mimetype != media:
            raise problem(415, _("Send the body as %(media)s.", media=media))
    auth.identify()
    if g.get("api_auth_error"):
        raise problem(401, g.api_auth_error)


@blp.after_request
def _vary(response):
    response.headers.add("Vary", "Accept-Language")
    response.headers.add("Vary", "Authorization")
    response.headers.setdefault("Cache-Control", "private, no-cache")
    return response
