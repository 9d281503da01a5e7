"""Text analysis: one pass per text, decided once and stored in the index.

Japanese runs go through SudachiPy (sudachidict-core): split mode C morphemes
are re-split into mode A parts; both the parts' and the compound's
``normalized_form`` become index terms (めっき/メッキ/鍍金 -> 鍍金, 成形/成型 -> 成型).
Latin runs are lower-cased words with a light stemmer; codes such as
"PS-LX350H" or "SUS 304" are also joined ("pslx350h", "sus304") and broken
into character 3-grams so partial model numbers still meet.

The token stream is then matched against the bilingual vocabulary (greedy
longest match over joined token keys) to give concept ids.
"""
from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from .intent import ARRANGES, DOES, MENTIONS, NONE, modifier_heads, reading, staffing_sentence, staffing_words
from .normalize import fold, fold_kana, nfkc, script_spans, strip_legal_forms
from .stem import stem

if TYPE_CHECKING:  # pragma: no cover
    from .vocabulary import Vocabulary

MAX_TEXT_CHARS = 20_000
MAX_RUN_CHARS = 2_000  # Sudachi refuses very long inputs; long runs are chunked
CODE_NGRAM = 3

EN_STOP = frozenset(
    """a an the and or of for to in on at by with from as is are be been was were we our you your
    it its this that these those i me my us they them their will would can could should shall may
    might must do does did done has have had not no yes any all per via into about over under than
    then so such also only just more most other some each both very pcs pc etc e.g i.e ok please need
    needs want wanted looking look like would approx about around up out new us ltd co inc""".split()
)
JA_STOP = frozenset(
    fold(w)
    for w in """こと もの 物 事 ため 為 よう 様 ところ 所 方 等 など 場合 他 以上 以下 程度 位 くらい ぐらい
    する 為る ある 有る 在る いる 居る なる 成る できる 出来る 行う おこなう 致す いたす いただく 頂く 下さる くださる
    おる 居る 思う 考える 願う 探す さがす 希望 お願い 願い 可能 対応 予定 相談 必要 ほしい 欲しい 助かる
    有り難い ありがたい いい 良い よい 的 化 性 用 向け 中 内 個 件 台 本 枚 点 回 月 年 日 週 円 社 弊社 当社 御社 貴社
    """.split()
)
_KEEP_POS = {"名詞", "動詞", "形容詞", "形状詞", "接頭辞"}
_SENT_BREAK = re.compile(r"[。、,;:;!?()（）「」『』【】\[\]<>《》\n\r\t/|]")


@dataclass(slots=True)
class Token:
    surf: str  # folded surface
    norm: str  # folded normalised form (Sudachi normalized_form / stem)
    content: bool  # a content word (index term)
    latin: bool
    raw: str  # original surface (for explanations)
    read: str = ""  # folded reading (Japanese: Sudachi reading_form in hiragana), for kana-only input
    noun: bool = False  # a noun or a noun suffix (材, 後): the head of a compound (intent.py)


@dataclass
class Analysis:
    terms: dict[str, float] = field(default_factory=dict)
    concepts: dict[str, str] = field(default_factory=dict)  # concept id -> surface that matched
    # concept id (ancestors included) -> evidence: per phrase the strongest reading (intent.py), summed
    evidence: dict[str, float] = field(default_factory=dict)
    unknown: list[tuple[str, str]] = field(default_factory=list)  # content tokens (norm, surface) for typos
    covered: dict[str, tuple[str, ...]] = field(default_factory=dict)  # word term -> concepts it stands for
    stream: list[Token | None] = field(default_factory=list)
    # words of the record's background (classification.py), already weighted; not in its length
    background_terms: dict[str, float] = field(default_factory=dict)

    @property
    def length(self) -> float:
        return sum(self.terms.values())


