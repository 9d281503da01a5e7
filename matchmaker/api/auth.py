"""Who is calling the API: a bearer token or nobody.

The API reads no session cookie: a signed-in browser is anonymous here, so a page on another site
cannot make a visitor's browser change anything through the API (no CSRF surface). Reads of public
data need no token; everything else needs a live token with the right scope.
"""
from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from ..models import Firm, User
from .problems import problem


def identify() -> None:
    """Once per API request: g.api_token and g.api_user from the Authorization header, or
    g.api_auth_error when a header is present but wrong (the blueprint answers 401 then: a client
    with a dead token should know, not silently get less)."""
    if "api_identified" in g:
        return
    g.api_identified = True
    g.api_token = g.api_user = g.api_auth_error = None
    header = request.headers.get("Authorization", "")
    if not header:
        return
    scheme, _sep, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        g.api_auth_error = _("Send the token as 'Authorization: Bearer <token>'.")
        return
    from . import tokens

    found = tokens.authenticate(raw.strip())
    if found is None:
        g.api_auth_error = _("The token is unknown, expired or revoked.")
        return
    g.api_token, g.api_user = found.token, found.user


def caller() -> User | None:
    return g.get("api_user")


def rate_key() -> str:
    """Each token has its own rate limit; anonymous callers (and wrong tokens) share their address's."""
    identify()
    token = g.get("api_token")
    if token is not None:
        return f"api-token:{token.id}"
    return f"api-addr:{request.remote_addr or ''}"


def has_scope(scope: str) -> bool:
    token = g.get("api_token")
    return token is not None and token.has_scope(scope)


def require(scope: str):
    """The view needs a token with `scope` (organizer also needs the organizer role, checked now:
    a member demoted since the token was made loses it)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if g.get("api_token") is None:
                raise problem(401, _("This operation needs an access token (Authorization: Bearer …)."))
            if not has_scope(scope):
                raise problem(403, _("The token lacks the '%(scope)s' scope.", scope=scope))
            if scope == "organizer" and not g.api_user.is_organizer:
                raise problem(403, _("Only organizers may do this."))
            return view(*args, **kwargs)

        return wrapped

    return decorator


def own_firm() -> Firm:
    """The caller's firm, for writes; 403 for a user without one."""
    user = caller()
    if user is None or user.firm is None or user.firm.deleted_at is not None:
        raise problem(403, _("Your account belongs to no firm."))
    return user.firm


def may_write(firm: Firm) -> bool:
    user = caller()
    return user is not None and user.can_edit_firm(firm)
