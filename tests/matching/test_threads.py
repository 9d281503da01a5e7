"""One engine, many threads: searches run side by side and answer exactly as one at a time.

A server shares one engine between its threads. Per-query state lives in the query's own
objects, the Japanese tokenizer is per thread, and changes take the write lock, so parallel
searches (with typos, Japanese text never seen before, and explanations) neither fail nor
disagree with the same searches run alone, even while records are added and removed.
"""
from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor

from matchmaker.matching import Query
from matching_fixtures import FUJISAWA, firm

QUERIES = ["無電解ニッケルめっき", "electroless nickel plating", "アルミ アルマイト 黒", "ステンレス板金 溶接",
           "射出成形 金型", "NC旋盤 SUS304", "platting nickle", "業務システム"]


def _answer(engine, text):
    q = Query(text=text, city="Fujisawa", country="JP", lat=FUJISAWA[0], lon=FUJISAWA[1], prefer="local")
    return [(m.id, round(m.score, 6), m.strength, tuple(r.kind for r in m.reasons)) for m in engine.search(q, top=5)]


def test_parallel_searches_equal_sequential(engine):
    expected = {t: _answer(engine, t) for t in QUERIES}
    jobs = QUERIES * 25
    random.Random(3).shuffle(jobs)
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda t: (t, _answer(engine, t)), jobs))
    assert all(result == expected[t] for t, result in got)


def test_searches_during_changes_never_fail(engine):
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer():
        n = 0
        while not stop.is_set():
            n += 1
            engine.upsert(firm(f"X{n % 7}", f"臨時{n}工業", f"試作{n}号のめっきと板金", "Fujisawa", "JP", FUJISAWA,
                               owner=f"FX{n}"))
            if n % 3 == 0:
                engine.remove(f"X{(n - 1) % 7}")

    def reader(seed):
        rng = random.Random(seed)
        try:
            for _ in range(60):
                # new Japanese text on every call: the tokenizer really runs in every thread
                text = rng.choice(QUERIES) + "".join(rng.choice("アイウエオカキクケコ") for _ in range(4)) + "の加工"
                _answer(engine, text)
        except BaseException as e:  # noqa: BLE001 - collected and reported below
            errors.append(e)

    w = threading.Thread(target=writer)
    w.start()
    readers = [threading.Thread(target=reader, args=(i,)) for i in range(6)]
    for t in readers:
        t.start()
    for t in readers:
        t.join()
    stop.set()
    w.join()
    assert not errors, errors[:3]
    # after the changes, answers are again those of a single thread
    assert [_answer(engine, t) for t in QUERIES] == [_answer(engine, t) for t in QUERIES]
