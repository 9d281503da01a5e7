"""A small, conservative English suffix stemmer.

Only inflections are removed (plural -s/-es/-ies, -ing, -ed, -'s) so that
"plating" -> "plat" stays apart from "plate"/"plates" -> "plate", while
"molding"/"molded"/"molds" -> "mold" and "machining"/"machined" -> "machin".
Doubled final consonants left by -ing/-ed are undoubled ("cutting" -> "cut",
and the typo "machinning" -> "machin").
"""
from __future__ import annotations

_VOWELS = set("aeiouy")
_KEEP_S = ("ss", "us", "is", "ous", "ics", "ys", "as")


def _has_vowel(s: str) -> bool:
    return any(c in _VOWELS for c in s)


def _undouble(s: str) -> str:
    if len(s) >= 4 and s[-1] == s[-2] and s[-1] not in "lsz" and s[-1] not in _VOWELS:
        return s[:-1]
    return s


def stem(word: str) -> str:
    w = word
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("'s"):
        w = w[:-2]
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "shes", "ches", "xes", "zes")) and len(w) > 4:
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(_KEEP_S) and len(w) > 3:
        w = w[:-1]
    if w.endswith("ing") and len(w) >= 6 and _has_vowel(w[:-3]):
        w = _undouble(w[:-3])
    elif w.endswith("ed") and len(w) >= 5 and _has_vowel(w[:-2]) and not w.endswith("eed"):
        base = w[:-2]
        w = _undouble(base)
    return w
