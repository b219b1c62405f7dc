"""Order-preserving keyed lookups of source tables onto the sorted base dyad-years.

The base (``ccode1, ccode2, year``, sorted by year, ccode1, ccode2) is built once; each
family's source table is attached by packing its key columns into one Int64 (year, then
codes, each offset to be non-negative), sorting the table by that key and finding every
base row's key with a binary search. The base rows are never moved, so the result needs
no final sort, and a family's columns are gathered by row index.

This gives the same result as ``base LEFT JOIN table ON key`` when the table has at most
one row per key; a table with duplicate keys (which would repeat base rows) raises
:class:`DuplicateKeys` and the panel falls back to the SQL path.
"""

from __future__ import annotations

import threading
from typing import Literal

import numpy as np
import polars as pl

from allyscope.panel.dyads import Grid

#: how a lookup's key relates to the base row
#: dyad: (year, ccode1, ccode2); reverse: (year, ccode2, ccode1);
#: pair: (year, min, max) for non-directed tables stored with ccode1 < ccode2;
#: state1 / state2: (year, ccode1) / (year, ccode2) for state-year tables.
On = Literal["dyad", "reverse", "pair", "state1", "state2"]
DYADIC = ("dyad", "reverse", "pair")


class DuplicateKeys(Exception):
    """A lookup table has two rows for one key (a SQL join would repeat base rows)."""


