"""Benchmark of the member-list import: 10,000 rows, dry run and real, through the command line's code.

Usage (from the project root): python bench/import.py [--rows 10000] [--database URL]

Writes a synthetic member list (Shift_JIS CSV as Japanese Excel saves it: every column the import
reads, addresses across Kanagawa, industries as codes and as words, 5% of the rows repeating an
earlier firm written differently) and imports it into a fresh SQLite database (or the one given),
timing the dry run, the real import and a second import of the same file (all duplicates): wall-clock
seconds, and the process's CPU seconds (what the machine's other work does not change). Then, on an
emptied database, the organizer page's path: the check and the import as background jobs
(imports/jobs.py: the stored upload, the job row, its heartbeat thread), timed until the job is done.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOWNS = ["神奈川県藤沢市", "神奈川県茅ヶ崎市", "神奈川県鎌倉市", "神奈川県平塚市", "神奈川県高座郡寒川町", "神奈川県横浜市中区",
         "神奈川県大和市", "神奈川県綾瀬市", "神奈川県海老名市", "東京都大田区"]
PARTS_A = ["湘南", "藤沢", "辻堂", "鵠沼", "善行", "石川", "桐原", "遠藤", "大庭", "長後", "六会", "片瀬", "江の島", "村岡"]
PARTS_B = ["精密", "精機", "製作所", "工業", "技研", "電子", "化成", "プレス", "鍍金", "産業", "テクノ", "金型", "樹脂", "システム"]
INDUSTRY = ["24", "2464", "E", "めっき", "金属製品製造業", "ソフトウェア", "26", "プラスチック製品製造業", "印刷", "31"]
FORMS = ["株式会社{}", "{}株式会社", "有限会社{}", "㈱{}", "{}(株)"]
KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"


def member_list(rows: int, seed: int = 1) -> bytes:
    import csv
    import io

    rnd = random.Random(seed)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["会社名", "フリガナ", "郵便番号", "所在地", "電話番号", "メールアドレス", "URL", "業種", "事業内容",
                "従業員数", "設立", "取得認証"])
    made = []
    for i in range(rows):
        if made and rnd.random() < 0.05:  # the same firm again, written differently
            name, town, tel = rnd.choice(made)
            name = name.replace("株式会社", "(株)")
        else:
            brand = "".join(rnd.choice(KANA) for _ in range(4))  # distinct names, as a real list has
            name = rnd.choice(FORMS).format(rnd.choice(PARTS_A) + brand + rnd.choice(PARTS_B))
            town = rnd.choice(TOWNS)
            tel = f"0466-{rnd.randint(10, 99)}-{i % 10000:04d}"
            made.append((name, town, tel))
        w.writerow([name, "", f"{rnd.randint(100, 999)}-{rnd.randint(0, 9999):04d}", f"{town}{rnd.randint(1, 9)}-{rnd.randint(1, 30)}",
                    tel, f"info{i}@example.com", f"www.firm{i}.example.com", rnd.choice(INDUSTRY),
                    "切削加工、溶接、組立", f"{rnd.randint(1, 400)}名", str(rnd.randint(1950, 2020)), "ISO9001"])
    return out.getvalue().encode("cp932")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--database", default=None)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-import-"))
    url = args.database or f"sqlite:///{tmp / 'import.db'}"
    os.environ["DATABASE_URL"] = url
    from matchmaker import create_app
    from matchmaker.extensions import db
    from matchmaker.imports import Options, import_table, load

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MATCHMAKER_MAIL_BACKGROUND": False,
                      "MATCHMAKER_MAIL_URL": "file://" + str(tmp / "mail"),
                      "MATCHMAKER_UPLOAD_FOLDER": str(tmp / "uploads")})
    data = member_list(args.rows)
    print(f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB Shift_JIS CSV, database {url.split(':')[0]}")
    print(f"{'step':<28}{'wall s':>8}{'cpu s':>8}  result")
    with app.app_context():
        db.drop_all()
        db.create_all()
        for label, dry, on_dup in (("dry run", True, "skip"), ("import", False, "skip"),
                                   ("import again (duplicates)", False, "skip")):
            t0, c0 = time.perf_counter(), time.process_time()
            table = load(data)
            r = import_table(table, options=Options(on_duplicate=on_dup, valid_only=True), dry_run=dry)
            dt, cpu = time.perf_counter() - t0, time.process_time() - c0
            print(f"{label:<28}{dt:>8.1f}{cpu:>8.1f}  created {r['created']:,}, updated {r['updated']:,}, "
                  f"skipped {r['skipped']:,}, errors {len(r['errors']):,}")
        page_jobs(app, data)
        db.session.rollback()  # no transaction of ours left open while the tables go
        db.drop_all()


def page_jobs(app, data: bytes) -> None:
    """The organizer page's check and import, each a background job run to its end, on an emptied database."""
    from matchmaker.extensions import db
    from matchmaker.files.storage import storage
    from matchmaker.imports import jobs
    from matchmaker.imports.models import ImportJob, ImportUpload
    from matchmaker.models import User

    db.session.rollback()
    db.drop_all()
    db.create_all()
    user = User(email="organizer@example.com", name="bench", role="organizer", locale="ja")
    user.set_password("bench-password-42")
    db.session.add(user)
    db.session.flush()
    upload = ImportUpload(user_id=user.id, storage_key=storage().save(data), filename="list.csv", size=len(data),
                          result={"encoding": "auto", "sheet": ""})
    db.session.add(upload)
    db.session.commit()
    for label, kind in (("page: check (job)", "check"), ("page: import (job)", "import")):
        job = jobs.create(upload, kind, jobs.params_from({"valid_only": "1"}, "ja"), user.id)
        db.session.commit()
        t0, c0 = time.perf_counter(), time.process_time()
        jobs.runner(app).start(job.id).join()
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        db.session.expire_all()
        job = db.session.get(ImportJob, job.id)
        r = job.result or {}
        print(f"{label:<28}{dt:>8.1f}{cpu:>8.1f}  {job.state}: created {r.get('created', 0):,}, "
              f"updated {r.get('updated', 0):,}, skipped {r.get('skipped', 0):,}, errors {len(r.get('errors', [])):,}")


if __name__ == "__main__":
    main()
