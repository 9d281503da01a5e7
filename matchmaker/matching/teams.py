"""Team matching (仲間まわし): one need, a team of firms that together do every part of it.

A need is decomposed into the parts it asks to be done (the capability concepts it names, each with
the phrase that asked for it; a phrase that asks for work the vocabulary does not know is kept as a
part of its own). Each part is searched like a need of its own through the engine (same retrieval,
scoring, thresholds and hard filters); a firm can do a part when the engine finds it and it offers
the part's capability itself (not only a related one) with enough confidence, or, for a phrase part,
when the engine's confidence is good. A firm's strength on a part is the engine's score weighed by how
much of the firm's work the part is (its focus: a specialist before a firm naming the work beside its
own trade). The team is then chosen as a small weighted set cover, solved
exactly with HiGHS: most parts covered first, then the members' strength on their parts, then
nearness (to the buyer and among the members, when the need prefers local suppliers), less a small
cost per member. A single firm that covers every part comes first; parts nobody can do are reported.

Pure: no Flask, no database. The pages, the API and ``matchmaker teams`` call :func:`propose`.
"""
from __future__ import annotations

import itertools
import json
import math
import re
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Sequence

import click
import numpy as np

from . import geo
from .analyze import analyse
from .normalize import nfkc
from .engine import Engine
from .records import Match, Query, Record
from .settings import Settings

# ---------------------------------------------------------------- weights of the cover's objective
# Every coverable part is required as a constraint (propose); among the teams that cover them, the
# members' strength counts most, then nearness, less a cost per member.
COVER = 1.0
STRENGTH = 0.2  # x strength (0..1, relative to the best firm found for the part) of the member taking it
NEAR_BUYER = 0.04  # x locality (0..1) of a member, prefer="local" only
FAR_PAIR = 0.02  # x (1 - nearness) of each pair of members, prefer="local" only
MEMBER_COST = 0.05  # per member: no passengers, no team larger than it needs to be

# a few dozen binaries: one thread and no presolve answer in about a millisecond (HiGHS's default
# thread pool and presolve cost tens of milliseconds on this size)
HIGHS_OPTIONS: dict[str, Any] = {"threads": 1, "presolve": "off", "mip_heuristic_run_feasibility_jump": False,
                                 "output_flag": False}

PART_TOP = 8  # candidates kept per part
MIN_CONFIDENCE = 0.3  # a firm "does" a concept part from this confidence (with the concept itself)
MIN_PHRASE_CONFIDENCE = 0.45  # ... a phrase part (no concept to check: the words must carry it) from this one
MIN_RELATIVE = 0.75  # a "partial" match takes a part only this close to the best firm found for it
SINGLE_RELATIVE = 0.8  # a firm covers the need alone when it is this close to the best on every part
FOCUS_FLOOR = 0.4  # a firm's strength on a part: the engine's score x (FOCUS_FLOOR + (1 - FOCUS_FLOOR) x focus)
# what an order is (its stage or form), not a trade: never a firm's main trade when weighing its focus
STAGES = ("process.prototyping", "process.mass_production", "process.low_volume", "service.oem")

