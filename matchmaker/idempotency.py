"""The same form posted twice (two tabs, a double click, a retried request) creates one thing.

A creating form carries a random submission id (`SubmissionField`). The view claims it in the
transaction that creates the row; a second post of the same form, sequential or concurrent,
finds the claim (the unique index makes the slower of two concurrent posts fail at commit) and is
sent to what the first one created instead of creating it again.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Callable

import sqlalchemy as sa
import sqlalchemy.orm as so
from wtforms import HiddenField
from wtforms.validators import Length, Optional, Regexp

from .extensions import db
from .models import utcnow


class FormSubmission(db.Model):
    __tablename__ = "form_submissions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    submission_id: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    target_url: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)


def new_submission_id() -> str:
    return secrets.token_hex(16)


def SubmissionField() -> HiddenField:  # noqa: N802 - used like a field class in form declarations
    """The form's submission id, made when the form is shown. A client that sends none (a script)
    gets no protection against its own repeats; the site's pages always send one."""
    return HiddenField(default=new_submission_id,
                       validators=[Optional(), Length(min=16, max=64), Regexp(r"^[0-9a-f]+$")])


def already_done(submission_id: str, user_id: int | None) -> str | None:
    """Where the first post of this form led, if it was posted before (by the same user); else None."""
    row = db.session.scalar(sa.select(FormSubmission).where(FormSubmission.submission_id == submission_id))
    if row is None:
        return None
    return row.target_url if row.user_id == user_id else ""


def create_once(submission_id: str, user_id: int | None, address: Callable[[], str]) -> str | None:
    """Claim `submission_id` and commit the current transaction (which adds what the form creates).

    ``address()`` is called after the flush (ids are known) and gives where the result is seen.
    Returns None when this post created it; when the same form was posted before or at the same
    moment, rolls back and returns where the first post led ("" for another user's id)."""
    row = FormSubmission(submission_id=submission_id, user_id=user_id)
    db.session.add(row)
    try:
        db.session.flush()
        row.target_url = address()[:300]
        db.session.commit()
        return None
    except sa.exc.IntegrityError:
        db.session.rollback()
        target = already_done(submission_id, user_id)
        if target is None:  # the failure was not the claim
            raise
        return target
