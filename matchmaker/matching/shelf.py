"""Per-row values of a snapshot kept in mapped files and read when asked for.

An engine holds, for every row of its index, the record it was given and the record's industry
codes. Unpickled into each process they were most of a server worker's private memory (several
hundred MB at 100,000 firms) and most of its start-up time. In a snapshot they are written once
(:func:`write_records`, :func:`write_codes`); every process maps the same files (the OS shares the
pages) and reads a row only when a result shows it. Rows that change after the snapshot (the
change log a worker applies) are kept in memory beside it. Pure: no Flask, no database.
"""
from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from .records import Record


def _plain(a: np.ndarray) -> np.ndarray:
    """A plain array over the same mapped pages: slicing a ``np.memmap`` makes a new memmap each time,
    ten times slower than slicing an array (the engine reads a row's codes for each candidate)."""
    return a.view(np.ndarray)


class _Overlay:
    """A list-like view: rows below ``base`` read from the mapped files unless changed since;
    rows from ``base`` on were appended after the snapshot."""

    def __init__(self, base: int, read: Callable[[int], Any]):
        self._base = base
        self._read = read
        self._changed: dict[int, Any] = {}
        self._extra: list[Any] = []

    def __len__(self) -> int:
        return self._base + len(self._extra)

    def __getitem__(self, row: int) -> Any:
        if row < 0:
            row += len(self)
        if row >= self._base:
            return self._extra[row - self._base]
        if row in self._changed:
            return self._changed[row]
        return self._read(row)

    def __setitem__(self, row: int, value: Any) -> None:
        if row < 0:
            row += len(self)
        if row >= self._base:
            self._extra[row - self._base] = value
        elif 0 <= row:
            self._changed[row] = value
        else:
            raise IndexError(row)

    def append(self, value: Any) -> None:
        self._extra.append(value)

    def __iter__(self) -> Iterator[Any]:
        for row in range(len(self)):
            yield self[row]


class RecordShelf(_Overlay):
    """The engine's records: one pickle per row in ``NAME.records.bin``, found by ``NAME.records_at.npy``."""

    def __init__(self, blob: np.ndarray, at: np.ndarray):
        self._blob, self._at = _plain(blob), _plain(at)
        super().__init__(len(at) - 1, self._load)

    def _load(self, row: int) -> Record | None:
        a, b = int(self._at[row]), int(self._at[row + 1])
        return pickle.loads(self._blob[a:b]) if b > a else None


class CodeShelf(_Overlay):
    """The engine's industry codes per row: code numbers in ``NAME.codes.npy`` between the offsets of
    ``NAME.codes_at.npy``, named by a list kept in memory (a few hundred codes)."""

    def __init__(self, codes: np.ndarray, at: np.ndarray, names: list[str]):
        self._codes, self._at, self._names = _plain(codes), _plain(at), names
        super().__init__(len(at) - 1, self._load)

    def _load(self, row: int) -> tuple[str, ...]:
        a, b = int(self._at[row]), int(self._at[row + 1])
        return tuple(self._names[i] for i in self._codes[a:b].tolist()) if b > a else ()


def write_records(folder: Path, name: str, records: Iterable[Record | None]) -> None:
    """``NAME.records.bin`` and ``NAME.records_at.npy`` (an empty slice for a removed row)."""
    at = [0]
    with (folder / f"{name}.records.bin").open("wb") as f:
        for r in records:
            if r is not None:
                data = pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL)
                f.write(data)
                at.append(at[-1] + len(data))
            else:
                at.append(at[-1])
    np.save(folder / f"{name}.records_at.npy", np.asarray(at, dtype=np.int64), allow_pickle=False)


def write_codes(folder: Path, name: str, rows: Iterable[tuple[str, ...]]) -> list[str]:
    """``NAME.codes.npy`` and ``NAME.codes_at.npy``; returns the code names their numbers stand for."""
    names: list[str] = []
    number: dict[str, int] = {}
    codes: list[int] = []
    at = [0]
    for row in rows:
        for c in row:
            i = number.get(c)
            if i is None:
                i = number[c] = len(names)
                names.append(c)
            codes.append(i)
        at.append(len(codes))
    np.save(folder / f"{name}.codes.npy", np.asarray(codes, dtype=np.int32), allow_pickle=False)
    np.save(folder / f"{name}.codes_at.npy", np.asarray(at, dtype=np.int64), allow_pickle=False)
    return names


def read_records(folder: Path, name: str) -> RecordShelf:
    blob = np.memmap(folder / f"{name}.records.bin", dtype=np.uint8, mode="r") \
        if (folder / f"{name}.records.bin").stat().st_size else np.zeros(0, dtype=np.uint8)
    at = np.load(folder / f"{name}.records_at.npy", mmap_mode="r", allow_pickle=False)
    return RecordShelf(blob, at)


def read_codes(folder: Path, name: str, names: list[str]) -> CodeShelf:
    codes = np.load(folder / f"{name}.codes.npy", mmap_mode="r", allow_pickle=False)
    at = np.load(folder / f"{name}.codes_at.npy", mmap_mode="r", allow_pickle=False)
    return CodeShelf(codes, at, names)
