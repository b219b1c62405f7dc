"""SIPRI military expenditure (``milex``) for each side, constant US$ millions.

The constant dollars are those of the release in use: 2022 in the bundled 2024 release, 2023
in the 2025 release that ``allyscope data update sipri_milex`` brings in (the indicator is
named after its base year; the panel's provenance names the release).
"""

from __future__ import annotations

import polars as pl

from allyscope.panel.family import Context, Family, Gathered, Join, Lookup


def _build(ctx: Context) -> Join:
    t = ctx.table("sipri_milex")
    sub = (
        f"(SELECT ccode, year, max(value) FILTER (indicator LIKE 'constant_%_usd_m') AS usd, "
        f"max(value) FILTER (indicator = 'share_of_gdp') AS gdp FROM {t} "
        "WHERE ccode IS NOT NULL GROUP BY ALL)"
    )
    joins = (
        f"LEFT JOIN {sub} mx1 ON mx1.ccode = b.ccode1 AND mx1.year = b.year "
        f"LEFT JOIN {sub} mx2 ON mx2.ccode = b.ccode2 AND mx2.year = b.year"
    )
    return Join(
        joins,
        {
            "sipri_milex1": "mx1.usd",
            "sipri_milex2": "mx2.usd",
            "sipri_milex_gdp1": "mx1.gdp",
            "sipri_milex_gdp2": "mx2.gdp",
        },
    )


def _gather(ctx: Context) -> Gathered:
    t = ctx.load("sipri_milex", ["ccode", "year", "indicator", "value"])
    value, ind = pl.col("value"), pl.col("indicator")
    by_year = (
        t.drop_nulls("ccode")
        .group_by("ccode", "year")
        .agg(
            usd=value.filter(ind.str.contains(r"^constant_\d{4}_usd_m$")).max(),
            gdp=value.filter(ind == "share_of_gdp").max(),
        )
    )
    return Gathered(
        (Lookup(by_year, "state1", "mx1."), Lookup(by_year, "state2", "mx2.")),
        {
            "sipri_milex1": pl.col("mx1.usd"),
            "sipri_milex2": pl.col("mx2.usd"),
            "sipri_milex_gdp1": pl.col("mx1.gdp"),
            "sipri_milex_gdp2": pl.col("mx2.gdp"),
        },
    )


FAMILY = Family(
    name="milex",
    description="SIPRI Military Expenditure Database (2024 release)",
    datasets=("sipri_milex",),
    columns={
        "sipri_milex1": "military expenditure of ccode1, constant US$ million (2022 dollars in "
        "the bundled release; the base year of the release in use)",
        "sipri_milex2": "military expenditure of ccode2, constant US$ million",
        "sipri_milex_gdp1": "military expenditure of ccode1, share of GDP (0.02 = 2%)",
        "sipri_milex_gdp2": "military expenditure of ccode2, share of GDP",
    },
    coverage=(1949, 2023),
    build=_build,
    gather=_gather,
    verb="(none; SIPRI)",
)
