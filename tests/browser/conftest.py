"""Browser tests: Playwright (pytest-playwright) driving the system's Chromium against a live server.

The browser is the one the system package manager installs (`apt-get install chromium`), found
as MATCHMAKER_TEST_CHROMIUM, `chromium` or `chromium-browser` on the PATH; Playwright is pointed
at it with its executable path (never `playwright install`). Without one the tests skip with the
reason, except under CI (CI=true), where a missing browser is a failure, as with PostgreSQL.

One development server runs for the whole session on a SQLite database loaded with the demo
data (`matchmaker seed-demo`; MATCHMAKER_TEST_DEMO_DB=<file> copies a database seeded earlier
instead, for quicker repeated runs), sending its mail to the test SMTP server. Every page a test visits
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
from live import LiveServer, cli_env, run_cli

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
def site(tmp_path_factory, mail_server, browser_type_launch_args):
    """The development server on a fresh SQLite database with the demo data; its base URL."""
    db_file = tmp_path_factory.mktemp("browser") / "demo.db"
    env = cli_env("sqlite:///" + str(db_file), MAIL_URL=mail_server.url, MATCHMAKER_SCHEDULER_TIME_LIMIT="3")
    template = os.environ.get("MATCHMAKER_TEST_DEMO_DB")
    if template:  # a copy of a database seeded earlier, for quicker repeated runs on one's own machine
        shutil.copyfile(template, db_file)
    commands = [["db", "upgrade"]] + ([] if template else [["seed-demo"]])
    for args in commands:
        done = run_cli(args, env, timeout=300)
        assert done.returncode == 0, done.stderr
    with LiveServer("dev", env) as server:
        server.db_file = db_file
        yield server
        assert server.alive(), server.log()


@pytest.fixture(scope="session")
def shots() -> Path | None:
    return screenshot_dir()
