"""Real servers for tests that need one: the development server and gunicorn, as a user starts them.

A `LiveServer` runs in a subprocess on a free port of 127.0.0.1 with its own database and
environment, keeps its log, and says whether it is still alive. `Browser` is a minimal HTTP
client with its own cookies (one per signed-in person), built on the standard library.
"""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent
DEMO_PASSWORD = "matchmaker-demo-2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHMAKER_") and k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"DATABASE_URL": database_url, "SECRET_KEY": "live-test-secret", "PYTHONFAULTHANDLER": "1"})
    env.update(extra)
    return env


def run_cli(args: list[str], env: dict[str, str], timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "matchmaker"), *args], env=env, capture_output=True, text=True,
                          timeout=timeout, **kw)


class LiveServer:
    def __init__(self, kind: str, env: dict[str, str], workers: int = 2, threads: int = 4):
        self.kind = kind
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_file = tempfile.NamedTemporaryFile("w+", prefix=f"mm-{kind}-", suffix=".log", delete=False)
        if kind == "dev":
            cmd = [str(BIN / "matchmaker"), "run", "--host", "127.0.0.1", "--port", str(self.port), "--with-threads"]
        elif kind == "gunicorn":
            cmd = [str(BIN / "gunicorn"), "-k", "gthread", "-w", str(workers), "--threads", str(threads),
                   "-b", f"127.0.0.1:{self.port}", "--timeout", "120", "matchmaker:create_app()"]
        else:
            raise ValueError(kind)
        if os.environ.get("MATCHMAKER_TEST_GDB"):  # debugging a native crash: gdb prints the C backtrace
            cmd = ["gdb", "-batch", "-ex", "run", "-ex", "bt 40", "-ex", "info threads", "--args", sys.executable, *cmd]
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.log_file, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.base + "/", timeout=5) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.2)
        raise RuntimeError(f"{self.kind} server not ready after {timeout} s:\n{self.log()}")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log(self) -> str:
        self.log_file.flush()
        return Path(self.log_file.name).read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.log_file.close()
        Path(self.log_file.name).unlink(missing_ok=True)

    def __enter__(self) -> "LiveServer":
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's HTTP client: cookies, CSRF tokens from the pages, no automatic redirects."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def request(self, method: str, path: str, data: dict | None = None, headers: dict | None = None,
                timeout: float = 120) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data or {}, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        try:
            with self.opener.open(req, timeout=timeout) as r:
                return r.status, r.read().decode("utf-8", "replace"), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace"), dict(e.headers)

    def get(self, path: str, **kw) -> tuple[int, str, dict]:
        return self.request("GET", path, **kw)

    def get_json(self, path: str) -> tuple[int, dict]:
        status, body, _ = self.get(path, headers={"Accept": "application/json"})
        return status, json.loads(body)

    def csrf(self, path: str) -> str:
        status, html, _ = self.get(path)
        m = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
            r'name="csrf_token" value="([^"]+)"', html)
        if not m:
            raise AssertionError(f"no CSRF token on {path} ({status})")
        return m.group(1)

    def post(self, path: str, data: dict, form_page: str | None = None) -> tuple[int, str, dict]:
        data = dict(data)
        data.setdefault("csrf_token", self.csrf(form_page or path))
        return self.request("POST", path, data)

    def login(self, email: str, password: str = DEMO_PASSWORD) -> None:
        status, body, headers = self.post("/account/login", {"email": email, "password": password})
        if status != 302:
            raise AssertionError(f"login of {email} failed: {status}")