# ------------------------------------------------------------------ Sudachi
# One dictionary per process (it is large and read-only, so threads share it), and one tokenizer per
# thread: a SudachiPy Tokenizer keeps its working state between calls and must never be used by two
# threads at once (sudachi.rs issue #289: "use one Tokenizer per thread"). Sharing one made parallel
# searches fail with "Tokenizer is already in use" (a 500 for the user).
_sudachi_lock = threading.Lock()
_dictionary = None
_local = threading.local()


def _tokenizer():
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        global _dictionary
        with _sudachi_lock:
            if _dictionary is None:
                from sudachipy import Dictionary

                _dictionary = Dictionary(dict="core")
        make = getattr(_dictionary, "tokenizer", None) or _dictionary.create  # 0.7: tokenizer(); 0.6: create()
        tok = _local.tokenizer = make()
    return tok


_JA_CACHE: dict[str, list[tuple[list[Token], list[str]]]] = {}
_JA_CACHE_MAX = 500_000


def _analyse_ja_run(run: str) -> list[tuple[list[Token], list[str]]]:
    """Mode C morphemes of a Japanese run, each as (mode-A tokens, extra compound terms). Cached."""
    hit = _JA_CACHE.get(run)
    if hit is not None:
        return hit
    from sudachipy import SplitMode

    tok = _tokenizer()
    out: list[tuple[list[Token], list[str]]] = []
    for start in range(0, len(run), MAX_RUN_CHARS):
        chunk = run[start : start + MAX_RUN_CHARS]
        for m in tok.tokenize(chunk, SplitMode.C):
            parts = (list(m.split(SplitMode.A)) if len(m.surface()) > 2 else []) or [m]
            toks: list[Token] = []
            for p in parts:
                pos = p.part_of_speech()
                surf = fold(p.surface())
                norm = fold(p.normalized_form())
                content = (
                    pos[0] in _KEEP_POS
                    and pos[1] not in ("数詞", "非自立可能")
                    and norm not in JA_STOP
                    and surf not in JA_STOP
                    and not (len(norm) == 1 and "\u3040" <= norm <= "\u309f")
                )
                noun = pos[0] == "名詞" or (pos[0] == "接尾辞" and pos[1] == "名詞的")
                toks.append(Token(surf, norm, content, False, p.surface(), fold(p.reading_form()), noun))
            extra: list[str] = []
            if len(parts) > 1:
                pos = m.part_of_speech()
                cnorm = fold(m.normalized_form())
                if pos[0] in _KEEP_POS and cnorm not in JA_STOP:
                    extra.append(cnorm)
            out.append((toks, extra))
    if len(_JA_CACHE) >= _JA_CACHE_MAX:
        _JA_CACHE.clear()
    _JA_CACHE[run] = out
    return out


# ------------------------------------------------------------------- Latin
_LAT_SPLIT = re.compile(r"[-./+&']")
_ALNUM_PARTS = re.compile(r"[a-z]+|[0-9]+")


_LAT_CACHE: dict[str, tuple[list[Token], list[tuple[str, float]]]] = {}


def _latin_tokens(run: str) -> tuple[list[Token], list[tuple[str, float]]]:
    """Tokens of one Latin run plus extra (term, weight) pairs: joined codes and their pieces. Cached."""
    hit = _LAT_CACHE.get(run)
    if hit is None:
        hit = _latin_tokens_uncached(run)
        if len(_LAT_CACHE) >= _JA_CACHE_MAX:
            _LAT_CACHE.clear()
        _LAT_CACHE[run] = hit
    return hit


