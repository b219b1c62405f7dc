"""Economic dimension: bilateral trade in both directions and each side's dependence on it.

COW dyadic trade 4.0 runs to 2014; later years are null (no later dyadic trade source is
bundled), never 0, until the user brings a newer release into the cache (the years are read
from the table in use). Dependence is trade with the partner as a share of the state's total
trade (COW national totals, same release).
"""

from __future__ import annotations

import polars as pl

from allyscope.indicators.catalog import indicator
from allyscope.indicators.context import IndicatorContext
from allyscope.indicators.system import YearDistribution
from allyscope.sources.store import load

TRADE = ("cow_trade",)
NATIONAL = ("cow_trade", "cow_trade_national")


def trade_years() -> tuple[int, int]:
    """The years of dyadic trade in use: COW 4.0 (1870-2014) or the user's newer release
    (``allyscope data update cow_trade``)."""
    from allyscope.panel.trade import FAMILY

    return FAMILY.span()


def trend_years() -> tuple[int, int]:
    """A five-year trend needs five earlier years of trade."""
    first, last = trade_years()
    return first + 5, last


COVERAGE = trade_years


@indicator("imports_a_from_b", "economic", TRADE, COVERAGE, 1, "US$ million", "imports of a from b")
def imports_a_from_b(ctx: IndicatorContext) -> pl.Series:
    return ctx.col("flow1").alias("imports_a_from_b")


@indicator("imports_b_from_a", "economic", TRADE, COVERAGE, 1, "US$ million", "imports of b from a")
def imports_b_from_a(ctx: IndicatorContext) -> pl.Series:
    return ctx.col("flow2").alias("imports_b_from_a")


@indicator(
    "trade_total",
    "economic",
    TRADE,
    COVERAGE,
    1,
    "US$ million",
    "trade between them, both directions",
)
def trade_total(ctx: IndicatorContext) -> pl.Series:
    return ctx.eval(pl.col("flow1") + pl.col("flow2")).alias("trade_total")


@indicator(
    "trade_pct",
    "economic",
    TRADE,
    COVERAGE,
    1,
    "percentile 0-1",
    "percentile of trade_total among all pairs of system members that year (pairs without trade count as 0)",
)
def trade_pct(ctx: IndicatorContext) -> pl.Series:
    def dist() -> YearDistribution:
        t = load("cow_trade", ["year", "flow1", "flow2"]).select(
            "year", (pl.col("flow1") + pl.col("flow2")).alias("v")
        )
        return YearDistribution(t, "v", implicit_zeros=True, years=ctx.col("year"))

    return (
        ctx.cached("trade_dist", dist)
        .percentile(ctx.col("year"), ctx.col("trade_total"))
        .alias("trade_pct")
    )


def _share(ctx: IndicatorContext, side: str) -> pl.Series:
    nat = ctx.cached(
        "trade_national",
        lambda: load("cow_trade_national").select(
            "ccode", "year", (pl.col("imports") + pl.col("exports")).alias("tot")
        ),
    )
    total = ctx.lookup(nat, [side, "year"], ["ccode", "year"], "tot")
    s = ctx.col("trade_total") / total
    return pl.select(pl.when(total > 0).then(s).otherwise(None)).to_series()


@indicator(
    "trade_share_a",
    "economic",
    NATIONAL,
    COVERAGE,
    1,
    "share 0-1",
    "trade with b as a share of a's total trade (a's dependence on b)",
)
def trade_share_a(ctx: IndicatorContext) -> pl.Series:
    return _share(ctx, "a").alias("trade_share_a")


@indicator(
    "trade_share_b",
    "economic",
    NATIONAL,
    COVERAGE,
    1,
    "share 0-1",
    "trade with a as a share of b's total trade (b's dependence on a)",
)
def trade_share_b(ctx: IndicatorContext) -> pl.Series:
    return _share(ctx, "b").alias("trade_share_b")


@indicator(
    "trade_trend",
    "economic",
    TRADE,
    trend_years,
    1,
    "log change per year",
    "growth of trade_total per year over the last five years (log points)",
)
def trade_trend(ctx: IndicatorContext) -> pl.Series:
    x = pl.col("trade_total")
    g = (x.log() - x.shift(5).log()) / 5.0
    r = ctx.per_dyad(pl.when((x > 0) & (x.shift(5) > 0)).then(g).otherwise(None))
    return r.alias("trade_trend")
