"""Keyset pagination for API lists: ``limit`` (bounded by the schema) and an opaque, signed
``cursor``; the next page's address in the body (``next_cursor``) and in a ``Link`` header.

A cursor carries the last row's sort key, so a page never repeats or skips rows when others are
added meanwhile. It is signed, so a client cannot forge one into a query; a bad one is a 400.
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, request
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from ..extensions import db
from .problems import problem


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="api-cursor")


def encode(kind: str, last) -> str:
    return _signer().dumps([kind, last])


def decode(kind: str, cursor: str):
    try:
        got_kind, last = _signer().loads(cursor)
    except (BadSignature, ValueError, TypeError):
        raise problem(400, _("The cursor is not valid; start again without one.")) from None
    if got_kind != kind:
        raise problem(400, _("The cursor is not valid; start again without one."))
    return last


def page_of_rows(query, id_column, args: dict, kind: str) -> tuple[list, str | None]:
    """Rows of `query` ordered by `id_column` ascending, after the cursor; and the next cursor."""
    limit = args["limit"]
    if args.get("cursor"):
        after = decode(kind, args["cursor"])
        if not isinstance(after, int):
            raise problem(400, _("The cursor is not valid; start again without one."))
        query = query.where(id_column > after)
    rows = list(db.session.scalars(query.order_by(id_column).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode(kind, rows[-1].id) if more and rows else None


def page_of_list(items: list, key, args: dict, kind: str) -> tuple[list, str | None]:
    """The same over an in-memory list sorted by `key` (reference data)."""
    limit = args["limit"]
    if args.get("cursor"):
        after = decode(kind, args["cursor"])
        if not isinstance(after, str):
            raise problem(400, _("The cursor is not valid; start again without one."))
        items = [i for i in items if key(i) > after]
    page = items[:limit]
    return page, encode(kind, key(page[-1])) if len(items) > limit and page else None


def answer(items: list, next_cursor: str | None) -> tuple[dict, dict]:
    """The body and headers of a page: ``{"items", "next_cursor"}`` and a ``Link: <…>; rel="next"``."""
    headers = {}
    if next_cursor:
        args = {k: v for k, v in request.args.items() if k != "cursor"}
        args["cursor"] = next_cursor
        headers["Link"] = f'<{request.base_url}?{urlencode(args)}>; rel="next"'
    return {"items": items, "next_cursor": next_cursor}, headers



