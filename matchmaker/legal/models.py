"""Terms of use, privacy policy and the operator's contact page: versioned, and who accepted which."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..models import utcnow

DOCUMENT_KINDS = ("terms", "privacy", "operator")


class LegalDocument(db.Model):
    """One version of a document in both languages. Versions are never changed: an edit adds the next."""

    __tablename__ = "legal_documents"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    version: so.Mapped[int] = so.mapped_column()
    title_ja: so.Mapped[str] = so.mapped_column(sa.String(200))
    title_en: so.Mapped[str] = so.mapped_column(sa.String(200))
    body_ja: so.Mapped[str] = so.mapped_column(sa.Text)
    body_en: so.Mapped[str] = so.mapped_column(sa.Text)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("kind", "version", name="uq_legal_documents_kind_version"),
        sa.CheckConstraint("kind IN ('terms', 'privacy', 'operator')", name="kind"),
    )

    def title(self, locale: str) -> str:
        return self.title_ja if locale == "ja" else self.title_en

    def body(self, locale: str) -> str:
        return self.body_ja if locale == "ja" else self.body_en


class LegalAcceptance(db.Model):
    """A user accepted a version of a document (at registration)."""

    __tablename__ = "legal_acceptances"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    version: so.Mapped[int] = so.mapped_column()
    accepted_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    __table_args__ = (sa.UniqueConstraint("user_id", "kind", "version", name="uq_legal_acceptances_user_kind_version"),)
