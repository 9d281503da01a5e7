"""Browser tests: Playwright (pytest-playwright) driving the system's Chromium against a live server.

The browser is the one the system package manager installs (`apt-get install chromium`), found
as MATCHMAKER_TEST_CHROMIUM, `chromium` or `chromium-browser` on the PATH; Playwright is pointed
at it with its executable path (never `playwright install`). Without one the tests skip with the
reason, except under CI (CI=true), where a missing browser is a failure, as with PostgreSQL.

One development server runs for the whole session on a SQLite database loaded with the demo
data (a copy of the run's demo template, `demo_templates` in tests/conftest.py: `matchmaker seed-demo`
once per run, or MATCHMAKER_TEST_DEMO_DB=<file>, a database seeded earlier), sending its mail to the
test SMTP server. Every page a test visits
goes through `pages.Watch.check`: no horizontal scrolling of the page itself, no console error,
no Content-Security-Policy violation, no failed request; under CI (or with
MATCHMAKER_SCREENSHOTS=<folder>) a full-page screenshot of each is written to
build/screenshots/ for a reviewer.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from live import LiveServer, cli_env

from .pages import screenshot_dir


def chromium_path() -> str | None:
    for candidate in (os.environ.get("MATCHMAKER_TEST_CHROMIUM"), shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch arguments, with the system Chromium (or a skip, a failure under CI)."""
    path = chromium_path()
    if path is None:
        reason = "no Chromium found (apt-get install chromium, or set MATCHMAKER_TEST_CHROMIUM)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI requires a browser: " + reason)
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": path}


@pytest.fixture(scope="session")
def site(tmp_path_factory, mail_server, browser_type_launch_args, demo_templates):
    """The development server on a new SQLite database with the demo data; its base URL."""
    folder = tmp_path_factory.mktemp("browser")
    with demo_templates.database("sqlite", folder) as url:
        env = cli_env(url, MAIL_URL=mail_server.url, MATCHMAKER_SCHEDULER_TIME_LIMIT="3")
        with LiveServer("dev", env) as server:
            server.db_file = Path(url.removeprefix("sqlite:///"))
            yield server
            assert server.alive(), server.log()


@pytest.fixture(scope="session")
def shots() -> Path | None:
    return screenshot_dir()
