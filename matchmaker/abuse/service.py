"""Reporting a thread, the staff's look at it (logged), closing a report, suspending an account."""
from __future__ import annotations

import sqlalchemy as sa

from ..accounts import sessions
from ..extensions import db
from ..models import User, utcnow
from ..notifications import notify
from ..threads import service as threads
from ..threads.models import Message, Thread
from .models import AbuseReport, AbuseReportView


class AlreadyReported(Exception):
    """The reporter already has an open report on this thread."""


def open_report_of(thread: Thread, user: User) -> AbuseReport | None:
    return db.session.scalar(sa.select(AbuseReport).where(
        AbuseReport.thread_id == thread.id, AbuseReport.reporter_id == user.id, AbuseReport.status == "open"))


def report(thread: Thread, user: User, category: str, text: str) -> AbuseReport:
    """A member of one of the thread's firms reports it; the caller commits, or rolls back on
    AlreadyReported: this user has an open report on the thread (also when two posts race: the unique
    index)."""
    if open_report_of(thread, user) is not None:
        raise AlreadyReported
    r = AbuseReport(thread_id=thread.id, reporter_id=user.id, reporter_firm_id=user.firm_id,
                    reported_firm_id=thread.other_firm_id if user.firm_id == thread.starter_firm_id
                    else thread.starter_firm_id, category=category, text=text)
    db.session.add(r)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # the same report posted twice at once: the caller rolls back
        raise AlreadyReported from None
    notify(user_id=user.id, key="abuse_report_received", link=threads.link(thread, user.firm_id),
           subject=thread.subject)
    for staff in db.session.scalars(sa.select(User).where(User.role.in_(("organizer", "admin")),
                                                          User.active.is_(True))):
        notify(user_id=staff.id, key="abuse_reported", link=f"/admin/reports/{r.id}", firm=user.firm)
    return r


def open_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AbuseReport).where(AbuseReport.status == "open")) or 0


def listing(status: str | None):
    q = sa.select(AbuseReport).order_by(AbuseReport.created_at.desc(), AbuseReport.id.desc())
    return q.where(AbuseReport.status == status) if status else q


def log_view(r: AbuseReport, user: User, file_id: int | None = None) -> None:
    db.session.add(AbuseReportView(report_id=r.id, user_id=user.id, user_email=user.email,
                                   what="file" if file_id else "thread", file_id=file_id))


def views_of(r: AbuseReport) -> list[AbuseReportView]:
    return list(db.session.scalars(sa.select(AbuseReportView).where(AbuseReportView.report_id == r.id)
                                   .order_by(AbuseReportView.id.desc()).limit(200)))


def file_of_thread(r: AbuseReport, file_id: int):
    """A file attached to a message of the reported thread, or None (any other file is not the staff's)."""
    from ..files.models import StoredFile

    return db.session.scalar(sa.select(StoredFile).join(Message, StoredFile.message_id == Message.id)
                             .where(StoredFile.id == file_id, Message.thread_id == r.thread_id))


def close(r: AbuseReport, user: User, note: str) -> bool:
    """Close an open report with a note; False if it was closed already (two staff at once: one wins)."""
    done = db.session.execute(sa.update(AbuseReport).where(AbuseReport.id == r.id, AbuseReport.status == "open")
                              .values(status="closed", closed_at=utcnow(), closed_by_id=user.id, close_note=note),
                              execution_options={"synchronize_session": False})
    if done.rowcount != 1:
        return False
    db.session.refresh(r)
    if r.reporter_id is not None:
        notify(user_id=r.reporter_id, key="abuse_report_closed", link=threads.link(r.thread, r.reporter_firm_id),
               subject=r.thread.subject)
    return True


def suspendable(r: AbuseReport) -> list[User]:
    """The accounts of the reported firm (the ones an admin may suspend from the report)."""
    return list(db.session.scalars(sa.select(User).where(User.firm_id == r.reported_firm_id, User.role == "member")
                                   .order_by(User.id)))


def suspend(user: User) -> None:
    """The existing deactivation (accounts cannot sign in while inactive); every session of it ends."""
    user.active = False
    sessions.end_all(user.id)
