#!/usr/bin/env python3
"""Indicators benchmark: the city's figures over a large database, on SQLite and PostgreSQL.

Makes 20,000 firms (a third in the city), 100,000 deals over two fiscal years (from 50,000 requests
for quotation with 100,000 invitations, and fair meetings), 50,000 needs and ten fairs, then times,
for the last fiscal year:
  - index_build  building the engine's index of the 20,000 firms (once per process; the job's cost)
  - gap_check    the supply-gap job (gaps.check, what `matchmaker tick` runs) deciding the newest
                 --gap-checks candidates with the engine, and its time per candidate
  - figures      every figure of the page but the gaps, this period and the previous (SQL)
  - gaps_read    the supply gaps of the period from the stored verdicts (SQL, no engine)
  - page         GET /admin/indicators as an organizer: what every view costs (the engine is not
                 called: `page_engine_searches` counts its searches during the views, and must be 0)
One JSON line per backend on stdout, with the load average when it ran and the CPU time the runs
took (`*_cpu_s`: this process, which on SQLite does all the database work; on PostgreSQL also the
server processes of the benchmark's database, read from /proc when the server runs on this
machine): what a view costs on an idle core, however loaded the machine is. Progress on stderr.
Sizes are options (--firms, --deals, --needs, --gap-checks). PostgreSQL gets VACUUM ANALYZE after the bulk
load, as autovacuum would give it (index-only scans need the visibility map).

Usage: python bench/indicators.py [--backends sqlite,postgresql] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LOCAL = ["藤沢市", "茅ヶ崎市", "鎌倉市", "平塚市", "横浜市"]
DOMESTIC = ["大阪市", "札幌市", "名古屋市", "福岡市", "仙台市", "浜松市"]
OVERSEAS = [("Bangkok", "TH"), ("George Town", "MY"), ("Taichung", "TW")]
WORK = ["NC旋盤による切削加工", "板金加工と溶接", "無電解ニッケルめっき", "真空熱処理", "プラスチック射出成形",
        "金型製作", "粉体塗装", "基板実装", "アルマイト処理", "ダイカスト", "治具製作", "組立・検査"]
LOCAL_WORK = WORK[:8]  # the city lacks the last four: the supply gaps
PASSWORD = "Bench-lantern-2026!"
INDUSTRIES = ["2469", "2422", "2691", "2194", "2812", "2461", "3011", "2599"]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def populate(app, firms: int, deals: int, needs: int, seed: int = 7) -> None:
    from matchmaker.deals.models import Deal
    from matchmaker.extensions import db
    from matchmaker.fairs.models import Fair, Meeting, Participant
    from matchmaker.models import Firm, FirmFacet, Need, Offering, User
    from matchmaker.rfq.models import Invitation, Quote, Rfq

    rng = random.Random(seed)
    today = date.today()
    start = today - timedelta(days=760)
    t0 = time.perf_counter()

    def at(d: date) -> datetime:
        return datetime.combine(d, dtime(1), tzinfo=timezone.utc)

    def day() -> date:
        return start + timedelta(days=rng.randrange(750))

    with app.app_context():
        db.drop_all()
        db.create_all()
        conn = db.session.connection()
        place = []
        rows, facets, offers = [], [], []
        for i in range(1, firms + 1):
            roll = rng.random()
            if roll < 0.33:
                city, country, where, lat, lon = rng.choice(LOCAL), "JP", "local", 35.34, 139.49
                work = rng.sample(LOCAL_WORK, 2)
            elif roll < 0.9:
                city, country, where, lat, lon = rng.choice(DOMESTIC), "JP", "domestic", 34.69, 135.50
                work = rng.sample(WORK, 2)
            else:
                (city, country), where, lat, lon = rng.choice(OVERSEAS), "overseas", 13.75, 100.50
                work = rng.sample(WORK, 2)
            place.append(where)
            created = at(day())
            rows.append({"id": i, "name": f"ベンチ工業{i}", "city": city, "country": country, "latitude": lat,
                         "longitude": lon, "description_ja": "、".join(work) + "に対応します。", "published_at": created,
                         "created_at": created, "updated_at": created, "name_en": "", "name_kana": "",
                         "description_en": "", "website": "", "address": "", "prefecture": "", "employees": "",
                         "overseas_interest": False})
            facets.append({"firm_id": i, "kind": "industry", "value": rng.choice(INDUSTRIES), "position": 0})
            if i % 4 == 0:
                offers.append({"firm_id": i, "title": work[0], "description": work[1], "categories": [], "tags": [],
                               "status": "active", "created_at": created, "updated_at": created})
        conn.execute(sa.insert(Firm), rows)
        conn.execute(sa.insert(FirmFacet), facets)
        conn.execute(sa.insert(Offering), offers)
        locals_ = [i + 1 for i, w in enumerate(place) if w == "local"]
        log(f"  firms {time.perf_counter() - t0:.1f}s")

        need_rows = []
        for i in range(1, needs + 1):
            d = day()
            status = "open" if d > today - timedelta(days=200) and rng.random() < 0.5 else rng.choice(
                ["fulfilled", "fulfilled", "closed"])
            need_rows.append({"id": i, "firm_id": rng.choice(locals_), "title": rng.choice(WORK), "description": "月100個",
                              "categories": [], "tags": [], "quantity": "", "required_certifications": [],
                              "supplier_scope": "anywhere", "status": status, "created_at": at(d), "updated_at": at(d)})
        conn.execute(sa.insert(Need), need_rows)
        log(f"  needs {time.perf_counter() - t0:.1f}s")

        n_rfq = deals // 2
        rfqs, invs, quotes, deal_rows = [], [], [], []
        inv_id = 0
        for i in range(1, n_rfq + 1):
            d = day()
            buyer = rng.choice(locals_)
            rfqs.append({"id": i, "buyer_firm_id": buyer, "title": "見積依頼", "description": "", "unit": "",
                         "due_date": d + timedelta(days=7), "message": "", "status": "awarded", "rates": {},
                         "close_reason": "", "close_note": "", "keep_need_open": False, "delivery_place": "",
                         "created_at": at(d)})
            for k, supplier in enumerate(rng.sample(range(1, firms + 1), 2)):
                inv_id += 1
                answered = rng.random() < 0.85
                invs.append({"id": inv_id, "rfq_id": i, "supplier_firm_id": supplier,
                             "status": "awarded" if k == 0 else ("quoted" if answered else "expired"), "strength": "",
                             "decline_reason": "", "decline_note": "", "not_selected_note": "", "invited_at": at(d),
                             "answered_at": at(d) + timedelta(hours=rng.randint(1, 72)) if answered or k == 0 else None})
                if answered or k == 0:
                    quotes.append({"invitation_id": inv_id, "revision": 1, "amount": 100000, "currency": "JPY",
                                   "price_basis": "lump_sum", "notes": "",
                                   "created_at": at(d) + timedelta(hours=rng.randint(1, 72))})
        conn.execute(sa.insert(Rfq), rfqs)
        conn.execute(sa.insert(Invitation), invs)
        conn.execute(sa.insert(Quote), quotes)
        log(f"  requests {time.perf_counter() - t0:.1f}s")
        for i in range(deals):
            d = day()
            buyer = rng.choice(locals_)
            supplier = rng.randrange(1, firms + 1)
            rfq_id = i + 1 if i < n_rfq else None
            deal_rows.append({"source": "rfq" if rfq_id else "fair", "buyer_firm_id": buyer,
                              "supplier_firm_id": supplier, "rfq_id": rfq_id, "title": "取引",
                              "amount_jpy": int(rng.lognormvariate(12.3, 0.9)), "currency": "JPY", "deal_date": d,
                              "locality": place[supplier - 1], "supplier_city": "", "supplier_country": "JP",
                              "buyer_city": "藤沢市", "buyer_locality": "local", "supplier_industry": rng.choice(INDUSTRIES),
                              "radius_km": 30.0, "followup_note": "", "created_at": at(d)})
        conn.execute(sa.insert(Deal), deal_rows)
        log(f"  deals {time.perf_counter() - t0:.1f}s")
        for k in range(10):
            d = start + timedelta(days=75 * k)
            fair = Fair(name_ja=f"商談会{k}", venue="藤沢", start_date=d, end_date=d, day_start=dtime(13),
                        day_end=dtime(17), registration_deadline=d, published=True)
            db.session.add(fair)
            db.session.flush()
            people = [Participant(fair_id=fair.id, firm_id=f) for f in rng.sample(locals_, 40)]
            db.session.add_all(people)
            db.session.flush()
            db.session.add_all([Meeting(fair_id=fair.id, a_id=a.id, b_id=b.id, slot=f"S{j}", table_no=1,
                                        a_held=rng.random() < 0.9, b_held=True)
                                for j, (a, b) in enumerate(zip(people[::2], people[1::2]))])
        organizer = User(email="organizer@bench.example", name="bench", role="organizer",
                         email_verified_at=datetime.now(timezone.utc))
        organizer.set_password(PASSWORD)
        db.session.add(organizer)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as c:
                c.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM ANALYZE"))
        log(f"  populated in {time.perf_counter() - t0:.1f}s")


def measure(app, repeat: int, gap_checks: int) -> dict:
    from matchmaker.extensions import db
    from matchmaker.indicators import gaps as gaps_mod
    from matchmaker.indicators.figures import compute
    from matchmaker.indicators.periods import fiscal_year, fiscal_year_of, today_local
    from matchmaker.matching import Engine
    from matchmaker.search.index import get_index

    cpu: dict[str, float] = {}
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    database = url.database if url.get_backend_name() == "postgresql" else None

    def server_cpu() -> float:
        """CPU seconds of the PostgreSQL processes serving the benchmark's database (0 if not visible here)."""
        if not database:
            return 0.0
        total = 0.0
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and f" {database} " in (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode():
                    fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                    total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except OSError:
                continue
        return total

    def median_time(fn, name: str = "") -> float:
        """The median wall time of `repeat` runs; under `name`, also the median CPU time of this process
        (on SQLite nearly all the work, so what the run costs on an idle core whatever the machine's load)."""
        times, cpu_times = [], []
        for _ in range(repeat):
            t, c, sc = time.perf_counter(), time.process_time(), server_cpu()
            fn()
            times.append(time.perf_counter() - t)
            cpu_times.append(time.process_time() - c + server_cpu() - sc)
        if name:
            cpu[name] = round(statistics.median(cpu_times), 3)
        return round(statistics.median(times), 3)

    out = {}
    fy = fiscal_year(fiscal_year_of(today_local()) - 1)
    with app.app_context():
        t = time.perf_counter()
        get_index()
        out["index_build_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        searches = gaps_mod.check(limit=gap_checks)
        spent = time.perf_counter() - t
        out["gap_check_s"], out["gap_check_searches"] = round(spent, 1), searches
        out["gap_check_ms_each"] = round(1000 * spent / max(searches, 1), 1)
        # what a server process does once it has loaded (search/index.py's warm start): the objects of
        # the bulk load, the index and the gap job are kept out of the garbage collector's way, which would
        # otherwise stop every thread of a view to walk them
        gc.collect()
        gc.freeze()
        out["figures_s"] = median_time(lambda: compute(fy, gaps=False), "figures_cpu_s")
        out["gaps_read_s"] = median_time(lambda: gaps_mod.supply_gaps(fy), "gaps_read_cpu_s")
        found = gaps_mod.supply_gaps(fy)
        out["gap_candidates"], out["gaps_checked"], out["gap_concepts"] = found.candidates, found.checked, len(found.rows)
        out["deals_in_year"] = compute(fy, previous=False, gaps=False)["deals"]["count"]
    client = app.test_client()
    r = client.post("/account/login", data={"email": "organizer@bench.example", "password": PASSWORD})
    assert r.status_code == 302, r.status_code
    searches = []
    real_search = Engine.search

    def counting(self, *a, **k):
        searches.append(1)
        return real_search(self, *a, **k)

    def view():
        r = client.get("/admin/indicators", query_string={"preset": "last_fy"})
        assert r.status_code == 200, r.status_code

    Engine.search = counting
    try:
        out["page_s"] = median_time(view, "page_cpu_s")
    finally:
        Engine.search = real_search
    out["page_engine_searches"] = len(searches)
    out.update(cpu)
    out["load_average"] = [round(x, 1) for x in os.getloadavg()]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--firms", type=int, default=20_000)
    ap.add_argument("--deals", type=int, default=100_000)
    ap.add_argument("--needs", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--gap-checks", type=int, default=30_000,
                    help="candidates the supply-gap job decides (newest first; the default: all of them)")
    args = ap.parse_args()

    from matchmaker import create_app

    for backend in args.backends.split(","):
        tmp = tempfile.TemporaryDirectory()
        drop = None
        if backend == "sqlite":
            url = "sqlite:///" + str(Path(tmp.name) / "bench.db")
        else:
            admin = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
            name = f"mm_bench_{uuid.uuid4().hex[:8]}"
            with admin.connect() as c:
                c.execute(sa.text(f'CREATE DATABASE "{name}"'))
            url = admin.url.set(database=name).render_as_string(hide_password=False)
            drop = (admin, name)
        try:
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                              "MATCHMAKER_MAIL_URL": "file://" + tmp.name, "RATELIMIT_ENABLED": False,
                              "SERVER_NAME": None, "MATCHMAKER_INDEX_SNAPSHOT": ""})
            log(f"{backend}: populating")
            populate(app, args.firms, args.deals, args.needs)
            log(f"{backend}: measuring")
            result = {"backend": backend, "firms": args.firms, "deals": args.deals, "needs": args.needs,
                      **measure(app, args.repeat, args.gap_checks)}
            print(json.dumps(result), flush=True)
            with app.app_context():
                from matchmaker.extensions import db

                db.session.remove()
                db.engine.dispose()
        finally:
            if drop:
                admin, name = drop
                with admin.connect() as c:
                    c.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                      "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
                    c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            tmp.cleanup()


if __name__ == "__main__":
    main()
