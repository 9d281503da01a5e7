"""/api/docs: Swagger UI over the served OpenAPI document, its assets from the swagger-ui-bundle
package (never a CDN), started by a script file of ours (the site's CSP allows no inline script)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("api_docs", __name__)
ASSETS = {"swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"}


@bp.route("/api/docs")
def docs():
    return render_template("api/docs.html")


@bp.route("/api/docs/assets/<name>")
def asset(name: str):
    if name not in ASSETS:
        abort(404)
    return send_from_directory(swagger_ui_path, name, max_age=86400)
