"""Who may download an attached file: the firms of what it is attached to, nobody else (not the city's
staff either: a request's files are the firms' business)."""
from __future__ import annotations

from ..extensions import db
from .models import StoredFile


def may_download(user, f: StoredFile) -> bool:
    firm_id = getattr(user, "firm_id", None)
    if firm_id is None:
        return False
    if f.rfq_id is not None:
        from ..rfq.models import Invitation, Rfq

        rfq = db.session.get(Rfq, f.rfq_id)
        return rfq is not None and (rfq.buyer_firm_id == firm_id or any(
            i.supplier_firm_id == firm_id for i in rfq.invitations))
    if f.quote_id is not None:
        from ..rfq.models import Quote

        q = db.session.get(Quote, f.quote_id)
        return q is not None and firm_id in (q.invitation.supplier_firm_id, q.invitation.rfq.buyer_firm_id)
    if f.message_id is not None:
        from ..threads.models import Message

        m = db.session.get(Message, f.message_id)
        return m is not None and m.thread.involves(firm_id)
    return False


def may_see_firm_media(user, firm) -> bool:
    """A firm's pictures and catalogue: everyone while it is listed; before that (or once it is
    unlisted) its own members and, unless deleted, the city's staff, like its page."""
    if firm.deleted_at is not None:
        return False
    if firm.is_public:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return user.firm_id == firm.id or user.is_organizer
