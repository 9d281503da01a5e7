"""Shared fixtures: the app on SQLite and, where reachable, on PostgreSQL.

Database-touching tests use the `app` fixture, which runs each test once per backend.
PostgreSQL comes from MATCHMAKER_TEST_POSTGRES_URL (default: the local server's `test`
database); each run creates a private database there and drops it at the end. Where the
server is unreachable those tests skip with the reason, except under CI (CI=true), where
an unreachable PostgreSQL is a failure.
"""
from __future__ import annotations

from functools import lru_cache

import pytest
import sqlalchemy as sa
from support import PASSWORD, AppPool, DemoTemplates, make_config, new_client, private_postgres_database, run_folder

from matchmaker import create_app
from matchmaker.extensions import db



# The files that take longest, in the order they start under `make test` (pytest-xdist, -n 2 --dist loadfile):
# first, so that no worker is left alone with one of them at the end. xdist's own order (most tests per file
# first) would start these one- or two-test files last; it is switched off below.
SLOW_FILES = ("tests/test_readme_commands.py", "tests/stress/test_concurrency.py", "tests/browser/test_journeys.py",
              "tests/browser/test_layout.py", "tests/fairs/test_demo.py", "tests/web/test_cli.py",
              "tests/stress/test_two_instances.py", "tests/api/test_contract.py")


def pytest_configure(config):
    if hasattr(config.option, "loadscopereorder"):  # pytest-xdist: keep the order below
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(config, items):
    """The slow files first, then the others by their number of tests (many short tests balance the end)."""
    files: dict[str, list] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::")[0], []).append(item)
    rank = {name: i for i, name in enumerate(SLOW_FILES)}
    order = sorted(files, key=lambda name: (rank.get(name, len(rank)), -len(files[name])))
    items[:] = [item for name in order for item in files[name]]


_real_hash = _real_check = None


@lru_cache(maxsize=None)
def _cached_hash(password, method="scrypt", salt_length=16):
    return _real_hash(password, method=method, salt_length=salt_length)


@lru_cache(maxsize=4096)
def _cached_check(pwhash, password):
    return _real_check(pwhash, password)


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch):
    """Real scrypt hashes, but each distinct password hashed once and each (hash, password) pair
    checked once per run: scrypt costs ~0.1 s, and the tests sign many people up and in."""
    global _real_hash, _real_check
    import matchmaker.models as models

    if _real_hash is None:
        _real_hash, _real_check = models.generate_password_hash, models.check_password_hash
    monkeypatch.setattr(models, "generate_password_hash", _cached_hash)
    monkeypatch.setattr(models, "check_password_hash", _cached_check)


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh PostgreSQL database for this test run, dropped afterwards."""
    with private_postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def mail_server():
    """One real SMTP server for the whole run; every app sends its mail there."""
    from live import free_port
    from smtp_box import Mailbox

    box = Mailbox(free_port())
    box.start()
    yield box
    box.stop()


@pytest.fixture
def mailbox(mail_server):
    """The SMTP server's inbox, emptied for this test."""
    mail_server.clear()
    return mail_server


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory):
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


_created: set[str] = set()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture
def database_url(request, backend):
    if backend == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def app_config(database_url, tmp_path):
    """Extra configuration for `app`; a test overrides this fixture to change settings."""
    return {}


_apps = AppPool()


@pytest.fixture
def app(database_url, tmp_path, app_config, mail_server):
    """The app on the backend's database, empty at the start of each test (an app of `_apps`, reused)."""
    entry, key = _apps.take(make_config(database_url, tmp_path, mail_server.url, **app_config))
    app = entry["app"]
    with app.app_context():
        if database_url not in _created:
            db.drop_all()
            db.create_all()
            _created.add(database_url)
        yield app
        from matchmaker.imports.jobs import wait_for_jobs
        from matchmaker.mail.sender import stop_sender

        wait_for_jobs(app)  # the member-list checks and imports running in the background finish first
        stop_sender(app)  # the mail sender finishes before the tables are emptied
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()
        _apps.give_back(entry, key)


@pytest.fixture(scope="session")
def demo_templates(tmp_path_factory):
    """The demo data, seeded once per run and backend; `demo_templates.database(backend, folder)` copies it."""
    return DemoTemplates(run_folder(tmp_path_factory))


def pytest_sessionfinish(session):
    """The controlling process (after every worker has finished) drops the PostgreSQL demo template."""
    if hasattr(session.config, "workerinput"):
        return
    DemoTemplates(session.config._tmp_path_factory.getbasetemp()).drop_postgres_templates()


@pytest.fixture
def demo_app(backend, demo_templates, tmp_path, app_config, mail_server):
    """Like `app`, on a new copy of the demo data (`matchmaker seed-demo`) instead of an empty database."""
    with demo_templates.database(backend, tmp_path) as url:
        app = create_app(make_config(url, tmp_path, mail_server.url, **app_config))
        with app.app_context():
            yield app
            from matchmaker.mail.sender import stop_sender

            stop_sender(app)
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(app):
    return new_client(app)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# ------------------------------------------------------------------ data helpers


class Factory:
    """Rows for tests, stating only what matters to each test."""

    def __init__(self):
        self.n = 0

    def firm(self, name=None, city="藤沢市", country="JP", **kw):
        from matchmaker.firms.service import apply_location
        from matchmaker.models import Firm, utcnow

        self.n += 1
        lists = {k: kw.pop(k) for k in ("industries", "tags", "certifications", "languages", "equipment") if k in kw}
        kw.setdefault("published_at", utcnow())
        firm = Firm(name=name or f"テスト工業{self.n}", city=city, country=country, **kw)
        for k, v in lists.items():
            setattr(firm, k, v)
        apply_location(firm)
        db.session.add(firm)
        db.session.commit()
        return firm

    def user(self, firm=None, role="member", email=None, password=PASSWORD, locale="ja", name="テスト太郎",
             verified=True):
        from matchmaker.models import User, utcnow

        self.n += 1
        user = User(email=email or f"user{self.n}@example.com", name=name, role=role, locale=locale,
                    firm_id=firm.id if firm else None, email_verified_at=utcnow() if verified else None)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    def offering(self, firm, title="NC旋盤による精密切削加工", **kw):
        from matchmaker.models import Offering

        o = Offering(firm_id=firm.id, title=title, description=kw.pop("description", "SUS304・真鍮の丸物加工"), **kw)
        db.session.add(o)
        db.session.commit()
        return o

    def need(self, firm, title="アルミ部品の黒アルマイト処理", **kw):
        from matchmaker.models import Need

        n = Need(firm_id=firm.id, title=title, description=kw.pop("description", "A5052 月200個"), **kw)
        db.session.add(n)
        db.session.commit()
        return n


@pytest.fixture
def make(app):
    return Factory()


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, email, password=PASSWORD):
        return self.client.post("/account/login", data={"email": email, "password": password})

    def logout(self):
        return self.client.post("/account/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def member(make):
    firm = make.firm(name="株式会社藤沢精工", industries=["2469"], tags=["NC旋盤", "SUS304"], languages=["ja"])
    return make.user(firm=firm, email="member@example.com")


@pytest.fixture
def other_member(make):
    firm = make.firm(name="茅ヶ崎板金有限会社", city="茅ヶ崎市")
    return make.user(firm=firm, email="other@example.com")


@pytest.fixture
def organizer(make):
    return make.user(role="organizer", email="organizer@example.com")


@pytest.fixture
def admin(make):
    return make.user(role="admin", email="admin@example.com")
