"""Attaching uploaded files: all of a form's files are checked before any is kept; the bytes of a
transaction that rolls back are removed again, so nothing is ever half-saved."""
from __future__ import annotations

import hashlib

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from werkzeug.datastructures import FileStorage

from ..extensions import db
from .checks import UploadError, check
from .models import StoredFile
from .storage import storage

_installed = False


def limits() -> tuple[int, int]:
    """(largest file in bytes, most files per message)."""
    cfg = current_app.config
    return int(cfg["MATCHMAKER_UPLOAD_MAX_MB"]) * 1024 * 1024, int(cfg["MATCHMAKER_UPLOAD_MAX_FILES"])


def uploaded(files: list[FileStorage] | None) -> list[FileStorage]:
    """The files a form really sent (a file input left empty sends one nameless part)."""
    return [f for f in files or [] if isinstance(f, FileStorage) and (f.filename or "").strip()]


def validate(files: list[FileStorage]) -> list[tuple[FileStorage, bytes]]:
    """Check every file (count, size, type, name); UploadError names the first problem."""
    max_bytes, max_files = limits()
    if len(files) > max_files:
        from flask_babel import lazy_gettext as _l

        raise UploadError(_l("At most %(n)d files per message.", n=max_files))
    out = []
    for f in files:
        data = f.stream.read(max_bytes + 1)
        check(f.filename or "", data, max_bytes)
        out.append((f, data))
    return out


def attach(files: list[tuple[FileStorage, bytes]], firm_id: int, **owner) -> list[StoredFile]:
    """Keep checked files for one owner (rfq_id=, quote_id= or message_id=) in the current transaction."""
    max_bytes, _ = limits()
    rows = []
    for f, data in files:
        c = check(f.filename or "", data, max_bytes)
        key = keep_bytes(data)
        row = StoredFile(storage_key=key, filename=c.filename, content_type=c.content_type, size=len(data),
                         sha256=hashlib.sha256(data).hexdigest(), firm_id=firm_id, **owner)
        db.session.add(row)
        rows.append(row)
    return rows


def keep_bytes(data: bytes) -> str:
    """Store bytes for a row of the current transaction: its key, or nothing kept if it rolls back."""
    _install()
    key = storage().save(data)
    db.session.info.setdefault("stored_keys", []).append(key)
    return key


def forget_after_commit(keys: list[str]) -> None:
    """The bytes of a row deleted in the current transaction: removed once it commits, kept if it rolls back."""
    _install()
    db.session.info.setdefault("removed_keys", []).extend(keys)


def _forget(session: so.Session) -> None:
    session.info.pop("stored_keys", None)
    keys = session.info.pop("removed_keys", None)
    if keys:
        store = storage()
        for key in keys:
            store.delete(key)


def _remove_unsaved(session: so.Session) -> None:
    session.info.pop("removed_keys", None)
    keys = session.info.pop("stored_keys", None)
    if keys:
        store = storage()
        for key in keys:
            store.delete(key)


def _install() -> None:
    global _installed
    if not _installed:
        sa.event.listen(so.Session, "after_commit", _forget)
        sa.event.listen(so.Session, "after_soft_rollback", lambda s, previous: _remove_unsaved(s))
        _installed = True
