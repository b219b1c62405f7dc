"""System baselines: where a dyad's value stands among all dyads of the same year.

Absolute levels drift (the UN agenda changes, world trade grows), so closeness is read as
a percentile among all pairs of system members that year. Pairs with no record in a
dataset that lists only non-zero dyads (trade, IGOs) count as zeros, so the percentile is
over every pair of members, as ``n_pairs`` gives.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import polars as pl

from allyscope.states.table import cow_membership


@cache
def members_per_year() -> dict[int, int]:
    """Number of COW system members in each year."""
    counts = (
        cow_membership()
        .select(
            "ccode",
            pl.int_ranges(pl.col("start").dt.year(), pl.col("end").dt.year() + 1).alias("year"),
        )
        .explode("year")
        .unique()
        .group_by("year")
        .len()
    )
    return dict(zip(counts["year"].to_list(), counts["len"].to_list(), strict=True))


def n_pairs(year: int) -> int:
    n = members_per_year().get(year, 0)
    return n * (n - 1) // 2


class YearDistribution:
    """Sorted values per year, with optional implicit zeros up to all pairs of members."""

    def __init__(self, table: pl.DataFrame, value: str, implicit_zeros: bool = False) -> None:
        self._sorted: dict[int, np.ndarray] = {}
        t = table.select("year", value).drop_nulls()
        for (year,), g in t.partition_by("year", as_dict=True).items():
            v = np.sort(g[value].to_numpy().astype(np.float64))
            if implicit_zeros:
                missing = n_pairs(int(year)) - len(v)
                if missing > 0:
                    v = np.concatenate([np.zeros(missing), v])
                    v.sort()
            self._sorted[int(year)] = v

    def years(self) -> list[int]:
        return sorted(self._sorted)

    def percentile(self, years: pl.Series, values: pl.Series) -> pl.Series:
        """Mid-rank percentile (0-1) of each value among its year's values; null if either is null."""
        y = years.to_numpy()
        v = values.cast(pl.Float64).to_numpy()
        out = np.full(len(v), np.nan)
        for year in np.unique(y):
            ref = self._sorted.get(int(year))
            if ref is None or len(ref) == 0:
                continue
            sel = (y == year) & ~np.isnan(v)
            lo = np.searchsorted(ref, v[sel], side="left")
            hi = np.searchsorted(ref, v[sel], side="right")
            out[sel] = (lo + hi) / 2.0 / len(ref)
        return pl.Series(values.name, out, nan_to_null=True)


def pairwise_abs_differences(table: pl.DataFrame, value: str) -> pl.DataFrame:
    """All |x_i - x_j| over pairs of states with a value in the same year (columns year, value)."""
    parts = []
    t = table.select("year", value).drop_nulls()
    for (year,), g in t.partition_by("year", as_dict=True).items():
        x = g[value].to_numpy().astype(np.float64)
        iu, ju = np.triu_indices(len(x), k=1)
        parts.append(pl.DataFrame({"year": np.full(len(iu), year), value: np.abs(x[iu] - x[ju])}))
    if not parts:
        return pl.DataFrame(schema={"year": pl.Int64, value: pl.Float64})
    return pl.concat(parts)
