"""The working frame the indicator functions read: one row per dyad-year, a = first state.

:func:`build_context` asks the panel for the raw variables of the requested pairs over the
requested years plus ``LOOKBACK`` earlier years (rolling windows and durability need
them), sorted by (a, b, year). Helpers compute system-wide tables (UN vote similarity of
every pair, ideal points, arms imports) once per context.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from allyscope.errors import InvalidInputError
from allyscope.panel import panel

#: Years before the first requested year that are read for rolling windows and run lengths.
LOOKBACK = 10
#: Rolling window (years) for arms shares and other lumpy flows.
WINDOW = 5
PANEL_VARIABLES = ("atop", "trade", "arms", "igos", "rivalries", "mids", "nmc")
FIRST_YEAR = 1816


def lag(expr: pl.Expr, j: int, keys: Sequence[str] = ("a", "b")) -> pl.Expr:
    """``expr`` of the series' row ``j`` places above (below, when ``j`` < 0), null where the
    series has none. The frame must be sorted by ``keys``, then year: a series' years are then
    consecutive rows, and a plain shift whose keys are this row's stays in the series, with
    no grouping per series (issue 26: over all pairs, windows grouped per dyad cost up to a
    second each)."""
    same = pl.all_horizontal([pl.col(c).shift(j) == pl.col(c) for c in keys])
    return pl.when(same).then(expr.shift(j))

@dataclass
class IndicatorContext:
    """The frame (``a``, ``b``, ``year`` + panel columns) and cached system tables."""

    frame: pl.DataFrame
    first_year: int
    last_year: int
    third: int | None = None
    _cache: dict[str, Any] = field(default_factory=dict)

    def col(self, name: str) -> pl.Series:
        return self.frame[name]

    def cached(self, key: str, fn: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = fn()
        return self._cache[key]

    def eval(self, expr: pl.Expr) -> pl.Series:
        """Evaluate an expression over the frame (window expressions run per dyad)."""
        return self.frame.select(expr).to_series()

    def per_dyad(self, expr: pl.Expr) -> pl.Series:
        return self.eval(expr.over("a", "b"))

    def lookup(
        self, table: pl.DataFrame, left_on: Sequence[str], right_on: Sequence[str], value: str
    ) -> pl.Series:
        """Values of ``table`` matched to each frame row (null where none), keeping row order."""
        right = table.select(*right_on, value).unique(subset=list(right_on), keep="first")
        right = right.rename(dict(zip(right_on, left_on, strict=True)))
        right = right.with_columns([pl.col(c).cast(self.frame.schema[c]) for c in left_on])
        out = self.frame.select(left_on).join(
            right, on=list(left_on), how="left", maintain_order="left"
        )
        return out[value]

    def dyad_lookup(
        self, table: pl.DataFrame, value: str, c1: str = "ccode1", c2: str = "ccode2"
    ) -> pl.Series:
        """Values of an undirected table keyed (c1, c2, year) matched in either order.

        The table is matched once per context for all its columns: several indicators read
        the same table (the event counts five times), and a match over all pairs of a
        ranking costs 0.04 s. The context keeps the table it matched, so it is the same
        object, not another one at the same address, that finds the match again.
        """
        key = ("_dyad_lookup", id(table), c1, c2)
        hit = self._cache.get(key)
        if hit is None or hit[0] is not table:
            hit = self._cache[key] = (table, self._dyad_match(table, c1, c2))
        return hit[1][value]

    def _dyad_match(self, table: pl.DataFrame, c1: str, c2: str) -> pl.DataFrame:
        t = table.select(
            pl.min_horizontal(c1, c2).alias("lo"),
            pl.max_horizontal(c1, c2).alias("hi"),
            "year",
            pl.exclude(c1, c2, "year"),
        )
        # the frame's pair keys, and their distinct values, once per context: its rows never
        # change, only its columns grow (0.07 s a call over all pairs of a ranking)
        keyed, distinct = self.cached("_dyad_keys", self._dyad_keys)
        t = t.with_columns([pl.col(c).cast(keyed.schema[c]) for c in ("lo", "hi", "year")])
        t = t.join(distinct, on=["lo", "hi", "year"], how="semi").unique(
            subset=["lo", "hi", "year"], keep="first"
        )
        return keyed.join(t, on=["lo", "hi", "year"], how="left", maintain_order="left")

    def states(self) -> pl.Series:
        """The distinct states of the frame's pairs (Int16): a system table that is only read
        at the frame's pairs can be cut to them before a join (all states for a ranking)."""
        return self.cached(
            "_states",
            lambda: pl.concat([self.frame["a"], self.frame["b"]]).unique().cast(pl.Int16),
        )

    def _dyad_keys(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        keyed = self.frame.select(
            pl.min_horizontal("a", "b").alias("lo"), pl.max_horizontal("a", "b").alias("hi"), "year"
        )
        return keyed, keyed.unique()


def build_context(
    pairs: list[tuple[int, int]] | None,
    first_year: int,
    last_year: int,
    third: int | None = None,
) -> IndicatorContext:
    """Read the panel for ``pairs`` (None: every pair of members, a < b) and the years."""
    if first_year > last_year:
        raise InvalidInputError(f"the first year {first_year} is after the last year {last_year}")
    start = max(FIRST_YEAR, first_year - LOOKBACK)
    frame = panel(
        years=(start, last_year),
        dyads=pairs,
        variables=list(PANEL_VARIABLES),
        directed=pairs is not None,
    ).rename({"ccode1": "a", "ccode2": "b"})
    frame = frame.sort("a", "b", "year")
    return IndicatorContext(frame=frame, first_year=first_year, last_year=last_year, third=third)
