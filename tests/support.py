"""Constants and helpers shared by the test folders (imported as `support`)."""
import contextlib
import contextvars
import os
import re
import uuid

import pytest
import sqlalchemy as sa

from flask.testing import FlaskClient
from jinja2 import BytecodeCache

PASSWORD = "correct-horse-42"


def csrf_token_from(html: str) -> str:
    m = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert m, "no CSRF token in the page"
    return m.group(1)


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own application context, as in production.

    The `app` fixture keeps the test's own app context open; without this, Flask would reuse it
    for requests and `g` (the signed-in user, the locale, the CSRF token) would leak between them.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by the apps of the whole run (each test builds a new app)."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CACHE = _MemoryBytecodeCache()


def new_client(app) -> FlaskClient:
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = _TEMPLATE_CACHE
    return app.test_client()


def make_config(url: str, tmp_path, mail_url: str = "", **extra) -> dict:
    config = {
        "TESTING": True,
        "MATCHMAKER_MAIL_URL": mail_url or "file://" + str(tmp_path / "mail"),
        "MATCHMAKER_UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
    }
    config.update(extra)
    return config


# ------------------------------------------------------------------ PostgreSQL

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _pg_admin_url() -> str:
    url = os.environ.get("MATCHMAKER_TEST_POSTGRES_URL") or DEFAULT_PG
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


def _pg_admin_engine():
    """An engine on the PostgreSQL server's admin database, or a skip (a failure under CI) if unreachable."""
    admin_url = _pg_admin_url()
    try:
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as e:  # noqa: BLE001 - any connection failure means "not reachable"
        reason = f"PostgreSQL not reachable at {admin_url} ({type(e).__name__}); set MATCHMAKER_TEST_POSTGRES_URL"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI requires PostgreSQL: " + reason)
        pytest.skip(reason)
    return admin


@contextlib.contextmanager
def private_postgres_database(prefix: str = "mm_test"):
    """A new, empty PostgreSQL database (its URL), dropped at the end."""
    admin = _pg_admin_engine()
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
            ), {"n": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


