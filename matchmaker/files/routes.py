"""Downloading an attached file: only the firms the file is meant for, always as a download."""
from __future__ import annotations

import io

from flask import Blueprint, abort, send_file
from flask_login import current_user, login_required

from ..security import get_or_404
from .access import may_download
from .models import StoredFile
from .storage import storage

bp = Blueprint("files", __name__)


@bp.route("/<int:file_id>")
@login_required
def download(file_id: int):
    f = get_or_404(StoredFile, file_id)
    if not may_download(current_user, f):
        abort(404)  # not 403: whether a file exists is not told either
    # files are at most a few MB: read whole, so no file handle outlives the request
    response = send_file(io.BytesIO(storage().read(f.storage_key)), mimetype=f.content_type, as_attachment=True,
                         download_name=f.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
