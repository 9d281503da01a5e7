"""The words of the site's explanations: why a firm is recommended, why a meeting could not be placed.

The engine and the scheduler return codes with data; this module words them through the gettext
catalog in the reader's language, so a third language is a catalog, not new code.
"""
from __future__ import annotations

import re

from flask_babel import gettext as _

from . import reference
from .i18n import current_locale
from .matching.normalize import fold
from .matching.reasons import Reason


def _join(items) -> str:
    return ("、" if current_locale() == "ja" else ", ").join(str(i) for i in items)


def reason_text(r: Reason) -> str:
    """One reason of a match, worded for the reader ('' for one not worth showing)."""
    loc = current_locale()
    d, k = r.data, r.kind
    if k == "capability":
        q = d.get("query_term") or ""
        label = d.get("label_ja" if loc == "ja" else "label_en") or ""
        rec = d.get("record_term") or label
        if d.get("partial"):
            if not q:
                return label
            if label and fold(label) not in (fold(q), fold(rec)):
                return _("related field (%(field)s): %(query)s ↔ %(record)s", field=label, query=q, record=rec)
            return _("related: %(query)s ↔ %(record)s", query=q, record=rec)
        if q and rec and fold(q) != fold(rec):
            return f"{q} ↔ {rec}"
        return q or rec or label
    if k == "text":
        words = d.get("query_terms") or []
        return _("shared words: %(words)s", words=_join(words)) if words else ""
    if k == "category":
        codes = d.get("codes") or []
        names = [reference.industry(c).label(loc) if reference.industry(c) else c for c in codes]
        return _("same industry: %(names)s", names=_join(names)) if names else ""
    if k == "same_city":
        return _("in the same city")
    if k == "distance":
        km = float(d.get("km") or 0.0)
        return _("%(km)s km away", km=f"{km:.0f}" if km >= 10 else f"{km:.1f}")
    if k == "domestic":
        return _("in the same country")
    if k == "overseas":
        return _("abroad: %(country)s", country=reference.country_name(d.get("country", ""), loc))
    if k == "certification":
        return _("%(certifications)s certified", certifications=_join(d.get("certifications") or []))
    if k == "language":
        langs = [reference.language_name(c, loc) for c in d.get("languages") or []]
        return _("shared language: %(languages)s", languages=_join(langs)) if langs else ""
    if k == "fresh":
        return ""  # counts in the score, says nothing a buyer needs to read
    return ""


def reason_texts(reasons) -> list[str]:
    """The reasons worth showing, worded, without repeats."""
    out: list[str] = []
    for r in reasons:
        text = reason_text(r)
        if text and text not in out:
            out.append(text)
    return out


_PID = re.compile(r"\bP(\d+)\b")


def scheduling_reason(code: str, params: dict | None, english: str, names: dict[int, str]) -> str:
    """Why the scheduler could not place a meeting or left a participant without one, in the reader's language."""
    params = params or {}
    texts = {
        "no_common_slot": lambda: _("they have no free time slot in common"),
        "max_meetings": lambda: _("the maximum number of meetings was reached"),
        "no_table": lambda: _("no table was left in the slots both are free"),
        "time_limit": lambda: _("not placed within the time limit"),
        "lower_value": lambda: _("other meetings were worth more in the slots both are free"),
        "absent": lambda: _("is present in no slot"),
        "wants_none": lambda: _("wants no meetings (maximum 0)"),
        "no_common_slot_with_anyone": lambda: _("has no time slot in common with anyone it asked or who asked it"),
        "no_one_can_meet": lambda: _("no one it asked or who asked it can meet it (no common free slot, or "
                                     "their maximum reached)"),
        "fully_booked": lambda: _("everyone it could meet is fully booked (slots, tables or maximum meetings)")
        + (" " + _("(no schedule leaves fewer firms without a meeting)") if params.get("optimal") else ""),
    }
    fn = texts.get(code)
    if fn is not None:
        return fn()
    # a report from before the codes: its English text, with the firms' names for their ids
    return _PID.sub(lambda m: names.get(int(m.group(1)), m.group(0)), english or "")
