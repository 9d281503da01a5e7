"""The figures of one period, computed in the database (GROUP BY and window functions over indexed
columns, never a loop over every row): the page, the `matchmaker indicators` command and the exports
all call :func:`compute`.

Each cell that could describe a few firms carries ``firms``, the number of distinct firms behind it
(for deals: the fewer of buyers and suppliers), so that privacy.py can hide small cells where figures
are shown; the command prints the raw figures.

The locality of a deal is the one stored when it was recorded (deals/models.py), so a past year's
figures do not change when a firm moves or the radius setting changes.
"""
from __future__ import annotations

from datetime import timezone

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from flask import current_app

from ..concurrent_reads import run_all
from ..deals.models import Deal
from ..extensions import db
from ..fairs.models import Fair, Meeting, Participant
from ..locality import LOCALITIES
from ..models import Firm, Need, Offering
from ..rfq.models import Invitation, Quote, Rfq
from .periods import Period


def compute(period: Period, previous: bool = True, gaps: bool = True) -> dict:
    """Every figure of the period (and of the period before, under ``previous``). The figures are
    independent statements, run at once on a few connections (concurrent_reads.py)."""
    pieces = {"deals": lambda: _deals(period), "by_industry": lambda: by_industry(period),
              "by_month": lambda: by_month(period), "new_relationships": lambda: new_relationships(period),
              "rfq": lambda: rfq(period), "needs": lambda: needs(period), "fairs": lambda: fairs(period),
              "activity": lambda: activity(period)}
    prev = period.previous()
    if previous:
        for name, fn in PREVIOUS.items():
            pieces["previous", name] = lambda fn=fn: fn(prev)
    if gaps:
        from .gaps import supply_gaps

        pieces["gaps"] = lambda: supply_gaps(period)
    done = run_all(pieces)
    totals, radii = done.pop("deals")
    out = {"period": period.to_dict(), "setting": _setting(radii), "deals": totals,
           **{name: done[name] for name in ("by_industry", "by_month", "new_relationships", "rfq", "needs", "fairs",
                                            "activity")}}
    if gaps:
        found = done["gaps"]
        out["needs"]["open_without_local"] = found.open_without_local
        out["supply_gaps"] = found.rows
        out["supply_gaps_checked"] = {"needs": found.checked, "of": found.candidates}
    if previous:
        out["previous"] = {"period": prev.to_dict(), **{name: done["previous", name] for name in PREVIOUS}}
    return out


# ------------------------------------------------------------------ helpers


def _instants(period: Period):
    start, end = period.bounds()
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def _during(col, period: Period):
    start, end = _instants(period)
    return sa.and_(col >= start, col < end)


def _share(part, whole):
    return round(part / whole, 4) if whole else None


def _dialect() -> str:
    return db.engine.dialect.name


def _month(col):
    """A date column's "YYYY-MM" (SQLite keeps a date as its ISO text: its first seven characters)."""
    if _dialect() == "postgresql":
        return sa.func.to_char(col, "YYYY-MM")
    return sa.func.substr(col, 1, 7)


def _hours(later, earlier):
    if _dialect() == "postgresql":
        return sa.func.extract("epoch", later - earlier) / 3600.0
    return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 24.0


def _cell(count=0, amount=0, suppliers=0, buyers=0) -> dict:
    return {"count": int(count or 0), "amount_jpy": int(amount or 0), "firms": int(min(suppliers or 0, buyers or 0))}


def _deal_cols():
    return (sa.func.count(Deal.id), sa.func.coalesce(sa.func.sum(Deal.amount_jpy), 0),
            sa.func.count(sa.distinct(Deal.supplier_firm_id)), sa.func.count(sa.distinct(Deal.buyer_firm_id)))


def _in_period(period: Period):
    return Deal.deal_date.between(period.start, period.end)


# ------------------------------------------------------------------ figures