# phrases are cut at punctuation, list marks and the words that chain steps (parentheses are kept: what
# they hold explains the work before them)
_SPLIT = re.compile(
    r"[、，,。．;；:：/／・･+＋→⇒>＞\n\r\t「」『』【】]|\.(?=\s|$)"
    r"|\s+(?:and|then|plus|with|followed by|after|before|as well as|&)\s+"
    r"|(?:してから|した後|したあと|の後|のあと|後に|および|及び|ならびに|並びに|のうえ|の上で|までお願い|まで一貫)",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_NOUN_JA = re.compile(r"[\u30a0-\u30ff\u3400-\u9fff]")  # katakana or kanji (not hiragana)
# what an order is (its stage or form), not a trade: a part only when the phrase names nothing else
GENERIC = ("process.prototyping", "process.mass_production", "service.oem")
# a phrase without a known capability still asks for work when it ends like a process does
_WORK_JA = re.compile(
    r"(加工|処理|仕上げ?|塗装|塗り|印刷|組立て?|組付け?|製作|製造|成形|成型|溶接|研磨|めっき|メッキ|鋳造|鍛造|縫製|検査|"
    r"設計|洗浄|梱包|翻訳|施工|工事|開発|コーティング|焼成|焼結|彫刻|染色|刺繍|撮影|制作|接合|切断|曲げ|穴あけ|"
    r"吹き|巻線|実装|充填|包装|配送|輸送|保管|探傷|溶射|酸化)(して|を|する|したい|お願い|依頼|希望|も|まで|が|は|と)?\s*$"
    r"|^特注|オーダーメイド"
)
_WORK_EN = re.compile(
    r"\b(?:[a-z]{3,}(?:ing|tion|sion)|deliver(?:y|ed)?|transport|freight|storage|design|build|assembly|repair|"
    r"galvani[sz]e|anodi[sz]e|plate|weld|machine|polish|coat|paint|print|mould|mold|cast|forge|grind|sew|blow|"
    r"spray|harden|inspect|clean|pack|ship|translate|install)\b",
    re.IGNORECASE,
)
_NOT_WORK_EN = {"including", "according", "existing", "housing", "housings", "bearing", "fitting", "ceiling",
                "building", "something", "anything", "nothing", "pricing", "morning", "evening", "during",
                "following", "packaging", "regarding", "thing"}
_DETERMINED = re.compile(r"(?:^|\s)(?:a|an|the|this|that|these|those|our|my|your|its|their|each|every|one|two|"
                         r"three|\d+)\s+$", re.IGNORECASE)
_MODIFIER_EN = re.compile(r"\s(?:of|for|on|in|from)\s", re.IGNORECASE)
_PURPOSE_EN = re.compile(r"\bfor\s+(?:our|the|a|an|your|its|their)?\s*$", re.IGNORECASE)


@dataclass
class Part:
    """One piece of work the need asks for."""

    name: str  # as the need wrote it (the concept's label in the need's language when it wrote more)
    text: str  # the phrase searched for it
    concepts: tuple[str, ...] = ()  # capability concepts (empty: a phrase the vocabulary does not know)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "text": self.text, "concepts": list(self.concepts)}


@dataclass
class Capable:
    """A firm able to take a part."""

    id: str  # firm (owner) id
    part: int
    confidence: float  # strength: the engine's score x focus, relative to the strongest firm for the part (0..1)
    locality: float
    match: Match
    score: float = 1.0  # the engine's score alone, relative to the best firm found for the part (0..1)


@dataclass
class Member:
    id: str
    parts: list[int]  # indexes into Proposal.parts
    locality: float = 1.0
    lat: float | None = None
    lon: float | None = None
    matches: dict[int, Match] = field(default_factory=dict)  # part -> the engine's match (with reasons)


@dataclass
class Team:
    members: list[Member]
    covered: list[int]
    value: float

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def ids(self) -> list[str]:
        return [m.id for m in self.members]


@dataclass
class Proposal:
    parts: list[Part]
    teams: list[Team]  # best first; a single firm covering every part comes first as a one-member team
    single: list[str]  # firms that cover every coverable part alone
    uncovered: list[int]  # parts nobody found can do
    capable: dict[int, list[Capable]] = field(default_factory=dict)

    @property
    def needs_team(self) -> bool:
        """Several parts, and no single firm covers them all: teams are worth proposing."""
        return len(self.parts) >= 2 and not self.single and any(t.size >= 2 for t in self.teams)

    def to_dict(self) -> dict[str, Any]:
        return {
            "parts": [p.to_dict() for p in self.parts],
            "teams": [
                {
                    "members": [{"id": m.id, "covers": [self.parts[i].name for i in m.parts]} for m in t.members],
                    "score": round(t.value, 4),
                }
                for t in self.teams
            ],
            "uncovered": [self.parts[i].name for i in self.uncovered],
        }


# ====================================================================== decomposition
def phrases(text: str) -> list[str]:
    """The need's text cut into the phrases that may each ask for one piece of work (Japanese と between two
    nouns cuts too: 基板の製造と部品実装)."""
    out = []
    text = re.sub(r"(?<=\d)[,，](?=\d{3})", "", text or "")  # 5,000 is one number
    for piece in _SPLIT.split(text):  # before NFKC, which turns some list marks into spaces
        for sub in _split_to(nfkc(piece or "")):
            sub = sub.strip(" 　-–—~〜")
            if len(sub) > 2 and sub.endswith("と") and _CJK.match(sub[-2]):
                sub = sub[:-1]  # 漆塗りの仕上げと、…
            if sub:
                out.append(sub)
    return out


def _split_to(piece: str) -> list[str]:
    out, start = [], 0
    for i, ch in enumerate(piece):
        if ch == "と" and i - start >= 2 and i + 1 < len(piece) and (_NOUN_JA.match(piece[i - 1]) or piece[i - 1] in ")）") \
                and _NOUN_JA.match(piece[i + 1]):
            out.append(piece[start:i])
            start = i + 1
    out.append(piece[start:])
    return out


def _asks_for_work(phrase: str) -> bool:
    if _WORK_JA.search(phrase):
        return len(phrase) >= 3
    if len(phrase.split()) < 2:
        return False
    # a work word right after an article, a possessive or a number is a thing, not the work ("export a
    # machine", "our print", "2 casts")
    return any(m.group(0).casefold() not in _NOT_WORK_EN and not _DETERMINED.search(phrase[:m.start()])
               for m in _WORK_EN.finditer(phrase))


_VERB_EN = re.compile(r"^\s*([A-Za-z]{3,})\b")
_WORK_VERBS = {"machine", "weld", "plate", "paint", "anodize", "anodise", "polish", "grind", "coat", "cast",
               "forge", "print", "mould", "mold", "bend", "cut", "turn", "mill", "drill", "assemble", "harden",
               "galvanize", "galvanise", "braze", "solder", "laminate", "engrave", "sew", "clean", "inspect"}


def _first_word(phrase: str) -> str:
    m = _VERB_EN.match(phrase)
    return m.group(1) if m else ""


def _gerund(phrase: str) -> str | None:
    """The phrase with its first word as a gerund when it starts with a verb of work (Machine → Machining)."""
    word = _first_word(phrase)
    if word.casefold() not in _WORK_VERBS:
        return None
    w = word.casefold()
    g = w[:-1] + "ing" if w.endswith("e") else ("cutting" if w == "cut" else w + "ing")
    return g + phrase[len(phrase) - len(phrase.lstrip()) + len(word):]


def _key(s: str) -> str:
    return re.sub(r"[-‐‑–]", " ", s.casefold())


def _position(phrase: str, surface: str) -> int:
    if not surface:
        return -1
    return _key(phrase).find(_key(surface))


def _in_parentheses(phrase: str, pos: int) -> bool:
    before = phrase[:pos]
    return before.count("(") + before.count("（") > before.count(")") + before.count("）")


def _head_concepts(phrase: str, cids: list[str], surfaces: dict[str, str], vocab: Any) -> list[list[str]]:
    """The capabilities a phrase asks for, as groups (a capability and the ones in parentheses after it,
    which say the same in other words). Dropped: a family when its narrower kind is named, a concept
    whose words are part of another's (コーティング in 防湿コーティング), short lower-case Latin words
    that are abbreviations only in capitals (hot-"dip"), and the modifiers of the head (金型部品の窒化処理:
    the nitriding, not the mould; gear blanks in "forging of gear blanks")."""
    pos = {c: _position(phrase, surfaces.get(c, "")) for c in cids}
    keep = []
    for c in cids:
        sf = surfaces.get(c, "")
        if sf.isascii() and len(sf) <= 3 and not sf.isupper():
            continue
        if any(o != c and c in vocab.ancestors(o) for o in cids):
            continue
        end = pos[c] + len(sf)
        if pos[c] >= 0 and (phrase[end:end + 2].startswith(("用", "向け", "入り", "入れ")) or _PURPOSE_EN.search(phrase[:pos[c]])):
            continue  # what the work is for (展示会用の, for our trade fair), not the work
        if any(o != c and len(surfaces.get(o, "")) > len(sf) and sf and sf.casefold() in surfaces.get(o, "").casefold()
               and pos[o] >= 0 and pos[o] <= pos[c] < pos[o] + len(surfaces[o]) for o in cids):
            continue
        keep.append(c)
    if len(keep) > 1:
        placed = [c for c in keep if pos[c] >= 0 and not _in_parentheses(phrase, pos[c])]
        heads = []
        if _CJK.search(phrase):
            # Japanese: in "X の Y" (X による Y) the head is Y; X only says what it is done to (or with)
            for c in placed:
                end = pos[c] + len(surfaces[c])
                if any(pos[o] > end and ("の" in phrase[end:pos[o]] or "による" in phrase[end:pos[o]])
                       for o in placed if o != c):
                    continue
                heads.append(c)
        else:
            # English: "Y of/for X": X is what Y is done to or for; "X Y": X says what kind of Y
            for c in placed:
                end = pos[c] + len(surfaces[c])
                if any(pos[o] < pos[c] and _MODIFIER_EN.search(phrase[pos[o]:pos[c]]) for o in placed if o != c):
                    continue
                if any(pos[o] > end and not phrase[end:pos[o]].strip() for o in placed if o != c):
                    continue
                heads.append(c)
        if heads:
            keep = [c for c in keep if c in heads or pos[c] < 0 or _in_parentheses(phrase, pos[c])]
    groups: list[list[str]] = []
    for c in sorted(keep, key=lambda c: pos[c]):
        if groups and pos[c] >= 0 and _in_parentheses(phrase, pos[c]):
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


def decompose(text: str, engine: Engine) -> list[Part]:
    """Required parts of a need, phrase by phrase: the capabilities a phrase names as the work asked for;
    failing that, the capability it names as the kind of a product (精密板金筐体) or the product itself
    (ゴムパッキン); failing that, the phrase as written when it still asks for work the vocabulary does not
    know (蛍光浸透探傷検査). One capability named in several phrases is one part."""
    vocab = engine.vocabulary
    kinds = set(engine.settings.capability_kinds)
    parts: list[Part] = []
    by_concept: dict[str, int] = {}
    for ph in phrases(text):
        a = analyse(ph, vocab)
        surfaces = {c: nfkc(s) for c, s in a.concepts.items()}

        def of_kind(kset: set[str], named: bool) -> list[str]:
            return [c for c in a.concepts if (k := vocab.concepts.get(c)) is not None and k.kind in kset
                    and (a.evidence.get(c, 1.0) >= 1.0) == named]

        named_caps = of_kind(kinds, True)
        search_text = ph
        if not named_caps and (gerund := _gerund(ph)):
            # an English order starts with the verb ("Machine 200 brackets"): read it as the work it names
            ga = analyse(gerund, vocab)
            caps = [c for c in ga.concepts if (k := vocab.concepts.get(c)) is not None and k.kind in kinds]
            if caps:
                a.concepts.update({c: ga.concepts[c] for c in caps})
                a.evidence.update({c: 1.0 for c in caps})
                surfaces.update({c: _first_word(ph) for c in caps})
                named_caps = caps
                search_text = gerund
        specific = [c for c in named_caps if not c.startswith(GENERIC)]
        groups = _head_concepts(ph, specific, surfaces, vocab)
        if not groups:
            groups = _head_concepts(ph, of_kind(kinds, False), surfaces, vocab)[:1]
        product = False
        if not groups:
            groups = _head_concepts(ph, of_kind({"product"}, True), surfaces, vocab)[:1]
            product = bool(groups)  # two phrases naming the same kind of product are two parts
        if not groups and named_caps and not _asks_for_work(ph):
            groups = _head_concepts(ph, named_caps, surfaces, vocab)[:1]
        if not groups:
            if _asks_for_work(ph) and not any(ph == p.text for p in parts):
                parts.append(Part(name=ph, text=ph, concepts=()))
            continue
        several = len(groups) > 1
        for g in groups:
            if not product and any(c in by_concept for c in g):
                continue
            name = surfaces.get(g[0]) or vocab.concepts[g[0]].label("ja")
            for c in g:
                by_concept[c] = len(parts)
            # two capabilities in one phrase: each searched by its own words
            parts.append(Part(name=name, text=name if several else search_text, concepts=tuple(g)))
    return parts


# ====================================================================== candidates per part
def _owner(m: Match) -> str:
    r = m.record
    return (r.owner if r is not None and r.owner else None) or m.id


def accepted_concepts(part: Part, vocab: Any) -> set[str]:
    """The part's capabilities and the kinds they belong to below the top-level family (black anodizing:
    anodizing too, not surface treatment): a firm offering one of them can take the part."""
    out = set(part.concepts)
    for c in part.concepts:
        out.update(a for a in vocab.ancestors(c) if vocab.ancestors(a))
    return out


def _does(part: Part, m: Match, accepted: set[str]) -> bool:
    """The firm offers the part's capability itself (the engine's reasons say so), confidently enough."""
    if not part.concepts:
        # the words must carry it: some shared word that says more than "work" (not 仕上げ, not "dip")
        if m.confidence < MIN_PHRASE_CONFIDENCE:
            return False
        for r in m.reasons:
            if r.kind == "text" and any(_telling(t) for t in r.data.get("query_terms", ())):
                return True
        return False
    if m.confidence < MIN_CONFIDENCE:
        return False
    for r in m.reasons:
        if r.kind == "capability" and not r.data.get("partial") and r.data.get("concept") in accepted:
            return True
    return False


_PLAIN_WORK = {"加工", "仕上げ", "仕上", "処理", "製作", "制作", "製造", "作成", "対応", "依頼", "お願い"}


def _telling(term: str) -> bool:
    if term.isascii():
        return len(term) >= 4
    return len(term) >= 2 and term not in _PLAIN_WORK


def part_query(base: Query, part: Part) -> Query:
    return replace(base, text=part.text, tags=list(part.concepts), id=base.id)


def focus(part: Part, m: Match, engine: Engine) -> float:
    """How much of what the firm (this record) does is the part's work, 0..1: its evidence for the part's
    capability against its main trade (the capability family it names most; order stages such as
    prototyping or mass production left out). A shop whose trade is the part's work scores 1; one that
    names the work beside its own trade (a die-caster machining its castings, a sheet-metal shop that
    buffs its welds) scores by how much of its work it is. 1 for a part that names no capability."""
    vocab = engine.vocabulary
    kinds = set(engine.settings.capability_kinds)
    caps = [c for c in part.concepts if (k := vocab.concepts.get(c)) is not None and k.kind in kinds]
    if not caps:
        return 1.0
    a = engine.record_analysis(m.id)
    if a is None:
        return 1.0
    ev = dict(a.evidence)
    for tag in m.record.tags if m.record is not None else ():
        for c in (tag, *vocab.ancestors(tag)) if tag in vocab else ():
            ev[c] = ev.get(c, 0.0) + 1.0  # a tag says it once more
    mine = max((ev.get(c, 0.0) for c in accepted_concepts(replace(part, concepts=tuple(caps)), vocab)), default=0.0)
    if mine <= 0:
        return 0.0
    trade = max((v for c, v in ev.items() if not c.startswith(STAGES) and not vocab.ancestors(c)
                 and (k := vocab.concepts.get(c)) is not None and k.kind in kinds), default=0.0)
    return min(1.0, mine / max(trade, mine))


def candidates(engine: Engine, base: Query, parts: Sequence[Part], top: int = PART_TOP) -> dict[int, list[Capable]]:
    """Firms able to take each part, strongest first. Strength is the engine's score for the part times
    how much of the firm's work the part is (:func:`focus`), relative to the strongest firm found."""
    out: dict[int, list[Capable]] = {}
    for i, p in enumerate(parts):
        accepted = accepted_concepts(p, engine.vocabulary)
        matches = engine.search(part_query(base, p), top=top + 2, explain=True)
        scored = [(m, m.score * (FOCUS_FLOOR + (1.0 - FOCUS_FLOOR) * focus(p, m, engine)))
                  for m in matches if _does(p, m, accepted)]
        best = max((s for _m, s in scored), default=0.0) or 1.0
        best_score = max((m.score for m, _s in scored), default=0.0) or 1.0
        found: dict[str, Capable] = {}
        for m, s in sorted(scored, key=lambda ms: -ms[1]):
            rel = s / best
            if (m.strength == "partial" or not p.concepts) and rel < MIN_RELATIVE:
                continue
            fid = _owner(m)
            if fid in found:
                continue
            found[fid] = Capable(fid, i, rel, _locality_of(m, base, engine.settings), m, m.score / best_score)
            if len(found) >= top:
                break
        out[i] = list(found.values())
    return out


def _coords(r: Record | None) -> tuple[float, float] | None:
    if r is None:
        return None
    return geo.valid_coords(r.lat, r.lon) or geo.city_coords(r.city, r.country)


def _query_coords(q: Query) -> tuple[float, float] | None:
    return geo.valid_coords(q.lat, q.lon) or geo.city_coords(q.city, q.country)


def _near(d_km: float | None, s: Settings) -> float:
    """Nearness 0..1 as the engine's locality reads a distance: 1 within the local radius, then decaying."""
    if d_km is None or math.isnan(d_km):
        return s.unknown_locality
    return math.exp(-max(d_km - s.local_radius_km, 0.0) / max(s.distance_scale_km, 1e-6))


def _km(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float | None:
    if a is None or b is None:
        return None
    return float(geo.haversine_km(a[0], a[1], np.array([b[0]]), np.array([b[1]]))[0])


def _locality_of(m: Match, q: Query, s: Settings) -> float:
    r = m.record
    if r is not None and q.city and r.city and r.city.casefold() == q.city.casefold() and \
            (r.country or "").upper() == (q.country or "").upper():
        return 1.0
    return _near(_km(_query_coords(q), _coords(r)), s)


# ====================================================================== the cover
@dataclass
class CoverProblem:
    """Firms, what each can do (part -> confidence) and where; solved by :func:`solve_cover`."""

    n_parts: int
    firms: list[str]
    can: list[dict[int, float]]  # per firm: part -> confidence
    locality: list[float]  # per firm, nearness to the buyer 0..1
    pair_near: dict[tuple[int, int], float]  # (i, j), i < j -> nearness of two firms 0..1
    local: bool  # the need prefers local suppliers: nearness counts
    max_size: int = 4


def team_value(p: CoverProblem, members: Sequence[int]) -> float:
    """The objective of a team (what :func:`solve_cover` maximises); used by the tests' brute force."""
    v = 0.0
    for part in range(p.n_parts):
        best = max((p.can[f][part] for f in members if part in p.can[f]), default=None)
        if best is not None:
            v += COVER + STRENGTH * best
    v -= MEMBER_COST * len(members)
    if p.local:
        v += NEAR_BUYER * sum(p.locality[f] for f in members)
        for a, b in itertools.combinations(sorted(members), 2):
            v -= FAR_PAIR * (1.0 - p.pair_near.get((a, b), 1.0))
    return v


def solve_cover(p: CoverProblem, exclude: Iterable[Sequence[int]] = (), min_covered: int = 0) -> list[int] | None:
    """The best team (firm indexes) by :func:`team_value`, exactly, with HiGHS: binary x_f (firm in the
    team), z_fp (firm f takes part p, at most one per part, only if x_f), w_fg >= x_f + x_g - 1 (both in
    the team, for the pair's distance). ``exclude``: teams not to return again (nor any superset of one).
    ``min_covered``: at least this many parts covered. None when no team is feasible."""
    import highspy

    nf = len(p.firms)
    if nf == 0 or p.max_size < 1:
        return None
    cols_cost: list[float] = []
    x = list(range(nf))
    cols_cost += [-MEMBER_COST + (NEAR_BUYER * p.locality[f] if p.local else 0.0) for f in range(nf)]
    z: dict[tuple[int, int], int] = {}
    for f in range(nf):
        for part, conf in p.can[f].items():
            z[(f, part)] = len(cols_cost)
            cols_cost.append(COVER + STRENGTH * conf)
    w: dict[tuple[int, int], int] = {}
    if p.local:
        for (a, b), near in p.pair_near.items():
            if near < 1.0:
                w[(a, b)] = len(cols_cost)
                cols_cost.append(-FAR_PAIR * (1.0 - near))
    n = len(cols_cost)
    rows: list[tuple[list[int], list[float], float, float]] = []
    for part in range(p.n_parts):  # each part taken at most once
        idx = [c for (f, q), c in z.items() if q == part]
        if idx:
            rows.append((idx, [1.0] * len(idx), -math.inf, 1.0))
    for (f, _q), c in z.items():  # z_fp <= x_f
        rows.append(([c, x[f]], [1.0, -1.0], -math.inf, 0.0))
    for (a, b), c in w.items():  # w_ab >= x_a + x_b - 1
        rows.append(([c, x[a], x[b]], [1.0, -1.0, -1.0], -1.0, math.inf))
    rows.append((x, [1.0] * nf, 1.0, float(p.max_size)))  # 1..max_size members
    if min_covered > 0 and z:
        idx = list(z.values())
        rows.append((idx, [1.0] * len(idx), float(min_covered), math.inf))
    for team in exclude:  # not this team nor a superset of it
        t = sorted(set(team))
        rows.append(([x[f] for f in t], [1.0] * len(t), -math.inf, float(len(t) - 1)))

    h = highspy.Highs()
    h.silent()
    for key, value in HIGHS_OPTIONS.items():
        h.setOptionValue(key, value)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 1e-9)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(rows)
    lp.col_cost_ = np.array(cols_cost, dtype=float)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.array([r[2] for r in rows], dtype=float)
    lp.row_upper_ = np.array([r[3] for r in rows], dtype=float)
    lp.sense_ = highspy.ObjSense.kMaximize
    starts, index, value = [0], [], []
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    for cols, vals, _lo, _hi in rows:
        index += cols
        value += vals
        starts.append(len(index))
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=float)
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = len(rows)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    sol = np.asarray(h.getSolution().col_value)
    return [f for f in range(nf) if sol[f] > 0.5]


