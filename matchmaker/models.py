"""The marketplace's data model: users, firms with their capability profile, offerings and needs."""
from __future__ import annotations

from datetime import date, datetime, timezone

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


ROLES = ("member", "organizer", "admin")
EMPLOYEE_RANGES = ("1-9", "10-29", "30-99", "100-299", "300+")
NEED_STATUSES = ("open", "closed", "fulfilled")
OFFERING_STATUSES = ("active", "closed")
SUPPLIER_SCOPES = ("local", "domestic", "overseas", "anywhere")
FACET_KINDS = ("industry", "tag", "certification", "language", "equipment")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # Stored lower-cased: the unique index makes e-mail addresses unique case-insensitively.
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True, index=True)
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    name: so.Mapped[str] = so.mapped_column(sa.String(100))
    role: so.Mapped[str] = so.mapped_column(sa.String(20), default="member")
    locale: so.Mapped[str] = so.mapped_column(sa.String(5), default="ja")
    firm_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="SET NULL"), index=True)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    # Set when the owner of the address followed the link we mailed (or an admin created the account).
    email_verified_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_login_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    # As the firm's contact person: shown on the firm's page (name and department, never the address).
    department: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    is_contact: so.Mapped[bool] = so.mapped_column(default=False)

    firm: so.Mapped[Firm | None] = so.relationship(back_populates="members")

    __table_args__ = (sa.CheckConstraint("role IN ('member', 'organizer', 'admin')", name="role"),)

    @staticmethod
    def normalize_email(email: str) -> str:
        return (email or "").strip().lower()

    # The signed-in session this object was loaded for (see accounts/sessions.py); not a column.
    session_token = None  # str: set on sign-in and by the user loader

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:  # Flask-Login: the session cookie names the user and the server-side session
        return f"{self.id}:{self.session_token}" if self.session_token else ""

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_organizer(self) -> bool:
        return self.role in ("organizer", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can_edit_firm(self, firm: Firm) -> bool:
        return self.firm_id is not None and self.firm_id == firm.id

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class FirmFacet(db.Model):
    """One value of a firm's multi-valued attributes (industry code, tag, certification, language, equipment).

    A table rather than a JSON column so that the directory filters are plain indexed SQL on
    SQLite and PostgreSQL alike.
    """

    __tablename__ = "firm_facets"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    firm_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    value: so.Mapped[str] = so.mapped_column(sa.String(200))
    position: so.Mapped[int] = so.mapped_column(default=0)

    __table_args__ = (
        sa.Index("ix_firm_facets_kind_value", "kind", "value"),
        sa.UniqueConstraint("firm_id", "kind", "value", name="uq_firm_facets_firm_kind_value"),
    )


def _facet_property(kind: str):
    def getter(self: Firm) -> list[str]:
        return [f.value for f in sorted(self.facets, key=lambda f: f.position) if f.kind == kind]

    def setter(self: Firm, values) -> None:
        seen: list[str] = []
        for v in values or []:
            v = (v or "").strip()
            if v and v not in seen:
                seen.append(v)
        keep = [f for f in self.facets if f.kind != kind]
        existing = {f.value: f for f in self.facets if f.kind == kind}
        new = []
        for i, v in enumerate(seen):
            facet = existing.get(v) or FirmFacet(kind=kind, value=v)
            facet.position = i
            new.append(facet)
        self.facets = keep + new

    return property(getter, setter)


class Firm(db.Model):
    __tablename__ = "firms"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200), index=True)
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    name_kana: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    description_ja: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    description_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    website: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    address: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    city: so.Mapped[str] = so.mapped_column(sa.String(100), default="", index=True)
    prefecture: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    country: so.Mapped[str] = so.mapped_column(sa.String(2), default="JP", index=True)
    latitude: so.Mapped[float | None] = so.mapped_column(sa.Float)
    longitude: so.Mapped[float | None] = so.mapped_column(sa.Float)
    employees: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    founded_year: so.Mapped[int | None] = so.mapped_column()
    overseas_interest: so.Mapped[bool] = so.mapped_column(default=False)
    # Contact details from the city's member list (imports/): the claim invitation goes to contact_email.
    postal_code: so.Mapped[str] = so.mapped_column(sa.String(8), default="")
    phone: so.Mapped[str] = so.mapped_column(sa.String(30), default="")
    contact_email: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    # Set when the city listed the firm from its member list; "listed by the city" while it has no member.
    imported_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    # An organizer checked the firm (e.g. a chamber member seen in person); who and when: firm_audit.
    verified_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True), index=True)
    # When a member last confirmed (or saved) the profile (see last_confirmed); reminders ask after a year.
    confirmed_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    confirm_reminded_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    # Shown to everyone once a member has confirmed an e-mail address (or the city listed the firm);
    # cleared when the firm is deleted.
    published_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True), index=True)
    # A deleted firm keeps an anonymised row for the records other firms need (past meetings, deals).
    deleted_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # Made up by `matchmaker seed-demo --synthetic N` to try the site at scale; never a real firm.
    synthetic: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # What the directory's keyword filter reads: names, descriptions, tags and equipment folded by the
    # engine's normaliser, plus the vocabulary's concept keys (search/text.py keeps it current).
    search_text: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    # The distinct pairs of neighbouring non-ASCII characters of search_text, space-separated: what a
    # two-character word (溶接, 研磨) is looked up in, since trigrams cannot serve it (search/text.py).
    search_pairs: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")

    __table_args__ = (
        # a trigram index for LIKE '%...%' on PostgreSQL (pg_trgm); elsewhere a plain index (unused by
        # LIKE '%...%', kept so that every database has the same schema)
        sa.Index("ix_firms_search_text_trgm", "search_text", postgresql_using="gin",
                 postgresql_ops={"search_text": "gin_trgm_ops"}),
        # the directory's city filter also finds a ward by part of its name (ILIKE '%中区%')
        sa.Index("ix_firms_city_trgm", "city", postgresql_using="gin", postgresql_ops={"city": "gin_trgm_ops"}),
        # trigrams cannot serve a two-character word (溶接, 板金, 研磨: most Japanese work words): on
        # PostgreSQL a GIN index of the text's character pairs does (search/text.py)
        sa.Index("ix_firms_search_pairs", sa.text("mm_pairs(search_pairs)"),
                 postgresql_using="gin").ddl_if(dialect="postgresql"),
        # the directory's order (newest first, id breaking ties): read off the index, never sorted
        sa.Index("ix_firms_updated_at_id", "updated_at", "id"),
    )

    members: so.Mapped[list[User]] = so.relationship(back_populates="firm")
    facets: so.Mapped[list[FirmFacet]] = so.relationship(cascade="all, delete-orphan", lazy="selectin")
    offerings: so.Mapped[list[Offering]] = so.relationship(
        back_populates="firm", cascade="all, delete-orphan", order_by="Offering.created_at.desc()"
    )
    needs: so.Mapped[list[Need]] = so.relationship(
        back_populates="firm", cascade="all, delete-orphan", order_by="Need.created_at.desc()"
    )

    industries = _facet_property("industry")
    tags = _facet_property("tag")
    certifications = _facet_property("certification")
    languages = _facet_property("language")
    equipment = _facet_property("equipment")

    def display_name(self, locale: str = "ja") -> str:
        if locale != "ja" and self.name_en:
            return self.name_en
        return self.name

    def description(self, locale: str = "ja") -> str:
        if locale == "ja":
            return self.description_ja or self.description_en
        return self.description_en or self.description_ja

    @property
    def is_overseas(self) -> bool:
        from .locality import home_country

        return (self.country or home_country()) != home_country()

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def last_confirmed(self) -> datetime | None:
        """When the firm's own people last confirmed the profile: a save or a confirmation, else its
        registration; None for a firm the city listed and nobody from it has confirmed yet."""
        if self.confirmed_at is not None:
            return self.confirmed_at
        return None if self.imported_at is not None else self.created_at

    @property
    def listed_by_city(self) -> bool:
        """Imported from the city's list and not yet claimed by anyone from the firm."""
        return self.imported_at is not None and not self.members

    @property
    def is_public(self) -> bool:
        return self.published_at is not None and self.deleted_at is None

    @classmethod
    def public(cls) -> sa.ColumnElement[bool]:
        """The firms everyone may see (directory, search, recommendations)."""
        return sa.and_(cls.published_at.is_not(None), cls.deleted_at.is_(None))

    def completeness(self) -> tuple[int, list[str]]:
        """Percentage of the profile filled in, and the names of the missing parts."""
        parts = {
            "description": bool(self.description_ja or self.description_en),
            "address": bool(self.address),
            "location": self.latitude is not None,
            "industries": bool(self.industries),
            "tags": bool(self.tags),
            "certifications": bool(self.certifications),
            "equipment": bool(self.equipment),
            "languages": bool(self.languages),
            "website": bool(self.website),
            "employees": bool(self.employees),
            "founded_year": self.founded_year is not None,
            "offerings": bool(self.offerings),
        }
        done = sum(parts.values())
        return round(100 * done / len(parts)), [k for k, v in parts.items() if not v]

    def __repr__(self) -> str:
        return f"<Firm {self.id} {self.name}>"


