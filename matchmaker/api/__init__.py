"""The public JSON API (/api/v1): OpenAPI document at /api/v1/openapi.json, interactive
documentation at /api/docs. See blueprint.py for the conventions."""
from __future__ import annotations

import http

from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields

from .problems import MEDIA_TYPE


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True, metadata={"description": "A URI naming the kind of problem."})
    title = fields.String(required=True, metadata={"description": "Short, in the request's language."})
    status = fields.Integer(required=True)
    detail = fields.String(required=True, metadata={"description": "What went wrong, in the request's language."})
    errors = fields.Dict(keys=fields.String(), metadata={"description": "Field errors: {field: [messages]}."})


class MatchmakerApi(Api):
    """flask-smorest's Api, with errors documented as problem+json; errors.py renders them for
    every /api/ path (so this leaves the app's error handlers alone)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        pass

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error (problem details, RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


SECURITY = {"bearerAuth": {"type": "http", "scheme": "bearer",
                           "description": "A personal access token from the account settings page."}}


def init_api(app: Flask) -> None:
    from . import city, docs, organizer, read, rfq, webhook_routes, write  # noqa: F401 - operations register on the blueprint
    from .blueprint import blp

    api = MatchmakerApi(app, spec_kwargs={
        "info": {"description": "The marketplace's public API. Anonymous for public data; a bearer token "
                                "(account settings) for your own firm's data and changes. Errors are "
                                "application/problem+json (RFC 9457)."},
        "components": {"securitySchemes": SECURITY},
    })
    api.register_blueprint(blp)
    app.register_blueprint(docs.bp)
    app.extensions["matchmaker-api"] = api
