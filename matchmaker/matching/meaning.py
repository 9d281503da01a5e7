"""What words mean: the word vectors of the ja-ginza package (chiVe, Sudachi normalised forms).

The package ships 20,000 vectors of 300 dimensions (``vocab/vectors``, a numpy file) and maps
480,000 words onto them (``vocab/key2row``: spaCy's 64-bit MurmurHash of the word -> vector row;
a rare word shares the row of a frequent word near it). Both are read here without spaCy: the
vectors memory-mapped read-only (24 MB, shared by every process of a machine through the page
cache), the key table as two sorted arrays (4.8 MB per process, read once, on first use, in 0.8 s). The
package is optional: without it :func:`word_vectors` returns ``None`` and the engine ranks on
words and concepts alone.

Pure: no Flask, no database.
"""
from __future__ import annotations

import importlib.util
import struct
import threading
from pathlib import Path

import numpy as np

from .normalize import nfkc

_MASK = (1 << 64) - 1
_M = 0xC6A4A7935BD1E995


def murmurhash64a(data: bytes, seed: int = 1) -> int:
    """MurmurHash64A, the hash spaCy's string store keys words with (seed 1)."""
    h = (seed ^ (len(data) * _M)) & _MASK
    nblocks = len(data) // 8
    for k in struct.unpack_from(f"<{nblocks}Q", data):
        k = (k * _M) & _MASK
        k ^= k >> 47
        k = (k * _M) & _MASK
        h = ((h ^ k) * _M) & _MASK
    tail = data[8 * nblocks :]
    if tail:
        h = ((h ^ int.from_bytes(tail, "little")) * _M) & _MASK
    h ^= h >> 47
    h = (h * _M) & _MASK
    return h ^ (h >> 47)


def _read_key_table(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """spaCy's key2row file (a MessagePack map of unsigned integers) as sorted keys and their rows."""
    data = path.read_bytes()
    pos, count = _msgpack_map_header(data)
    keys = np.empty(count, np.uint64)
    rows = np.empty(count, np.int32)
    for i in range(count):
        keys[i], pos = _msgpack_uint(data, pos)
        rows[i], pos = _msgpack_uint(data, pos)
    order = np.argsort(keys, kind="stable")
    rows = rows[order]
    return keys[order], rows.astype(np.uint16) if len(rows) and rows.max() < 1 << 16 else rows


def _msgpack_map_header(data: bytes) -> tuple[int, int]:
    t = data[0]
    if 0x80 <= t <= 0x8F:
        return 1, t & 0x0F
    if t == 0xDE:
        return 3, struct.unpack_from(">H", data, 1)[0]
    if t == 0xDF:
        return 5, struct.unpack_from(">I", data, 1)[0]
    raise ValueError(f"key table: not a map (0x{t:02x})")


_UINT = {0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q"}


def _msgpack_uint(data: bytes, pos: int) -> tuple[int, int]:
    t = data[pos]
    if t < 0x80:
        return t, pos + 1
    fmt = _UINT.get(t)
    if fmt is None:
        raise ValueError(f"key table: not an unsigned integer (0x{t:02x}) at {pos}")
    return struct.unpack_from(fmt, data, pos + 1)[0], pos + 1 + struct.calcsize(fmt)


def _to_katakana(word: str) -> str:
    return "".join(chr(ord(ch) + 0x60) if "\u3041" <= ch <= "\u3096" else ch for ch in word)


class WordVectors:
    """Unit vectors of words; ``row(word)`` is the vector row of a word (or -1), ``unit(rows)`` the
    unit vectors of rows."""

    def __init__(self, vectors: np.ndarray, keys: np.ndarray, rows: np.ndarray):
        self.vectors = vectors  # (n, dim) float32, possibly memory-mapped
        norms = np.sqrt(np.einsum("ij,ij->i", vectors, vectors, dtype=np.float64)).astype(np.float32)
        self.inv_norm = np.where(norms > 0, 1.0 / np.maximum(norms, 1e-12), 0.0).astype(np.float32)
        self.keys = keys
        self.rows = rows
        self.dim = int(vectors.shape[1])

    @classmethod
    def from_folder(cls, folder: Path | str) -> "WordVectors":
        """A spaCy vocabulary folder (``vectors`` + ``key2row``)."""
        folder = Path(folder)
        # a plain array over the mapped pages (slices of a np.memmap are costly new memmaps)
        vectors = np.load(folder / "vectors", mmap_mode="r", allow_pickle=False).view(np.ndarray)
        if vectors.ndim != 2 or vectors.dtype != np.float32:
            raise ValueError(f"{folder}: vectors of shape {vectors.shape} and type {vectors.dtype}")
        keys, rows = _read_key_table(folder / "key2row")
        return cls(vectors, keys, rows)

    def __len__(self) -> int:
        return len(self.keys)

    def _lookup(self, word: str) -> int:
        h = np.uint64(murmurhash64a(word.encode("utf-8")))
        i = int(np.searchsorted(self.keys, h))
        return int(self.rows[i]) if i < len(self.keys) and self.keys[i] == h else -1

    def row(self, word: str) -> int:
        """The vector row of a word as the index keeps it (NFKC, kana folded to hiragana): tried as
        written, then in katakana (ぶらし -> ブラシ); -1 if the vectors do not know it."""
        word = nfkc(word)
        r = self._lookup(word)
        if r < 0:
            kata = _to_katakana(word)
            if kata != word:
                r = self._lookup(kata)
        return r

    def unit(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        return np.asarray(self.vectors[rows], dtype=np.float32) * self.inv_norm[rows][:, None]


_lock = threading.Lock()
_loaded: list[WordVectors | None] = []


def ginza_folder() -> Path | None:
    """The vocabulary folder of the installed ja_ginza package (found without importing it, which
    would import spaCy), or None."""
    try:
        spec = importlib.util.find_spec("ja_ginza")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        for folder in sorted(Path(base).glob("ja_ginza-*/vocab")):
            if (folder / "vectors").is_file() and (folder / "key2row").is_file():
                return folder
    return None


def word_vectors() -> WordVectors | None:
    """The process's word vectors (read once, on first use), or None without the ja-ginza package."""
    with _lock:
        if not _loaded:
            folder = ginza_folder()
            _loaded.append(WordVectors.from_folder(folder) if folder is not None else None)
        return _loaded[0]
