"""Load benchmark: gunicorn on PostgreSQL and Redis, members signed in, the main pages and the API.

    .venv/bin/python bench/load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench \
        [--redis-url redis://127.0.0.1:6379/0] [--workers 4] [--threads 4] [--clients 10,50,100] \
        [--seconds 15] [--members 8] [--pages home,directory,...] [--worker-class gthread|sync] [--json]

The database must hold the demo data (`matchmaker seed-demo`, optionally `--synthetic N`) and, to
measure a ready start, a snapshot (`matchmaker reindex` with the same MATCHMAKER_INDEX_SNAPSHOT).
The script starts gunicorn (gthread) on 127.0.0.1, times its start-up (first answer, then first
search answered by every worker), signs in as several demo members, and for each number of
concurrent clients and each page runs a closed loop for `--seconds` (every client a thread with
its own keep-alive connection and session; the client runs on the same machine, so it takes CPU
from the server: the figures are a lower bound). It reports requests/s, p50/p95/p99 latency and
errors as the clients see them, the server time of the same requests (gunicorn's access log, `%(D)s`:
from when a worker takes the request until its answer is sent, so without the time a request waits
for a free worker), then each worker's memory from /proc/PID/smaps_rollup (RSS, the part shared with other
processes - the mapped snapshot and copy-on-write pages - and the private part). Stops gunicorn
at the end. Progress goes to stderr; `--json` prints only JSON on stdout.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "matchmaker-demo-2026"
PAGES = {
    "home": "/",
    "directory": "/firms/?q=めっき&area=local&language=ja",
    # other filter combinations: a two-character word with an area, a common certification with a language,
    # an industry abroad, a city with a common word, verified firms only
    "directory_weld": "/firms/?q=溶接 研磨&area=domestic",
    "directory_cert": "/firms/?certification=ISO9001&language=en",
    "directory_abroad": "/firms/?industry=24&area=overseas",
    "directory_city": "/firms/?city=横浜市&q=加工",
    "directory_verified": "/firms/?verified=1&area=local",
    "dashboard": "/firms/mine",
    "search": "/search/suppliers?q=アルミ 切削 試作",
    "need": "/needs/{need}",
    "fairs": "/fairs/",
    "fair": "/fairs/{fair}",
    "api": "/api/v1/suppliers?q=無電解ニッケルめっき&city=藤沢市",
}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Session:
    """One signed-in person over one keep-alive connection (http.client, no redirects followed)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        target = urllib.parse.quote(path, safe="/?&=%:")
        for attempt in range(2):
            try:
                self.conn.request(method, target, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        for h, v in r.getheaders():
            if h.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return r.status, data

    def login(self, email: str) -> None:
        _, page = self.request("GET", "/account/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        body = urllib.parse.urlencode({"email": email, "password": DEMO_PASSWORD,
                                       "csrf_token": token.group(1) if token else ""})
        status, _ = self.request("POST", "/account/login", body)
        if status != 302:
            raise SystemExit(f"login of {email} failed ({status}); is the demo data loaded?")


def smaps(pid: int) -> dict[str, float]:
    """RSS, shared and private memory of a process in MB (smaps_rollup)."""
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            out[parts[0].rstrip(":")] = int(parts[1]) / 1024
    return {"rss_MB": round(out.get("Rss", 0), 1), "pss_MB": round(out.get("Pss", 0), 1),
            "shared_MB": round(out.get("Shared_Clean", 0) + out.get("Shared_Dirty", 0), 1),
            "private_MB": round(out.get("Private_Clean", 0) + out.get("Private_Dirty", 0), 1)}


def workers_of(master: int) -> list[int]:
    kids = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in kids.read_text().split()] if kids.exists() else []


def server_times(access_log: Path, start: int) -> tuple[list[float], int]:
    """The server times (s) of the requests logged after byte `start` of the access log, and its new end."""
    with access_log.open("rb") as f:
        f.seek(start)
        data = f.read()
    times = []
    for line in data.decode("utf-8", "replace").splitlines():
        parts = line.rsplit(" ", 1)
        if len(parts) == 2 and parts[1].isdigit():
            times.append(int(parts[1]) / 1e6)
    return times, start + len(data)


def percentiles(values: list[float], prefix: str = "") -> dict:
    lat = sorted(values)

    def pct(p: float) -> float:
        return round(1000 * lat[min(int(p * len(lat)), len(lat) - 1)], 1) if lat else float("nan")

    return {f"{prefix}p50_ms": pct(0.50), f"{prefix}p95_ms": pct(0.95), f"{prefix}p99_ms": pct(0.99)}