def _setting(radii: list[float]) -> dict:
    """The setting the figures use: today's, and the radii stored with the period's deals."""
    cfg = current_app.config
    return {"home_city": cfg["MATCHMAKER_HOME_CITY"], "radius_km": float(cfg["MATCHMAKER_LOCAL_RADIUS_KM"]),
            "deal_radii_km": radii, "min_firms": int(cfg["MATCHMAKER_INDICATORS_MIN_FIRMS"])}


def deals(period: Period) -> dict:
    return _deals(period)[0]


def _deals(period: Period) -> tuple[dict, list[float]]:
    """The deal figures, and the radii the period's deals were recorded with (the smallest and the
    largest read in the same scan; the whole list only when they differ, after a change of setting)."""
    radius = Deal.radius_km
    *total, low, high = db.session.execute(sa.select(*_deal_cols(), sa.func.min(radius), sa.func.max(radius))
                                           .where(_in_period(period))).one()
    if low is not None and low != high:
        radii = list(db.session.scalars(sa.select(radius).where(_in_period(period), radius.is_not(None))
                                        .group_by(radius).order_by(radius)))
    else:
        radii = [] if low is None else [low]
    out = _cell(*total)
    no_amount = sa.func.sum(sa.case((Deal.amount_jpy.is_(None), 1), else_=0))
    rows = db.session.execute(sa.select(Deal.locality, *_deal_cols(), no_amount).where(_in_period(period))
                              .group_by(Deal.locality)).all()
    parts = {r[0]: _cell(*r[1:5]) for r in rows}
    for place in LOCALITIES:
        out[place] = parts.get(place, _cell())
    out["local_share_count"] = _share(out["local"]["count"], out["count"])
    out["local_share_amount"] = _share(out["local"]["amount_jpy"], out["amount_jpy"])
    out["without_amount"] = sum(int(r[5] or 0) for r in rows)
    return out, [float(r) for r in radii]


def by_industry(period: Period) -> list[dict]:
    """Deals by the supplier's JSIC major group (2-digit code), most deals first."""
    group = sa.func.substr(Deal.supplier_industry, 1, 2).label("g")
    local = sa.func.sum(sa.case((Deal.locality == "local", 1), else_=0))
    local_amount = sa.func.sum(sa.case((Deal.locality == "local", Deal.amount_jpy), else_=0))
    rows = db.session.execute(sa.select(group, *_deal_cols(), local, local_amount).where(_in_period(period))
                              .group_by(group)).all()
    out = []
    for code, n, amount, suppliers, buyers, n_local, amount_local in rows:
        cell = _cell(n, amount, suppliers, buyers)
        cell.update(code=code or "", local_count=int(n_local or 0), local_amount_jpy=int(amount_local or 0))
        out.append(cell)
    return sorted(out, key=lambda c: (-c["count"], -c["amount_jpy"], c["code"]))


def by_month(period: Period) -> list[dict]:
    """Deals per month of the period, by locality (months with no deal are there, with zeros)."""
    month = _month(Deal.deal_date).label("m")
    rows = db.session.execute(sa.select(month, Deal.locality, *_deal_cols()).where(_in_period(period))
                              .group_by(month, Deal.locality)).all()
    months = {m: {"month": m, **{p: _cell() for p in LOCALITIES}} for m in period.months()}
    for m, place, *cols in rows:
        if m in months:
            months[m][place] = _cell(*cols)
    for row in months.values():
        row["count"] = sum(row[p]["count"] for p in LOCALITIES)
        row["amount_jpy"] = sum(row[p]["amount_jpy"] for p in LOCALITIES)
        row["local_share_count"] = _share(row["local"]["count"], row["count"])
    return list(months.values())


