"""Teams of firms for a need on the site (仲間まわし): the engine's team proposal (matching/teams.py) over
the supply index, turned back into firms, with the parts each member takes, the engine's reasons in
the reader's language, where each member is, and whether members have worked together before (a
past deal between them or a meeting at a trade fair).

Teams are proposed only when the need asks for several pieces of work and no single firm does them
all about as well as the specialists (see ``Proposal.needs_team``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..matching import geo
from ..matching.teams import propose
from ..models import Firm, Need
from ..wording import reason_texts
from .cache import BoundedCache
from .index import get_index
from .records import need_query


@dataclass
class TeamMember:
    firm: Firm
    parts: list[str]  # the need's parts this member takes, as the need wrote them
    reasons: list[str]  # the engine's reasons, in the reader's language
    km: float | None = None  # from the buyer


@dataclass
class TeamView:
    members: list[TeamMember]
    together: list[tuple[Firm, Firm, str]] = field(default_factory=list)  # pairs that worked together: "deal" | "fair"

    @property
    def firm_ids(self) -> list[int]:
        return [m.firm.id for m in self.members]

    def note(self, firm_name) -> str:
        """Who takes which part ("切削: A社"), one line per member, for the request for quotation."""
        return "\n".join(f"{', '.join(m.parts)}: {firm_name(m.firm)}" for m in self.members)


@dataclass
class TeamResults:
    parts: list[str]
    teams: list[TeamView]  # empty when no team is needed (one part, or one firm does every part)
    uncovered: list[str]  # parts no firm found can do
    single: list[Firm] = field(default_factory=list)  # firms that do every part alone (they lead the suppliers)


def team_proposal(need: Need, top: int = 3, singles: bool = True) -> TeamResults:
    """The need's parts, up to ``top`` teams of 2-4 listed firms that together do them, the firms that do
    every part alone (unless ``singles`` is false: the page shows them as the recommended suppliers) and
    the parts nobody was found for: what the need's page shows and the API answers."""
    query = need_query(need)
    proposal = propose(get_index().supply, query, top=top)
    parts = [p.name for p in proposal.parts]
    uncovered = [proposal.parts[i].name for i in proposal.uncovered]
    shown = [m.id for t in proposal.teams for m in t.members] if proposal.needs_team else []
    ids = {int(i) for i in [*shown, *(proposal.single if singles else ())] if i.isdigit()}
    firms = {f.id: f for f in db.session.scalars(sa.select(Firm).where(Firm.id.in_(ids), Firm.public()))} if ids else {}
    single = [firms[int(i)] for i in proposal.single if i.isdigit() and int(i) in firms] if singles else []
    if not proposal.needs_team:
        return TeamResults(parts, [], uncovered, single)
    buyer = geo.valid_coords(need.firm.latitude, need.firm.longitude)
    views: list[TeamView] = []
    for team in proposal.teams:
        if team.size < 2:
            continue
        members = []
        for m in team.members:
            firm = firms.get(int(m.id)) if m.id.isdigit() else None
            if firm is None:
                break  # a firm no longer listed: the team is not shown
            reasons: list[str] = []
            for i in m.parts:
                for text in reason_texts(m.matches[i].reasons):
                    if text not in reasons:
                        reasons.append(text)
            km = None
            at = geo.valid_coords(firm.latitude, firm.longitude)
            if buyer and at:
                km = round(float(geo.haversine_km(buyer[0], buyer[1], [at[0]], [at[1]])[0]), 1)
            members.append(TeamMember(firm, [proposal.parts[i].name for i in m.parts], reasons[:4], km))
        else:
            views.append(TeamView(members))
    if views:
        _worked_together(views)
    return TeamResults(parts, views, uncovered, single)


def teams_for_need(need: Need, top: int = 3) -> TeamResults | None:
    """The need page's teams, or None when there is none to show (one part, or one firm does it all)."""
    found = team_proposal(need, top, singles=False)
    return found if found.teams else None


