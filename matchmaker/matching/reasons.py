"""Structured reasons ("why this match"): a kind with its data, never words.

The site words them through its catalog (matchmaker/wording.py); `matchmaker rank --explain`
writes them as they are."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reason:
    """One piece of evidence. ``kind`` is one of: capability, text, category, distance, same_city,
    domestic, overseas, certification, language, fresh. ``weight`` is its share of the score."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    weight: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.data, "weight": round(self.weight, 4)}


# Words that say nothing about a match when two texts share them: business boilerplate in both
# languages (folded forms, as the analyser writes them). Place names and words most records use
# are left out too (engine.py).
GENERIC_WORDS = frozenset(
    """市 町 村 区 県 都 府 あり 有り なし 対応 可能 会社 企業 株式 有限 弊社 当社 御社 工場 事業 事業所 製品 商品 部品 加工
    製造 製作 販売 提供 実施 取扱 取り扱い 各種 全般 一般 関連 その他 ほか サービス 業務 お客様 顧客 品質 技術 日本 国内
    海外 地域 地元 最短 納期 短納期 小ロット 少量 大量 量産 試作品 一貫 一括 相談 見積 見積り 見積もり 依頼 お問い合わせ
    service servic company compani product products part parts manufactur make made supply suppli provid offer work
    solution solut japan japanes local quality qualiti custom customer high best small lot lots order orders""".split()
)
