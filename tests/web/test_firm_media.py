"""A firm's logo, photos and catalogue: checks, re-encoding, limits, who sees them; contact persons."""
from __future__ import annotations

import io
import os
import struct
import zlib

import pytest
import sqlalchemy as sa
from PIL import Image

from matchmaker.extensions import db
from matchmaker.files.models import FirmMedia
from matchmaker.models import Firm, User

from .conftest import count, form_errors, fresh, reload, text
from .test_firms import GOOD


@pytest.fixture
def app_config():
    return {"MATCHMAKER_MEDIA_MAX_PHOTOS": 3, "MATCHMAKER_MEDIA_IMAGE_MAX_MB": 1, "MATCHMAKER_MEDIA_CATALOGUE_MAX_MB": 1,
            "MATCHMAKER_MEDIA_MAX_PIXELS": 4_000_000}


def jpeg(w=2400, h=1200, gps=True) -> bytes:
    img = Image.new("RGB", (w, h), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° when shown
    if gps:
        exif[0x8825] = {1: "N", 2: (35.0, 20.0, 1.0), 3: "E", 4: (139.0, 29.0, 1.0)}
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif, quality=60)
    return out.getvalue()


def png(w=300, h=200, alpha=True) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA" if alpha else "RGB", (w, h), (0, 90, 80, 128) if alpha else (0, 90, 80)).save(out, "PNG")
    return out.getvalue()