def new_relationships(period: Period) -> dict:
    """Pairs of firms whose first recorded deal (ever) falls in the period; `local`: both in the city
    when that deal was recorded. A deal of the period is a pair's first when no earlier deal of the
    pair exists (an anti-join on the index of buyer, supplier and day)."""
    earlier = aliased(Deal)
    before = sa.exists().where(earlier.buyer_firm_id == Deal.buyer_firm_id,
                               earlier.supplier_firm_id == Deal.supplier_firm_id,
                               sa.or_(earlier.deal_date < Deal.deal_date,
                                      sa.and_(earlier.deal_date == Deal.deal_date, earlier.id < Deal.id)))
    first = (sa.select(Deal.buyer_firm_id.label("b"), Deal.supplier_firm_id.label("s"), Deal.locality.label("loc"),
                       Deal.buyer_locality.label("bloc"))
             .where(_in_period(period), ~before).subquery())
    both = sa.and_(first.c.loc == "local", first.c.bloc == "local")
    row = db.session.execute(sa.select(
        sa.func.count(), sa.func.coalesce(sa.func.sum(sa.case((both, 1), else_=0)), 0),
        sa.func.count(sa.distinct(first.c.b)), sa.func.count(sa.distinct(first.c.s)),
        sa.func.count(sa.distinct(sa.case((both, first.c.b)))), sa.func.count(sa.distinct(sa.case((both, first.c.s)))),
    ).select_from(first)).one()
    n, n_local, buyers, suppliers, local_buyers, local_suppliers = (int(v or 0) for v in row)
    # a cell describes its buyers and its suppliers: the fewer of the two decides whether it is shown
    return {"count": n, "firms": min(buyers, suppliers),
            "local": {"count": n_local, "firms": min(local_buyers, local_suppliers)}}


def rfq(period: Period) -> dict:
    """Requests sent in the period and what became of them."""
    sent = sa.select(Rfq.id).where(_during(Rfq.created_at, period))
    n_sent, n_buyers, n_awarded = db.session.execute(
        sa.select(sa.func.count(Rfq.id), sa.func.count(sa.distinct(Rfq.buyer_firm_id)),
                  sa.func.coalesce(sa.func.sum(sa.case((Rfq.status == "awarded", 1), else_=0)), 0))
        .where(_during(Rfq.created_at, period))).one()
    n_inv, n_answered, n_suppliers = db.session.execute(
        sa.select(sa.func.count(Invitation.id), sa.func.count(Invitation.answered_at),
                  sa.func.count(sa.distinct(Invitation.supplier_firm_id)))
        .where(Invitation.rfq_id.in_(sent))).one()
    award_deals, award_local = db.session.execute(
        sa.select(sa.func.count(Deal.id), sa.func.coalesce(sa.func.sum(sa.case((Deal.locality == "local", 1),
                                                                                else_=0)), 0))
        .where(Deal.source == "rfq", Deal.rfq_id.in_(sent))).one()
    return {"sent": int(n_sent), "invitations": int(n_inv), "answered": int(n_answered),
            "answered_share": _share(n_answered, n_inv), "median_hours_to_first_quote": _median_first_quote(sent),
            "awarded": int(n_awarded or 0), "awarded_deals": int(award_deals), "awarded_local": int(award_local),
            "awarded_local_share": _share(award_local, award_deals), "firms": int(min(n_buyers, n_suppliers or 0))}


def _median_first_quote(sent) -> float | None:
    """The median of the hours from invitation to first quote, in one statement: percentile_cont on
    PostgreSQL; on SQLite the middle one or two of the numbered hours (a window function)."""
    # an invitation's first quote is its revision 1 (revisions are numbered as they come and all kept):
    # one probe of the (invitation, revision, created_at) index each, no grouping
    first = (sa.select(_hours(Quote.created_at, Invitation.invited_at).label("h")).select_from(Invitation)
             .join(Quote, sa.and_(Quote.invitation_id == Invitation.id, Quote.revision == 1))
             .where(Invitation.rfq_id.in_(sent)).subquery())
    if _dialect() == "postgresql":
        median = db.session.scalar(sa.select(sa.func.percentile_cont(0.5).within_group(first.c.h)))
    else:
        ranked = sa.select(first.c.h, sa.func.row_number().over(order_by=first.c.h).label("rn"),
                           sa.func.count().over().label("n")).subquery()
        median = db.session.scalar(sa.select(sa.func.avg(ranked.c.h)).where(
            ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2])))
    return round(float(median), 1) if median is not None else None


