"""Team matching (matchmaker/matching/teams.py): decomposition, the exact cover, single firms, parts nobody
can do, locality, and the `matchmaker teams` command. Hand-written firms, the default vocabulary."""
from __future__ import annotations

import itertools
import json
import random

import pytest
from click.testing import CliRunner

from matchmaker.matching import Engine, Query, Record
from matchmaker.matching import teams as T

FUJISAWA = (35.34926, 139.47666)
CHIGASAKI = (35.33638, 139.40434)
OSAKA = (34.69374, 135.50218)


def rec(id, text, city, at, country="JP"):
    return Record(id=id, name=id, text=text, city=city, country=country, lat=at[0], lon=at[1], languages=["ja"])


FIRMS = [
    rec("cut-f", "NC旋盤とマシニングセンタによるアルミ・SUSの切削加工。試作から量産まで。", "Fujisawa", FUJISAWA),
    rec("anod-f", "アルミの陽極酸化処理専門。白・黒アルマイト、硬質アルマイト。", "Fujisawa", FUJISAWA),
    rec("anod-o", "アルマイト処理の専門工場。黒アルマイト、硬質アルマイト、カラーアルマイト。", "Osaka", OSAKA),
    rec("silk-c", "シルク印刷とパッド印刷。銘板、操作パネル、樹脂成形品への印刷。", "Chigasaki", CHIGASAKI),
    rec("mekki-f", "電気亜鉛めっき、無電解ニッケルめっき、硬質クロムめっき。", "Fujisawa", FUJISAWA),
    rec("soft-f", "業務システムの受託開発、Webアプリ開発。", "Fujisawa", FUJISAWA),
]
NEED = dict(city="Fujisawa", country="JP", lat=FUJISAWA[0], lon=FUJISAWA[1], prefer="local", languages=["ja"])


@pytest.fixture(scope="module")
def engine():
    e = Engine()
    e.build(FIRMS)
    return e


def test_decomposition_ja_en_and_unknown_phrase(engine):
    parts = T.decompose("A5052のアルミ筐体を切削で50個、黒アルマイト処理後、シルク印刷で文字入れまで。", engine)
    assert [p.concepts for p in parts] == [("process.machining",), ("process.anodizing.black",),
                                          ("process.printing.screen",)]
    assert parts[1].name == "黒アルマイト処理"
    listed = T.decompose("アルミ筐体の試作（切削・黒アルマイト・シルク印刷）", engine)  # list marks, not NFKC spaces
    assert [p.concepts for p in listed] == [p.concepts for p in parts]
    en = T.decompose("Machine 200 aluminium brackets, anodize them black and laser mark a serial number.", engine)
    assert [p.concepts[0] for p in en] == ["process.machining", "process.anodizing", "process.marking.laser"]
    # the family is not a part beside its narrower kind; the thing worked on is not a part (金型部品の…)
    assert [p.concepts for p in T.decompose("表面処理(黒アルマイト)", engine)] == [("process.anodizing.black",)]
    assert [p.concepts for p in T.decompose("金型部品の窒化処理", engine)] == [("process.heat_treatment.nitriding",)]
    # work the vocabulary does not know is kept as written
    odd = T.decompose("漆塗りの仕上げと、黒アルマイト", engine)
    assert odd[0].name == "漆塗りの仕上げ" and odd[0].concepts == ()
    assert T.decompose("よろしくお願いします", engine) == []


def _random_problem(rng: random.Random) -> T.CoverProblem:
    nf, parts = rng.randint(1, 9), rng.randint(1, 4)
    can = [{p: rng.random() for p in range(parts) if rng.random() < 0.4} for _ in range(nf)]
    near = {(a, b): rng.random() for a in range(nf) for b in range(a + 1, nf)}
    return T.CoverProblem(parts, [f"f{i}" for i in range(nf)], can, [rng.random() for _ in range(nf)], near,
                          rng.random() < 0.5, rng.randint(1, 4))