def run_load(port: int, emails: list[str], path: str, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    sessions = [Session(port) for _ in range(clients)]
    for i, s in enumerate(sessions):
        s.cookies = dict(LOGGED_IN[emails[i % len(emails)]])

    def client(s: Session) -> None:
        mine, bad = [], 0
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            try:
                status, _ = s.request("GET", path)
                ok = status == 200
            except Exception:  # noqa: BLE001 - a dropped connection counts as an error
                ok = False
            mine.append(time.perf_counter() - t0)
            bad += not ok
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    t0 = time.monotonic()
    threads = [threading.Thread(target=client, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    lat = latencies
    return {"requests": len(lat), "rps": round(len(lat) / wall, 1), **percentiles(lat),
            "mean_ms": round(1000 * statistics.fmean(lat), 1) if lat else None, "errors": errors[0]}


LOGGED_IN: dict[str, dict[str, str]] = {}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    ap.add_argument("--snapshot", default="", help="MATCHMAKER_INDEX_SNAPSHOT for the server (default: instance/)")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--worker-class", choices=("gthread", "sync"), default="gthread")
    ap.add_argument("--clients", default="10,50,100")
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--members", type=int, default=8)
    ap.add_argument("--pages", default=",".join(PAGES))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    import sqlalchemy as sa

    engine = sa.create_engine(args.database_url)
    with engine.connect() as conn:
        q = lambda sql: conn.execute(sa.text(sql)).all()  # noqa: E731
        firms, needs, offerings = (q(f"SELECT count(*) FROM {t}")[0][0] for t in ("firms", "needs", "offerings"))
        members = q("SELECT u.email, min(n.id) FROM users u JOIN needs n ON n.firm_id = u.firm_id AND n.status = 'open' "
                    f"WHERE u.email LIKE '%@demo.example.com' GROUP BY u.email ORDER BY u.email LIMIT {args.members}")
        fair = (q("SELECT id FROM fairs ORDER BY id LIMIT 1") or [[None]])[0][0]
    engine.dispose()
    if not members:
        raise SystemExit("no demo members with open needs: run `matchmaker seed-demo` first")
    emails = [m[0] for m in members]
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHMAKER_")}
    env.update({"DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url,
                "SECRET_KEY": "load-benchmark", "MATCHMAKER_SEARCH_LIMIT": "1000000 per minute",
                "MATCHMAKER_API_LIMIT": "1000000 per minute", "MATCHMAKER_LOGIN_LIMIT": "1000000 per minute",
                "MATCHMAKER_LOGIN_ADDRESS_LIMIT": "1000000 per minute", "MATCHMAKER_MAIL_URL": "console://"})
    if args.snapshot:
        env["MATCHMAKER_INDEX_SNAPSHOT"] = args.snapshot
    access_log = Path(f"/tmp/mm-load-{port}-access.log")
    cmd = [str(BIN / "gunicorn"), "-k", args.worker_class, "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
           "--timeout", "30", "--access-logfile", str(access_log), "--access-logformat", "%(m)s %(U)s %(s)s %(D)s",
           "matchmaker:create_app()"]
    if args.worker_class == "gthread":
        cmd[3:3] = ["--threads", str(args.threads)]
    log(f"starting: {' '.join(cmd)} ({firms} firms, {offerings} offerings, {needs} needs)")
    logf = open(f"/tmp/mm-load-{port}.log", "w")
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=logf, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
    report: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                "platform": platform.platform(), "load_avg_at_start": os.getloadavg()},
                    "data": {"firms": firms, "offerings": offerings, "needs": needs},
                    "server": {"workers": args.workers, "kind": args.worker_class,
                               "threads": args.threads if args.worker_class == "gthread" else 1}}
    try:
        probe = Session(port)
        while True:
            try:
                if probe.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None:
                raise SystemExit(f"gunicorn exited; see /tmp/mm-load-{port}.log")
            time.sleep(0.2)
        first_answer = time.monotonic() - t0
        # every worker answers a search (each maps the snapshot, or builds, on its first one)
        for email in emails:
            s = Session(port)
            s.login(email)
            LOGGED_IN[email] = dict(s.cookies)
        searchers = [Session(port) for _ in range(args.workers * 2)]
        threads = [threading.Thread(target=s.request, args=("GET", PAGES["api"])) for s in searchers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        ready = time.monotonic() - t0
        report["startup"] = {"first_answer_s": round(first_answer, 1), "searches_ready_s": round(ready, 1)}
        log(f"start-up: first answer {first_answer:.1f} s, searches answered {ready:.1f} s")
        results = []
        for clients in [int(c) for c in args.clients.split(",")]:
            for page in args.pages.split(","):
                path = PAGES[page].format(need=members[0][1], fair=fair)
                if "{" in path or (page == "fair" and fair is None):
                    continue
                # each member's own need for the need page: a need's recommendations are for its owner
                logged = access_log.stat().st_size if access_log.exists() else 0
                r = run_load(port, emails[:1] if page == "need" else emails, path, clients, args.seconds)
                r.update({"page": page, "clients": clients, **percentiles(server_times(access_log, logged)[0], "server_")})
                results.append(r)
                log(f"{clients:4d} clients {page:10s} {r['rps']:7.1f} req/s  p50 {r['p50_ms']:7.1f}  "
                    f"p95 {r['p95_ms']:7.1f}  p99 {r['p99_ms']:7.1f} ms  server p50 {r['server_p50_ms']:7.1f}  "
                    f"p95 {r['server_p95_ms']:7.1f} ms  errors {r['errors']}")
        report["results"] = results
        report["memory"] = {"master": smaps(proc.pid), "workers": [smaps(p) for p in workers_of(proc.pid)]}
        for w in report["memory"]["workers"]:
            log(f"worker: RSS {w['rss_MB']} MB, shared {w['shared_MB']} MB, private {w['private_MB']} MB")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
        logf.close()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
