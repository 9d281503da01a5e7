"""Mail: an outbox table, sent after the commit by each process's sender, retried until delivered.

Use ``send_mail(to, kind, locale, **context)`` inside the transaction of the action that causes
the mail (templates in ``templates/mail/<kind>.txt``)."""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, current_app, has_app_context

from .outbox import deliver_due, send_mail

_installed = False


def _after_commit(session: so.Session) -> None:
    if (session.info.pop("mail_pending", False) and has_app_context()
            and current_app.config.get("MATCHMAKER_MAIL_BACKGROUND", True)):
        from .sender import wake

        wake(current_app._get_current_object())


def _after_rollback(session: so.Session) -> None:
    session.info.pop("mail_pending", None)


def init_mail(app: Flask) -> None:
    global _installed
    if not _installed:
        sa.event.listen(so.Session, "after_commit", _after_commit)
        sa.event.listen(so.Session, "after_soft_rollback", lambda s, previous: _after_rollback(s))
        _installed = True


__all__ = ["deliver_due", "init_mail", "send_mail"]