# ====================================================================== the proposal
def propose(
    engine: Engine,
    query: Query,
    top: int = 3,
    max_size: int = 4,
    parts: Sequence[Part] | None = None,
) -> Proposal:
    """Teams for one need: its parts, up to ``top`` teams (best first), the firms covering it alone and
    the parts nobody can do."""
    parts = list(parts) if parts is not None else decompose(query.text, engine)
    if not parts:
        return Proposal(parts=[], teams=[], single=[], uncovered=[])
    cap = candidates(engine, query, parts)
    uncovered = [i for i in range(len(parts)) if not cap.get(i)]
    coverable = [i for i in range(len(parts)) if cap.get(i)]
    firms: dict[str, int] = {}
    can: list[dict[int, float]] = []
    loc: list[float] = []
    pos: list[tuple[float, float] | None] = []
    matches: list[dict[int, Match]] = []
    alone: list[dict[int, float]] = []  # the engine's relative score alone: does a firm do a part "as well"
    for i in coverable:
        for c in cap[i]:
            f = firms.get(c.id)
            if f is None:
                f = firms[c.id] = len(can)
                can.append({})
                loc.append(c.locality)
                pos.append(_coords(c.match.record))
                matches.append({})
                alone.append({})
            can[f][i] = max(can[f].get(i, 0.0), c.confidence)
            alone[f][i] = max(alone[f].get(i, 0.0), c.score)
            matches[f].setdefault(i, c.match)
    ids = list(firms)
    local = query.prefer == "local"
    pair_near: dict[tuple[int, int], float] = {}
    if local:
        for a, b in itertools.combinations(range(len(ids)), 2):
            pair_near[(a, b)] = _near(_km(pos[a], pos[b]), engine.settings)
    problem = CoverProblem(len(parts), ids, can, loc, pair_near, local, max(1, max_size))
    single = [ids[f] for f in range(len(ids))
              if coverable and all(alone[f].get(i, 0.0) >= SINGLE_RELATIVE for i in coverable)]
    single.sort(key=lambda fid: -team_value(problem, [firms[fid]]))

    def team_of(members: list[int]) -> Team:
        out = []
        taken: dict[int, int] = {}
        for i in coverable:  # each part to the member strongest on it
            best = max((f for f in members if i in can[f]), key=lambda f: can[f][i], default=None)
            if best is not None:
                taken[i] = best
        for f in members:
            mine = [i for i in coverable if taken.get(i) == f]
            coords = pos[f]
            out.append(Member(ids[f], mine, loc[f], coords[0] if coords else None, coords[1] if coords else None,
                              {i: matches[f][i] for i in mine}))
        return Team(out, sorted(taken), team_value(problem, members))

    teams: list[Team] = [team_of([firms[fid]]) for fid in single[:top]]
    if not coverable:
        return Proposal(parts, [], [], uncovered, cap)
    exclude: list[list[int]] = [[firms[fid]] for fid in single]
    best_cover = len(coverable)
    while len(teams) < top:
        # every coverable part first (a constraint, so no mix of strength and nearness can trade a part
        # away); when the size limit makes that impossible, as many parts as the objective finds
        chosen = solve_cover(problem, exclude, min_covered=best_cover)
        if chosen is None and not teams:
            chosen = solve_cover(problem, exclude)
        if chosen is None:
            break
        team = team_of(chosen)
        # a member that takes no part is dropped (it cannot happen at the optimum, but keep it safe)
        kept = [f for f in chosen if any(m.id == ids[f] and m.parts for m in team.members)]
        if kept != chosen:
            team = team_of(kept)
        if teams and len(team.covered) < len(teams[0].covered):
            break
        teams.append(team)
        exclude.append(kept)
        best_cover = len(teams[0].covered)
    return Proposal(parts, teams, single, uncovered, cap)


