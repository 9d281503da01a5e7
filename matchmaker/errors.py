"""Error pages that look like the site, JSON errors for clients that ask for JSON, and RFC 9457
problem details for everything under /api/ (api/problems.py)."""
from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError
from werkzeug.exceptions import HTTPException

from .extensions import db


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _titles():
    return {
        400: _("Bad request"),
        401: _("Not authenticated"),
        403: _("Forbidden"),
        404: _("Page not found"),
        405: _("Method not allowed"),
        409: _("Changed in the meantime"),
        412: _("Precondition failed"),
        413: _("Request too large"),
        415: _("Unsupported media type"),
        422: _("Invalid input"),
        428: _("Precondition required"),
        429: _("Too many requests"),
        500: _("Something went wrong"),
    }


def _messages():
    return {
        400: _("The request could not be understood. Please check what you entered and try again."),
        401: _("A valid access token is required (Authorization: Bearer …)."),
        403: _("You do not have permission to see or change this."),
        404: _("The page you are looking for does not exist or has been removed."),
        405: _("This action is not allowed here."),
        409: _("Someone changed or deleted this at the same moment, so your change was not saved. Please reload "
               "the page and try again."),
        412: _("The resource has changed since you read it (its ETag no longer matches If-Match)."),
        413: _("What you sent is too large."),
        415: _("Send the body as application/json."),
        422: _("Some fields are missing or invalid."),
        428: _("Send If-Match with the ETag you read, so that a change made in the meantime is not overwritten."),
        429: _("Too many attempts. Please wait a moment and try again."),
        500: _("An unexpected error occurred. It has been logged; please try again later."),
    }


def render_error(code: int, message: str | None = None, e: Exception | None = None):
    message = message or _messages().get(code, "")
    title = _titles().get(code, str(code))
    if request.path.startswith("/api/"):
        from .api.problems import respond

        return respond(code, title, message, e)
    if wants_json():
        return jsonify({"ok": False, "error": {"code": code, "title": title, "message": message}}), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def init_errors(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return render_error(400, _("Your form expired or was sent from elsewhere. Please reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        code = e.code or 500
        if code == 500:
            db.session.rollback()
        message = None
        if code == 400 and getattr(e, "description", None) and getattr(e, "matchmaker_message", False):
            message = e.description
        return render_error(code, message, e)

    @app.errorhandler(StaleDataError)
    @app.errorhandler(ObjectDeletedError)
    def changed_meanwhile(e: Exception):
        # Another request deleted or changed the row between this one's reading and writing it.
        db.session.rollback()
        app.logger.info("Concurrent change on %s: %s", request.path, e)
        return render_error(409, None, e if request.path.startswith("/api/") else None)

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(500)
