"""Character-level normalisation shared by indexing and querying.

Everything here is pure and cheap: NFKC (full/half width), case folding,
kana folding (katakana -> hiragana, long-vowel marks dropped), removal of
company legal forms, certification keys, and splitting text into script runs
(Japanese runs go to Sudachi, Latin/digit runs to the English tokenizer).
"""
from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
# wave dash / tilde variants and the many dashes fold to a plain form
_DASHES = str.maketrans({
    "\u301c": "~", "\uff5e": "~", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
    "\u2014": "-", "\u2015": "-", "\u2212": "-", "\uff0d": "-", "\u30fb": " ", "\uff65": " ",
})
_LONG_VOWELS = "ー\u30fc\uff70\u2015"  # prolonged sound marks (after NFKC only ー remains)


def nfkc(text: str) -> str:
    """NFKC, control characters removed, dashes unified; keeps case."""
    if not text:
        return ""
    text = _CONTROL.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    return text.translate(_DASHES)


def fold(text: str) -> str:
    """Key used for equality of words/terms: NFKC, casefold, kana folded."""
    text = nfkc(text).casefold()
    return fold_kana(text)


_KANA_TABLE = {o: o - 0x60 for o in range(0x30A1, 0x30F7)}
_KANA_TABLE.update({ord(c): None for c in _LONG_VOWELS})


def fold_kana(text: str) -> str:
    """Katakana -> hiragana and long-vowel marks dropped (センター = センタ = せんた)."""
    return text.translate(_KANA_TABLE)


# ---------------------------------------------------------------- legal forms
_LEGAL_JA = re.compile(
    r"(株式会社|有限会社|合同会社|合資会社|合名会社|一般社団法人|一般財団法人|公益社団法人|公益財団法人|"
    r"特定非営利活動法人|NPO法人|社会福祉法人|医療法人|学校法人|協同組合|\(株\)|\(有\)|\(同\)|㈱|㈲)"
)
_LEGAL_EN = re.compile(
    r"(?:,?\s*\b(?:co\.?\s*,?\s*ltd|company\s+limited|co\.?\s*limited|corporation|corp|incorporated|inc|"
    r"l\.?l\.?c|ltd|limited|gmbh(?:\s*&\s*co\.?\s*kg)?|ag|kg|s\.?a\.?r?\.?l?|b\.?v|n\.?v|plc|pte\.?\s*ltd|"
    r"pvt\.?\s*ltd|sdn\.?\s*bhd|bhd|jsc|jsc\.|tnhh|pt|s\.?p\.?a|k\.?k)\b\.?)",
    re.IGNORECASE,
)


def strip_legal_forms(name: str) -> str:
    """Remove company legal forms (株式会社, (株), Co., Ltd., GmbH, Sdn Bhd ...)."""
    text = nfkc(name)
    text = _LEGAL_JA.sub(" ", text)
    text = _LEGAL_EN.sub(" ", text)
    text = re.sub(r"[\s,.]+$", "", text)
    return re.sub(r"\s+", " ", text).strip(" ,.")


# ------------------------------------------------------------ certifications
def cert_key(cert: str) -> str:
    """"ISO9001" = "ISO 9001" = "ｉｓｏ　９００１:2015" -> "ISO9001"."""
    text = nfkc(cert).upper()
    text = re.sub(r"[:：]\s*(19|20)\d\d\b", "", text)  # drop the edition year
    return re.sub(r"[^0-9A-Z\u3040-\u30ff\u4e00-\u9fff]", "", text)


# ---------------------------------------------------------------- script runs
def is_japanese_char(ch: str) -> bool:
    o = ord(ch)
    return (
        0x3040 <= o <= 0x30FF  # kana
        or 0x4E00 <= o <= 0x9FFF  # CJK unified
        or 0x3400 <= o <= 0x4DBF
        or 0xF900 <= o <= 0xFAFF
        or o == 0x3005  # 々
        or 0x31F0 <= o <= 0x31FF
    )


def is_word_char(ch: str) -> bool:
    return ch.isalnum() and not is_japanese_char(ch)


_JA_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u31f0-\u31ff"
_RUN = re.compile(
    rf"(?P<ja>[{_JA_CLASS}]+)"
    rf"|(?P<lat>[^\W_{_JA_CLASS}](?:[^\W_{_JA_CLASS}]|[-./+&'](?=[^\W_{_JA_CLASS}]))*)"
)


def script_runs(text: str) -> list[tuple[str, str]]:
    """Split NFKC text into ("ja", run) and ("lat", run) pieces; punctuation and spaces separate runs.

    A Latin run keeps inner hyphens/dots/slashes ("PS-LX350H", "Ti-6Al-4V", "3.5") so codes can be joined.
    """
    return [("ja", m.group("ja")) if m.group("ja") else ("lat", m.group("lat")) for m in _RUN.finditer(text)]


def script_spans(text: str) -> list[tuple[str, str, int, int]]:
    """Like :func:`script_runs` with (start, end) offsets."""
    return [("ja" if m.group("ja") else "lat", m.group(0), m.start(), m.end()) for m in _RUN.finditer(text)]
