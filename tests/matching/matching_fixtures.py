"""Shared constants for the matching tests (imported by conftest and test modules)."""
from __future__ import annotations

from matchmaker.matching import Record

ROWS = [
    ("process.surface", "process", "", "表面処理", "surface treatment", "surface finishing"),
    ("process.plating", "process", "process.surface", "めっき", "plating", "メッキ|鍍金|electroplating"),
    ("process.plating.electroless_nickel", "process", "process.plating", "無電解ニッケルめっき",
     "electroless nickel plating", "無電解ニッケル|electroless nickel"),
    ("process.plating.zinc", "process", "process.plating", "亜鉛めっき", "zinc plating", "亜鉛メッキ"),
    ("process.anodizing", "process", "process.surface", "アルマイト", "anodizing", "陽極酸化|anodize|anodized"),
    ("process.molding", "process", "", "射出成形", "injection molding", "成形|成型|射出成型|injection moulding|moulding"),
    ("process.sheet_metal", "process", "", "板金", "sheet metal", "板金加工|ばんきん|sheet metal fabrication"),
    ("process.machining", "process", "", "切削加工", "machining", "切削|CNC machining|machined"),
    ("process.machining.turning", "process", "process.machining", "旋削", "turning", "旋盤|NC旋盤|CNC lathe|lathe"),
    ("material.stainless", "material", "", "ステンレス", "stainless steel", "SUS|SUS304|stainless"),
    ("material.aluminium", "material", "", "アルミ", "aluminium", "アルミニウム|aluminum|A5052|A6061"),
    ("service.software", "service", "", "ソフトウェア開発", "software development", "システム開発|software"),
    ("certification.iso13485", "certification", "", "ISO 13485", "ISO 13485", "ISO13485"),
]


FUJISAWA = (35.34926, 139.47666)
CHIGASAKI = (35.33638, 139.40434)
OSAKA = (34.69374, 135.50218)
BANGKOK = (13.75398, 100.50144)


def firm(id: str, name: str, text: str, city: str, country: str, at: tuple[float, float] | None, **kw) -> Record:
    lat, lon = at if at else (None, None)
    return Record(id=id, name=name, text=text, city=city, country=country, lat=lat, lon=lon, **kw)


