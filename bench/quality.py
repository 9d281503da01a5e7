#!/usr/bin/env python3
"""Match-quality benchmark: the engine (through the ``rank`` CLI code path) against baselines.

For every set folder under ../shared/eval (relative to the project root) and under
bench/data (the project's own judged sets) that holds candidates.jsonl, queries.jsonl and
gold.jsonl, print nDCG@10, recall@10, MRR and the share of no-answer queries left empty, for
  - engine        matchmaker.matching (``rank`` command, default settings)
  - wratio        rapidfuzz WRatio over name+text (NFKC + casefold)
  - token_set     rapidfuzz token_set_ratio over name+text (NFKC + casefold)
  - tfidf_char    TF-IDF over character 2-4-grams, cosine (numpy/scipy)
and the engine's candidate-retrieval recall (relevant ids inside the retrieval pool).
For the engine it also reads the strength labels (``rank --explain``): the share of results
labelled "strong" that the gold judges relevant, and the share of no-answer queries answered
empty or only with partial matches.

Usage: python bench/quality.py [--eval-dir ../shared/eval] [--sets ja-dev,abt-buy] [--json]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import math
import sys
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402

from matchmaker.matching import Engine, Query, Record  # noqa: E402
from matchmaker.matching.cli import rank_command, read_jsonl  # noqa: E402


def load_score_module(eval_dir: Path):
    spec = importlib.util.spec_from_file_location("eval_score", eval_dir / "score.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def find_sets(eval_dir: Path) -> list[Path]:
    """Match-quality sets (gold rows with "relevant"); other formats beside them (teams) are skipped."""
    need = ("candidates.jsonl", "queries.jsonl", "gold.jsonl")
    return sorted(p for p in eval_dir.iterdir() if p.is_dir() and all((p / f).is_file() for f in need)
                  and _is_match_set(p / "gold.jsonl"))


def _is_match_set(gold: Path) -> bool:
    with gold.open(encoding="utf-8") as f:
        first = next((line for line in f if line.strip()), "")
    return not first or "relevant" in json.loads(first)


def averages(score_mod, gold: dict, ranked: dict, k: int = 10) -> dict:
    rows = score_mod.score(gold, ranked, k)
    ans = [r for r in rows.values() if r["answerable"]]
    noans = [r for r in rows.values() if not r["answerable"]]
    mean = lambda key: sum(r[key] for r in ans) / max(len(ans), 1)  # noqa: E731
    return {
        "ndcg": mean("ndcg"),
        "recall": mean("recall"),
        "mrr": mean("mrr"),
        "noans_empty": (sum(r["ndcg"] for r in noans) / len(noans)) if noans else None,
    }


# ------------------------------------------------------------------ baselines
def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _cand_text(c: dict) -> str:
    return _norm(f"{c.get('name', '')} {c.get('text', '')}")


def baseline_rapidfuzz(cands: list[dict], queries: list[dict], scorer_name: str, k: int = 10) -> dict:
    from rapidfuzz import fuzz, process

    scorer = getattr(fuzz, scorer_name)
    choices = [_cand_text(c) for c in cands]
    ids = [c["id"] for c in cands]
    qtexts = [_norm(q.get("text", "")) for q in queries]
    m = process.cdist(qtexts, choices, scorer=scorer, workers=-1, dtype=np.float32)
    out = {}
    for qi, q in enumerate(queries):
        top = np.argsort(-m[qi], kind="stable")[:k]
        out[q["id"]] = [ids[i] for i in top]
    return out


def _char_ngrams(text: str, lo: int = 2, hi: int = 4) -> Counter:
    grams: Counter = Counter()
    for n in range(lo, hi + 1):
        for i in range(len(text) - n + 1):
            grams[text[i : i + n]] += 1
    return grams


def baseline_tfidf(cands: list[dict], queries: list[dict], k: int = 10) -> dict:
    vocab: dict[str, int] = {}
    def matrix(texts: list[str], grow: bool) -> sp.csr_matrix:
        rows, cols, vals = [], [], []
        for r, t in enumerate(texts):
            for g, tf in _char_ngrams(t).items():
                c = vocab.get(g)
                if c is None:
                    if not grow:
                        continue
                    c = vocab[g] = len(vocab)
                rows.append(r)
                cols.append(c)
                vals.append(1.0 + math.log(tf))
        return sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(vocab)), dtype=np.float64)
    C = matrix([_cand_text(c) for c in cands], True)
    Q = matrix([_norm(q.get("text", "")) for q in queries], False)
    df = np.bincount(C.indices, minlength=C.shape[1])
    idf = np.log((1 + C.shape[0]) / (1 + df)) + 1.0
    def l2(M: sp.csr_matrix) -> sp.csr_matrix:
        M = M @ sp.diags(idf)
        norms = np.sqrt(np.asarray(M.multiply(M).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.diags(1.0 / norms) @ M
    S = (l2(Q) @ l2(C).T).toarray()
    ids = [c["id"] for c in cands]
    return {q["id"]: [ids[i] for i in np.argsort(-S[qi], kind="stable")[:k]] for qi, q in enumerate(queries)}


# --------------------------------------------------------------------- engine
def run_engine_cli(set_dir: Path, explain: bool = False) -> tuple[dict, dict]:
    """Run the ``rank`` command exactly as on the command line; return (results per query, timings)."""
    runner = CliRunner()
    args = ["--candidates", str(set_dir / "candidates.jsonl"), "--queries", str(set_dir / "queries.jsonl"),
            "--top", "10", "--timings"] + (["--explain"] if explain else [])
    res = runner.invoke(rank_command, args, catch_exceptions=False)
    if res.exit_code != 0:
        raise SystemExit(f"rank failed on {set_dir}: {res.output}")
    results = {}
    for line in res.stdout.splitlines():
        if line.strip():
            obj = json.loads(line)
            results[obj["query"]] = obj["results"]
    timings = json.loads(res.stderr.strip().splitlines()[-1])
    return results, timings


def label_figures(gold: dict, results: dict) -> dict:
    """Share of "strong" results that are relevant; no-answer queries answered empty or only partially."""
    strong = strong_relevant = 0
    noanswer = noanswer_ok = 0
    for qid, rows in results.items():
        relevant = {cid for cid, grade in gold.get(qid, {}).items() if grade > 0}
        for row in rows:
            if row.get("strength") == "strong":
                strong += 1
                strong_relevant += row["id"] in relevant
        if not relevant:
            noanswer += 1
            noanswer_ok += all(row.get("strength") == "partial" for row in rows)
    return {"strong_results": strong,
            "strong_precision": (strong_relevant / strong) if strong else None,
            "noanswer_partial_only": (noanswer_ok / noanswer) if noanswer else None}


def retrieval_recall(set_dir: Path, gold: dict) -> tuple[float, float]:
    """Share of relevant (query, candidate) pairs that the retrieval stage keeps in its pool, and mean pool size."""
    cands = read_jsonl(set_dir / "candidates.jsonl")
    queries = read_jsonl(set_dir / "queries.jsonl")
    engine = Engine()
    engine.build([Record.from_dict(c) for c in cands])
    found = total = 0
    sizes = []
    for qd in queries:
        rel = gold.get(qd["id"], {})
        pool = set(engine.candidates(Query.from_dict(qd)))
        sizes.append(len(pool))
        total += len(rel)
        found += sum(1 for cid in rel if cid in pool)
    return (found / total if total else 1.0), (sum(sizes) / max(len(sizes), 1))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval",
                    help="shared sets and score.py (default: ../shared/eval)")
    ap.add_argument("--own-dir", type=Path, default=ROOT / "bench" / "data",
                    help="the project's own judged sets (default: bench/data)")
    ap.add_argument("--sets", default=None, help="comma-separated set names (default: all found)")
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument("--json", action="store_true", help="also print all figures as one JSON line")
    args = ap.parse_args(argv)
    score_mod = load_score_module(args.eval_dir)
    sets = find_sets(args.eval_dir) + (find_sets(args.own_dir) if args.own_dir.is_dir() else [])
    if args.sets:
        wanted = set(args.sets.split(","))
        sets = [s for s in sets if s.name in wanted]
    table = []
    extra = []
    for set_dir in sets:
        gold = {g["query"]: g["relevant"] for g in read_jsonl(set_dir / "gold.jsonl")}
        cands = read_jsonl(set_dir / "candidates.jsonl")
        queries = read_jsonl(set_dir / "queries.jsonl")
        results, timings = run_engine_cli(set_dir)
        ranked = {qid: [r["id"] for r in rows] for qid, rows in results.items()}
        table.append((set_dir.name, "engine", averages(score_mod, gold, ranked)))
        rr, pool = retrieval_recall(set_dir, gold)
        explained, _ = run_engine_cli(set_dir, explain=True)
        extra.append((set_dir.name, rr, pool, timings, label_figures(gold, explained)))
        if not args.no_baselines:
            for name, fn in (("wratio", lambda: baseline_rapidfuzz(cands, queries, "WRatio")),
                             ("token_set", lambda: baseline_rapidfuzz(cands, queries, "token_set_ratio")),
                             ("tfidf_char", lambda: baseline_tfidf(cands, queries))):
                table.append((set_dir.name, name, averages(score_mod, gold, fn())))
    fmt = lambda v: "-" if v is None else f"{v:.2f}"  # noqa: E731
    print(f"{'set':<12} {'system':<11} {'nDCG@10':>8} {'recall@10':>10} {'MRR':>7} {'no-answer empty':>16}")
    for set_name, system, m in table:
        print(f"{set_name:<12} {system:<11} {m['ndcg']:>8.4f} {m['recall']:>10.4f} {m['mrr']:>7.4f} "
              f"{fmt(m['noans_empty']):>16}")
    print()
    print(f"{'set':<12} {'retrieval recall':>16} {'mean pool':>10} {'index_s':>8} {'p50_ms':>7} {'p95_ms':>7} "
          f"{'strong':>7} {'strong relevant':>16} {'no-answer partial only':>23}")
    for set_name, rr, pool, tm, lab in extra:
        print(f"{set_name:<12} {rr:>16.4f} {pool:>10.1f} {tm['index_s']:>8.3f} {tm['p50_ms']:>7.2f} "
              f"{tm['p95_ms']:>7.2f} {lab['strong_results']:>7} {fmt(lab['strong_precision']):>16} "
              f"{fmt(lab['noanswer_partial_only']):>23}")
    if args.json:
        print(json.dumps({"table": [{"set": a, "system": b, **c} for a, b, c in table],
                          "engine": [{"set": a, "retrieval_recall": b, "pool": c, **d, **e}
                                     for a, b, c, d, e in extra]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
