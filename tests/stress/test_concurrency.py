"""Stress: the site in a real server, many people at once, while listings change.

The development server (threads) and gunicorn (gthread, 2 workers x 4 threads) each serve the
demo data on SQLite and PostgreSQL. For a bounded time, logged-in members and an organizer
send parallel requests to every page and API that touches the matching engine, the scheduler
and the database; search texts are new on every request (so Japanese analysis really runs in
several threads at once), while another member keeps editing an offering and a need (so the
index changes under the searches). Then, with nothing changing, the same searches run in
parallel must give exactly what they give one at a time.

Nothing may crash the process, answer 5xx, or differ.
"""
from __future__ import annotations

import random
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from live import Browser, LiveServer, cli_env

LOAD_SECONDS = 6.0
CLIENTS = 12
KATAKANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモラリルレロ"
WORDS = ["アルミ", "切削", "試作", "めっき", "溶接", "ステンレス", "板金", "塗装", "樹脂", "成形", "金型", "検査",
         "組立", "熱処理", "研磨", "プレス", "精密", "部品", "加工", "包装", "基板", "実装", "旋盤", "鋳造"]
QUERIES = ["めっき", "アルミ 切削 試作", "ステンレス溶接", "SUS304 溶接", "プラスチック 射出成形", "金型 設計",
           "precision machining aluminium", "sheet metal", "熱処理 焼入れ", "食品 包装", "電子基板 実装",
           "レーザー加工 小ロット"]


def novel_text(rng: random.Random) -> str:
    """Japanese text no cache has seen: the tokenizer runs for it."""
    odd = "".join(rng.choice(KATAKANA) for _ in range(rng.randint(3, 6)))
    return "".join(rng.sample(WORDS, 2)) + odd + "の" + rng.choice(WORDS) + "をお願いします"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo_database(request, tmp_path_factory, demo_templates):
    """A database with the demo data (a copy of the run's `matchmaker db upgrade` and `matchmaker seed-demo`,
    the commands a user runs); ids of what the test needs."""
    with demo_templates.database(request.param, tmp_path_factory.mktemp("stress")) as url:
        yield _seeded(url)


def _seeded(url: str) -> dict:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        q = lambda sql: conn.execute(sa.text(sql)).all()  # noqa: E731
        fair = q("SELECT id FROM fairs WHERE schedule_published_at IS NULL ORDER BY id LIMIT 1")[0][0]
        participants = [r[0] for r in q(
            f"SELECT u.email FROM fair_participants p JOIN users u ON u.firm_id = p.firm_id WHERE p.fair_id = {fair} "
            "ORDER BY u.email LIMIT 3")]
        writer = q("SELECT u.email, o.id, n.id FROM users u JOIN offerings o ON o.firm_id = u.firm_id "
                   "JOIN needs n ON n.firm_id = u.firm_id WHERE o.status = 'active' AND n.status = 'open' "
                   "ORDER BY u.email LIMIT 1")[0]
        needs = [r[0] for r in q("SELECT id FROM needs WHERE status = 'open' ORDER BY id LIMIT 8")]
        offerings = [r[0] for r in q("SELECT id FROM offerings WHERE status = 'active' ORDER BY id LIMIT 8")]
    engine.dispose()
    return {"url": url, "fair": fair, "members": participants, "writer": writer, "needs": needs,
            "offerings": offerings}


def _env(url: str) -> dict[str, str]:
    return cli_env(url, MATCHMAKER_SEARCH_LIMIT="100000 per minute", MATCHMAKER_API_LIMIT="100000 per minute",
                   MATCHMAKER_LOGIN_LIMIT="100000 per minute", MATCHMAKER_SCHEDULER_TIME_LIMIT="2")


