"""Economic dimension: bilateral trade in both directions and each side's dependence on it.

COW dyadic trade 4.0 runs to 2014; later years are null (no later dyadic trade source is
bundled), never 0, until the user brings a newer COW release or the IMF's IMTS into the
cache (the years are read from the tables in use; see ``allyscope.panel.trade``). Dependence
is trade with the partner as a share of the state's total trade (COW national totals; from
the first IMF year, the state's reported trade with the world).
"""

from __future__ import annotations

import polars as pl

from allyscope.indicators.catalog import indicator
from allyscope.indicators.context import IndicatorContext
from allyscope.indicators.system import YearDistribution
from allyscope.panel.trade import dyadic_trade, national_trade, trade_datasets, trade_years

TRADE = ("cow_trade",)
NATIONAL = ("cow_trade", "cow_trade_national")


def national_datasets(year: int) -> tuple[str, ...]:
    """The datasets a year's trade shares are read from."""
    return NATIONAL if trade_datasets(year) == TRADE else trade_datasets(year)


def trend_years() -> tuple[int, int]:
    """A five-year trend needs five earlier years of trade."""
    first, last = trade_years()
    return first + 5, last


COVERAGE = trade_years


@indicator(
    "imports_a_from_b",
    "economic",
    TRADE,
    COVERAGE,
    1,
    "US$ million",
    "imports of a from b",
    year_datasets=trade_datasets,
)
def imports_a_from_b(ctx: IndicatorContext) -> pl.Series:
    return ctx.col("flow1").alias("imports_a_from_b")


@indicator(
    "imports_b_from_a",
    "economic",
    TRADE,
    COVERAGE,
    1,
    "US$ million",
    "imports of b from a",
    year_datasets=trade_datasets,
)
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
    year_datasets=trade_datasets,
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
    "percentile of trade_total among all pairs of system members that year (pairs without trade "
    "count as 0; null in an IMF year with under half the pairs of COW's last year)",
    year_datasets=trade_datasets,
)
def trade_pct(ctx: IndicatorContext) -> pl.Series:
    def dist() -> tuple[YearDistribution, list[int]]:
        t = dyadic_trade().select("year", (pl.col("flow1") + pl.col("flow2")).alias("v"))
        return (
            YearDistribution(t, "v", implicit_zeros=True, years=ctx.col("year")),
            partial_years(t),
        )

    d, partial = ctx.cached("trade_dist", dist)
    pct = d.percentile(ctx.col("year"), ctx.col("trade_total"))
    if partial:
        pct = pl.select(pl.when(~ctx.col("year").is_in(partial)).then(pct)).to_series()
    return pct.alias("trade_pct")


#: An IMF year holding fewer pairs with trade than this share of COW's last year is a partial
#: file (a query for a few states): a percentile among all pairs cannot be read from it.
MIN_PAIR_SHARE = 0.5


def partial_years(t: pl.DataFrame) -> list[int]:
    """The IMF years of ``t`` (year, v) with too few pairs for a system-wide percentile."""
    from allyscope.panel.trade import imts_from
    from allyscope.sources.store import years_in_use

    cut = imts_from()
    if cut is None:
        return []
    n = t.drop_nulls("v").group_by("year").len()
    ref = n.filter(pl.col("year") == years_in_use("cow_trade")[1])["len"].sum()
    low = n.filter((pl.col("year") >= cut) & (pl.col("len") < MIN_PAIR_SHARE * ref))
    return sorted(low["year"].to_list())


def _share(ctx: IndicatorContext, side: str) -> pl.Series:
    nat = ctx.cached(
        "trade_national",
        lambda: national_trade().select(
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
    year_datasets=national_datasets,
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
    year_datasets=national_datasets,
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
    year_datasets=trade_datasets,
)
def trade_trend(ctx: IndicatorContext) -> pl.Series:
    x = pl.col("trade_total")
    g = (x.log() - x.shift(5).log()) / 5.0
    r = ctx.per_dyad(pl.when((x > 0) & (x.shift(5) > 0)).then(g).otherwise(None))
    return r.alias("trade_trend")