def _latin_tokens_uncached(run: str) -> tuple[list[Token], list[tuple[str, float]]]:
    low = run.casefold()
    parts = [p for p in _LAT_SPLIT.split(low) if p]
    raws = [p for p in _LAT_SPLIT.split(run) if p]
    toks: list[Token] = []
    extra: list[tuple[str, float]] = []
    for p, r in zip(parts, raws):
        has_digit = any(c.isdigit() for c in p)
        has_alpha = any(c.isalpha() for c in p)
        if has_digit:
            norm = p
            content = has_alpha or len(p) >= 3
        else:
            norm = stem(p)
            content = p not in EN_STOP and len(p) >= 2
        toks.append(Token(fold_kana(p), fold_kana(norm), content, True, r, noun=content))
        if has_digit and has_alpha and len(p) >= 3:
            for piece in _ALNUM_PARTS.findall(p):
                if (piece.isdigit() and len(piece) >= 3) or (piece.isalpha() and len(piece) >= 2):
                    if piece != p:
                        extra.append((piece, 0.5))
    # model numbers without their variant suffix (colour/region letters after the last digit):
    # "LDF6920WH" and "LDF6920BB" share "ldf6920"
    for p in list(parts) + ["".join(parts)] if len(parts) > 1 else list(parts):
        stem_ = _code_stem(p)
        if stem_:
            extra.append((stem_, 0.7))
    if len(parts) > 1 and any(c.isdigit() for c in low) and (
        any(c.isalpha() for c in low) or ("-" in low and sum(map(str.isdigit, low)) >= 6)
    ):
        joined = "".join(parts)
        if len(joined) <= 24:
            extra.append((joined, 1.0))
    return toks, extra


_CODE_STEM = re.compile(r"^(?=[a-z]*\d)([a-z0-9]*\d)([a-z]{1,4})$")


def _code_stem(code: str) -> str | None:
    m = _CODE_STEM.match(code)
    if m and len(m.group(1)) >= 4 and any(c.isalpha() for c in m.group(1)):
        return m.group(1)
    return None


def code_ngrams(code: str, n: int = CODE_NGRAM) -> list[str]:
    if len(code) < n + 1:
        return []
    return ["#" + code[i : i + n] for i in range(len(code) - n + 1)]


def _is_code(term: str) -> bool:
    """Model numbers, part numbers, alloy grades: letters+digits (4+ chars) or long digit strings."""
    if not term.isascii() or not term.isalnum():
        return False
    if term.isdigit():
        return len(term) >= 6
    return len(term) >= 4 and any(c.isdigit() for c in term) and any(c.isalpha() for c in term)


# ---------------------------------------------------------------- analysis
def tokenize(text: str) -> list[Token | None]:
    """Token stream of a text; ``None`` marks a phrase break (punctuation)."""
    return analyse(text).stream


# Phrase separators (after NFKC): text is analysed segment by segment, and segments are cached,
# so a phrase that many profiles share ("試作から量産まで", "ISO 9001") is analysed once per process.
_SEGMENT_SPLIT = re.compile(r"[。、,;:!?()\[\]{}<>「」『』【】《》〈〉\n\r\t|・\u3000]+|\.(?=\s|$)")
_SEG_CACHE: dict[tuple[str, int], "_Segment"] = {}
_SEG_CACHE_MAX = 400_000


@dataclass(slots=True)
class _Segment:
    terms: dict[str, float]
    concepts: dict[str, str]
    covered: dict[str, tuple[str, ...]]
    stream: list[Token | None]
    evidence: dict[str, float]  # concept id (ancestors included) -> DOES or MENTIONS (intent.py)


def _segment(seg: str, vocabulary: "Vocabulary | None") -> _Segment:
    key = (seg, id(vocabulary) if vocabulary is not None else 0)
    hit = _SEG_CACHE.get(key)
    if hit is not None:
        return hit
    out = analyse_segment(seg, vocabulary)
    if len(_SEG_CACHE) >= _SEG_CACHE_MAX:
        _SEG_CACHE.clear()
    _SEG_CACHE[key] = out
    return out


_SENTENCE_SPLIT = re.compile(r"[。!?！？\n\r]+|\.(?=\s|$)")
_CLAUSE_SPLIT = re.compile(r"[、,;；:]+")


_ASIDE = re.compile(r"\(([^()]{1,80})\)")