@pytest.mark.parametrize("kind", ["dev", "gunicorn"])
def test_parallel_use_never_crashes_and_answers_right(demo_database, kind):
    d = demo_database
    with LiveServer(kind, _env(d["url"])) as server:
        failures: list[str] = []
        codes: dict[int, int] = {}
        answered: dict[int, int] = {}  # client -> answers
        lock = threading.Lock()

        def record(what: str, status: int) -> None:
            with lock:
                codes[status] = codes.get(status, 0) + 1
                if status >= 500:
                    failures.append(f"{status} {what}")

        members = []
        for email in d["members"]:
            b = Browser(server.base)
            b.login(email)
            members.append(b)
        organizer = Browser(server.base)
        organizer.login("organizer@demo.example.com")
        fair = d["fair"]
        member_paths = ["/firms/mine", f"/fairs/{fair}/partners", "/search/overseas", "/"] + [
            f"/needs/{i}" for i in d["needs"]] + [f"/offerings/{i}" for i in d["offerings"]]
        organizer_paths = [f"/fairs/{fair}/schedule", f"/fairs/{fair}/requests", "/admin/indicators",
                           f"/needs/{d['needs'][0]}"]
        # the first search builds the index: done before the clock starts, so the load window is load
        status, _, _ = organizer.get("/search/suppliers?q=" + urllib.parse.quote("めっき"))
        assert status == 200
        stop = time.monotonic() + LOAD_SECONDS

        def client(n: int) -> None:
            rng = random.Random(n)
            me = organizer if n % 4 == 3 else members[n % len(members)]
            paths = organizer_paths if me is organizer else member_paths
            while time.monotonic() < stop:
                r = rng.random()
                if r < 0.3:
                    path = "/search/suppliers?q=" + urllib.parse.quote(novel_text(rng))
                elif r < 0.45:
                    path = "/api/v1/suppliers?q=" + urllib.parse.quote(novel_text(rng))
                else:
                    path = rng.choice(paths)
                try:
                    status, _, _ = me.get(path)
                except OSError as e:  # the server went away
                    with lock:
                        failures.append(f"{type(e).__name__} {path}")
                    return
                record(path, status)
                with lock:
                    answered[n] = answered.get(n, 0) + 1

        def editor() -> None:
            email, offering, need = d["writer"]
            me = Browser(server.base)
            me.login(email)
            n = 0
            while time.monotonic() < stop:
                n += 1
                words = " ".join(random.Random(n).sample(WORDS, 4))
                status, _, _ = me.post(f"/offerings/{offering}/edit", {"title": f"{words} の加工 {n}",
                                       "description": f"{words}。小ロットから対応します。"})
                record("edit offering", status)
                status, _, _ = me.post(f"/needs/{need}/edit", {"title": f"{words} を探しています {n}",
                                       "description": f"{words} 月100個", "supplier_scope": "anywhere"})
                record("edit need", status)

        def scheduler() -> None:
            status, _, _ = organizer.post(f"/fairs/{fair}/schedule/run", {}, form_page=f"/fairs/{fair}/schedule")
            record("scheduler run", status)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        threads += [threading.Thread(target=editor), threading.Thread(target=scheduler)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert server.alive(), "the server died:\n" + _fault(server.log())
        assert not failures, f"{failures[:10]}\n" + _fault(server.log())
        # every client was answered while the others waited and the index changed; how many answers fit in
        # the window is the load benchmark's business (bench/load.py), not a test's
        assert len(answered) == CLIENTS, (answered, codes)
        assert "Traceback" not in server.log() and "Fatal Python error" not in server.log(), server.log()[-4000:]

        # Nothing changes now: parallel answers equal the one-at-a-time answers.
        reader = members[0]

        def answer(text: str):
            status, body = reader.get_json("/api/v1/suppliers?limit=20&q=" + urllib.parse.quote(text))
            assert status == 200, body
            return [(h["firm"]["id"], (h["offering"] or {}).get("id"), round(h["score"], 3), h["strength"],
                     tuple(h["reasons"])) for h in body["data"]]

        for text in QUERIES:  # every worker catches up with the last edits first
            answer(text)
        expected = {text: answer(text) for text in QUERIES}
        assert any(expected.values())
        jobs = QUERIES * 6
        random.Random(1).shuffle(jobs)
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            got = list(pool.map(lambda t: (t, answer(t)), jobs))
        for text, result in got:
            assert result == expected[text], text
        assert server.alive()



def _fault(log: str) -> str:
    """The part of a server log that explains a crash (faulthandler's report), or its end."""
    i = log.find("Fatal Python error")
    if "received signal SIGSEGV" in log:
        i = log.find("received signal SIGSEGV")
    return log[i : i + 40000] if i >= 0 else log[-4000:]
