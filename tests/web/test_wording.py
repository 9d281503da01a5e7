"""Reasons and scheduler explanations are worded by the site, through the catalog, from codes and data."""
from __future__ import annotations

from flask_babel import force_locale

from matchmaker.matching.reasons import Reason
from matchmaker.wording import reason_text, reason_texts, scheduling_reason

PARTIAL = Reason("capability", {"concept": "process.plating", "label_ja": "めっき", "label_en": "plating",
                                "query_term": "無電解ニッケルめっき", "record_term": "亜鉛めっき", "partial": True})


def test_reasons_in_both_languages(app):
    with force_locale("ja"):
        assert reason_text(Reason("same_city")) == "同じ市内"
        assert reason_text(Reason("distance", {"km": 7.34})).startswith("距離") or "7.3" in reason_text(Reason("distance", {"km": 7.34}))
        assert "英語" in reason_text(Reason("language", {"languages": ["en"]}))
        assert "めっき" in reason_text(PARTIAL) and "亜鉛めっき" in reason_text(PARTIAL)
    with force_locale("en"):
        assert reason_text(Reason("same_city")) == "in the same city"
        assert reason_text(Reason("distance", {"km": 7.34})) == "7.3 km away"
        assert reason_text(Reason("distance", {"km": 23.4})) == "23 km away"
        assert reason_text(PARTIAL) == "related field (plating): 無電解ニッケルめっき ↔ 亜鉛めっき"
        assert reason_text(Reason("category", {"codes": ["2469"]})).startswith("same industry: ")
        assert "2469" not in reason_text(Reason("category", {"codes": ["2469"]}))  # the industry's name, not its code


def test_nothing_empty_or_repeated(app):
    with force_locale("en"):
        assert reason_texts([Reason("fresh", {"days": 3}), Reason("same_city"), Reason("same_city"),
                             Reason("text", {"query_terms": []})]) == ["in the same city"]


def test_scheduler_reasons_by_code(app):
    with force_locale("ja"):
        assert scheduling_reason("no_common_slot", {}, "P1 and P2 share no available slot", {}) != \
            "P1 and P2 share no available slot"
    with force_locale("en"):
        assert scheduling_reason("no_common_slot", {}, "x", {}) == "they have no free time slot in common"
        assert "fewer firms" in scheduling_reason("fully_booked", {"optimal": True}, "", {})
        # a report from before the codes keeps its text, with the firms' names
        assert scheduling_reason("", {}, "P7 is available in no slot", {7: "藤沢精工"}) == "藤沢精工 is available in no slot"