def _sentences(text: str, role: str) -> Iterable[str]:
    """The text's sentences, each with its plain asides after it (架台(SS400、長さ2m)の焼鈍: the
    phrase 架台の焼鈍 stays whole); an aside that says how the work is done (塗装(外注)) stays put."""
    for sentence in _SENTENCE_SPLIT.split(text):
        asides = [m for m in _ASIDE.finditer(sentence) if not role or reading(m.group(1), role) >= DOES]
        if not asides or (role and reading(sentence, role) < DOES):  # 表面処理(陽極酸化)は協力工場で
            yield sentence
            continue
        main, last = [], 0
        for m in asides:
            main.append(sentence[last:m.start()])
            last = m.end()
        main.append(sentence[last:])
        yield "".join(main)
        for m in asides:
            yield m.group(1)


def segments(text: str, name: str = "", role: str = "") -> Iterable[tuple[str, float]]:
    """The phrase segments of a record's name (legal form removed) and text, in order, each with how
    it counts (intent.py): ``DOES``, or ``ARRANGES`` for what a firm only arranges.

    With a ``role`` ("supply": what a firm does; "demand": what it asks for), phrases that say the
    writer does not do, or does not ask for, what they name are left out."""
    for part in (strip_legal_forms(name) if name else "", text):
        if not part:
            continue
        # spaces that split a word are read as written: normalising makes list dots (白・黒) spaces too
        for sentence in _sentences(nfkc(join_broken_words(part[: 2 * MAX_TEXT_CHARS]))[:MAX_TEXT_CHARS], role):
            if not sentence or sentence.isspace():
                continue
            cap = DOES
            if role == "supply" and staffing_sentence(sentence):
                yield staffing_words(sentence), DOES
                cap = ARRANGES
            # a clause's words speak for all of it: 「通関・船積み手配」 arranges both
            for clause in _CLAUSE_SPLIT.split(sentence):
                how = min(cap, reading(clause, role)) if role else DOES
                if how <= NONE:
                    continue
                for seg in _SEGMENT_SPLIT.split(clause):
                    if seg and not seg.isspace():
                        yield seg, how


_JA_CHAR = "\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f々〆"
_JA_GAP = re.compile(f"(?<=[{_JA_CHAR}])[ \u3000]+(?=[{_JA_CHAR}])")
_HIRAGANA = re.compile("[\u3041-\u309f]+")
_SPACES = re.compile("[ \u3000]+")
_JOIN_WINDOW = 8  # characters either side of a space that are read to tell whether it splits a word


def join_broken_words(seg: str) -> str:
    """Spaces that split a Japanese word (text from PDFs and spreadsheets: ドラ ム缶, 高周波加 熱装置,
    システム as シス テム) taken out: a space goes when Sudachi reads the characters on both sides of it,
    put together, as one dictionary word across it, and a side alone ends or starts with a fragment (a
    single character or a word the dictionary does not know). Spaces between words stay (アルミ 切削,
    シャフト ピン ネジ, ハム ソーセージ)."""
    if " " not in seg and "\u3000" not in seg:
        return seg
    out: list[str] = []
    last = 0
    for m in _JA_GAP.finditer(seg):
        left = _SPACES.split(seg[last : m.start()])[-1][-_JOIN_WINDOW:]
        right = _SPACES.split(seg[m.end() :], 1)[0][:_JOIN_WINDOW]
        if _broken_word(left, right):
            out.append(seg[last : m.start()])
            last = m.end()
    out.append(seg[last:])
    return "".join(out)


