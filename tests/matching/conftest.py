"""Fixtures for the matching-engine tests: a small hand-written vocabulary and firms (not from any eval set)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from matchmaker.matching import Engine, Record, Settings, Vocabulary
from matching_fixtures import CHIGASAKI, FUJISAWA, OSAKA, BANGKOK, ROWS, firm  # noqa: F401

@pytest.fixture(scope="session")
def vocab() -> Vocabulary:
    return Vocabulary.from_rows(ROWS)


@pytest.fixture()
def records() -> list[Record]:
    now = datetime.now(timezone.utc)
    return [
        firm("P1", "株式会社辻堂メッキ", "無電解ニッケルメッキと亜鉛メッキの受託加工。小ロット対応。", "Fujisawa", "JP", FUJISAWA,
             languages=["ja"], certifications=["ISO 9001"], owner="F1", updated_at=now - timedelta(days=3)),
        firm("P2", "浪速鍍金工業(株)", "無電解ニッケル鍍金の専門工場。量産対応。", "Osaka", "JP", OSAKA,
             languages=["ja"], owner="F2"),
        firm("P3", "Chao Plating Co., Ltd.", "Electroless nickel plating and zinc plating for export.", "Bangkok", "TH", BANGKOK,
             languages=["en", "th"], owner="F3"),
        firm("A1", "茅ヶ崎アルマイト", "アルミの陽極酸化処理（白・黒アルマイト）。", "Chigasaki", "JP", CHIGASAKI,
             languages=["ja"], owner="F4"),
        firm("M1", "湘南成型有限会社", "プラスチックの射出成型。金型は協力工場。", "Fujisawa", "JP", FUJISAWA,
             languages=["ja", "en"], certifications=["ISO13485"], owner="F5", categories=["1821"]),
        firm("S1", "ばんきん工房", "ステンレスの板金加工と溶接。一品物。", "Chigasaki", "JP", CHIGASAKI,
             languages=["ja"], owner="F6", updated_at=now - timedelta(days=900)),
        firm("T1", "藤沢ターニング", "NC旋盤によるSUS304シャフトの切削。", "Fujisawa", "JP", FUJISAWA, languages=["ja"], owner="F7"),
        firm("IT1", "湘南システム開発株式会社", "業務システム開発、Webアプリ。", "Fujisawa", "JP", FUJISAWA, languages=["ja"], owner="F8"),
    ]


@pytest.fixture()
def settings() -> Settings:
    return Settings(min_score=0.1)


@pytest.fixture()
def engine(records, vocab, settings) -> Engine:
    e = Engine(settings=settings, vocabulary=vocab)
    e.build(records)
    return e