def needs(period: Period) -> dict:
    """Needs posted in the period, and where they stand now."""
    def of(status):
        return sa.func.coalesce(sa.func.sum(sa.case((Need.status == status, 1), else_=0)), 0)

    posted, fulfilled, open_, closed, n_firms = db.session.execute(
        sa.select(sa.func.count(Need.id), of("fulfilled"), of("open"), of("closed"),
                  sa.func.count(sa.distinct(Need.firm_id))).where(_during(Need.created_at, period))).one()
    return {"posted": int(posted), "fulfilled": int(fulfilled), "open": int(open_), "closed": int(closed),
            "firms": int(n_firms or 0)}


def fairs(period: Period) -> dict:
    """Trade fairs that started in the period: who came, the meetings, and the deals reported after."""
    held = sa.select(Fair.id).where(Fair.start_date.between(period.start, period.end))
    n_fairs = db.session.scalar(sa.select(sa.func.count()).select_from(held.subquery())) or 0
    n_part, n_firms = db.session.execute(sa.select(sa.func.count(Participant.id),
                                                   sa.func.count(sa.distinct(Participant.firm_id)))
                                         .where(Participant.fair_id.in_(held))).one()
    was_held = sa.or_(Meeting.a_held.is_(True), Meeting.b_held.is_(True))
    no_show = sa.or_(Meeting.a_held.is_(False), Meeting.b_held.is_(False))
    planned, n_held, n_no_show = db.session.execute(sa.select(
        sa.func.count(Meeting.id), sa.func.coalesce(sa.func.sum(sa.case((was_held, 1), else_=0)), 0),
        sa.func.coalesce(sa.func.sum(sa.case((no_show, 1), else_=0)), 0)).where(Meeting.fair_id.in_(held))).one()
    meetings = sa.select(Meeting.id).where(Meeting.fair_id.in_(held))
    n_deals, n_local = db.session.execute(sa.select(
        sa.func.count(Deal.id), sa.func.coalesce(sa.func.sum(sa.case((Deal.locality == "local", 1), else_=0)), 0))
        .where(Deal.meeting_id.in_(meetings))).one()
    return {"fairs": int(n_fairs), "participants": int(n_part), "firms": int(n_firms),
            "meetings_planned": int(planned), "meetings_held": int(n_held), "no_shows": int(n_no_show),
            "deals": int(n_deals), "deals_local": int(n_local)}


def activity(period: Period) -> dict:
    """Firms registered, firms whose profile was last updated in the period, and active firms: those
    that posted a need or an offering, sent or answered a request, were party to a deal or joined a
    fair in the period."""
    def of(col):
        return sa.func.coalesce(sa.func.sum(sa.case((_during(col, period), 1), else_=0)), 0)

    registered, updated = db.session.execute(sa.select(of(Firm.created_at), of(Firm.updated_at))
                                             .where(Firm.deleted_at.is_(None))).one()
    active = sa.union(
        sa.select(Need.firm_id.label("f")).where(_during(Need.created_at, period)),
        sa.select(Offering.firm_id).where(_during(Offering.created_at, period)),
        sa.select(Rfq.buyer_firm_id).where(_during(Rfq.created_at, period)),
        sa.select(Invitation.supplier_firm_id).where(_during(Invitation.answered_at, period)),
        sa.select(Deal.buyer_firm_id).where(_in_period(period)),
        sa.select(Deal.supplier_firm_id).where(_in_period(period)),
        sa.select(Participant.firm_id).where(_during(Participant.created_at, period)),
    ).subquery()
    n_active = db.session.scalar(sa.select(sa.func.count()).select_from(active)) or 0
    return {"firms_registered": int(registered), "profiles_updated": int(updated), "active_firms": int(n_active)}


# the figures shown beside the period's, for the period before
PREVIOUS = {"deals": deals, "new_relationships": new_relationships, "rfq": rfq, "needs": needs, "fairs": fairs,
            "activity": activity}
