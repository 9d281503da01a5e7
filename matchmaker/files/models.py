"""Files attached to requests for quotation, quotes and messages (drawings, specifications)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..models import utcnow


class StoredFile(db.Model):
    """One uploaded file: its bytes live in the storage (storage.py) under a random key, never under the
    name the user gave; who may download it follows from what it is attached to."""

    __tablename__ = "files"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    storage_key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    filename: so.Mapped[str] = so.mapped_column(sa.String(200))  # cleaned, for display and download only
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))  # what the content was found to be
    size: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    firm_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="SET NULL"), index=True)
    # attached to exactly one of these
    rfq_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("rfqs.id", ondelete="CASCADE"), index=True)
    quote_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("rfq_quotes.id", ondelete="CASCADE"), index=True)
    message_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("thread_messages.id", ondelete="CASCADE"),
                                                         index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("(CASE WHEN rfq_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN quote_id IS NULL THEN 0 ELSE 1 END)"
                           " + (CASE WHEN message_id IS NULL THEN 0 ELSE 1 END) = 1", name="one_owner"),
    )


MEDIA_KINDS = ("logo", "photo", "catalogue")


class FirmMedia(db.Model):
    """A firm's logo, one of its photos or its PDF catalogue, shown on its public pages.

    Images are re-encoded on upload (media.py): `storage_key` holds the re-encoded image and
    `thumb_key` its thumbnail, made once; a catalogue is kept as uploaded (checked to be a PDF) and
    always served as a download. Rows never change: a new upload is a new row (and a new URL)."""

    __tablename__ = "firm_media"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    firm_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    storage_key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    thumb_key: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    filename: so.Mapped[str] = so.mapped_column(sa.String(200))  # as uploaded, cleaned; for the catalogue link
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))
    size: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    width: so.Mapped[int | None] = so.mapped_column()
    height: so.Mapped[int | None] = so.mapped_column()
    thumb_width: so.Mapped[int | None] = so.mapped_column()
    thumb_height: so.Mapped[int | None] = so.mapped_column()
    caption: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    __table_args__ = (sa.CheckConstraint("kind IN ('logo', 'photo', 'catalogue')", name="kind"),)

    @property
    def is_image(self) -> bool:
        return self.kind in ("logo", "photo")
