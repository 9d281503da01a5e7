"""Absolute addresses for links that leave the site (mail, calendar files), from the configured base
URL and never from the request's Host header (which anyone can forge to poison a reset link)."""
from __future__ import annotations

from flask import current_app


def site_url(endpoint: str, **values) -> str:
    base = str(current_app.config["MATCHMAKER_BASE_URL"]).rstrip("/")
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return base + path


def site_url_for_path(path: str) -> str:
    """An absolute address for a path of the site ("/rfqs/3")."""
    return str(current_app.config["MATCHMAKER_BASE_URL"]).rstrip("/") + "/" + path.lstrip("/")
