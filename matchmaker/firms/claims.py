"""Taking over a firm the city listed: invitations mailed by organizers (one by one or in bulk), "this is
my firm" requests approved by an organizer, and the single-use link that expires (MATCHMAKER_CLAIM_DAYS)
with which a person creates an account as the firm's member."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..mail import send_mail
from ..models import Firm, User, utcnow
from ..urls import site_url
from .models import FirmClaim


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _days() -> float:
    return float(current_app.config["MATCHMAKER_CLAIM_DAYS"])


def send_link(claim: FirmClaim, locale: str = "ja") -> None:
    """Give the claim a new link and mail it (in the current transaction)."""
    token = secrets.token_urlsafe(32)
    claim.token_hash = _hash(token)
    claim.expires_at = utcnow() + timedelta(days=_days())
    claim.status = "sent"
    claim.decided_at = utcnow()
    send_mail(claim.email, "claim_invitation", locale, firm=claim.firm, days=int(_days()),
              link=site_url("firms.claim", firm_id=claim.firm_id, token=token))


def invite(firm: Firm, email: str, by: User) -> FirmClaim:
    claim = FirmClaim(firm=firm, firm_id=firm.id, kind="invitation", email=email, created_by_id=by.id)
    db.session.add(claim)
    send_link(claim)
    return claim


def invitable(firm: Firm) -> bool:
    return firm.listed_by_city and firm.is_public


def invite_all(by: User) -> int:
    """Invite every firm listed by the city that has a contact address and no live invitation."""
    now = utcnow()
    live = sa.select(FirmClaim.firm_id).where(FirmClaim.status == "sent", FirmClaim.expires_at > now)
    firms = db.session.scalars(sa.select(Firm).where(
        Firm.public(), Firm.imported_at.is_not(None), Firm.contact_email != "", Firm.id.not_in(live),
        ~sa.exists().where(User.firm_id == Firm.id)).order_by(Firm.id)).all()
    for firm in firms:
        invite(firm, firm.contact_email, by)
    return len(firms)


def live_claim(firm_id: int, token: str) -> FirmClaim | None:
    """The claim a link names, if it is for this firm, unused and not expired."""
    claim = db.session.scalar(sa.select(FirmClaim).where(FirmClaim.token_hash == _hash(token or "")))
    if claim is None or claim.firm_id != firm_id or claim.status != "sent":
        return None
    expires = claim.expires_at
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=utcnow().tzinfo)
    return claim if expires > utcnow() else None


def use(claim: FirmClaim) -> bool:
    """Mark the link used, once (a second request at the same moment finds it used)."""
    return db.session.execute(sa.update(FirmClaim).where(FirmClaim.id == claim.id, FirmClaim.status == "sent")
                              .values(status="used").execution_options(synchronize_session=False)).rowcount == 1
