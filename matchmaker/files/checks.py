"""What an uploaded file really is, judged by its content (not its name alone), and whether we take it.

Accepted for drawings and specifications: PDF, PNG, JPEG, DXF, STEP, IGES, XLSX and ZIP. The name's
extension must agree with the content, so that a page (HTML, SVG) renamed to .pdf is refused, and
every file is served for download only, never shown inline (routes.py).
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

KINDS = {
    # kind: (content type served, extensions)
    "pdf": ("application/pdf", (".pdf",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "dxf": ("application/dxf", (".dxf",)),
    "step": ("application/step", (".step", ".stp")),
    "iges": ("application/iges", (".iges", ".igs")),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    "zip": ("application/zip", (".zip",)),
}
ACCEPT = ",".join(ext for _, exts in KINDS.values() for ext in exts)


class UploadError(ValueError):
    pass


@dataclass(frozen=True)
class Checked:
    filename: str
    kind: str
    content_type: str


def sniff(data: bytes) -> str | None:
    """The kind of file the bytes are, or None."""
    head = data[:1024]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        return "xlsx" if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names) else "zip"
    if head.startswith(b"ISO-10303-21;"):
        return "step"
    if head.startswith(b"AutoCAD Binary DXF"):
        return "dxf"
    text = head.decode("latin-1")
    if re.match(r"\s*0\s*\r?\n\s*SECTION\s*\r?\n", text) or re.match(r"\s*999\s*\r?\n", text):
        return "dxf"
    lines = text.splitlines()
    if lines and all(len(line) == 80 for line in lines[:3]) and lines[0][72:73] in ("S", "F"):
        return "iges"
    return None


def clean_filename(name: str) -> str:
    """The name as shown and offered for download; a name that is a path is refused."""
    name = unicodedata.normalize("NFKC", name or "").strip()
    if not name or "/" in name or "\\" in name or name.startswith(".") or ".." in name:
        raise UploadError(_l("The file name %(name)s is not allowed; rename the file and try again.", name=name[:60]))
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise UploadError(_l("The file name contains control characters; rename the file and try again."))
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 150 - len(ext) - 1] + dot + ext) if dot else name[:150]
    return name


def check(filename: str, data: bytes, max_bytes: int) -> Checked:
    name = clean_filename(filename)
    if not data:
        raise UploadError(_l("%(name)s is empty.", name=name))
    if len(data) > max_bytes:
        raise UploadError(_l("%(name)s is larger than %(mb)d MB.", name=name, mb=max_bytes // (1024 * 1024)))
    kind = sniff(data)
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if kind is None or ext not in KINDS[kind][1]:
        raise UploadError(_l("%(name)s is not a file we accept: PDF, PNG, JPEG, DXF, STEP, IGES, XLSX or ZIP, "
                             "with the matching extension.", name=name))
    return Checked(name, kind, KINDS[kind][0])
