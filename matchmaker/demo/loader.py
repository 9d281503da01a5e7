"""Load the fictional demo firms shipped in `demo/data/*.json` into the database, in one transaction."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from ..extensions import db
from ..firms.service import apply_location
from ..models import ChangeLog, Firm, Need, Offering, User, utcnow

DEMO_PASSWORD = "matchmaker-demo-2026"
DEMO_DOMAIN = "demo.example.com"


class DemoError(Exception):
    pass


@dataclass
class DemoSummary:
    firms: int
    offerings: int
    needs: int
    users: int
    requests: int = 0
    deals: int = 0


def demo_files() -> list:
    folder = resources.files("matchmaker") / "demo" / "data"
    return sorted((e for e in folder.iterdir() if e.name.endswith(".json")), key=lambda e: e.name)


def read_demo_firms() -> list[dict]:
    firms: list[dict] = []
    for entry in demo_files():
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
        except ValueError as e:
            raise DemoError(f"{entry.name}: not valid JSON ({e})") from e
        if not isinstance(data, list):
            raise DemoError(f"{entry.name}: expected a JSON array of firms")
        firms.extend(data)
    if not firms:
        raise DemoError("no demo data found in matchmaker/demo/data")
    return firms


def database_has_data() -> bool:
    return db.session.scalar(sa.select(sa.func.count(Firm.id))) > 0 or db.session.scalar(sa.select(sa.func.count(User.id))) > 0


def reset_database() -> None:
    """Empty every table (dependants first); the session forgets the deleted rows."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.expunge_all()


def load_demo(reset: bool = False, today: date | None = None) -> DemoSummary:
    """Load the demo set; refuses when the database already has data unless `reset` is set."""
    today = today or date.today()
    records = read_demo_firms()
    try:
        if database_has_data():
            if not reset:
                raise DemoError("the database already has data; run with --reset to replace it with the demo set")
            reset_database()
        counts = DemoSummary(0, 0, 0, 0)
        # One scrypt hash for the shared demo password (hashing it 130 times would take half a minute).
        password_hash = generate_password_hash(DEMO_PASSWORD, method="scrypt")
        keys: set[str] = set()
        for i, rec in enumerate(records, 1):
            key = rec.get("key") or f"firm{i}"
            if key in keys:
                raise DemoError(f"demo firm {key}: duplicate key")
            keys.add(key)
            firm = _firm(rec)
            db.session.add(firm)
            for o in rec.get("offerings", []):
                firm.offerings.append(Offering(title=o["title"][:200], description=o.get("description", ""),
                                               categories=o.get("industries", []), tags=o.get("tags", [])))
                counts.offerings += 1
            for n in rec.get("needs", []):
                days = n.get("delivery_in_days")
                firm.needs.append(Need(
                    title=n["title"][:200], description=n.get("description", ""), categories=n.get("industries", []),
                    tags=n.get("tags", []), quantity=(n.get("quantity") or "")[:100],
                    delivery_date=today + timedelta(days=int(days)) if days else None,
                    budget_min=n.get("budget_min"), budget_max=n.get("budget_max"),
                    required_certifications=n.get("required_certifications", []),
                    supplier_scope=n.get("supplier_scope", "anywhere"), status=n.get("status", "open"),
                ))
                counts.needs += 1
            user = User(email=f"{key}@{DEMO_DOMAIN}", name=_contact_name(rec), role="member",
                        locale="ja" if firm.country == "JP" else "en", firm=firm, email_verified_at=utcnow())
            user.password_hash = password_hash
            db.session.add(user)
            counts.firms += 1
            counts.users += 1
        for role in ("organizer", "admin"):
            user = User(email=f"{role}@{DEMO_DOMAIN}", name={"organizer": "藤沢市 産業労働課", "admin": "管理者"}[role],
                        role=role, locale="ja", email_verified_at=utcnow())
            user.password_hash = password_hash
            db.session.add(user)
            counts.users += 1
        # Every server process rebuilds its matching index from the new data.
        db.session.add(ChangeLog(entity="all", entity_id=0, op="rebuild"))
        from ..fairs.demo import load_demo_fairs

        load_demo_fairs(today)
        from ..rfq.demo import load_demo_trade

        trade = load_demo_trade(today)
        counts.requests, counts.deals = trade.requests, trade.deals
        from .history import load_demo_history

        counts.deals += load_demo_history(today)
        from ..abuse.demo import load_demo_report

        load_demo_report()
        db.session.commit()
        return counts
    except Exception:
        db.session.rollback()
        raise


def _contact_name(rec: dict) -> str:
    """A demo account is named after its firm (greeted as "Welcome back, <firm>."), not after a role
    such as "Sales contact", which reads like a placeholder."""
    return rec["name"] if rec.get("country", "JP") == "JP" else (rec.get("name_en") or rec["name"])


def _firm(rec: dict) -> Firm:
    try:
        firm = Firm(
            name=rec["name"], name_en=rec.get("name_en", ""), name_kana=rec.get("name_kana", ""),
            description_ja=rec.get("description_ja", ""), description_en=rec.get("description_en", ""),
            website=rec.get("website", ""), address=rec.get("address", ""), city=rec["city"],
            prefecture=rec.get("prefecture", ""), country=rec.get("country", "JP"),
            employees=rec.get("employees", ""), founded_year=rec.get("founded_year"),
            overseas_interest=bool(rec.get("overseas_interest")), published_at=utcnow(),
        )
    except KeyError as e:
        raise DemoError(f"demo firm {rec.get('key', '?')}: missing field {e}") from e
    firm.industries = rec.get("industries", [])
    firm.tags = rec.get("tags", [])
    firm.equipment = rec.get("equipment", [])
    firm.certifications = rec.get("certifications", [])
    firm.languages = rec.get("languages", [])
    apply_location(firm)
    return firm
