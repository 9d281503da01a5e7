"""An organizer marks a firm verified (e.g. a chamber member checked in person), or takes the mark back;
each change is written to the audit log with who and when."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Firm, User, utcnow
from .models import FirmAudit


def set_verified(firm: Firm, by: User, verified: bool, note: str = "") -> bool:
    """Mark or unmark; False when the firm already was so (a second click changes and logs nothing).

    A conditional UPDATE, so two organizers clicking at once log one change."""
    now = utcnow()
    cond = Firm.verified_at.is_(None) if verified else Firm.verified_at.is_not(None)
    done = db.session.execute(sa.update(Firm).where(Firm.id == firm.id, cond)
                              .values(verified_at=now if verified else None)
                              .execution_options(synchronize_session=False)).rowcount
    if not done:
        return False
    db.session.add(FirmAudit(firm_id=firm.id, user_id=by.id, user_name=by.name,
                             action="verified" if verified else "unverified", note=note.strip()[:300], at=now))
    db.session.flush()
    db.session.refresh(firm)
    return True


def audit_log(firm: Firm) -> list[FirmAudit]:
    return list(db.session.scalars(sa.select(FirmAudit).where(FirmAudit.firm_id == firm.id)
                                   .order_by(FirmAudit.at.desc(), FirmAudit.id.desc())))