@functools.lru_cache(maxsize=20_000)
def _broken_word(left: str, right: str) -> bool:
    from sudachipy import SplitMode

    if _HIRAGANA.fullmatch(left) and _HIRAGANA.fullmatch(right):
        return False  # kana-only input is read word by word (あるみ せっさく しさく: no 作詞 across)
    tok = _tokenizer()
    cut = len(left)
    across = [m for m in tok.tokenize(left + right, SplitMode.C) if m.begin() < cut < m.end() and not m.is_oov()]
    if not across:  # the usual case, a space between words: one look
        return False
    lefts = list(tok.tokenize(left, SplitMode.C))
    rights = list(tok.tokenize(right, SplitMode.C))
    if not lefts or not rights:
        return False
    # the word across the space is made of whole pieces of each side (ドラ|ム缶 -> ドラム缶), not of
    # their insides (せっ|さく し|さく: no くし)
    starts = {m.begin() for m in lefts}
    ends = {cut + m.end() for m in rights}
    if not any(m.begin() in starts and m.end() in ends for m in across):
        return False
    return _fragment(lefts[-1], left, True) or _fragment(rights[0], right, False)


def _fragment(m, side: str, tail: bool) -> bool:
    """A piece that is no word by itself: unknown to the dictionary, one kana, or one kanji at the end
    of a longer run (高周波加); a lone kanji between spaces is a word (白 黒 カラー, 英 中 韓), and so is one
    that begins a run (白 黒アルマイト)."""
    surf = m.surface()
    if m.is_oov():
        return True
    if len(surf) != 1:
        return False
    return "\u3041" <= surf <= "\u30ff" or (tail and len(side) > 1)


def analyse_segment(seg: str, vocabulary: "Vocabulary | None") -> _Segment:
    """Analyse one phrase segment (uncached; see :func:`_segment`)."""
    terms: dict[str, float] = {}
    stream: list[Token | None] = []
    joined: list[tuple[str, float]] = []
    last_end = 0
    spaced: set[int] = set()  # stream positions after white space (space-separated keywords: アルミ 切削)
    for kind, run, start, end in script_spans(seg):
        if start > last_end and not seg[last_end:start].isspace():
            stream.append(None)  # a symbol between runs (×, ~, +, %) breaks phrases too
        elif start > last_end:
            spaced.add(len(stream))
        last_end = end
        if kind == "ja":
            for toks, extra in _analyse_ja_run(run):
                stream.extend(toks)
                for t in toks:
                    if t.content:
                        terms[t.norm] = terms.get(t.norm, 0.0) + 1.0
                for e in extra:
                    terms[e] = terms.get(e, 0.0) + 0.5
        else:
            toks, extras = _latin_tokens(run)
            stream.extend(toks)
            for t in toks:
                if t.content:
                    terms[t.norm] = terms.get(t.norm, 0.0) + 1.0
            for e, w in extras:
                terms[e] = terms.get(e, 0.0) + w
                if w >= 1.0:
                    joined.append((e, w))
    # character n-grams of codes (model numbers, alloy grades) for partial matches
    for term in [t.norm for t in stream if t is not None and t.latin and _is_code(t.norm)] + [
        e for e, w in joined if _is_code(e)
    ]:
        for g in code_ngrams(term):
            terms[g] = terms.get(g, 0.0) + 0.25
    concepts: dict[str, str] = {}
    covered: dict[str, tuple[str, ...]] = {}
    evidence: dict[str, float] = {}
    if vocabulary is not None:
        spans: list[tuple[int, int, tuple[str, ...]]] = []
        concepts = vocabulary.match(stream, spans)
        # a compound of known parts also names each part (ステンレス溶接: ステンレス and 溶接)
        # (無電解ニッケルめっき also names めっき: a plater that does not say which kind is close)
        # The name of a thing does not name work through one of its words (the "pack" of "battery
        # pack" is no packaging); a compound naming work names its parts (溶接組立: 溶接 and 組立).
        for a, b, cids in list(spans):
            if b - a > 1:
                thing = not any(vocabulary.is_work(c) for c in cids)
                wider = {x for c in cids for x in (c, *vocabulary.ancestors(c))}
                for pa, pb, pcids in vocabulary.parts(stream[a:b]):
                    pcids = tuple(c for c in pcids if not (thing and vocabulary.is_work(c)) or c in wider)
                    if not pcids:
                        continue
                    spans.append((a + pa, a + pb, pcids))
                    for cid in pcids:
                        concepts.setdefault(cid, _join_surface(stream[a + pa : a + pb]))
        work_starts = {a for a, _b, cids in spans if any(vocabulary.is_work(c) for c in cids)}
        # work done to something else (not how much of it is made: 量産, 試作)
        task_starts = {a for a, _b, cids in spans
                       if any(vocabulary.is_work(c) and not c.startswith(_MODES) for c in cids)}
        for a, b, cids in spans:
            for t in stream[a:b]:
                if t is not None and t.content:
                    covered[t.norm] = covered.get(t.norm, ()) + cids
            how = (MENTIONS if _only_context(stream, a, b, work_starts | spaced) or _done_to(stream, b, task_starts)
                   or _plant_of(stream, b) else DOES)
            for cid in cids:
                for c in (cid, *vocabulary.ancestors(cid)):
                    if evidence.get(c, 0.0) < how:
                        evidence[c] = how
    return _Segment(terms, concepts, covered, stream, evidence)