class Offering(db.Model):
    __tablename__ = "offerings"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    firm_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    categories: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    tags: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="active", index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    firm: so.Mapped[Firm] = so.relationship(back_populates="offerings")

    __table_args__ = (
        sa.Index("ix_offerings_created_at_id", "created_at", "id"),  # newest first on the home page and lists
        sa.CheckConstraint("status IN ('active', 'closed')", name="status"),
    )

    @property
    def is_open(self) -> bool:
        return self.status == "active"


class Need(db.Model):
    __tablename__ = "needs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    firm_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    categories: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    tags: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    quantity: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    delivery_date: so.Mapped[date | None] = so.mapped_column(sa.Date)
    budget_min: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    budget_max: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    required_certifications: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    supplier_scope: so.Mapped[str] = so.mapped_column(sa.String(20), default="anywhere")
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="open", index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    firm: so.Mapped[Firm] = so.relationship(back_populates="needs")

    __table_args__ = (
        sa.Index("ix_needs_created_at_id", "created_at", "id"),  # newest first on the home page and lists
        sa.CheckConstraint("status IN ('open', 'closed', 'fulfilled')", name="status"),
        sa.CheckConstraint("supplier_scope IN ('local', 'domestic', 'overseas', 'anywhere')", name="scope"),
        sa.Index("ix_needs_period", "created_at", "status", "firm_id"),  # the indicators
    )

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class ChangeLog(db.Model):
    """An append-only record of changes to matchable data.

    Every server process keeps its own in-memory matching index and applies the rows it has not
    seen yet (incremental updates), so several gunicorn workers stay consistent without a
    broker.
    """

    __tablename__ = "change_log"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused, even after rows are pruned

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    entity: so.Mapped[str] = so.mapped_column(sa.String(20))  # firm | offering | need
    entity_id: so.Mapped[int] = so.mapped_column()
    op: so.Mapped[str] = so.mapped_column(sa.String(10))  # upsert | delete
    at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)


# The trigram index needs PostgreSQL's pg_trgm extension (a contrib module shipped with PostgreSQL).
sa.event.listen(Firm.__table__, "before_create",
                sa.DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))
# The stored pairs as an array, for their GIN index. A function the planner is told is costly (and
# that it cannot inline), so that it reads the index rather than splitting every row's pairs; the
# migration that added the index creates the same function.
PAIRS_FUNCTION = """CREATE OR REPLACE FUNCTION mm_pairs(t text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$ BEGIN RETURN string_to_array(t, ' '); END $$"""
sa.event.listen(Firm.__table__, "before_create", sa.DDL(PAIRS_FUNCTION).execute_if(dialect="postgresql"))
# A facet's value says its kind (ISO 9001 is only a certification): statistics over both columns
# together, so that PostgreSQL's planner does not take them as independent (migration 7c2d4e6f8a1b).
sa.event.listen(FirmFacet.__table__, "after_create", sa.DDL(
    "CREATE STATISTICS IF NOT EXISTS st_firm_facets_kind_value (mcv, dependencies) ON kind, value FROM firm_facets"
).execute_if(dialect="postgresql"))