# ====================================================================== command line
def teams(
    candidates_rows: list[dict[str, Any]],
    queries: list[dict[str, Any]],
    top: int = 3,
    max_size: int = 4,
    settings: Settings | None = None,
    engine: Engine | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Teams for every query -> (result lines in the teams format, timings). The CLI and the bench use it."""
    t0 = time.perf_counter()
    engine = engine or Engine(settings)
    if candidates_rows or not len(engine):
        engine.build([Record.from_dict(c) for c in candidates_rows], pause_gc=True)
    index_s = time.perf_counter() - t0
    lines: list[dict[str, Any]] = []
    lat: list[float] = []
    for qd in queries:
        q = Query.from_dict(qd)
        t = time.perf_counter()
        prop = propose(engine, q, top=top, max_size=max_size)
        lat.append((time.perf_counter() - t) * 1000)
        d = prop.to_dict()
        lines.append({"query": q.id, "teams": d["teams"], "parts": [p["name"] for p in d["parts"]],
                      "uncovered": d["uncovered"]})
    srt = sorted(lat)

    def pct(pv: float) -> float:
        return round(srt[min(len(srt) - 1, int(round(pv * (len(srt) - 1))))], 3) if srt else 0.0

    return lines, {"candidates": engine.count, "queries": len(queries), "index_s": round(index_s, 3),
                   "p50_ms": pct(0.5), "p95_ms": pct(0.95)}


@click.command("teams")
@click.option("--candidates", "candidates_path", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="JSON Lines file of candidate firms.")
@click.option("--queries", "queries_path", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="JSON Lines file of needs.")
@click.option("--top", default=3, show_default=True, type=click.IntRange(min=1), help="Teams per need.")
@click.option("--max-size", default=4, show_default=True, type=click.IntRange(min=1, max=8),
              help="Largest team proposed.")
@click.option("--timings", is_flag=True, help="Print index/latency figures as the last line on stderr.")
def teams_command(candidates_path: Path, queries_path: Path, top: int, max_size: int, timings: bool) -> None:
    """Propose teams of firms that together cover every part of each need (teams format) -> TEAMS.jsonl."""
    from ..machine_output import stdout_to_stderr, write_stdout
    from .cli import read_jsonl

    with stdout_to_stderr():
        rows = read_jsonl(candidates_path)
        queries = read_jsonl(queries_path)
        lines, times = teams(rows, queries, top=top, max_size=max_size)
    write_stdout("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    if timings:
        click.echo(json.dumps(times), err=True)


if __name__ == "__main__":  # pragma: no cover
    teams_command(prog_name="python -m matchmaker.matching.teams")
    sys.exit(0)