def _join_surface(tokens: list[Token | None]) -> str:
    return "".join(t.raw for t in tokens if t is not None)


def _only_context(stream: list[Token | None], a: int, b: int, free: set[int]) -> bool:
    """The concept matched at stream[a:b] only describes the noun right after it (intent.py), unless
    that noun begins the name of some work (溶接組立: welding and assembly; ステンレス溶接) or stands
    after white space (positions in ``free``)."""
    if b >= len(stream) or b in free:
        return False
    nxt, last = stream[b], stream[b - 1]
    if nxt is None or last is None or not nxt.noun or nxt.latin != last.latin:
        return False
    return modifier_heads(nxt.surf, nxt.norm, last.raw, nxt.latin)


_PAST = ("した", "された", "済み", "済", "ずみ")
_MODES = ("process.mass_production", "process.prototyping")  # how many, not what is done
_GOODS = frozenset({"品", "部品", "製品", "品物", "物"})
_WHEN = frozenset({"後", "あと", "上", "時", "とき", "際", "ため"})


def _done_to(stream: list[Token | None], b: int, work_starts: set[int]) -> bool:
    """Work already done to the thing that some other named work is asked for or offered on:
    溶接した架台の応力除去焼鈍 (the frame was welded; the annealing is the work), 熱処理済みの歯車を研削."""
    j, aux = b, ""
    if j < len(stream) and (t := stream[j]) is not None and t.surf in _GOODS:
        # the goods the work was done to, then の and other work: めっき品・部品の断面観察 (a lab, not a plater)
        j += 1
        while j < len(stream) and j < b + 4 and (t := stream[j]) is not None and t.surf != "の" and t.noun:
            j += 1
        if j >= len(stream) or (t := stream[j]) is None or t.surf != "の":
            return False
        return any(s > j for s in work_starts)
    while j < len(stream) and (t := stream[j]) is not None and aux not in _PAST and len(aux) < 4:
        if t.content and t.surf not in _PAST:
            break
        aux += t.surf
        j += 1
    if aux not in _PAST:
        return False
    if j < len(stream) and (t := stream[j]) is not None and t.surf == "の":
        j += 1
    nxt = stream[j] if j < len(stream) else None
    if nxt is None or not nxt.noun or nxt.surf in _WHEN:
        return False
    return any(s > j for s in work_starts)


_SITES = frozenset({"工場", "ぷらんと", "工場内"})
# what a builder or a maintenance firm works on in someone's plant
_FACILITIES = frozenset("""設備 装置 配管 排水 給排水 排気 換気 空調 建屋 電気 床 屋根 照明 防水 塗床 消火
    ぼいら こんぷれっさ くりーんるーむ 保守 点検 改修 修理 更新 工事 設計 施工 解体""".split())


