"""The current version of each document, new versions by admins, acceptance at registration, and
the documents' plain-text markup turned into HTML."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup, escape

from .. import reference
from ..extensions import db
from .defaults import DEFAULTS
from .models import DOCUMENT_KINDS, LegalAcceptance, LegalDocument


@dataclass(frozen=True)
class Document:
    kind: str
    version: int
    title_ja: str
    title_en: str
    body_ja: str
    body_en: str
    created_at: object = None  # None: the shipped text, not saved by an admin yet

    def title(self, locale: str) -> str:
        return self.title_ja if locale == "ja" else self.title_en

    def body(self, locale: str) -> str:
        return self.body_ja if locale == "ja" else self.body_en


def _city(locale: str) -> str:
    name = current_app.config["MATCHMAKER_HOME_CITY"]
    if locale == "ja":
        return name
    place = reference.find_place(name, current_app.config["MATCHMAKER_HOME_COUNTRY"])
    return f"{place.name_en} City" if place is not None and place.name_en else name


def shipped(kind: str) -> Document:
    """Version 1: the text shipped with the product, for this city."""
    d = DEFAULTS[kind]
    ja, en = _city("ja"), _city("en")
    return Document(kind, 1, d["title_ja"], d["title_en"], d["body_ja"].format(city=ja), d["body_en"].format(city=en))


def _as_document(row: LegalDocument) -> Document:
    return Document(row.kind, row.version, row.title_ja, row.title_en, row.body_ja, row.body_en, row.created_at)


def current(kind: str) -> Document:
    row = db.session.scalar(sa.select(LegalDocument).where(LegalDocument.kind == kind)
                            .order_by(LegalDocument.version.desc()).limit(1))
    return _as_document(row) if row is not None else shipped(kind)


def version(kind: str, number: int) -> Document | None:
    row = db.session.scalar(sa.select(LegalDocument).where(LegalDocument.kind == kind, LegalDocument.version == number))
    if row is not None:
        return _as_document(row)
    return shipped(kind) if number == 1 else None


def versions(kind: str) -> list[Document]:
    """Every version, newest first (the shipped one last while nobody saved it)."""
    rows = db.session.scalars(sa.select(LegalDocument).where(LegalDocument.kind == kind)
                              .order_by(LegalDocument.version.desc())).all()
    docs = [_as_document(r) for r in rows]
    if not any(d.version == 1 for d in docs):
        docs.append(shipped(kind))
    return docs


def save(kind: str, title_ja: str, title_en: str, body_ja: str, body_en: str, user) -> Document | None:
    """A new version when the text changed (None when it did not), in the current transaction. The
    shipped text is kept as version 1 before the first edit, so every accepted version stays readable.
    Two admins saving at once: the unique (kind, version) refuses the second (IntegrityError)."""
    before = current(kind)
    if (before.title_ja, before.title_en, before.body_ja, before.body_en) == (title_ja, title_en, body_ja, body_en):
        return None
    if before.created_at is None:
        db.session.add(LegalDocument(kind=kind, version=1, title_ja=before.title_ja, title_en=before.title_en,
                                     body_ja=before.body_ja, body_en=before.body_en))
    row = LegalDocument(kind=kind, version=before.version + 1, title_ja=title_ja, title_en=title_en,
                        body_ja=body_ja, body_en=body_en, created_by_id=getattr(user, "id", None))
    db.session.add(row)
    db.session.flush()
    return _as_document(row)


ACCEPTED_AT_REGISTRATION = ("terms", "privacy")


def record_acceptance(user, versions_seen: dict[str, int]) -> None:
    """The user accepted these versions (those the registration page showed)."""
    for kind in ACCEPTED_AT_REGISTRATION:
        db.session.add(LegalAcceptance(user_id=user.id, kind=kind, version=versions_seen[kind]))


def accepted(user_id: int) -> dict[str, int]:
    """The latest version of each document a user accepted."""
    rows = db.session.execute(sa.select(LegalAcceptance.kind, sa.func.max(LegalAcceptance.version))
                              .where(LegalAcceptance.user_id == user_id).group_by(LegalAcceptance.kind))
    return {kind: v for kind, v in rows}


def render(text: str) -> Markup:
    """Plain text as HTML, everything escaped: "## " starts a heading, "- " a list item, a blank
    line a new paragraph."""
    out: list[str] = []
    para: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if para:
            out.append("<p>" + "<br>".join(para) + "</p>")
            para.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for line in (text or "").replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith("## "):
            flush()
            out.append(f'<h2 class="h5 mt-4">{escape(stripped[3:])}</h2>')
        elif stripped.startswith("- "):
            if para:
                flush()
            items.append(str(escape(stripped[2:])))
        else:
            if items:
                flush()
            para.append(str(escape(stripped)))
    flush()
    return Markup("\n".join(out))


__all__ = ["DOCUMENT_KINDS", "Document", "current", "version", "versions", "save", "record_acceptance", "accepted",
           "render", "shipped"]
