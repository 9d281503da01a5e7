"""Downloading an attached file: only the firms the file is meant for, always as a download."""
from __future__ import annotations

import io

from flask import Blueprint, abort, g, request, send_file
from flask_login import current_user, login_required

from ..models import Firm
from ..security import get_or_404
from .access import may_download, may_see_firm_media
from .models import FirmMedia, StoredFile
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


@bp.route("/media/<int:media_id>", defaults={"size": "full"})
@bp.route("/media/<int:media_id>/thumb", defaults={"size": "thumb"})
def media(media_id: int, size: str):
    """A firm's logo, photo (full or thumbnail) or catalogue. A listed firm's are the same for everyone
    and cached (a row never changes: a new upload is a new URL); an unlisted firm's only for its own
    members and the city's staff, never kept by a cache."""
    row = get_or_404(FirmMedia, media_id)
    firm = get_or_404(Firm, row.firm_id)
    if not may_see_firm_media(current_user, firm) or (size == "thumb" and not row.thumb_key):
        abort(404)
    key = row.thumb_key if size == "thumb" else row.storage_key
    # the thumbnail is encoded like the image (media.py), so it has the image's type
    response = send_file(io.BytesIO(storage().read(key)), mimetype=row.content_type, etag=key, max_age=0,
                         as_attachment=not row.is_image, download_name=row.filename if not row.is_image else None)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if firm.is_public:
        g.same_for_everyone = True
        response.headers["Cache-Control"] = "public, max-age=86400"
    else:
        response.headers["Cache-Control"] = "private, no-store"
    return response.make_conditional(request)
