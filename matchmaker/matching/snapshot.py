"""Engines on disk: one index build shared by every process of a machine.

A snapshot is a folder of numpy ``.npy`` files (the inverted index's CSR and CSC arrays, per-row
metadata), the records and their industry codes (shelf.py: one pickle per row, read when a result
shows it), a ``state.pickle`` per engine (ids, features, the interned names) and a ``manifest.json``
naming the format version, the change-log position the data includes, and the size and SHA-256 of
every file. Readers map the large arrays and the records read-only (``np.load(mmap_mode="r")``):
all workers of a machine share those pages through the OS page cache. The small arrays a worker
changes when it applies later changes (document frequencies, the alive mask, metadata) are copied.

Writing never disturbs a reader: the folder is written under a temporary name, fsynced, renamed,
and then the ``CURRENT`` pointer file is replaced atomically (write + ``os.replace``); builders take
an exclusive ``fcntl`` lock on ``build.lock`` so that two of them never write at once. A snapshot that
is missing, of another format, truncated or altered fails :func:`load` with :class:`SnapshotError`;
the caller rebuilds it. Pure: no Flask, no database.
"""
from __future__ import annotations

import fcntl
import gc
import hashlib
import json
import os
import pickle
import shutil
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np

from .engine import Engine, _Interner, _Meta
from .index import InvertedIndex
from .settings import Settings
from .shelf import read_codes, read_records, write_codes, write_records
from .vocabulary import Vocabulary

FORMAT = 4  # 2: records and industry codes on shelves instead of in the state pickle; 3: type of business per row;
# 4: classes of the industrial classification read with their description (classification.py)
_MAPPED = ("row_ptr", "row_cols", "row_vals", "col_ptr", "col_rows", "col_vals")  # shared, read-only
_COPIED = ("df", "alive")
_META = ("lat", "lon", "country", "city", "owner", "kind", "updated", "langs", "dl", "trade")
_KEEP = 2  # snapshot folders kept (the current one and the one before, still mapped by older workers)


