"""COW Direct Contiguity 3.2 (``contiguity``): closest contiguity type in force in the year."""

from __future__ import annotations

import polars as pl

from allyscope.panel.family import Context, Family, Gathered, Join, Lookup


def _build(ctx: Context) -> Join:
    t = ctx.table("cow_contiguity")
    joins = (
        "LEFT JOIN (SELECT b2.ccode1, b2.ccode2, b2.year, min(c.conttype) AS conttype "
        f"FROM (SELECT DISTINCT ccode1, ccode2, year FROM b) b2 JOIN {t} c "
        "ON c.ccode1 = b2.ccode1 AND c.ccode2 = b2.ccode2 "
        "AND year(c.stdate) <= b2.year AND year(c.enddate) >= b2.year "
        "GROUP BY ALL) ct ON ct.ccode1 = b.ccode1 AND ct.ccode2 = b.ccode2 AND ct.year = b.year"
    )
    return Join(joins, {"conttype": "ct.conttype"})


def _gather(ctx: Context) -> Gathered:
    spells = ctx.load("cow_contiguity", ["ccode1", "ccode2", "conttype", "stdate", "enddate"])
    by_year = (
        spells.with_columns(
            year=pl.int_ranges(
                pl.col("stdate").dt.year(), pl.col("enddate").dt.year() + 1, dtype=pl.Int32
            )
        )
        .explode("year")
        .drop_nulls("year")
        .group_by("ccode1", "ccode2", "year")
        .agg(pl.col("conttype").min())
    )
    return Gathered(
        (Lookup(by_year, "dyad", "ct.", {"conttype": 0}),), {"conttype": pl.col("ct.conttype")}
    )


FAMILY = Family(
    name="contiguity",
    description="COW direct contiguity: 1 land, 2-5 water up to 12/24/150/400 miles, 0 none",
    datasets=("cow_contiguity",),
    columns={"conttype": "closest contiguity in force during the year (1-5), 0 if none"},
    coverage=(1816, 2016),
    build=_build,
    gather=_gather,
    absent_is_zero=("conttype",),
    value_labels={
        "conttype": {
            0: "none",
            1: "land or river",
            2: "water, 12 miles or less",
            3: "water, 24 miles or less",
            4: "water, 150 miles or less",
            5: "water, 400 miles or less",
        }
    },
    verb="add_contiguity()",
)
