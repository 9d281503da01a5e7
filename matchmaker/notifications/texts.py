"""The wording of every notification, through the gettext catalog, from its key and parameters.

Parameters naming things (a firm, a fair, a request) are stored in both languages when the
notification is made, so the reader sees them in the language of the page."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# Groups a user can switch e-mail off for (account settings); each key belongs to one.
GROUPS = {
    "rfq_requests": _l("Requests for quotation sent to my firm (new, due tomorrow, closed)"),
    "rfq_answers": _l("Answers to my firm's requests (quotes, declines, quotes ready to compare)"),
    "rfq_decisions": _l("Decisions on my firm's quotes (awarded, not selected)"),
    "messages": _l("Messages and inquiries"),
    "deals": _l("Questions about recorded deals"),
    "fairs": _l("Trade fairs (meeting requests, pairings, schedules)"),
    "abuse": _l("Reports of abuse (my reports; for the city's staff, new reports)"),
}
KEY_GROUP = {
    "rfq_received": "rfq_requests", "rfq_due_tomorrow": "rfq_requests", "rfq_expired": "rfq_requests",
    "rfq_cancelled": "rfq_decisions",
    "quote_received": "rfq_answers", "quote_revised": "rfq_answers", "rfq_declined": "rfq_answers",
    "rfq_closed": "rfq_answers",
    "rfq_awarded": "rfq_decisions", "rfq_not_selected": "rfq_decisions",
    "message_received": "messages", "inquiry_received": "messages",
    "deal_followup": "deals",
    "abuse_reported": "abuse", "abuse_report_received": "abuse", "abuse_report_closed": "abuse",
}


def group_of(key: str) -> str:
    return KEY_GROUP.get(key, "fairs")


def text(key: str, params: dict, locale: str) -> str:
    p = {k: (v.get(locale) or v.get("ja") or "") if isinstance(v, dict) else str(v) for k, v in (params or {}).items()}
    for name in ("fair", "firm", "rfq", "count", "subject"):
        p.setdefault(name, "")
    texts = {
        # trade fairs
        "request_received": lambda: _("%(firm)s asked you for a meeting at %(fair)s.", **p),
        "request_accepted": lambda: _("%(firm)s accepted your meeting request at %(fair)s.", **p),
        "request_declined": lambda: _("%(firm)s declined your meeting request at %(fair)s.", **p),
        "request_cancelled": lambda: _("%(firm)s withdrew its meeting request at %(fair)s.", **p),
        "participant_withdrew": lambda: _("%(firm)s no longer takes part in %(fair)s; its meeting requests with you "
                                          "are cancelled.", **p),
        "pairing_added": lambda: _("The organizer arranged a meeting with %(firm)s at %(fair)s.", **p),
        "pairing_removed": lambda: _("The organizer removed the meeting with %(firm)s at %(fair)s.", **p),
        "schedule_published": lambda: _("The meeting schedule of %(fair)s is published: see your agenda.", **p),
        # requests for quotation
        "rfq_received": lambda: _("%(firm)s asks your firm for a quote: %(rfq)s.", **p),
        "rfq_due_tomorrow": lambda: _("Quotes for %(rfq)s (%(firm)s) are due tomorrow.", **p),
        "rfq_expired": lambda: _("The request %(rfq)s of %(firm)s closed without an answer from your firm.", **p),
        "quote_received": lambda: _("%(firm)s sent a quote for %(rfq)s.", **p),
        "quote_revised": lambda: _("%(firm)s revised its quote for %(rfq)s.", **p),
        "rfq_declined": lambda: _("%(firm)s declined your request %(rfq)s.", **p),
        "rfq_closed": lambda: _("Quotes for %(rfq)s are closed: %(count)s to compare.", **p),
        "rfq_awarded": lambda: _("%(firm)s chose your firm for %(rfq)s.", **p),
        "rfq_not_selected": lambda: _("%(firm)s chose another supplier for %(rfq)s.", **p),
        "rfq_cancelled": lambda: _("%(firm)s closed the request %(rfq)s without an order.", **p),
        # messages
        "message_received": lambda: _("New message from %(firm)s: %(subject)s.", **p),
        "inquiry_received": lambda: _("%(firm)s sent your firm an inquiry: %(subject)s.", **p),
        # deals
        "abuse_reported": lambda: _("%(firm)s reported a conversation to the city's staff.", **p),
        "abuse_report_received": lambda: _("The city's staff received your report about: %(subject)s.", **p),
        "abuse_report_closed": lambda: _("The city's staff closed your report about: %(subject)s.", **p),
        "deal_followup": lambda: _("How did the order with %(firm)s go? Tell us in one click: %(subject)s.", **p),
    }
    fn = texts.get(key)
    return fn() if fn else key
