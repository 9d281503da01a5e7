"""Personal access tokens: made and revoked on the account settings page, sent as
``Authorization: Bearer mm_…``. Only a hash is stored; the raw token is shown once."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from ..extensions import db
from ..models import User, utcnow
from .models import SCOPES, ApiToken

PREFIX = "mm_"
MAX_TOKENS_PER_USER = 20
# "Last used" is written at most this often per token, so that a busy client does not turn every
# read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def allowed_scopes(user: User) -> tuple[str, ...]:
    """What a user may give a token: organizer only to organizers and admins."""
    return SCOPES if user.is_organizer else tuple(s for s in SCOPES if s != "organizer")


def create(user: User, name: str, scopes: list[str], expires_in_days: int | None) -> tuple[ApiToken, str]:
    """A new token for `user` (added to the session, not committed) and the raw token to show once."""
    chosen = [s for s in SCOPES if s in scopes and s in allowed_scopes(user)]
    if not chosen:
        raise ValueError("no scope")
    raw = PREFIX + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=expires_in_days) if expires_in_days else None
    token = ApiToken(user_id=user.id, name=name.strip()[:100], token_hash=_hash(raw), prefix=raw[:10],
                     scopes=" ".join(chosen), expires_at=expires)
    db.session.add(token)
    return token, raw


def of_user(user: User) -> list[ApiToken]:
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def live_count(user: User) -> int:
    return sum(1 for t in of_user(user) if state(t) == "active")


def revoke(user: User, token_id: int) -> bool:
    """Revoke one of `user`'s own tokens; False when it is not theirs or already revoked."""
    res = db.session.execute(sa.update(ApiToken).where(
        ApiToken.id == token_id, ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow()))
    return res.rowcount == 1


def state(token: ApiToken, now: datetime | None = None) -> str:
    """active | expired | revoked"""
    now = now or utcnow()
    if token.revoked_at is not None:
        return "revoked"
    expires = _aware(token.expires_at)
    if expires is not None and expires <= now:
        return "expired"
    return "active"


@dataclass
class Bearer:
    token: ApiToken
    user: User


def authenticate(raw: str) -> Bearer | None:
    """The live token and its (active) user for a raw bearer token, or None; notes its use."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _hash(raw)))
    if token is None or state(token) != "active" or not token.user.is_active:
        return None
    now = utcnow()
    last = _aware(token.last_used_at)
    if last is None or now - last >= LAST_USED_RESOLUTION:
        db.session.execute(sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
        db.session.commit()
    return Bearer(token, token.user)


def prune(now: datetime) -> int:
    """Tokens revoked or expired more than 30 days ago."""
    old = now - timedelta(days=30)
    return db.session.execute(sa.delete(ApiToken).where(sa.or_(ApiToken.revoked_at < old, ApiToken.expires_at < old))
                              ).rowcount