class SnapshotError(Exception):
    """The snapshot cannot be used (missing, other format, corrupt); the message says why."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@contextmanager
def build_lock(root: Path | str) -> Iterator[None]:
    """An exclusive lock for writing snapshots under ``root`` (released when the process dies)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    with (root / "build.lock").open("a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def is_building(root: Path | str) -> bool:
    """Whether another process holds the build lock now."""
    path = Path(root) / "build.lock"
    if not path.exists():
        return False
    with path.open("a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(f, fcntl.LOCK_UN)
        return False


def _engine_files(engine: Engine, folder: Path, name: str) -> dict:
    idx = engine.index
    if idx.delta_rows:
        idx.merge()  # one base segment: everything goes into the mapped arrays
    n = idx.n_rows
    arrays = {a: getattr(idx, a) for a in _MAPPED}
    arrays["df"] = idx.df[: max(len(idx.features), 1)]
    arrays["alive"] = idx.alive[:n]
    for a in _META:
        arrays["meta_" + a] = getattr(engine._meta, a)[:n]
    for key, arr in arrays.items():
        np.save(folder / f"{name}.{key}.npy", np.ascontiguousarray(arr), allow_pickle=False)
    write_records(folder, name, (engine._records[row] for row in range(n)))
    code_names = write_codes(folder, name, (engine._cats[row] for row in range(n)))
    state = {
        "features": idx.features, "ids": engine._ids, "code_names": code_names,
        "countries": engine._countries.names, "cities": engine._cities.names, "owners": engine._owners.names,
        "langs": engine._langs.names, "avgdl": engine._avgdl, "len_sum": engine._len_sum,
        "n_rows": n, "n_alive": idx.n_alive, "base_rows": idx.base_rows,
    }
    with (folder / f"{name}.state.pickle").open("wb") as f:
        pickle.dump(state, f, protocol=pickle.HIGHEST_PROTOCOL)
    return {"rows": n, "alive": int(idx.n_alive)}


def save(root: Path | str, engines: dict[str, Engine], position: int, extra: dict | None = None) -> Path:
    """Write a snapshot of these engines including the changes up to ``position``; returns its folder.

    The caller holds :func:`build_lock`. ``extra`` is stored as it is (JSON-able, pickled)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    final = root / f"snapshot-{position:012d}-{uuid.uuid4().hex[:8]}"
    tmp = root / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        counts = {}
        for name, engine in engines.items():
            with engine._rw.write():
                counts[name] = _engine_files(engine, tmp, name)
        with (tmp / "extra.pickle").open("wb") as f:
            pickle.dump(extra or {}, f, protocol=pickle.HIGHEST_PROTOCOL)
        files = {}
        for p in sorted(tmp.iterdir()):
            with p.open("rb") as f:
                os.fsync(f.fileno())
            files[p.name] = {"size": p.stat().st_size, "sha256": _sha256(p)}
        manifest = {"format": FORMAT, "position": position, "engines": counts, "files": files,
                    "written_at": time.time()}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1))
        os.rename(tmp, final)
        pointer = root / f".CURRENT.{os.getpid()}"
        pointer.write_text(final.name)
        os.replace(pointer, root / "CURRENT")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(root, final.name)
    return final


def _prune(root: Path, current: str) -> None:
    olds = sorted((p for p in root.glob("snapshot-*") if p.name != current), key=lambda p: p.name)
    for p in olds[: max(len(olds) - (_KEEP - 1), 0)]:
        shutil.rmtree(p, ignore_errors=True)  # a worker still mapping it keeps its pages until it lets go


def current(root: Path | str) -> tuple[Path, dict]:
    """The folder and manifest of the current snapshot, checked; SnapshotError otherwise."""
    root = Path(root)
    try:
        name = (root / "CURRENT").read_text().strip()
    except FileNotFoundError:
        raise SnapshotError(f"no index snapshot in {root}") from None
    folder = root / name
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError) as e:
        raise SnapshotError(f"index snapshot {folder}: unreadable manifest ({e})") from None
    if manifest.get("format") != FORMAT:
        raise SnapshotError(f"index snapshot {folder}: format {manifest.get('format')}, this version reads {FORMAT}")
    for fname, info in manifest.get("files", {}).items():
        p = folder / fname
        if not p.exists() or p.stat().st_size != info["size"] or _sha256(p) != info["sha256"]:
            raise SnapshotError(f"index snapshot {folder}: {fname} is missing or corrupt")
    return folder, manifest


def load(root: Path | str, settings: Settings | None = None, vocabulary: Vocabulary | None = None
         ) -> tuple[dict[str, Engine], int, dict]:
    """The engines of the current snapshot (large arrays mapped read-only), its position and extra."""
    folder, manifest = current(root)
    engines = {}
    try:
        for name in manifest["engines"]:
            engines[name] = _load_engine(folder, name, settings, vocabulary)
        with (folder / "extra.pickle").open("rb") as f:
            extra = pickle.load(f)
    except (OSError, ValueError, KeyError, pickle.UnpicklingError, EOFError) as e:
        raise SnapshotError(f"index snapshot {folder}: {e}") from None
    return engines, int(manifest["position"]), extra


def _unpickle(f):
    """pickle.load with the cyclic collector paused: a hundred thousand new records and none in a cycle
    (the collector would otherwise run over and over while they are created)."""
    was = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(f)
    finally:
        if was:
            gc.enable()


def _load_engine(folder: Path, name: str, settings: Settings | None, vocabulary: Vocabulary | None) -> Engine:
    engine = Engine(settings=settings, vocabulary=vocabulary)
    with (folder / f"{name}.state.pickle").open("rb") as f:
        st = _unpickle(f)
    idx = InvertedIndex()
    for a in _MAPPED:
        # a plain array over the mapped pages (slices of a np.memmap are costly new memmaps: shelf.py)
        setattr(idx, a, np.load(folder / f"{name}.{a}.npy", mmap_mode="r", allow_pickle=False).view(np.ndarray))
    for a in _COPIED:
        setattr(idx, a, np.array(np.load(folder / f"{name}.{a}.npy", allow_pickle=False)))
    idx.features = list(st["features"])
    idx.feature_id = {f: i for i, f in enumerate(idx.features)}
    idx.n_rows, idx.n_alive, idx.base_rows = st["n_rows"], st["n_alive"], st["base_rows"]
    meta = _Meta()
    for a in _META:
        setattr(meta, a, np.array(np.load(folder / f"{name}.meta_{a}.npy", allow_pickle=False)))
    meta.cap = st["n_rows"]
    engine.index = idx
    engine._meta = meta
    engine._ids = list(st["ids"])
    engine._row_of = {rid: row for row, rid in enumerate(engine._ids) if idx.alive[row]}
    engine._records = read_records(folder, name)
    engine._cats = read_codes(folder, name, list(st["code_names"]))
    for attr, key in (("_countries", "countries"), ("_cities", "cities"), ("_owners", "owners"), ("_langs", "langs")):
        it = _Interner()
        it.names = list(st[key])
        it.ids = {v: i for i, v in enumerate(it.names)}
        setattr(engine, attr, it)
    engine._avgdl, engine._len_sum = st["avgdl"], st["len_sum"]
    return engine
