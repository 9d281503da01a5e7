"""Partner recommendations for a fair's participants (matching/partners.py over the participants'
records), cached per fair until a registration changes."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone

import sqlalchemy as sa

from ..extensions import db
from ..models import Firm, Need, Offering, utcnow
from .models import Fair, Participant
from .slots import fair_slots


def profile_texts(firm: Firm) -> tuple[str, str]:
    """What the firm seeks and offers, from its open needs and active offerings (registration prefill)."""
    needs = db.session.scalars(sa.select(Need).where(Need.firm_id == firm.id, Need.status == "open")
                               .order_by(Need.created_at.desc())).all()
    offerings = db.session.scalars(sa.select(Offering).where(Offering.firm_id == firm.id,
                                                             Offering.status == "active")
                                   .order_by(Offering.created_at.desc())).all()
    seeks = "\n".join(n.title for n in needs)
    offers = "\n".join(o.title for o in offerings)
    if not offers and firm.tags:
        offers = ", ".join(firm.tags)
    return seeks[:2000], offers[:2000]


def touch(fair: Fair) -> None:
    """Participants changed: invalidates the recommendation cache of this fair."""
    fair.changed_at = utcnow()


@dataclass
class Recommendation:
    participant_id: int
    score: float  # 0..1, both directions combined
    they_offer: float  # their offer vs my seek
    they_seek: float  # their seek vs my offer
    reasons_offer: list = field(default_factory=list)  # matching.Reason
    reasons_seek: list = field(default_factory=list)

    @property
    def mutual(self) -> bool:
        return self.they_offer > 0 and self.they_seek > 0


@dataclass
class FairMatches:
    by_participant: dict[int, list[Recommendation]]
    pair_score: dict[tuple[int, int], float]

    def score(self, a: int, b: int) -> float:
        return self.pair_score.get((min(a, b), max(a, b)), 0.0)

    def between(self, me: int, other: int) -> Recommendation | None:
        for r in self.by_participant.get(me, []):
            if r.participant_id == other:
                return r
        return None


_cache: dict[int, tuple[datetime, int, FairMatches]] = {}


_cache_lock = threading.Lock()


def _stamp(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def fair_matches(fair: Fair) -> FairMatches:
    """Recommendations for every participant of the fair, cached in memory per fair and change time."""
    participants = db.session.scalars(sa.select(Participant).where(Participant.fair_id == fair.id)).all()
    key = (_stamp(fair.changed_at), len(participants))
    with _cache_lock:
        hit = _cache.get(fair.id)
        if hit and (hit[0], hit[1]) == key:
            return hit[2]
    result = compute_matches(fair, participants)
    with _cache_lock:
        _cache[fair.id] = (key[0], key[1], result)
    return result


def have_common_slot(a: Participant, b: Participant, keys: list[str]) -> bool:
    sa_ = set(keys) if a.available is None else set(a.available) & set(keys)
    sb = set(keys) if b.available is None else set(b.available) & set(keys)
    return bool(sa_ & sb)


def compute_matches(fair: Fair, participants) -> FairMatches:
    """Partners for every participant, both directions (matching/partners.py), among participants of
    different firms that share at least one free slot; mutual pairs first."""
    from ..matching.partners import partners
    from ..search.records import participant_query, participant_record

    keys = [s.key for s in fair_slots(fair)]
    by_id = {p.id: p for p in participants}
    found = partners([participant_record(p) for p in participants if p.offers.strip()],
                     {str(p.id): participant_query(p) for p in participants if p.seeks.strip()})
    pair_score: dict[tuple[int, int], float] = {}
    by_participant: dict[int, list[Recommendation]] = {p.id: [] for p in participants}
    for me, recs in found.items():
        pid_ = int(me)
        if pid_ not in by_id:
            continue
        out = by_participant[pid_]
        for other_id, r in recs.items():
            other = int(other_id)
            if other not in by_id or other == pid_ or by_id[other].firm_id == by_id[pid_].firm_id:
                continue
            if not have_common_slot(by_id[pid_], by_id[other], keys):
                continue  # they could never meet at this fair
            out.append(Recommendation(other, r.score, r.they_offer, r.they_seek, r.reasons_offer, r.reasons_seek))
            pair_score[(min(pid_, other), max(pid_, other))] = r.score
        out.sort(key=lambda r: (-r.mutual, -r.score, r.participant_id))
    return FairMatches(by_participant, pair_score)


def reason_texts(rec: Recommendation, lang: str = "") -> tuple[list[str], list[str]]:
    """Why: (their offer meets my need, my offer meets their need), worded for the reader, without repeats."""
    from ..wording import reason_texts as worded

    a = worded(rec.reasons_offer)
    b = [t for t in worded(rec.reasons_seek) if t not in a]
    return a[:6], b[:6]