def test_cover_is_optimal_against_brute_force():
    rng = random.Random(15)
    for _ in range(60):
        p = _random_problem(rng)
        chosen = T.solve_cover(p)
        best = max(T.team_value(p, c) for k in range(1, p.max_size + 1)
                   for c in itertools.combinations(range(len(p.firms)), k))
        assert chosen is not None and len(chosen) <= p.max_size
        assert T.team_value(p, chosen) == pytest.approx(best, abs=1e-6)
        # with every coverable part required, the best of the teams that cover them all
        n_cov = sum(1 for q in range(p.n_parts) if any(q in c for c in p.can))
        full = [c for k in range(1, p.max_size + 1) for c in itertools.combinations(range(len(p.firms)), k)
                if sum(1 for q in range(p.n_parts) if any(q in p.can[f] for f in c)) == n_cov]
        forced = T.solve_cover(p, min_covered=n_cov)
        if full:
            assert T.team_value(p, forced) == pytest.approx(max(T.team_value(p, c) for c in full), abs=1e-6)
        else:
            assert forced is None
        # the next team is never the same one nor a superset of it
        again = T.solve_cover(p, exclude=[chosen])
        assert again is None or not set(chosen) <= set(again)


def test_pair_distance_keeps_members_close():
    # two equally able firms for part 1; the one near the firm taking part 0 wins
    p = T.CoverProblem(2, ["a", "near", "far"], [{0: 1.0}, {1: 1.0}, {1: 1.0}], [1.0, 1.0, 1.0],
                       {(0, 1): 1.0, (0, 2): 0.1, (1, 2): 0.1}, True, 4)
    assert [p.firms[f] for f in T.solve_cover(p)] == ["a", "near"]


def test_team_covers_parts_and_prefers_local(engine):
    prop = T.propose(engine, Query(text="アルミ部品の切削、黒アルマイト、シルク印刷", **NEED))
    assert not prop.uncovered and prop.needs_team and not prop.single
    first = prop.teams[0]
    assert sorted(first.ids) == ["anod-f", "cut-f", "silk-c"]  # the Fujisawa anodizer, not the Osaka one
    by_id = {m.id: [prop.parts[i].name for i in m.parts] for m in first.members}
    assert by_id["anod-f"] == ["黒アルマイト"] and by_id["silk-c"] == ["シルク印刷"]
    assert all(m.matches[i].reasons for m in first.members for i in m.parts)  # the engine's reasons come along
    assert len(prop.teams) <= 3 and all(sorted(t.ids) != sorted(first.ids) for t in prop.teams[1:])
    assert any("anod-o" in t.ids for t in prop.teams[1:])  # the far anodizer is only an alternative


def test_single_firm_covering_everything_comes_first(engine):
    prop = T.propose(engine, Query(text="無電解ニッケルめっきと硬質クロムめっき", **NEED))
    assert prop.single == ["mekki-f"] and not prop.needs_team
    assert prop.teams[0].ids == ["mekki-f"]


def test_part_nobody_can_do_is_reported(engine):
    prop = T.propose(engine, Query(text="漆塗りの仕上げと、黒アルマイト", **NEED))
    assert [prop.parts[i].name for i in prop.uncovered] == ["漆塗りの仕上げ"]
    assert prop.teams[0].ids == ["anod-f"]  # no passenger for the part nobody does
    assert prop.to_dict()["uncovered"] == ["漆塗りの仕上げ"]


