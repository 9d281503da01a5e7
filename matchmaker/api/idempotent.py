"""``Idempotency-Key`` on the API's creating POSTs: the same key sent again (a retry after a lost
answer, two at once) creates nothing new and answers with what the first request created.

Built on idempotency.py (the pages' double-submit guard): the key, scoped to the caller, is claimed
in the transaction that creates the row, so of two concurrent requests only one commits.
"""
from __future__ import annotations

import hashlib
import re
from typing import Callable

from flask import request
from flask_babel import gettext as _

from .. import idempotency
from .problems import problem

HEADER = "Idempotency-Key"
_VALID = re.compile(r"^[\x21-\x7e]{1,200}$")

HEADER_DOC = {
    "Idempotency-Key": {
        "description": "Any unique string (a UUID). Sending the same key again creates nothing new: the "
                       "answer is what the first request created (200, Idempotent-Replayed: true).",
        "schema": {"type": "string", "minLength": 1, "maxLength": 200},
    }
}


def key_id(user_id: int) -> str | None:
    """The claim for this request's key (None without a key); a malformed key is a 400."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    if not _VALID.match(raw):
        raise problem(400, _("The Idempotency-Key must be 1 to 200 visible ASCII characters."))
    return hashlib.sha256(f"api:{user_id}:{raw}".encode()).hexdigest()


def earlier(claim: str | None, user_id: int) -> str | None:
    """What the first request with this key created ("kind:id"), if there was one."""
    if claim is None:
        return None
    return idempotency.already_done(claim, user_id) or None


def commit(claim: str | None, user_id: int, target: Callable[[], str]) -> str | None:
    """Commit the creation; with a key, claim it in the same transaction. Returns the earlier
    result's "kind:id" when a concurrent request with the same key won."""
    from ..extensions import db

    if claim is None:
        db.session.commit()
        return None
    return idempotency.create_once(claim, user_id, target) or None
