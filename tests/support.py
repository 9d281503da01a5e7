"""Constants and helpers shared by the test folders (imported as `support`)."""
import contextlib
import contextvars
import fcntl
import os
import re
import shutil
import uuid
from pathlib import Path

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


class AppPool:
    """Apps reused by the tests of one process that ask for the same database and settings.

    `create_app` costs about 0.3 s (the OpenAPI document and the URL map are built each time), and
    the `app` fixture ran it for each of more than a thousand tests. An app is taken out of the pool
    for a test and put back only after a complete teardown, as good as new: the extensions' entries
    added since its creation (the matching index, the mail sender, the public indicators' cache) are
    dropped, its attributes set back (the test client's class, "has handled a request") and the rate
    limiter's counters reset; before its next test its configuration is the one it was created with
    (plus that test's own folders). An app whose URL map a test extended
    (`app.add_url_rule`) is not put back. At most `size` apps are kept.
    """

    PER_TEST = ("MATCHMAKER_UPLOAD_FOLDER", "MATCHMAKER_MAIL_URL")  # each test's own folders

    def __init__(self, size: int = 8):
        self.size = size
        self.idle: dict[str, dict] = {}  # key -> entry, the most recently used last

    def take(self, config: dict):
        """An app for `config` (reused or new) and the key to give it back under."""
        from matchmaker import create_app

        key = repr(sorted((k, repr(v)) for k, v in config.items() if k not in self.PER_TEST))
        entry = self.idle.pop(key, None)
        if entry is None:
            app = create_app(config)
            app.jinja_env  # noqa: B018 - made on first use: part of the app as created
            entry = {"app": app, "config": dict(app.config), "extensions": set(app.extensions),
                     "attributes": dict(vars(app)), "rules": len(app.url_map._rules)}
        else:
            app = entry["app"]
            app.config.clear()
            app.config.update(entry["config"])
            app.config.update({k: config[k] for k in self.PER_TEST if k in config})
        return entry, key

    def give_back(self, entry: dict, key: str) -> None:
        """After a complete teardown (inside the app's context, the mail sender stopped, the tables emptied)."""
        from matchmaker.extensions import limiter

        app = entry["app"]
        if len(app.url_map._rules) != entry["rules"]:
            return
        for name in set(app.extensions) - entry["extensions"]:
            del app.extensions[name]
        # attributes set since creation (the test client's class, "has handled a request", ...) as they were
        attributes = entry["attributes"]
        for name in set(vars(app)) - set(attributes):
            delattr(app, name)
        for name, value in attributes.items():
            if vars(app).get(name) is not value:
                setattr(app, name, value)
        limiter.reset()
        self.idle[key] = entry
        while len(self.idle) > self.size:
            self.idle.pop(next(iter(self.idle)))


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
def private_postgres_database(prefix: str = "mm_test", template: str | None = None):
    """A new PostgreSQL database (its URL), dropped at the end: empty, or a copy of `template`."""
    admin = _pg_admin_engine()
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    url = admin.url.set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        _drop_postgres_database(admin, name)
        admin.dispose()


def _drop_postgres_database(admin, name: str) -> None:
    with admin.connect() as conn:
        conn.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
        ), {"n": name})
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))


# ------------------------------------------------------------------ the demo data, seeded once per run


def run_folder(tmp_path_factory) -> Path:
    """The test run's own temporary folder, shared by its xdist workers (each has a subfolder of it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def seed_demo_with_cli(database_url: str, seed: bool = True) -> None:
    """`matchmaker db upgrade` and `matchmaker seed-demo` on a new database, as a user runs them (without
    `seed`: only the upgrade, for a database seeded earlier)."""
    from live import cli_env, run_cli

    env = cli_env(database_url)
    for args in (["db", "upgrade"], ["seed-demo"])[:2 if seed else 1]:
        done = run_cli(args, env, timeout=300)
        assert done.returncode == 0, f"matchmaker {' '.join(args)}: {done.stderr}"


class DemoTemplates:
    """The demo data, seeded once per test run and backend into a template that tests copy.

    A seed (`matchmaker db upgrade` and `matchmaker seed-demo` in a subprocess, as a user runs them)
    takes seconds of CPU; a copy (SQLite: the file; PostgreSQL: CREATE DATABASE ... TEMPLATE) a
    fraction of one. The templates belong to the run's shared temporary folder, so the two xdist
    workers share them: the first to need one seeds it under a file lock while the other waits.
    The PostgreSQL template is dropped at the end of the run by the controlling process
    (`drop_postgres_templates`, from tests/conftest.py). MATCHMAKER_TEST_DEMO_DB=<file> names a SQLite
    database seeded earlier to use as the SQLite template, for quicker repeated runs.
    """

    PG_NAMES = "demo-template-postgresql.names"  # every template database made, for the clean-up
    PG_READY = "demo-template-postgresql.ready"  # the one seeded completely

    def __init__(self, folder: Path):
        self.folder = folder

    @contextlib.contextmanager
    def _lock(self, backend: str):
        with open(self.folder / f"demo-template-{backend}.lock", "w") as f:
            fcntl.flock(f, fcntl.LOCK_EX)  # released when the file closes
            yield

    def sqlite_template(self) -> Path:
        path = self.folder / "demo-template.db"
        with self._lock("sqlite"):
            if not path.exists():
                partial = self.folder / "demo-template.partial.db"
                given = os.environ.get("MATCHMAKER_TEST_DEMO_DB")
                if given:
                    shutil.copyfile(given, partial)
                else:
                    partial.unlink(missing_ok=True)
                seed_demo_with_cli("sqlite:///" + str(partial), seed=not given)
                partial.replace(path)
        return path

    def postgres_template(self) -> str:
        """The name of the PostgreSQL template database (its server: MATCHMAKER_TEST_POSTGRES_URL)."""
        ready = self.folder / self.PG_READY
        with self._lock("postgresql"):
            if not ready.exists():
                admin = _pg_admin_engine()
                name = f"mm_demo_template_{uuid.uuid4().hex[:10]}"
                with open(self.folder / self.PG_NAMES, "a") as names:
                    names.write(name + "\n")
                with admin.connect() as conn:
                    conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
                url = admin.url.set(database=name).render_as_string(hide_password=False)
                admin.dispose()
                seed_demo_with_cli(url)
                ready.write_text(name)
            return ready.read_text()

    @contextlib.contextmanager
    def database(self, backend: str, folder: Path):
        """A new database with the demo data (its URL), on `backend`; a PostgreSQL one is dropped at the end."""
        if backend == "sqlite":
            path = folder / f"demo-{uuid.uuid4().hex[:8]}.db"
            shutil.copyfile(self.sqlite_template(), path)
            yield "sqlite:///" + str(path)
            return
        template = self.postgres_template()
        with contextlib.ExitStack() as stack:
            with self._lock("postgresql"):  # one copy at a time: no session may be connected to a template
                url = stack.enter_context(private_postgres_database("mm_demo", template=template))
            yield url

    def drop_postgres_templates(self) -> None:
        names_file = self.folder / self.PG_NAMES
        if not names_file.exists():
            return
        admin = _pg_admin_engine()
        for name in names_file.read_text().split():
            _drop_postgres_database(admin, name)
        admin.dispose()
        names_file.unlink()


