"""The figures as tables, in the reader's language, with small cells hidden: what the page shows beside
each chart, and what the CSV and XLSX exports hold (so the three never differ).

Privacy: a cell that describes fewer than ``MATCHMAKER_INDICATORS_MIN_FIRMS`` firms (but some) is
shown as "< N", in the page, the exports and the public page; a share is hidden with its part. Zero
stays zero (it tells nothing about any firm).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _

from .. import reference
from ..locality import LOCALITIES


class Hidden:
    """A cell withheld because it describes too few firms; written "< N"."""

    def __init__(self, n: int):
        self.n = n

    def __str__(self) -> str:
        return f"< {self.n}"

    def __eq__(self, other) -> bool:
        return isinstance(other, Hidden) and other.n == self.n


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # per column: text, int, yen, share, hours
    row_kinds: list[str] = field(default_factory=list)  # per row, where rows differ (the summary)

    def kind(self, i: int, j: int) -> str:
        """How cell (row i, column j) is written."""
        if not self.row_kinds or j == 0:
            return self.kinds[j]
        k = self.row_kinds[i]
        if j == 3:
            return "share_change" if k == "share" else "change"
        return k


def min_firms() -> int:
    return int(current_app.config["MATCHMAKER_INDICATORS_MIN_FIRMS"])


def guard(value, firms: int | None):
    """The value, or Hidden when it describes between 1 and N-1 firms."""
    n = min_firms()
    if firms is not None and 0 < firms < n:
        return Hidden(n)
    return value


def complement(parts: list) -> list:
    """Parts of a shown total: when exactly one is hidden, the smallest other non-zero one is hidden too,
    so that the hidden one cannot be had by subtraction."""
    hidden = [i for i, v in enumerate(parts) if isinstance(v, Hidden)]
    if len(hidden) != 1:
        return parts
    rest = [(v, i) for i, v in enumerate(parts) if not isinstance(v, Hidden) and v]
    if rest:
        parts = list(parts)
        parts[min(rest)[1]] = Hidden(min_firms())
    return parts


def _share(part, whole):
    if isinstance(part, Hidden) or isinstance(whole, Hidden):
        return Hidden(min_firms())
    return round(part / whole, 4) if whole else None


def locality_label(place: str) -> str:
    return {"local": _("Local"), "domestic": _("Elsewhere in Japan"), "overseas": _("Overseas")}[place]


def industry_name(code: str) -> str:
    node = reference.industry(code)
    if node is None:
        return _("Not given") if not code else code
    return node.label(_locale())


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "ja")


def _change(now, before):
    if isinstance(now, Hidden) or isinstance(before, Hidden) or now is None or before is None:
        return None
    return now - before


# ------------------------------------------------------------------ the tables


def summary(fig: dict) -> Table:
    prev = fig.get("previous") or {}
    t = Table("summary", _("Headline figures"), [_("Figure"), _("This period"), _("Previous period"), _("Change")],
              kinds=["text", "int", "int", "change"])

    def deal_rows(d):
        if not d:
            return {}
        cells = {"count": guard(d["count"], d["firms"]), "amount": guard(d["amount_jpy"], d["firms"])}
        counts = complement([guard(d[p]["count"], d[p]["firms"]) for p in LOCALITIES])
        amounts = complement([guard(d[p]["amount_jpy"], d[p]["firms"]) for p in LOCALITIES])
        for p, n, amount in zip(LOCALITIES, counts, amounts):
            cells[p], cells[p + "_amount"] = n, amount
        cells["share_count"] = _share(cells["local"], cells["count"])
        cells["share_amount"] = _share(cells["local_amount"], cells["amount"])
        return cells

    now, before = deal_rows(fig["deals"]), deal_rows(prev.get("deals"))

    def add(label, a, b, kind="int"):
        t.rows.append([label, a, b, _change(a, b)])
        t.row_kinds.append(kind)

    add(_("Number of deals"), now["count"], before.get("count"))
    add(_("Deal amount (JPY)"), now["amount"], before.get("amount"), "yen")
    add(_("Local share of deals (by count)"), now["share_count"], before.get("share_count"), "share")
    add(_("Local share of deals (by amount)"), now["share_amount"], before.get("share_amount"), "share")
    for p in LOCALITIES:
        add(_("Number of deals: %(where)s", where=locality_label(p)), now[p], before.get(p))
        add(_("Amount: %(where)s (JPY)", where=locality_label(p)), now[p + "_amount"], before.get(p + "_amount"), "yen")

    def rel(r):
        return (guard(r["count"], r["firms"]), guard(r["local"]["count"], r["local"]["firms"])) if r else (None, None)

    (r_now, rl_now), (r_b, rl_b) = rel(fig["new_relationships"]), rel(prev.get("new_relationships"))
    add(_("New business relationships"), r_now, r_b)
    add(_("… of which both firms in the city"), rl_now, rl_b)

    def rfq(r):
        if not r:
            return {}
        g = {k: guard(r[k], r["firms"]) for k in ("sent", "invitations", "answered", "awarded", "awarded_deals",
                                                   "awarded_local")}
        g["answered_share"] = _share(g["answered"], g["invitations"])
        g["awarded_local_share"] = _share(g["awarded_local"], g["awarded_deals"])
        g["median"] = guard(r["median_hours_to_first_quote"], r["firms"])
        return g

    q_now, q_b = rfq(fig["rfq"]), rfq(prev.get("rfq"))
    add(_("Requests for quotation sent"), q_now["sent"], q_b.get("sent"))
    add(_("Share of invitations answered"), q_now["answered_share"], q_b.get("answered_share"), "share")
    add(_("Median time to first quote (hours)"), q_now["median"], q_b.get("median"), "hours")
    add(_("Requests awarded"), q_now["awarded"], q_b.get("awarded"))
    add(_("Share of awards to local suppliers"), q_now["awarded_local_share"], q_b.get("awarded_local_share"), "share")

    def needs(n):
        return {k: guard(n[k], n["firms"]) for k in ("posted", "fulfilled", "open")} if n else {}

    n_now, n_b = needs(fig["needs"]), needs(prev.get("needs"))
    add(_("Needs posted"), n_now["posted"], n_b.get("posted"))
    add(_("… fulfilled"), n_now["fulfilled"], n_b.get("fulfilled"))
    add(_("… still open"), n_now["open"], n_b.get("open"))
    if "open_without_local" in fig["needs"]:
        add(_("… open with no good local supplier"), guard(fig["needs"]["open_without_local"], fig["needs"]["firms"]),
            None)

    def fairs(f):
        return {k: guard(f[k], f["firms"]) for k in ("fairs", "participants", "meetings_planned", "meetings_held",
                                                      "no_shows", "deals", "deals_local")} if f else {}

    f_now, f_b = fairs(fig["fairs"]), fairs(prev.get("fairs"))
    f_now["fairs"], f_b["fairs"] = fig["fairs"]["fairs"], (prev.get("fairs") or {}).get("fairs")
    add(_("Trade fairs held"), f_now["fairs"], f_b.get("fairs"))
    add(_("Fair participants"), f_now["participants"], f_b.get("participants"))
    add(_("Meetings planned"), f_now["meetings_planned"], f_b.get("meetings_planned"))
    add(_("Meetings held"), f_now["meetings_held"], f_b.get("meetings_held"))
    add(_("Meetings with a no-show"), f_now["no_shows"], f_b.get("no_shows"))
    add(_("Deals reported after a fair"), f_now["deals"], f_b.get("deals"))
    add(_("… with a local supplier"), f_now["deals_local"], f_b.get("deals_local"))

    def act(a):
        return {k: guard(v, v) for k, v in a.items()} if a else {}

    a_now, a_b = act(fig["activity"]), act(prev.get("activity"))
    add(_("Firms registered"), a_now["firms_registered"], a_b.get("firms_registered"))
    add(_("Firm profiles last updated in the period"), a_now["profiles_updated"], a_b.get("profiles_updated"))
    add(_("Active firms"), a_now["active_firms"], a_b.get("active_firms"))
    return t


def by_month(fig: dict) -> Table:
    t = Table("by_month", _("Deals by month and where the supplier is"),
              [_("Month"), *[locality_label(p) for p in LOCALITIES], _("Total"),
               *[_("Amount: %(where)s (JPY)", where=locality_label(p)) for p in LOCALITIES], _("Local share")],
              kinds=["text", "int", "int", "int", "int", "yen", "yen", "yen", "share"])
    for m in fig["by_month"]:
        counts = [guard(m[p]["count"], m[p]["firms"]) for p in LOCALITIES]
        amounts = [guard(m[p]["amount_jpy"], m[p]["firms"]) for p in LOCALITIES]
        counts, amounts = complement(counts), complement(amounts)
        total = m["count"]
        t.rows.append([m["month"], *counts, total, *amounts, _share(counts[0], total)])
    return t


def by_industry(fig: dict) -> Table:
    t = Table("by_industry", _("Deals by the supplier's industry (JSIC major group)"),
              [_("Industry"), _("Number of deals"), _("Amount (JPY)"), _("Local deals"), _("Local share")],
              kinds=["text", "int", "yen", "int", "share"])
    for row in fig["by_industry"]:
        n, amount = guard(row["count"], row["firms"]), guard(row["amount_jpy"], row["firms"])
        local = guard(row["local_count"], row["firms"])
        t.rows.append([industry_name(row["code"]), n, amount, local, _share(local, n)])
    return t


def funnel(fig: dict) -> Table:
    r = fig["rfq"]
    t = Table("rfq_funnel", _("Requests for quotation: from request to local award"), [_("Stage"), _("Count")],
              kinds=["text", "int"])
    for key, label in (("sent", _("Requests sent")), ("invitations", _("Suppliers invited")),
                       ("answered", _("Invitations answered")), ("awarded", _("Requests awarded")),
                       ("awarded_local", _("Awarded to a local supplier"))):
        t.rows.append([label, guard(r[key], r["firms"])])
    return t


def gaps(fig: dict, public: bool = False) -> Table:
    cols = [_("Capability"), _("Needs and requests without a good local supplier")]
    kinds = ["text", "int"]
    if not public:
        cols += [_("Nearest suppliers outside the city")]
        kinds += ["text"]
    t = Table("supply_gaps", _("Supply gaps: what the city's buyers ask for and the city's firms do not supply well"),
              cols, kinds=kinds)
    lang = _locale()
    for g in fig.get("supply_gaps", []):
        label = g["label_ja"] if lang.startswith("ja") else g["label_en"]
        row = [label, guard(g["needs"], g["firms"])]
        if not public:
            row.append("; ".join(_nearest_text(f) for f in g["nearest"]) or _("none found"))
        t.rows.append(row)
    return t


def _nearest_text(f: dict) -> str:
    where = f["city"] or f["country"]
    if f["distance_km"] is not None:
        return _("%(name)s (%(where)s, %(km)s km)", name=f["name"], where=where, km=f"{f['distance_km']:,}")
    return f"{f['name']} ({where})"


def all_tables(fig: dict, public: bool = False) -> list[Table]:
    return [summary(fig), by_month(fig), by_industry(fig), funnel(fig), gaps(fig, public)]


TABLE_KEYS = ("summary", "by_month", "by_industry", "rfq_funnel", "supply_gaps")
