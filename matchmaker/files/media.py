"""A firm's logo, photos and PDF catalogue: images judged by their content and re-encoded with Pillow
(turned upright, resized, every embedded metadata such as EXIF and GPS dropped), a thumbnail made
once; the catalogue checked to be a PDF (checks.py). Bytes go through the one storage interface
(storage.py) and are removed again when the transaction rolls back (service.py)."""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from ..extensions import db
from ..models import Firm
from .checks import UploadError, check, clean_filename
from .models import FirmMedia
from .service import forget_after_commit, keep_bytes

# long side of the stored image and of its thumbnail, per kind
SIZES = {"logo": (600, 160), "photo": (1600, 480)}
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


@dataclass(frozen=True)
class Limits:
    image_bytes: int
    catalogue_bytes: int
    photos: int
    pixels: int


def limits() -> Limits:
    cfg = current_app.config
    return Limits(int(cfg["MATCHMAKER_MEDIA_IMAGE_MAX_MB"]) * 1024 * 1024,
                  int(cfg["MATCHMAKER_MEDIA_CATALOGUE_MAX_MB"]) * 1024 * 1024,
                  int(cfg["MATCHMAKER_MEDIA_MAX_PHOTOS"]), int(cfg["MATCHMAKER_MEDIA_MAX_PIXELS"]))


@dataclass(frozen=True)
class Encoded:
    data: bytes
    content_type: str
    width: int
    height: int


def _encode(img: Image.Image, side: int) -> Encoded:
    img = img.copy()
    img.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    transparent = img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info)
    if transparent:  # a logo on a clear background stays clear
        img = img.convert("RGBA")
        img.info.clear()  # nothing the upload carried (EXIF, XMP, profiles, text chunks) is written again
        img.save(out, "PNG", optimize=True)
        return Encoded(out.getvalue(), "image/png", img.width, img.height)
    img = img.convert("RGB")
    img.info.clear()
    img.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return Encoded(out.getvalue(), "image/jpeg", img.width, img.height)


def process_image(name: str, data: bytes, kind: str, lim: Limits) -> tuple[Encoded, Encoded]:
    """(image, thumbnail), re-encoded from the pixels alone; UploadError says what is wrong."""
    if not data:
        raise UploadError(_l("%(name)s is empty.", name=name))
    if len(data) > lim.image_bytes:
        raise UploadError(_l("%(name)s is larger than %(mb)d MB.", name=name, mb=lim.image_bytes // (1024 * 1024)))
    not_an_image = UploadError(_l("%(name)s is not an image we accept: JPEG, PNG or WebP.", name=name))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            if img.format not in ACCEPTED_FORMATS:
                raise not_an_image
            if img.width * img.height > lim.pixels:
                raise UploadError(_l("%(name)s has too many pixels (%(w)d × %(h)d); at most %(mp)s million are "
                                     "accepted. Please make it smaller.", name=name, w=img.width, h=img.height,
                                     mp=f"{lim.pixels / 1e6:g}"))
            img.load()
            img = ImageOps.exif_transpose(img)  # upright as the camera meant it, then the EXIF goes
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadError(_l("%(name)s has too many pixels; please make it smaller.", name=name)) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise not_an_image from None
    side, thumb_side = SIZES[kind]
    return _encode(img, side), _encode(img, thumb_side)


def photo_count(firm_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(FirmMedia.id)).where(FirmMedia.firm_id == firm_id,
                                                                         FirmMedia.kind == "photo")) or 0


def _lock(firm_id: int) -> None:
    """Two uploads for one firm at once wait for each other (counts and replacements stay right)."""
    db.session.execute(sa.select(Firm.id).where(Firm.id == firm_id).with_for_update())


def add_images(firm_id: int, kind: str, files: list[tuple[str, bytes]], caption: str = "") -> list[FirmMedia]:
    """Add photos, or replace the logo, in the current transaction; every file is checked before any is kept."""
    lim = limits()
    _lock(firm_id)
    if kind == "photo" and photo_count(firm_id) + len(files) > lim.photos:
        left = max(lim.photos - photo_count(firm_id), 0)
        raise UploadError(_l("A firm can show at most %(n)d photos; you can add %(left)d more. Delete a photo "
                             "first to add another.", n=lim.photos, left=left))
    if kind == "logo" and len(files) != 1:
        raise UploadError(_l("Choose one image for the logo."))
    encoded = [(clean_filename(name), process_image(clean_filename(name), data, kind, lim)) for name, data in files]
    old = list(_of_kind(firm_id, "logo")) if kind == "logo" else []
    rows = []
    for name, (full, thumb) in encoded:
        row = FirmMedia(firm_id=firm_id, kind=kind, storage_key=keep_bytes(full.data), thumb_key=keep_bytes(thumb.data),
                        filename=name, content_type=full.content_type, size=len(full.data), width=full.width,
                        height=full.height, thumb_width=thumb.width, thumb_height=thumb.height, caption=caption)
        db.session.add(row)
        rows.append(row)
    for row in old:
        remove(row)
    return rows


def set_catalogue(firm_id: int, name: str, data: bytes) -> FirmMedia:
    """Keep a PDF as the firm's catalogue (replacing the one before) in the current transaction."""
    lim = limits()
    checked = check(name, data, lim.catalogue_bytes)
    if checked.kind != "pdf":
        raise UploadError(_l("The catalogue must be a PDF file."))
    _lock(firm_id)
    old = list(_of_kind(firm_id, "catalogue"))
    row = FirmMedia(firm_id=firm_id, kind="catalogue", storage_key=keep_bytes(data), filename=checked.filename,
                    content_type=checked.content_type, size=len(data))
    db.session.add(row)
    for r in old:
        remove(r)
    return row


def remove(row: FirmMedia) -> None:
    """Delete a row now and its bytes once the transaction has committed."""
    forget_after_commit([row.storage_key] + ([row.thumb_key] if row.thumb_key else []))
    db.session.delete(row)


def remove_all(firm_id: int) -> None:
    for row in db.session.scalars(sa.select(FirmMedia).where(FirmMedia.firm_id == firm_id)):
        remove(row)


def _of_kind(firm_id: int, kind: str):
    return db.session.scalars(sa.select(FirmMedia).where(FirmMedia.firm_id == firm_id, FirmMedia.kind == kind)
                              .order_by(FirmMedia.id))


def of_firm(firm_id: int) -> dict[str, list[FirmMedia]]:
    out: dict[str, list[FirmMedia]] = {"logo": [], "photo": [], "catalogue": []}
    for row in db.session.scalars(sa.select(FirmMedia).where(FirmMedia.firm_id == firm_id).order_by(FirmMedia.id)):
        out[row.kind].append(row)
    return out


def logos(firm_ids) -> dict[int, FirmMedia]:
    """The logo of each firm, in one query (directory and search result lists)."""
    ids = list({i for i in firm_ids if i is not None})
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(FirmMedia).where(FirmMedia.firm_id.in_(ids), FirmMedia.kind == "logo")
                              .order_by(FirmMedia.id))
    return {r.firm_id: r for r in rows}
