"""Societal dimension: the tone of event data between the two states (ICEWS, 2002-2014).

The ``icews_*`` indicators read the netify slice of ICEWS quad counts (2002-2014); the
``ev_*`` indicators read the events aggregation of the bundled ICEWS 2014 event sample
(:mod:`allyscope.indicators.eventdata`), which adds Goldstein scores per direction.

Counts come from the ICEWS Coded Event Data as aggregated per directed dyad-year in the
netify package (152 states). Both directions are summed. A pair outside netify's 152
states, or a year outside 2002-2014, is null, not 0. The event volume is read as a
percentile among all pairs the data cover that year.
"""

from __future__ import annotations

import polars as pl

from allyscope.indicators import eventdata as ev
from allyscope.indicators.catalog import indicator
from allyscope.indicators.context import IndicatorContext
from allyscope.indicators.system import YearDistribution
from allyscope.memo import once
from allyscope.sources.store import derived, input_stamp, load

ICEWS = ("icews_dyadic",)
COVERAGE = (2002, 2014)
COUNTS = ("verb_coop", "matl_coop", "verb_conf", "matl_conf")


def _undirected() -> pl.DataFrame:
    """ccode1 < ccode2, year, the four counts summed over both directions."""
    t = load("icews_dyadic")
    t = t.select(
        pl.min_horizontal("ccode1", "ccode2").alias("ccode1"),
        pl.max_horizontal("ccode1", "ccode2").alias("ccode2"),
        "year",
        *[pl.col(c).cast(pl.Int64) for c in COUNTS],
    )
    t = t.group_by("ccode1", "ccode2", "year").agg([pl.col(c).sum() for c in COUNTS])
    return t.with_columns(
        events=pl.sum_horizontal(COUNTS),
        coop=pl.col("verb_coop") + pl.col("matl_coop"),
        conf=pl.col("verb_conf") + pl.col("matl_conf"),
    )


def _table(ctx: IndicatorContext) -> pl.DataFrame:
    return ctx.cached("icews_undirected", icews_undirected)


def icews_undirected() -> pl.DataFrame:
    """The ICEWS dyad-years, both directions added (cached in the user cache, and read once
    per process and version of the table)."""
    return _icews_for(input_stamp(ICEWS))


@once
def _icews_for(stamp: object) -> pl.DataFrame:
    return derived("icews_undirected", list(ICEWS), _undirected)


@indicator(
    "icews_events",
    "societal",
    ICEWS,
    COVERAGE,
    1,
    "events",
    "ICEWS events between them, both directions (null outside the 152 covered states)",
)
def icews_events(ctx: IndicatorContext) -> pl.Series:
    return ctx.dyad_lookup(_table(ctx), "events").cast(pl.Float64).alias("icews_events")


@indicator(
    "icews_events_pct",
    "societal",
    ICEWS,
    COVERAGE,
    1,
    "percentile 0-1",
    "percentile of icews_events among all covered pairs that year",
)
def icews_events_pct(ctx: IndicatorContext) -> pl.Series:
    dist = ctx.cached(
        "icews_dist", lambda: YearDistribution(_table(ctx), "events", years=ctx.col("year"))
    )
    return dist.percentile(ctx.col("year"), ctx.col("icews_events")).alias("icews_events_pct")


@indicator(
    "icews_coop_share",
    "societal",
    ICEWS,
    COVERAGE,
    1,
    "share 0-1",
    "cooperative events (verbal and material) as a share of all their events",
)
def icews_coop_share(ctx: IndicatorContext) -> pl.Series:
    coop = ctx.dyad_lookup(_table(ctx), "coop").cast(pl.Float64)
    events = ctx.col("icews_events")
    return pl.select(pl.when(events > 0).then(coop / events)).to_series().alias("icews_coop_share")


@indicator(
    "icews_matl_conf",
    "societal",
    ICEWS,
    COVERAGE,
    -1,
    "events",
    "material conflict events between them, both directions",
)
def icews_matl_conf(ctx: IndicatorContext) -> pl.Series:
    return ctx.dyad_lookup(_table(ctx), "matl_conf").cast(pl.Float64).alias("icews_matl_conf")


# ---- from the events aggregation (allyscope.events) of the bundled ICEWS 2014 sample


@indicator(
    "ev_events",
    "societal",
    ev.EVENTS,
    ev.COVERAGE,
    1,
    "events",
    "events between them, both directions, in the ICEWS 2014 event sample "
    "(0 inside its coverage when none, null outside)",
    year_datasets=ev.year_datasets,
)
def ev_events(ctx: IndicatorContext) -> pl.Series:
    return ev.pair_count(ctx, "events").alias("ev_events")


@indicator(
    "ev_goldstein_ab",
    "societal",
    ev.EVENTS,
    ev.COVERAGE,
    1,
    "Goldstein -10..10",
    "mean Goldstein score of a's events toward b (ICEWS 2014 sample; null without events)",
    year_datasets=ev.year_datasets,
)
def ev_goldstein_ab(ctx: IndicatorContext) -> pl.Series:
    return ev.directed_value(ctx, "goldstein_mean").alias("ev_goldstein_ab")


@indicator(
    "ev_goldstein_ba",
    "societal",
    ev.EVENTS,
    ev.COVERAGE,
    1,
    "Goldstein -10..10",
    "mean Goldstein score of b's events toward a (ICEWS 2014 sample; null without events)",
    year_datasets=ev.year_datasets,
)
def ev_goldstein_ba(ctx: IndicatorContext) -> pl.Series:
    return ev.directed_value(ctx, "goldstein_mean", reverse=True).alias("ev_goldstein_ba")


@indicator(
    "ev_verb_coop_share",
    "societal",
    ev.EVENTS,
    ev.COVERAGE,
    1,
    "share 0-1",
    "verbal cooperation (CAMEO 01-05) as a share of their events, both directions "
    "(ICEWS 2014 sample; null without events)",
    year_datasets=ev.year_datasets,
)
def ev_verb_coop_share(ctx: IndicatorContext) -> pl.Series:
    coop = ev.pair_count(ctx, "verb_coop")
    events = ctx.col("ev_events")
    return (
        pl.select(pl.when(events > 0).then(coop / events)).to_series().alias("ev_verb_coop_share")
    )
