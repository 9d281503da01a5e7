"""Inverted index over analysed records: a bulk-built segment plus a small delta segment.

Rows are internal integers. The base segment is kept twice, as CSR (row -> features,
for removals and explanations) and as CSC (feature -> postings with row ids ascending,
float32 values), both built with scipy.sparse in O(nnz). ``add_delta`` appends a row to a
small delta segment (dict postings) and ``remove`` tombstones a row; once the delta holds
``merge_every`` rows, both segments are merged into a new base - no record is analysed again.

Features are strings: words, ``#`` code 3-grams, ``c:`` concepts, ``!cert:`` filter features.
"""
from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass
class Posting:
    rows: np.ndarray
    vals: np.ndarray


class InvertedIndex:
    def __init__(self) -> None:
        self.feature_id: dict[str, int] = {}
        self.features: list[str] = []
        self.df = np.zeros(0, dtype=np.int32)
        self.alive = np.zeros(0, dtype=np.bool_)
        self.n_rows = 0
        self.n_alive = 0
        # base segment: rows [0, base_rows)
        self.base_rows = 0
        self.row_ptr = np.zeros(1, dtype=np.int64)
        self.row_cols = np.zeros(0, dtype=np.int32)
        self.row_vals = np.zeros(0, dtype=np.float32)
        self.col_ptr = np.zeros(1, dtype=np.int64)
        self.col_rows = np.zeros(0, dtype=np.int32)
        self.col_vals = np.zeros(0, dtype=np.float32)
        # delta segment: rows >= base_rows
        self.delta: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.delta_post: dict[int, tuple[list[int], list[float]]] = {}

    # ------------------------------------------------------------ features
    def col(self, feature: str, create: bool = False) -> int:
        c = self.feature_id.get(feature)
        if c is None:
            if not create:
                return -1
            c = len(self.features)
            self.feature_id[feature] = c
            self.features.append(feature)
            if c >= len(self.df):
                df = np.zeros(max(64, 2 * len(self.df)), dtype=np.int32)
                df[: len(self.df)] = self.df
                self.df = df
        return c

    def doc_freq(self, col: int) -> int:
        return int(self.df[col]) if 0 <= col < len(self.features) else 0

    def _grow_rows(self, n: int) -> None:
        if n > len(self.alive):
            alive = np.zeros(max(n, 2 * len(self.alive), 64), dtype=np.bool_)
            alive[: len(self.alive)] = self.alive
            self.alive = alive

    def encode(self, feats: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """Feature strings -> (column ids, values); new features get new columns. Order is kept."""
        fid = self.feature_id
        try:
            cols = [fid[f] for f in feats]
        except KeyError:
            cols = [self.col(f, create=True) for f in feats]
        return np.array(cols, dtype=np.int32), np.array(list(feats.values()), dtype=np.float32)

    # ------------------------------------------------------------ updates
    def bulk_arrays(self, ptr: np.ndarray, cols: np.ndarray, vals: np.ndarray) -> range:
        """Replace everything by rows given as CSR arrays (row pointer, column ids, values)."""
        n = len(ptr) - 1
        self._set_base(ptr, cols.astype(np.int32, copy=False), vals.astype(np.float32, copy=False), n)
        self.n_rows = n
        self._grow_rows(n)
        self.alive[:n] = True
        self.n_alive = n
        self.df = np.bincount(cols, minlength=max(len(self.features), 1)).astype(np.int32)
        self.delta = {}
        self.delta_post = {}
        return range(n)

    def _set_base(self, ptr: np.ndarray, cols: np.ndarray, vals: np.ndarray, n_rows: int) -> None:
        n_cols = max(len(self.features), 1)
        csr = sp.csr_matrix((vals, cols, ptr), shape=(n_rows, n_cols))
        csc = csr.tocsc()
        csc.sort_indices()
        self.row_ptr, self.row_cols, self.row_vals = ptr.astype(np.int64), cols, vals
        self.col_ptr = csc.indptr.astype(np.int64)
        self.col_rows = csc.indices.astype(np.int32)
        self.col_vals = csc.data.astype(np.float32)
        self.base_rows = n_rows

    def add_delta(self, cols: np.ndarray, vals: np.ndarray) -> int:
        row = self.n_rows
        self.n_rows += 1
        self._grow_rows(self.n_rows)
        self.alive[row] = True
        self.n_alive += 1
        self.delta[row] = (cols, vals)
        np.add.at(self.df, cols, 1)
        for c, v in zip(cols.tolist(), vals.tolist()):
            p = self.delta_post.get(c)
            if p is None:
                self.delta_post[c] = ([row], [v])
            else:
                p[0].append(row)
                p[1].append(v)
        return row

    def remove(self, row: int) -> None:
        if row >= self.n_rows or not self.alive[row]:
            return
        self.alive[row] = False
        cols, _ = self.row(row)
        np.subtract.at(self.df, cols, 1)
        self.n_alive -= 1

    def merge(self) -> None:
        """Fold the delta segment into the base; dead rows keep their number but lose their postings."""
        n = self.n_rows
        lens = np.zeros(n, dtype=np.int64)
        base_lens = np.diff(self.row_ptr)
        base_alive = self.alive[: self.base_rows]
        lens[: self.base_rows] = np.where(base_alive, base_lens, 0)
        keep_entries = np.repeat(base_alive, base_lens)
        parts_c = [self.row_cols[keep_entries]]
        parts_v = [self.row_vals[keep_entries]]
        for row in range(self.base_rows, n):
            d = self.delta.get(row)
            if d is not None and self.alive[row]:
                lens[row] = len(d[0])
                parts_c.append(d[0])
                parts_v.append(d[1])
        ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lens, out=ptr[1:])
        self._set_base(ptr, np.concatenate(parts_c), np.concatenate(parts_v), n)
        self.delta = {}
        self.delta_post = {}

    @property
    def delta_rows(self) -> int:
        return len(self.delta)

    # ------------------------------------------------------------- reading
    def row(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        if row < self.base_rows:
            a, b = self.row_ptr[row], self.row_ptr[row + 1]
            return self.row_cols[a:b], self.row_vals[a:b]
        return self.delta.get(row, (np.zeros(0, np.int32), np.zeros(0, np.float32)))

    def entries(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The features of several rows at once: (position of the row in ``rows``, column) per entry."""
        rows = np.asarray(rows, dtype=np.int64)
        base = rows < self.base_rows
        pos_parts: list[np.ndarray] = []
        col_parts: list[np.ndarray] = []
        if base.any():
            where = np.flatnonzero(base)
            starts = self.row_ptr[rows[where]]
            lens = self.row_ptr[rows[where] + 1] - starts
            first = np.repeat(np.cumsum(lens) - lens, lens)  # where each row's entries begin in the output
            offs = np.arange(int(lens.sum()), dtype=np.int64) - first
            pos_parts.append(np.repeat(where, lens))
            col_parts.append(self.row_cols[np.repeat(starts, lens) + offs])
        for i in np.flatnonzero(~base).tolist():
            cols = self.row(int(rows[i]))[0]
            pos_parts.append(np.full(len(cols), i, dtype=np.int64))
            col_parts.append(cols)
        if not pos_parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int32)
        return np.concatenate(pos_parts), np.concatenate(col_parts).astype(np.int32, copy=False)

    def posting(self, col: int) -> Posting:
        """All postings of a feature (base + delta); may include dead rows (mask with ``alive``)."""
        if 0 <= col < len(self.col_ptr) - 1:
            a, b = self.col_ptr[col], self.col_ptr[col + 1]
            rows, vals = self.col_rows[a:b], self.col_vals[a:b]
        else:
            rows, vals = self.col_rows[:0], self.col_vals[:0]
        d = self.delta_post.get(col)
        if d:
            rows = np.concatenate([rows, np.asarray(d[0], dtype=np.int32)])
            vals = np.concatenate([vals, np.asarray(d[1], dtype=np.float32)])
        return Posting(rows, vals)

    def accumulate(self, weights: dict[int, float], n: int) -> np.ndarray:
        """Sum of weight * value over the postings of the given features, as a dense array over all rows."""
        parts_r = []
        parts_w = []
        for col, w in weights.items():
            p = self.posting(col)
            if len(p.rows):
                parts_r.append(p.rows)
                parts_w.append(p.vals * np.float32(w))
        if not parts_r:
            return np.zeros(n, dtype=np.float64)
        rows = np.concatenate(parts_r)
        ws = np.concatenate(parts_w)
        return np.bincount(rows, weights=ws, minlength=n)[:n]

    def values_for(self, rows: np.ndarray, weights: dict[int, float]) -> np.ndarray:
        """Sum of weight * value of the given features for some rows only (binary search in the postings)."""
        out = np.zeros(len(rows), dtype=np.float64)
        if not len(rows):
            return out
        for col, w in weights.items():
            p = self.posting(col)
            if not len(p.rows):
                continue
            i = np.searchsorted(p.rows, rows)
            i = np.minimum(i, len(p.rows) - 1)
            hit = p.rows[i] == rows
            out += np.where(hit, p.vals[i], 0.0) * w
        return out

    def has(self, row: int, col: int) -> float:
        """Value of one feature in one row (0.0 if absent)."""
        if col < 0:
            return 0.0
        cols, vals = self.row(row)
        hit = np.flatnonzero(cols == col)
        return float(vals[hit[0]]) if len(hit) else 0.0

    def nbytes(self) -> int:
        arrays = (self.row_ptr, self.row_cols, self.row_vals, self.col_ptr, self.col_rows, self.col_vals, self.df, self.alive)
        return int(sum(a.nbytes for a in arrays))


class BulkWriter:
    """Collects encoded rows into flat typed arrays (no per-row numpy objects)."""

    def __init__(self) -> None:
        self.cols = array("i")
        self.vals = array("f")
        self.lens = array("q")

    def add_many(self, cols: np.ndarray, vals: np.ndarray, lens: np.ndarray) -> None:
        """Several rows at once: their columns and values end to end, and each row's length."""
        self.cols.frombytes(cols.astype(np.int32, copy=False).tobytes())
        self.vals.frombytes(vals.astype(np.float32, copy=False).tobytes())
        self.lens.frombytes(lens.astype(np.int64, copy=False).tobytes())

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lens = np.frombuffer(self.lens, dtype=np.int64) if len(self.lens) else np.zeros(0, np.int64)
        ptr = np.zeros(len(lens) + 1, dtype=np.int64)
        np.cumsum(lens, out=ptr[1:])
        cols = np.frombuffer(self.cols, dtype=np.int32).copy() if len(self.cols) else np.zeros(0, np.int32)
        vals = np.frombuffer(self.vals, dtype=np.float32).copy() if len(self.vals) else np.zeros(0, np.float32)
        return ptr, cols, vals

    def __len__(self) -> int:
        return len(self.lens)
