"""Order-preserving keyed lookups of source tables onto the sorted base dyad-years.

The base (``ccode1, ccode2, year``, sorted by year, ccode1, ccode2) is built once; each
family's source table is attached by finding, for every base row, the row of the table
with its key. The base rows are never moved, so the result needs no final sort, and a
family's columns are gathered by row index.

- COW system (a :class:`~allyscope.panel.dyads.Grid`): the table's row numbers are
  scattered into the per-year member grid and read back at the base rows' cells, with
  Polars alone (numpy is not imported, which saves its import time on every panel).
- Without a grid (G-W rows carry COW codes that may repeat or be null): table keys are
  packed into one Int64 (year, then codes, each offset to be non-negative), sorted and
  binary-searched with numpy.

This gives the same result as ``base LEFT JOIN table ON key`` when the table has at most
one row per key; a table with duplicate keys (which would repeat base rows) raises
:class:`DuplicateKeys` and the panel falls back to the SQL path.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from allyscope.panel.dyads import Grid

if TYPE_CHECKING:
    import numpy as np

#: how a lookup's key relates to the base row
#: dyad: (year, ccode1, ccode2); reverse: (year, ccode2, ccode1);
#: pair: (year, min, max) for non-directed tables stored with ccode1 < ccode2;
#: state1 / state2: (year, ccode1) / (year, ccode2) for state-year tables.
On = Literal["dyad", "reverse", "pair", "state1", "state2"]
DYADIC = ("dyad", "reverse", "pair")
NONE = 2**32 - 1  # in the grid maps: not a member that year


class DuplicateKeys(Exception):
    """A lookup table has two rows for one key (a SQL join would repeat base rows)."""


def pack(year: np.ndarray, a: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """(year, a[, b]) of Int16-range integers as one Int64 that sorts like the tuple."""
    import numpy as np

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
        self._cache: dict[str, Any] = {}  # keys by lookup kind, grid maps, reverse cells
        self._lock = threading.RLock()  # families look up in threads; build shared keys once
        if grid is None:
            self.year = frame["year"].to_numpy()  # imports numpy (the key path only)
            self.c1, n1 = _codes(frame["ccode1"])
            self.c2, n2 = _codes(frame["ccode2"])
            both = n1 if n2 is None else (n2 if n1 is None else n1 | n2)
            # base rows whose key has a null code (they match nothing), by lookup kind;
            # least()/greatest() skip nulls, so a pair key is null only if both codes are
            pair = None if n1 is None or n2 is None else n1 & n2
            self.null = {"state1": n1, "state2": n2, "dyad": both, "reverse": both, "pair": pair}
            self.n1, self.n2 = n1, n2
            # G-W rows also carry their own codes (never null): lookups keyed by gwcode
            self.g1 = frame["gwcode1"].to_numpy() if "gwcode1" in frame.columns else None
            self.g2 = frame["gwcode2"].to_numpy() if "gwcode2" in frame.columns else None

    # -- sorted keys (any base) ---------------------------------------------------------
    def keys(self, on: On, codes: str = "ccode") -> np.ndarray:
        with self._lock:
            return self._keys(on, codes)

    def _keys(self, on: On, codes: str = "ccode") -> np.ndarray:
        import numpy as np

        name = on if codes == "ccode" else f"{on}:{codes}"
        if name not in self._cache:
            y, a, b = self.year, self.c1, self.c2
            if codes == "gwcode":
                if self.g1 is None or self.g2 is None:
                    raise ValueError("a lookup by gwcode needs G-W base rows")
                a, b = self.g1, self.g2
            if on == "dyad":
                k = pack(y, a, b)
            elif on == "reverse":
                k = pack(y, b, a)
            elif on == "pair":
                lo, hi = np.minimum(a, b), np.maximum(a, b)
                if codes == "ccode" and self.n1 is not None:  # least(NULL, b) = b
                    lo, hi = np.where(self.n1, b, lo), np.where(self.n1, b, hi)
                if codes == "ccode" and self.n2 is not None:
                    lo, hi = np.where(self.n2, a, lo), np.where(self.n2, a, hi)
                k = pack(y, lo, hi)
            elif on == "state1":
                k = pack(y, a)
            else:
                k = pack(y, b)
            self._cache[name] = k
        return self._cache[name]

    def _rows_by_key(
        self, parts: list[np.ndarray], on: On, what: str, codes: str = "ccode"
    ) -> np.ndarray:
        import numpy as np

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
        bk = self.keys(on, codes)
        pos = np.minimum(np.searchsorted(tk, bk), n - 1)
        found = tk[pos] == bk
        null = self.null[on] if codes == "ccode" else None
        if null is not None:
            found &= ~null
        if order is not None:
            pos = order[pos]
        return np.where(found, pos, n)

    # -- grid (COW base) ----------------------------------------------------------------
    def _grid_maps(self) -> dict[str, Any]:
        """Year x code -> the state's index among the year's members (``NONE`` if not a
        member), and per year its block's first cell, first state slot and size. Row 0 /
        column 0 and the last row / column are empty: years and codes outside the base's
        span are clipped onto them."""
        with self._lock:
            if "grid" not in self._cache:
                self._cache["grid"] = self._make_grid_maps()
            return self._cache["grid"]

    def _make_grid_maps(self) -> dict[str, Any]:
        g = self.grid
        assert g is not None
        mem = g.members
        if mem.is_empty():
            y0, c0, span, width = 0, 0, 2, 2
        else:
            y0 = int(mem["year"].min()) - 1  # type: ignore[arg-type]
            c0 = int(mem["code"].min()) - 1  # type: ignore[arg-type]
            span = int(mem["year"].max()) - y0 + 2  # type: ignore[arg-type]
            width = int(mem["code"].max()) - c0 + 2  # type: ignore[arg-type]
        cell = (pl.col("year").cast(pl.Int64) - y0) * width + pl.col("code").cast(pl.Int64) - c0
        pos = pl.repeat(NONE, span * width, dtype=pl.UInt32, eager=True)
        pos.scatter(mem.select(cell).to_series(), mem["i"])
        years = mem.group_by("year").agg(
            pl.col("coff").first(), pl.col("slot").first().cast(pl.UInt32), pl.col("n").first()
        )
        at = (years["year"].cast(pl.Int64) - y0).alias("at")
        per_year = {}
        for c in ("coff", "slot", "n"):
            col = pl.repeat(0, span, dtype=pl.UInt32, eager=True)
            col.scatter(at, years[c])
            per_year[c] = col
        return {"pos": pos, "origin": (y0, c0, span, width), **per_year}

    def _rows_by_grid(self, table: pl.DataFrame, on: On, what: str) -> pl.Series:
        g = self.grid
        assert g is not None
        m = self._grid_maps()
        y0, c0, span, width = m["origin"]
        pos, coff, soff, size = m["pos"], m["coff"], m["slot"], m["n"]
        n_rows = table.height
        yi = ((table["year"].cast(pl.Int64) - y0).clip(0, span - 1)).alias("yi")
        codes = ["ccode1", "ccode2"] if on in DYADIC else ["ccode"]
        found = pl.DataFrame(
            [
                pl.int_range(n_rows, dtype=pl.UInt32, eager=True).alias("row"),
                yi,
                *(
                    pos.gather(
                        yi * width + (table[c].cast(pl.Int64) - c0).clip(0, width - 1)
                    ).alias(f"i{k}")
                    for k, c in enumerate(codes, 1)
                ),
            ]
        )
        valid = pl.all_horizontal(pl.col(f"i{k}") != NONE for k in range(1, len(codes) + 1))
        if on == "pair":  # only rows stored as (smaller, larger) match, as in the SQL join
            valid &= table["ccode1"] < table["ccode2"]
        found = found.filter(valid)
        yi = found["yi"]
        if on in DYADIC:
            base, n = coff.gather(yi), size.gather(yi)
            i1, i2 = found["i1"], found["i2"]
            targets = [base + i1 * n + i2]
            if on == "pair":  # a non-directed row serves both directions
                targets.append(base + i2 * n + i1)
            cells, read = g.cells, "row_cell"
        else:
            targets = [soff.gather(yi) + found["i1"]]
            cells, read = g.members.height, "row_s1" if on == "state1" else "row_s2"
        # one more slot for base rows without a source row: the table's height (null row)
        table_rows = pl.repeat(n_rows, cells + 1, dtype=pl.UInt32, eager=True)
        for t in targets:
            table_rows.scatter(t, found["row"])
        # every found row fills its own cell(s) unless two rows share a key
        if (table_rows != n_rows).sum() != len(targets) * found.height:
            raise DuplicateKeys(f"{what}: two rows for one key")
        return table_rows.gather(self._reverse_cells() if on == "reverse" else g.rows[read])

    def _reverse_cells(self) -> pl.Series:
        """Per base row: the cell of the dyad the other way round."""
        with self._lock:
            if "reverse" not in self._cache:
                g, m = self.grid, self._grid_maps()
                assert g is not None
                y0 = m["origin"][0]
                yi = self.frame["year"].cast(pl.Int64) - y0
                soff = m["slot"].gather(yi)
                i, j = g.rows["row_s1"] - soff, g.rows["row_s2"] - soff
                coff, n = m["coff"].gather(yi), m["n"].gather(yi)
                self._cache["reverse"] = coff + j * n + i
            return self._cache["reverse"]

    def rows(
        self, table: pl.DataFrame, on: On, what: str = "table", codes: str = "ccode"
    ) -> pl.Series:
        """For every base row, the row of ``table`` with its key, or ``table.height`` if none
        (UInt32).

        ``table`` has key columns ``year, ccode1, ccode2`` (dyadic ``on``) or
        ``year, ccode`` (state-year ``on``) without nulls; with ``codes="gwcode"``,
        ``gwcode1, gwcode2`` / ``gwcode`` (G-W base rows only)."""
        if self.grid is not None:
            if codes != "ccode":
                raise ValueError("the COW grid is keyed by ccode; translate G-W codes first")
            return self._rows_by_grid(table, on, what)
        key_cols = _key_cols(on, codes)
        parts = [table[c].to_numpy() for c in key_cols]
        return pl.Series(self._rows_by_key(parts, on, what, codes), dtype=pl.UInt32)

    def gather(
        self,
        table: pl.DataFrame,
        on: On,
        prefix: str,
        absent: dict[str, object] | None = None,
        codes: str = "ccode",
    ) -> pl.DataFrame:
        """``table``'s value columns (named ``prefix + name``) for every base row, null (or
        ``absent[name]``) where the table has no row for the base row's key, as a LEFT
        JOIN would give."""
        key_cols = _key_cols(on, codes)
        if any(table[c].null_count() for c in key_cols):
            table = table.drop_nulls(key_cols)  # a null key never matches in a join
        idx = self.rows(table, on, prefix, codes)
        values = table.drop(key_cols)
        fill = absent or {}
        null_row = pl.DataFrame(
            [pl.Series(c, [fill.get(c)], dtype=t) for c, t in values.schema.items()]
        )
        return pl.concat([values, null_row], rechunk=True).gather(idx).rename(lambda c: prefix + c)


def _key_cols(on: On, codes: str = "ccode") -> list[str]:
    """A lookup table's key columns: ``year`` and the codes (``ccode``/``gwcode``)."""
    return ["year", f"{codes}1", f"{codes}2"] if on in DYADIC else ["year", codes]