def test_specialist_takes_the_part_before_a_firm_naming_it_beside_its_trade():
    """A die-caster that also machines its castings names aluminium and machining as often as it can; for
    a machining part, the shop whose trade is machining is the stronger member (focus)."""
    caster = rec("diecast", "アルミダイカスト（ADC12）のケース・ブラケット。アルミダイカストの鋳造、バリ取り、含浸、"
                            "切削まで一貫。アルミダイカスト専業、ダイカストマシン12台。", "Fujisawa", FUJISAWA)
    machinist = rec("machinist", "マシニングセンタによる角物部品の切削加工。A5052、SUSのブラケット。", "Fujisawa", FUJISAWA)
    e = Engine()
    e.build([caster, machinist, *FIRMS[1:3]])
    part = T.Part("切削", "アルミのブラケットを切削", ("process.machining",))
    by_id = {m.id: m for m in e.search(T.part_query(Query(**NEED), part), top=5, explain=True)}
    assert T.focus(part, by_id["machinist"], e) == pytest.approx(1.0)
    assert T.focus(part, by_id["diecast"], e) < 0.6
    cap = T.candidates(e, Query(**NEED), [part])[0]
    assert cap[0].id == "machinist" and cap[0].confidence == pytest.approx(1.0)
    assert T.focus(T.Part("漆塗り", "漆塗り"), by_id["diecast"], e) == 1.0  # a phrase part: nothing to weigh


def test_a_firm_doing_every_part_stays_first_though_one_part_is_its_side_trade():
    """Focus orders the specialists; whether one firm does it all is the engine's score alone (one contract
    is worth something that a specialist's focus does not outweigh)."""
    gen = rec("gen-f", "アルミ部品の切削加工が主力。マシニングセンタ、NC旋盤による切削加工、精密切削、試作切削加工。"
                       "アルミの陽極酸化処理、白・黒アルマイトも社内で。", "Fujisawa", FUJISAWA)
    e = Engine()
    e.build([*FIRMS, gen])
    prop = T.propose(e, Query(text="アルミ部品の切削とアルマイト処理", **NEED))
    anodizing = {c.id: c for c in prop.capable[1]}
    assert anodizing["gen-f"].confidence < T.SINGLE_RELATIVE <= anodizing["gen-f"].score  # a side trade, done well
    assert prop.single == ["gen-f"] and not prop.needs_team and prop.teams[0].ids == ["gen-f"]


def test_a_work_word_after_an_article_is_a_thing(engine):
    assert T._asks_for_work("Machine the brackets") and not T._asks_for_work("Export a machine")
    assert [p.name for p in T.decompose("Export a machine: wooden crate and customs clearance", engine)
            if not p.concepts] == []


def test_cli_writes_teams_format(tmp_path):
    cands = tmp_path / "c.jsonl"
    cands.write_text("".join(json.dumps({"id": r.id, "name": r.name, "text": r.text, "city": r.city,
                                         "country": r.country, "lat": r.lat, "lon": r.lon}, ensure_ascii=False) + "\n"
                             for r in FIRMS), encoding="utf-8")
    queries = tmp_path / "q.jsonl"
    queries.write_text(json.dumps({"id": "T1", "text": "アルミ部品の切削、黒アルマイト、シルク印刷", **NEED},
                                  ensure_ascii=False) + "\n", encoding="utf-8")
    # in-process (the console script itself runs in tests/test_readme_commands.py, from the README's line)
    run = CliRunner().invoke(T.teams_command, ["--candidates", str(cands), "--queries", str(queries), "--top", "2",
                                               "--timings"])
    assert run.exit_code == 0, run.output
    (line,) = [json.loads(x) for x in run.stdout.splitlines()]
    assert line["query"] == "T1" and 1 <= len(line["teams"]) <= 2
    assert {m["id"] for m in line["teams"][0]["members"]} == {"cut-f", "anod-f", "silk-c"}
    assert json.loads(run.stderr.strip().splitlines()[-1])["queries"] == 1


def test_cli_stops_at_a_malformed_line(tmp_path):
    cands = tmp_path / "c.jsonl"
    cands.write_text('{"id": "C1", "text": "アルマイト"}\n', encoding="utf-8")
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": "T1", "text": "x"}\n{broken\n', encoding="utf-8")
    bad = CliRunner().invoke(T.teams_command, ["--candidates", str(cands), "--queries", str(queries)])
    assert bad.exit_code == 1 and bad.stdout == "" and f"{queries}:2: malformed JSON" in bad.stderr
