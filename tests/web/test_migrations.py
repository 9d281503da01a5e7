"""Migrations from empty: `upgrade` on a fresh database gives exactly the schema of the models."""
from __future__ import annotations

import logging
import os
import uuid
import warnings

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from matchmaker import create_app
from matchmaker.extensions import db

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _pg_admin_url() -> str:
    url = os.environ.get("MATCHMAKER_TEST_POSTGRES_URL") or DEFAULT_PG
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


@pytest.fixture
def keep_loggers():
    """Alembic's logging set-up (fileConfig) disables every other logger; put them back afterwards."""
    manager = logging.Logger.manager
    before = {name: lg.disabled for name, lg in manager.loggerDict.items() if isinstance(lg, logging.Logger)}
    root_level, root_handlers = logging.root.level, list(logging.root.handlers)
    yield
    for name, lg in manager.loggerDict.items():
        if isinstance(lg, logging.Logger):
            lg.disabled = before.get(name, False)
    logging.root.setLevel(root_level)
    logging.root.handlers[:] = root_handlers


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database(request, tmp_path):
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path / "fresh.db")
        return
    admin_url = _pg_admin_url()
    try:
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as e:  # noqa: BLE001
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI requires PostgreSQL ({type(e).__name__})")
        pytest.skip(f"PostgreSQL not reachable at {admin_url}")
    name = f"mm_migrate_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def test_upgrade_from_empty_matches_models(fresh_database, keep_loggers):
    import flask_migrate

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": fresh_database,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        try:
            with db.engine.connect() as conn:
                assert sa.inspect(conn).get_table_names() == []  # really empty
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                tables = set(sa.inspect(conn).get_table_names())
                context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                                 "compare_server_default": False})
                with warnings.catch_warnings():
                    # the pairs index exists on PostgreSQL only (ddl_if); SQLite cannot reflect such an index
                    warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based "
                                            "index 'ix_firms_search_pairs'; dialect 'sqlite'")
                    diff = compare_metadata(context, db.metadata)
                version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        finally:
            db.session.remove()
            db.engine.dispose()
    assert {t.name for t in db.metadata.sorted_tables} <= tables
    assert version, "alembic_version not stamped"
    assert diff == [], "the migrations do not produce the models' schema:\n" + "\n".join(map(str, diff))