def _worked_together(views: list[TeamView]) -> None:
    """Mark the pairs of members that share a past deal or met at a trade fair (two queries for all teams)."""
    from ..deals.models import Deal
    from ..fairs.models import Meeting, Participant

    ids = {fid for v in views for fid in v.firm_ids}
    pairs: dict[frozenset[int], str] = {}
    deals = db.session.execute(sa.select(Deal.buyer_firm_id, Deal.supplier_firm_id)
                               .where(Deal.buyer_firm_id.in_(ids), Deal.supplier_firm_id.in_(ids)))
    for a, b in deals:
        if a != b:
            pairs[frozenset((a, b))] = "deal"
    pa, pb = so.aliased(Participant), so.aliased(Participant)
    met = db.session.execute(sa.select(pa.firm_id, pb.firm_id).select_from(Meeting)
                             .join(pa, Meeting.a_id == pa.id).join(pb, Meeting.b_id == pb.id)
                             .where(pa.firm_id.in_(ids), pb.firm_id.in_(ids)))
    for a, b in met:
        if a != b:
            pairs.setdefault(frozenset((a, b)), "fair")
    for v in views:
        for i, x in enumerate(v.members):
            for y in v.members[i + 1:]:
                how = pairs.get(frozenset((x.firm.id, y.firm.id)))
                if how:
                    v.together.append((x.firm, y.firm, how))


@dataclass
class PartnerNeed:
    """An open need a firm could answer with partners: the parts it takes, and the partners for the rest."""

    need: Need
    mine: list[str]
    partners: list[TeamMember]


# Candidate needs checked for the dashboard's "with a partner" list: each costs a team proposal
# (one engine search per part and the cover), so the list stays cheap.
PARTNER_POOL = 6


# firms' lists kept per process (a few ids and part names each)
_partner_cache: BoundedCache[list[tuple[int, list[str], list[tuple[int, list[str]]]]]] = BoundedCache(
    2048, "partner-needs", lambda found: found,
    lambda rows: [(int(n), list(mine), [(int(f), list(parts)) for f, parts in partners]) for n, mine, partners in rows])


def partner_needs_for_firm(firm: Firm, top: int = 3, pool: int = PARTNER_POOL) -> list[PartnerNeed]:
    """Open needs of other firms that this firm can only partly do, with the firms that would complete them:
    the needs index proposes candidates (as for the needs it can answer alone), then each candidate's own
    team proposal decides, exactly as on the need's page. Worked out once per firm and index state (the
    dashboard's most costly list), as the needs a firm can answer alone are (search/service.py)."""
    index = get_index()
    key = (str(db.engine.url), firm.id, top, pool, index.last_change, index.supply.serial)
    found = _partner_cache.get_or_make(key, lambda: _partner_needs(firm, index, top, pool),
                                       shared_key=(firm.id, top, pool, index.last_change))
    if not found:
        return []
    needs = {n.id: n for n in db.session.scalars(sa.select(Need).where(Need.id.in_([f[0] for f in found]))
                                                 .options(so.selectinload(Need.firm)))}
    ids = {fid for _n, _mine, partners in found for fid, _parts in partners}
    firms = {f.id: f for f in db.session.scalars(sa.select(Firm).where(Firm.id.in_(ids), Firm.public()))}
    out: list[PartnerNeed] = []
    for nid, mine, partners in found:
        need = needs.get(nid)
        if need is None or not need.is_open or any(fid not in firms for fid, _parts in partners):
            continue
        out.append(PartnerNeed(need, mine, [TeamMember(firms[fid], parts, []) for fid, parts in partners]))
    return out


def _partner_needs(firm: Firm, index, top: int, pool: int) -> list[tuple[int, list[str], list[tuple[int, list[str]]]]]:
    from .records import firm_query
    from .service import _scope_allows

    candidates = index.demand.candidates(firm_query(firm))[:pool]
    if not candidates:
        return []
    needs = {f"n{n.id}": n for n in db.session.scalars(sa.select(Need).where(
        Need.id.in_([int(i[1:]) for i in candidates if i[1:].isdigit()])).options(so.selectinload(Need.firm)))}
    out: list[tuple[int, list[str], list[tuple[int, list[str]]]]] = []
    me = str(firm.id)
    for rid in candidates:
        need = needs.get(rid)
        if need is None or not need.is_open or need.firm_id == firm.id or not need.firm.is_public \
                or not _scope_allows(need, firm):
            continue
        proposal = propose(index.supply, need_query(need), top=3)
        if not proposal.needs_team:
            continue
        team = next((t for t in proposal.teams if t.size >= 2 and me in t.ids), None)
        if team is None:
            continue
        partners = [(int(m.id), [proposal.parts[i].name for i in m.parts])
                    for m in team.members if m.id != me and m.id.isdigit()]
        if len(partners) != len([m for m in team.members if m.id != me]):
            continue
        mine = next(m for m in team.members if m.id == me)
        out.append((need.id, [proposal.parts[i].name for i in mine.parts], partners))
        if len(out) >= top:
            break
    return out