def _plant_of(stream: list[Token | None], b: int) -> bool:
    """The work names the kind of plant whose equipment is worked on, not work of the writer:
    めっき工場の排水処理設備, めっき・食品工場の配管工事 (a list dot reads as a space: the coordinated nouns
    share the plant). The plant, の, then facilities or building work within the next few words."""
    j = b
    if not (b > 0 and (t := stream[b - 1]) is not None and t.surf in _SITES):  # unless the match ends so: 食品工場
        while j < len(stream) and j < b + 4 and (t := stream[j]) is not None and t.noun and t.surf not in _SITES:
            j += 1  # coordinated or compounded nouns before the plant (食品)
        if j >= len(stream) or (t := stream[j]) is None or t.surf not in _SITES:
            return False
        j += 1
    if j >= len(stream) or (t := stream[j]) is None or t.surf != "の":
        return False
    for t in stream[j + 1 : j + 7]:
        if t is None or not (t.noun or t.content):
            return False
        if t.surf in _FACILITIES or t.norm in _FACILITIES:
            return True
    return False


def weighted_segments(text: str, name: str, role: str, background: str,
                      weight: float) -> Iterable[tuple[str, float, float, bool]]:
    """A record's segments with how they count (as :func:`segments`), the share their words count with
    and whether they are the record's own: 1 for its own name and text, ``weight`` for its background.
    The one reading of a record's parts for both ways it is read (analyse() and the encoder)."""
    for seg, how in segments(text, name, role):
        yield seg, how, 1.0, True
    if background and weight > 0:
        for seg, how in segments(background, "", role):
            yield seg, how, weight, False


def term_length(terms: dict[str, float]) -> float:
    """A text's length for BM25: its word counts, code n-grams ("#...") left out."""
    return float(sum(v for k, v in terms.items() if not k.startswith("#")))


def capped_evidence(total: float, strongest: float) -> float:
    """A concept's evidence in a record: the sum over its phrases, except that a concept only ever named as
    context or as arranged stays so however often it is named (めっき品の断面観察 and めっき不良の調査: a lab
    twice, still not a plater). The one rule for both ways a record is read (analyse() and the encoder)."""
    return min(total, strongest) if strongest < DOES else total


def analyse(text: str, vocabulary: "Vocabulary | None" = None, name: str = "", keep_stream: bool = True,
            role: str = "", background: str = "", background_weight: float = 0.0) -> Analysis:
    """Analyse a record or query text (and optional firm name) into terms and concepts; ``role`` as in
    :func:`segments`. A record's ``background`` (classification.py) adds its words to ``background_terms``
    and its concepts' evidence, each at ``background_weight``."""
    a = Analysis()
    terms = a.terms
    evidence = a.evidence
    strongest: dict[str, float] = {}
    stream: list[Token | None] = []
    for seg, how, w, own in weighted_segments(text, name, role, background, background_weight):
        sg = _segment(seg, vocabulary)
        if how >= DOES:  # what a firm only arranges adds no shared words
            into = terms if own else a.background_terms
            for k, v in sg.terms.items():
                into[k] = into.get(k, 0.0) + v * w
        for c, v in sg.evidence.items():
            evidence[c] = evidence.get(c, 0.0) + v * how * w
            strongest[c] = max(strongest.get(c, 0.0), v * how * w)
        for cid, surf in sg.concepts.items():
            a.concepts.setdefault(cid, surf)
        if keep_stream:  # queries: the words each concept stands for, and the token stream
            for k, v in sg.covered.items():
                a.covered[k] = a.covered.get(k, ()) + v
            stream.append(None)
            stream.extend(sg.stream)
    for c, top in strongest.items():
        evidence[c] = capped_evidence(evidence[c], top)
    if keep_stream:
        a.stream = stream
        a.unknown = [(t.norm, t.surf) for t in stream if t is not None and t.content]
    return a