def pack(year: np.ndarray, a: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """(year, a[, b]) of Int16-range integers as one Int64 that sorts like the tuple."""
    key = year.astype(np.int64) + 32768
    key = key * 65536 + (a.astype(np.int64) + 32768)
    if b is not None:
        key = key * 65536 + (b.astype(np.int64) + 32768)
    return key


def _codes(s: pl.Series) -> tuple[np.ndarray, np.ndarray | None]:
    """Codes as a numpy array (nulls as 0) and the null mask (None if there are none)."""
    if s.null_count():
        return s.fill_null(0).to_numpy(), s.is_null().to_numpy()
    return s.to_numpy(), None


class Base:
    """The sorted base dyad-years and how to find a source row for each of them.

    With a :class:`~allyscope.panel.dyads.Grid` (COW system), a table's row numbers are
    scattered into the per-year member grid and read back at the base rows' cells; without
    one (G-W rows carry COW codes that may repeat or be null), table keys are packed,
    sorted and searched.
    """

    def __init__(self, frame: pl.DataFrame, grid: Grid | None = None) -> None:
        self.frame = frame
        self.grid = grid
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.RLock()  # families look up in threads; build shared keys once
        if grid is None:
            self.year = frame["year"].to_numpy()
            self.c1, n1 = _codes(frame["ccode1"])
            self.c2, n2 = _codes(frame["ccode2"])
            both = n1 if n2 is None else (n2 if n1 is None else n1 | n2)
            # base rows whose key has a null code (they match nothing), by lookup kind;
            # least()/greatest() skip nulls, so a pair key is null only if both codes are
            pair = None if n1 is None or n2 is None else n1 & n2
            self.null = {"state1": n1, "state2": n2, "dyad": both, "reverse": both, "pair": pair}
            self.n1, self.n2 = n1, n2

    # -- sorted keys (any base) ---------------------------------------------------------
    def keys(self, on: On) -> np.ndarray:
        with self._lock:
            return self._keys(on)

    def _keys(self, on: On) -> np.ndarray:
        if on not in self._cache:
            y, a, b = self.year, self.c1, self.c2
            if on == "dyad":
                k = pack(y, a, b)
            elif on == "reverse":
                k = pack(y, b, a)
            elif on == "pair":
                lo, hi = np.minimum(a, b), np.maximum(a, b)
                if self.n1 is not None:  # least(NULL, b) = greatest(NULL, b) = b
                    lo, hi = np.where(self.n1, b, lo), np.where(self.n1, b, hi)
                if self.n2 is not None:
                    lo, hi = np.where(self.n2, a, lo), np.where(self.n2, a, hi)
                k = pack(y, lo, hi)
            elif on == "state1":
                k = pack(y, a)
            else:
                k = pack(y, b)
            self._cache[on] = k
        return self._cache[on]

    def _rows_by_key(self, parts: list[np.ndarray], on: On, what: str) -> np.ndarray:
        tk = pack(*parts)
        n = len(tk)
        order = None
        if n > 1 and not (tk[1:] >= tk[:-1]).all():
            order = np.argsort(tk, kind="stable")
            tk = tk[order]
        if n > 1 and (tk[1:] == tk[:-1]).any():
            raise DuplicateKeys(f"{what}: two rows for one key")
        if n == 0:
            return np.zeros(self.frame.height, dtype=np.int64)
        bk = self.keys(on)
        pos = np.minimum(np.searchsorted(tk, bk), n - 1)
        found = tk[pos] == bk
        null = self.null[on]
        if null is not None:
            found &= ~null
        if order is not None:
            pos = order[pos]
        return np.where(found, pos, n)

    # -- grid (COW base) ----------------------------------------------------------------
    def _grid_maps(self) -> dict[str, np.ndarray]:
        """Year x code -> member position in that year (-1 if none), and per year its
        block's first cell, first state slot and size. Row 0 / column 0 and the last row
        / column are all -1: years and codes outside the base's span are clipped onto
        them."""
        with self._lock:
            return self._make_grid_maps()

    def _make_grid_maps(self) -> dict[str, np.ndarray]:
        if "pos" not in self._cache:
            g = self.grid
            assert g is not None
            live = [u for u in g.members if len(u)]
            y0 = int(g.years[0]) - 1 if len(g.years) else 0
            c0 = min(int(u[0]) for u in live) - 1 if live else 0
            span = int(g.years[-1]) - y0 + 2 if len(g.years) else 2
            width = max(int(u[-1]) for u in live) - c0 + 2 if live else 2
            # int64 (intp) throughout: numpy gathers by intp indices without converting
            pos = np.full((span, width), -1, dtype=np.intp)
            coff = np.zeros(span, dtype=np.intp)
            soff = np.zeros(span, dtype=np.intp)
            size = np.zeros(span, dtype=np.intp)
            for k, u in enumerate(g.members):
                yi = int(g.years[k]) - y0
                pos[yi, u.astype(np.int64) - c0] = np.arange(len(u))
                coff[yi], soff[yi], size[yi] = g.cell_offset[k], g.state_offset[k], len(u)
            self._cache.update(
                pos=pos.ravel(),
                coff=coff,
                soff=soff,
                size=size,
                origin=np.array([y0, c0, span, width]),
            )
        return self._cache

    def _rows_by_grid(self, parts: list[np.ndarray], on: On, what: str) -> np.ndarray:
        g = self.grid
        assert g is not None
        m = self._grid_maps()
        y0, c0, span, width = (int(v) for v in m["origin"])
        n_rows = len(parts[0])
        yi = np.clip(parts[0].astype(np.intp), y0, y0 + span - 1) - y0
        lin = yi * width - c0
        pos = [m["pos"][lin + np.clip(c.astype(np.intp), c0, c0 + width - 1)] for c in parts[1:]]
        valid = pos[0] >= 0
        for p in pos[1:]:
            valid &= p >= 0
        if on == "pair":  # only rows stored as (smaller, larger) match, as in the SQL join
            valid &= parts[1] < parts[2]
        if on in DYADIC:
            dummy = int(g.cell_offset[-1])  # a cell no base row reads
            off, n = m["coff"][yi], m["size"][yi]
            targets = [np.where(valid, off + pos[0] * n + pos[1], dummy)]
            if on == "pair":  # a non-directed row serves both directions
                targets.append(np.where(valid, off + pos[1] * n + pos[0], dummy))
            if on == "reverse":
                with self._lock:
                    if "reverse" not in self._cache:
                        self._cache["reverse"] = g.reverse_cells()
                read = self._cache["reverse"]
            else:
                read = g.row_cell
        else:
            dummy = int(g.state_offset[-1])
            targets = [np.where(valid, m["soff"][yi] + pos[0], dummy)]
            read = g.row_s1 if on == "state1" else g.row_s2
        table = np.full(dummy + 1, n_rows, dtype=np.uint32)
        rows = np.arange(n_rows, dtype=np.uint32)
        for t in targets:
            table[t] = rows
        # every valid row fills its own cell(s) unless two rows share a key
        if np.count_nonzero(table[:dummy] != n_rows) != len(targets) * np.count_nonzero(valid):
            raise DuplicateKeys(f"{what}: two rows for one key")
        return table[read]

    def rows(self, table: pl.DataFrame, on: On, what: str = "table") -> np.ndarray:
        """For every base row, the row of ``table`` with its key, or ``table.height`` if none.

        ``table`` has key columns ``year, ccode1, ccode2`` (dyadic ``on``) or
        ``year, ccode`` (state-year ``on``) without nulls."""
        key_cols = ["year", "ccode1", "ccode2"] if on in DYADIC else ["year", "ccode"]
        parts = [table[c].to_numpy() for c in key_cols]
        if self.grid is not None:
            return self._rows_by_grid(parts, on, what)
        return self._rows_by_key(parts, on, what).astype(np.uint32)

    def gather(
        self,
        table: pl.DataFrame,
        on: On,
        prefix: str,
        absent: dict[str, object] | None = None,
    ) -> pl.DataFrame:
        """``table``'s value columns (named ``prefix + name``) for every base row, null (or
        ``absent[name]``) where the table has no row for the base row's key, as a LEFT
        JOIN would give."""
        key_cols = ["year", "ccode1", "ccode2"] if on in DYADIC else ["year", "ccode"]
        if any(table[c].null_count() for c in key_cols):
            table = table.drop_nulls(key_cols)  # a null key never matches in a join
        idx = self.rows(table, on, prefix)
        values = table.drop(key_cols)
        fill = absent or {}
        null_row = pl.DataFrame(
            [pl.Series(c, [fill.get(c)], dtype=t) for c, t in values.schema.items()]
        )
        return (
            pl.concat([values, null_row], rechunk=True)
            .gather(pl.Series(idx))
            .rename(lambda c: prefix + c)
        )
