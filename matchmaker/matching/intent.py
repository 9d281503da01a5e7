"""What a phrase says about the one who wrote it: does it, only arranges it, or does not do it at all.

A firm's profile that says 「板金は協力会社に発注」 or "we outsource anodizing" does not offer sheet
metal or anodizing itself: it can at most arrange it. A profile that says it is looking for
something, or that it does not do it, does not offer it at all. A staffing agency that "introduces
welders" places people; it does not weld. On the other side, a buyer who writes
「熱処理はこちらで手配します」 does not ask for heat treatment.

Each phrase (a segment of the analysis: text between punctuation) gets one of three readings:
``DOES`` (the default), ``ARRANGES`` (supply side only: what it names counts as "can arrange",
well below doing it, and its words are not shared words) and ``NONE`` (left out). So
「自社で切削、アルマイトは外注」 keeps the machining and reads the anodizing as arranged. Some
words speak for their whole sentence: in 「溶接、機械加工分野の人材を紹介」 everything but the
placing of people is only arranged.

Inside a phrase, a concept can also be only the context of another word: めっき in めっき液 (a
liquid), 熱処理 in 熱処理材 (treated timber) or 熱処理後 (after it), "heat-treated" in
"heat-treated timber". Such a mention (:data:`MENTIONS`) counts well below naming the work
itself; see :func:`modifier_heads`.
"""
from __future__ import annotations

import re

# How much one phrase's naming of a concept counts as evidence that the writer does it.
DOES = 1.0
MENTIONS = 0.35  # only as the context of another word (めっき液, heat-treated timber)
ARRANGES = 0.25  # outsourced, arranged through partners, bought in
NONE = 0.0

# supply side ------------------------------------------------------------------------------------
# people placed by the writer: the whole sentence is only arranged, the placing itself is done
STAFFING_JA = ("人材", "人員", "派遣", "紹介")
_STAFFING_EN = re.compile(r"\b(staffing|recruit\w*|personnel|temporary workers?|placement|dispatch\w*)\b",
                          re.IGNORECASE)
# arranged by the writer through others
_ARRANGES_JA = (
    "外注", "協力会社", "協力工場", "協力企業", "協力先", "協力メーカー", "協力金型", "提携先", "提携工場", "委託先",
    "外部委託", "外部に委託", "手配", "仕入れ", "仕入", "連携", "仲間回し", "ご紹介",
)
_ARRANGES_EN = re.compile(
    r"\b(outsourc\w*|subcontract\w*|partner(?:s|ed|ing)?|arrang\w+|sourced|sourcing|procur\w+|"
    r"via (?:our )?network|coordinat\w+)\b",
    re.IGNORECASE,
)
# not offered at all: does not do it, or is looking for it
_NONE_JA = (
    "探して", "探しています", "募集", "求めて", "していません", "しておりません", "行っていません", "行っておりません",
    "できません", "出来ません", "対応外", "対応しておりません", "対応していません", "不可", "取り扱っていません",
    "扱っていません", "やっていません", "受けていません", "お受けできません",
)
_NONE_EN = re.compile(
    r"\b(looking for|we seek|seeking|do not|does not|don't|doesn't|cannot|can't|not offer\w*|no longer|"
    r"not (?:do|provide|handle|accept)\w*)\b",
    re.IGNORECASE,
)

# demand side ------------------------------------------------------------------------------------
# the buyer handles it itself, or says it is not needed
_DEMAND_NONE_JA = (
    "こちらで手配", "当社で手配", "弊社で手配", "自社で手配", "当方で手配", "こちらで行", "当社で行", "弊社で行",
    "自社で行", "当方で行", "こちらで対応", "当社で対応", "弊社で対応", "自社で対応", "支給", "不要", "必要ありません",
    "いりません",
)
_DEMAND_NONE_EN = re.compile(
    r"\b(we (?:will )?(?:arrange|handle|do|supply|provide) (?:it|this|that|them|the \w+)(?: \w+)? ourselves|"
    r"(?:we|i) (?:will )?(?:arrange|handle|do|supply|provide) \w+(?: \w+)? ourselves|ourselves|in-house by us|"
    r"(?:is|are) not (?:needed|required)|not needed|not required|no need for|(?:is|are) supplied by us|"
    r"we supply the)\b",
    re.IGNORECASE,
)


def staffing_sentence(sentence: str) -> bool:
    """A sentence about people the writer places (its other words are the people's trades)."""
    return any(m in sentence for m in STAFFING_JA) or bool(_STAFFING_EN.search(sentence))


def staffing_words(sentence: str) -> str:
    """The words of a staffing sentence that say what the writer itself does (places people)."""
    found = [m for m in STAFFING_JA if m in sentence] + [m.group(0) for m in _STAFFING_EN.finditer(sentence)]
    return " ".join(found)


def reading(segment: str, role: str) -> float:
    """How a phrase counts for what its writer offers (role "supply") or asks for (role "demand"):
    :data:`DOES`, :data:`ARRANGES` or :data:`NONE`."""
    if role == "supply":
        if any(m in segment for m in _NONE_JA) or _NONE_EN.search(segment):
            return NONE
        if any(m in segment for m in _ARRANGES_JA) or _ARRANGES_EN.search(segment):
            return ARRANGES
    elif role == "demand":
        if any(m in segment for m in _DEMAND_NONE_JA) or _DEMAND_NONE_EN.search(segment):
            return NONE
    return DOES


# A concept followed directly by another noun is that noun's context (めっき液, 熱処理炉, 熱処理後),
# unless the noun only names the work itself or what it makes (めっき加工, 溶接ライン, プレス部品), or
# the making of the thing before it (ポンプ製造, 家具製作: the firm makes pumps, furniture).
WORK_HEADS_JA = frozenset(
    """加工 処理 作業 業 業務 業者 屋 工場 工房 工程 ライン 全般 一式 一貫 技術 専門 受託 請負 事業 部門 職人 品
    部品 製品 物 品物 サービス 仕上げ 仕上 対応 センター 試作 量産 施工 工事 製造 製作 生産""".split()
)


def modifier_heads(next_surface: str, next_norm: str, last_raw: str, latin: bool) -> bool:
    """Whether a concept whose match is directly followed by this content word only describes it.

    Japanese: the following noun is the head of the compound (めっき液 is a liquid). English: a
    past participle before a noun describes the thing ("heat-treated timber", "welded frames")."""
    if latin:
        return last_raw.lower().endswith("ed")
    return next_norm not in WORK_HEADS_JA and next_surface not in WORK_HEADS_JA