def png_header_only(w: int, h: int) -> bytes:
    """A tiny file that claims w × h pixels (a 'pixel bomb': decoding it would need w*h*4 bytes)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post_file(client, firm_id, what, field, files, **extra):
    """Post files with the page's CSRF token; the body is built in memory (the test client would spool a
    big body to a temporary file it never closes)."""
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    fields = MultiDict(list(extra.items()))
    for stream, name in (files if isinstance(files, list) else [files]):
        fields.add(field, FileStorage(stream, filename=name))
    boundary, body = encode_multipart(fields)
    return client.post(f"/firms/{firm_id}/media/{what}", data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def signed_in(client, auth, member):
    auth.login(member.email)
    return client


def test_photo_is_reencoded_resized_upright_and_without_exif(signed_in, member):
    r = post_file(signed_in, member.firm_id, "photos", "photos", (io.BytesIO(jpeg()), "工場.jpg"), caption="第一工場")
    assert r.status_code == 302, form_errors(text(r))
    fresh()
    row = db.session.scalar(sa.select(FirmMedia))
    assert (row.kind, row.content_type, row.caption) == ("photo", "image/jpeg", "第一工場")
    # turned upright (the EXIF said: rotate), then at most 1600 px on the long side
    assert (row.width, row.height) == (800, 1600) and max(row.thumb_width, row.thumb_height) == 480
    r = signed_in.get(f"/files/media/{row.id}")
    assert r.status_code == 200 and r.mimetype == "image/jpeg" and r.headers["X-Content-Type-Options"] == "nosniff"
    stored = r.data
    assert b"SecretCam" not in stored and b"Exif" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()
    thumb = signed_in.get(f"/files/media/{row.id}/thumb")
    assert thumb.status_code == 200 and Image.open(io.BytesIO(thumb.data)).size == (240, 480)
    # the firm page shows it, everyone may see it, and caches may keep it
    signed_in.post("/account/logout")
    page = text(signed_in.get(f"/firms/{member.firm_id}"))
    assert f"/files/media/{row.id}/thumb" in page and "第一工場" in page
    anon = signed_in.get(f"/files/media/{row.id}/thumb")
    assert anon.status_code == 200 and anon.headers["Cache-Control"] == "public, max-age=86400"
    assert signed_in.get(f"/files/media/{row.id}/thumb", headers={"If-None-Match": anon.headers["ETag"]}).status_code == 304


BAD_UPLOADS = {
    "html renamed": ("photos", "photos", lambda: (io.BytesIO(b"<html><script>alert(1)</script></html>"), "a.jpg"),
                     "is not an image we accept"),
    "gif": ("photos", "photos", lambda: (io.BytesIO(b"GIF89a" + b"\x00" * 40), "a.gif"), "is not an image we accept"),
    "too big": ("photos", "photos", lambda: (io.BytesIO(b"\xff\xd8\xff" + b"\x00" * (1024 * 1024 + 10)), "big.jpg"),
                "is larger than 1 MB"),
    "pixel bomb": ("logo", "logo", lambda: (io.BytesIO(png_header_only(30000, 30000)), "bomb.png"), "pixels"),
    "over the pixel limit": ("photos", "photos", lambda: (io.BytesIO(png_header_only(2100, 2000)), "wide.png"),
                             "at most 4 million"),
    "truncated image": ("logo", "logo", lambda: (io.BytesIO(png()[:60]), "cut.png"), "is not an image we accept"),
    "catalogue not pdf": ("catalogue", "catalogue", lambda: (io.BytesIO(png()), "cat.pdf"), "PDF"),
    "catalogue too big": ("catalogue", "catalogue", lambda: (io.BytesIO(PDF + b"0" * (1024 * 1024)), "cat.pdf"),
                          "is larger than 1 MB"),
    "path as name": ("logo", "logo", lambda: (io.BytesIO(png()), "../../etc/x.png"), "is not allowed"),
}


def test_bad_uploads_say_what_is_wrong_and_keep_nothing(client, auth, make):
    firm = make.firm()
    user = make.user(firm=firm, locale="en")
    auth.login(user.email)
    for what, field, make_file, message in BAD_UPLOADS.values():
        r = post_file(client, firm.id, what, field, make_file())
        assert r.status_code == 200
        assert message in " ".join(form_errors(text(r))), (message, form_errors(text(r)))
    assert count(FirmMedia) == 0
    folder = client.application.config["MATCHMAKER_UPLOAD_FOLDER"]
    assert not any(files for _, _, files in os.walk(folder)), "bytes of a refused upload were kept"


def test_photo_limit_and_logo_replacement(signed_in, auth, member):
    three = [(io.BytesIO(png(40, 30, alpha=False)), f"p{i}.png") for i in range(3)]
    assert post_file(signed_in, member.firm_id, "photos", "photos", three).status_code == 302
    r = post_file(signed_in, member.firm_id, "photos", "photos", (io.BytesIO(png(40, 30)), "p4.png"))
    assert r.status_code == 200 and form_errors(text(r))
    assert count(FirmMedia, FirmMedia.kind == "photo") == 3
    assert post_file(signed_in, member.firm_id, "logo", "logo", (io.BytesIO(png()), "logo.png")).status_code == 302
    first = db.session.scalar(sa.select(FirmMedia).where(FirmMedia.kind == "logo"))
    assert first.content_type == "image/png"  # transparency kept
    first_id = first.id
    assert post_file(signed_in, member.firm_id, "logo", "logo", (io.BytesIO(png(alpha=False)), "l2.png")).status_code == 302
    fresh()
    logos = db.session.scalars(sa.select(FirmMedia).where(FirmMedia.kind == "logo")).all()
    assert len(logos) == 1 and logos[0].id != first_id and logos[0].content_type == "image/jpeg"
    assert signed_in.get(f"/files/media/{first_id}").status_code == 404
    # the logo appears in the directory and in search results
    assert f"/files/media/{logos[0].id}/thumb" in text(signed_in.get("/firms/"))
    # and in a search result (the same card every recommendation list uses)
    from types import SimpleNamespace

    from flask import render_template_string

    hit = SimpleNamespace(firm=reload(Firm, member.firm_id), strength="good", score=0.5, offering=None, need=None,
                          reasons=[])
    with signed_in.application.test_request_context("/search/suppliers"):
        assert f"/files/media/{logos[0].id}/thumb" in render_template_string(
            "{% include 'search/_hit.html' %}", hit=hit, pick=False)
    # a catalogue, served as a download
    assert post_file(signed_in, member.firm_id, "catalogue", "catalogue", (io.BytesIO(PDF), "カタログ.pdf")).status_code == 302
    cat = db.session.scalar(sa.select(FirmMedia).where(FirmMedia.kind == "catalogue"))
    r = signed_in.get(f"/files/media/{cat.id}")
    assert r.mimetype == "application/pdf" and r.headers["Content-Disposition"].startswith("attachment")
    assert f"/files/media/{cat.id}" in text(signed_in.get(f"/firms/{member.firm_id}"))
    # delete a photo
    photo = db.session.scalar(sa.select(FirmMedia).where(FirmMedia.kind == "photo"))
    assert signed_in.get(f"/firms/{member.firm_id}/media").status_code == 200
    assert signed_in.post(f"/firms/{member.firm_id}/media/{photo.id}/delete").status_code == 302
    assert count(FirmMedia, FirmMedia.kind == "photo") == 2


def test_other_firms_and_anonymous_cannot_touch_media(client, auth, member, other_member, make):
    auth.login(member.email)
    post_file(client, member.firm_id, "logo", "logo", (io.BytesIO(png()), "logo.png"))
    row = db.session.scalar(sa.select(FirmMedia))
    auth.logout()
    auth.login(other_member.email)
    assert client.get(f"/firms/{member.firm_id}/media").status_code == 403
    assert post_file(client, member.firm_id, "logo", "logo", (io.BytesIO(png()), "x.png")).status_code == 403
    assert client.post(f"/firms/{member.firm_id}/media/{row.id}/delete").status_code == 403
    # through its own firm's URL, another firm's row is not found
    client.post(f"/firms/{other_member.firm_id}/media/{row.id}/delete")
    assert count(FirmMedia) == 1
    auth.logout()
    assert client.get(f"/firms/{member.firm_id}/media").status_code == 302  # to log in
    # an unlisted firm's pictures: its members and the city's staff only, never cached
    firm = reload(Firm, member.firm_id)
    firm.published_at = None
    db.session.commit()
    assert client.get(f"/files/media/{row.id}").status_code == 404
    auth.login(member.email)
    r = client.get(f"/files/media/{row.id}")
    assert r.status_code == 200 and "no-store" in r.headers["Cache-Control"]


def test_contact_persons_without_addresses(client, auth, member, make):
    colleague = make.user(firm=db.session.get(Firm, member.firm_id), email="sato.private@example.com", name="佐藤 花子")
    auth.login(member.email)
    html = text(client.get(f"/firms/{member.firm_id}/edit"))
    assert "佐藤 花子" in html and 'name="contacts-0-user_id"' in html
    intruder = make.user(firm=make.firm(), email="intruder@example.com", name="他社の人")
    data = {**GOOD, "contacts-0-user_id": str(member.id), "contacts-0-department": "",
            "contacts-1-user_id": str(colleague.id), "contacts-1-shown": "y", "contacts-1-department": "営業部",
            "contacts-2-user_id": str(intruder.id), "contacts-2-shown": "y", "contacts-2-department": "乗っ取り"}
    r = client.post(f"/firms/{member.firm_id}/edit", data=data)
    assert r.status_code == 302, form_errors(text(r))
    assert reload(User, colleague.id).is_contact and reload(User, colleague.id).department == "営業部"
    assert not reload(User, intruder.id).is_contact and reload(User, intruder.id).department == ""
    auth.logout()
    page = text(client.get(f"/firms/{member.firm_id}"))
    assert "営業部 佐藤 花子" in page and "テスト太郎" not in page
    assert "@example.com" not in page
    r = client.post(f"/firms/{member.firm_id}/edit", data=data)
    assert r.status_code == 302 and "/account/login" in r.headers["Location"]


def test_deleting_a_firm_removes_its_media(client, auth, member):
    auth.login(member.email)
    post_file(client, member.firm_id, "logo", "logo", (io.BytesIO(png()), "logo.png"))
    post_file(client, member.firm_id, "catalogue", "catalogue", (io.BytesIO(PDF), "c.pdf"))
    assert count(FirmMedia) == 2
    from matchmaker.accounts.service import delete_firm

    delete_firm(reload(Firm, member.firm_id))
    db.session.commit()
    assert count(FirmMedia) == 0
    folder = client.application.config["MATCHMAKER_UPLOAD_FOLDER"]
    assert not any(files for _, _, files in os.walk(folder)), "the deleted firm's files are still stored"
