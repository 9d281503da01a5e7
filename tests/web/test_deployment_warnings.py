"""The site says so when it runs in a way that quietly weakens its protection."""
from __future__ import annotations

import logging
import sys
import types

from matchmaker import create_app

from support import make_config


def test_memory_rate_limits_under_a_multi_process_server_are_warned_about(monkeypatch, caplog, tmp_path, sqlite_url):
    monkeypatch.setitem(sys.modules, "gunicorn", types.ModuleType("gunicorn"))
    with caplog.at_level(logging.WARNING):
        create_app(make_config(sqlite_url, tmp_path, RATELIMIT_STORAGE_URI="memory://"))
    assert "Rate limits are kept in this process's memory" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        create_app(make_config(sqlite_url, tmp_path, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0"))
    assert "Rate limits are kept" not in caplog.text


def test_no_warning_for_the_development_server(monkeypatch, caplog, tmp_path, sqlite_url):
    for name in ("gunicorn", "uwsgi"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    with caplog.at_level(logging.WARNING):
        create_app(make_config(sqlite_url, tmp_path))
    assert "Rate limits are kept" not in caplog.text


def test_proxy_headers_without_proxy_fix_are_warned_about_once(client, caplog):
    with caplog.at_level(logging.WARNING):
        client.get("/", headers={"X-Forwarded-For": "203.0.113.7"})
        client.get("/", headers={"X-Forwarded-For": "203.0.113.8"})
    assert caplog.text.count("MATCHMAKER_PROXY_FIX is not set") == 1


def test_a_server_on_a_loopback_address_without_proxy_fix_is_warned_about_at_start(monkeypatch, caplog, tmp_path,
                                                                                    sqlite_url):
    monkeypatch.setitem(sys.modules, "gunicorn", types.ModuleType("gunicorn"))
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-w", "4", "-b", "127.0.0.1:8000", "matchmaker:create_app()"])
    with caplog.at_level(logging.WARNING):
        create_app(make_config(sqlite_url, tmp_path))
    assert "as it does behind a reverse proxy" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        create_app(make_config(sqlite_url, tmp_path, MATCHMAKER_PROXY_FIX=True))
    assert "behind a reverse proxy" not in caplog.text
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-w", "4", "-b", "0.0.0.0:8000", "matchmaker:create_app()"])
    with caplog.at_level(logging.WARNING):
        create_app(make_config(sqlite_url, tmp_path))
    assert "as it does behind a reverse proxy" not in caplog.text
