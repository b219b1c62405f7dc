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
        if grid is None:
            self.year = frame["year"].to_numpy()
            self.c1, n1 = _codes(frame["ccode1"])
            self.c2, n2 = _codes(frame["ccode2"])
            both = n1 if n2 is None else (n2 if n1 is None else n1 | n2)
            # base rows whose key has a null code (they match nothing), by lookup kind
            self.null = {"state1": n1, "state2": n2, "dyad": both, "reverse": both, "pair": both}

    # -- sorted keys (any base) ---------------------------------------------------------
    def keys(self, on: On) -> np.ndarray:
        if on not in self._cache:
            y, a, b = self.year, self.c1, self.c2
            if on == "dyad":
                k = pack(y, a, b)
            elif on == "reverse":
                k = pack(y, b, a)
            elif on == "pair":
                k = pack(y, np.minimum(a, b), np.maximum(a, b))
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
        """Year x code -> state slot (-1 if not a member), and per year its block's cell
        offset, state offset and size; out-of-range years and codes go to a last -1 row
        and column."""
        if "slot" not in self._cache:
            g = self.grid
            assert g is not None
            live = [u for u in g.members if len(u)]
            y0 = int(g.years[0]) if len(g.years) else 0
            c0 = min(int(u[0]) for u in live) if live else 0
            span = int(g.years[-1]) - y0 + 1 if len(g.years) else 0
            width = max(int(u[-1]) for u in live) - c0 + 1 if live else 0
            slot = np.full((span + 1, width + 1), -1, dtype=np.int64)
            coff = np.zeros(span + 1, dtype=np.int64)
            soff = np.zeros(span + 1, dtype=np.int64)
            size = np.zeros(span + 1, dtype=np.int64)
            for k, u in enumerate(g.members):
                yi = int(g.years[k]) - y0
                slot[yi, u.astype(np.int64) - c0] = g.state_offset[k] + np.arange(len(u))
                coff[yi], soff[yi], size[yi] = g.cell_offset[k], g.state_offset[k], len(u)
            self._cache.update(
                slot=slot.ravel(),
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

        def index(v: np.ndarray, origin: int, top: int) -> np.ndarray:
            # v - origin, with anything outside 0..top-1 sent to top
            return np.minimum((v.astype(np.int64) - origin).astype(np.uint64), top).astype(np.int64)

        yi = index(parts[0], y0, span)
        slots = [m["slot"][yi * (width + 1) + index(c, c0, width)] for c in parts[1:]]
        valid = slots[0] >= 0
        for sl in slots[1:]:
            valid &= sl >= 0
        if on == "pair":  # only rows stored as (smaller, larger) match, as in the SQL join
            valid &= parts[1] < parts[2]
        rows = np.flatnonzero(valid)
        n_rows = len(parts[0])
        if on in DYADIC:
            yv = yi[rows]
            p1 = slots[0][rows] - m["soff"][yv]
            p2 = slots[1][rows] - m["soff"][yv]
            n, off = m["size"][yv], m["coff"][yv]
            targets = [off + p1 * n + p2]
            if on == "pair":  # a non-directed row serves both directions
                targets.append(off + p2 * n + p1)
            table = np.full(int(g.cell_offset[-1]), n_rows, dtype=np.uint32)
            if on == "reverse":
                if "reverse" not in self._cache:
                    self._cache["reverse"] = g.reverse_cells()
                read = self._cache["reverse"]
            else:
                read = g.row_cell
        else:
            targets = [slots[0][rows]]
            table = np.full(int(g.state_offset[-1]), n_rows, dtype=np.uint32)
            read = g.row_s1 if on == "state1" else g.row_s2
        urows = rows.astype(np.uint32)
        for t in targets:
            table[t] = urows
        for t in targets:
            if (table[t] != urows).any():
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

    def gather(self, table: pl.DataFrame, on: On, prefix: str) -> pl.DataFrame:
        """``table``'s value columns (named ``prefix + name``) for every base row, null where
        the table has no row for the base row's key (as a LEFT JOIN would give)."""
        key_cols = ["year", "ccode1", "ccode2"] if on in DYADIC else ["year", "ccode"]
        table = table.drop_nulls(key_cols)  # a null key never matches in a join
        idx = self.rows(table, on, prefix)
        values = table.drop(key_cols)
        null_row = pl.DataFrame([pl.Series(c, [None], dtype=t) for c, t in values.schema.items()])
        return (
            pl.concat([values, null_row], rechunk=True)
            .gather(pl.Series(idx))
            .rename(lambda c: prefix + c)
        )
