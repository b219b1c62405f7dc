"""COW-MID 5.0 (``mids``): militarised disputes, one dispute per directed dyad-year."""

from __future__ import annotations

import polars as pl

from allyscope.panel.family import Context, Family, Gathered, Join, Lookup


def _build(ctx: Context) -> Join:
    t = ctx.table("cow_mid")
    joins = (
        f"LEFT JOIN {t} md ON md.ccode1 = b.ccode1 AND md.ccode2 = b.ccode2 AND md.year = b.year"
    )
    return Join(
        joins,
        {
            "cowmidongoing": "md.cowmidongoing",
            "cowmidonset": "md.cowmidonset",
            "cowmid_dispnum": "md.dispnum",
            "cowmid_hostlev1": "md.hostlev1",
            "cowmid_hostlev2": "md.hostlev2",
            "cowmid_fatality": "md.fatality",
        },
    )


COLUMNS = {
    "cowmidongoing": "cowmidongoing",
    "cowmidonset": "cowmidonset",
    "cowmid_dispnum": "dispnum",
    "cowmid_hostlev1": "hostlev1",
    "cowmid_hostlev2": "hostlev2",
    "cowmid_fatality": "fatality",
}


def _gather(ctx: Context) -> Gathered:
    t = ctx.load("cow_mid", ["ccode1", "ccode2", "year", *COLUMNS.values()])
    return Gathered(
        (Lookup(t, "dyad", "md.", {"cowmidongoing": 0, "cowmidonset": 0}),),
        {out: pl.col(f"md.{src}") for out, src in COLUMNS.items()},
    )


#: COW-MID hostility levels (Stata value labels of cowmid_hostlev1/2)
HOSTILITY = {
    1: "no militarized action",
    2: "threat to use force",
    3: "display of force",
    4: "use of force",
    5: "war",
}

FAMILY = Family(
    name="mids",
    description="COW-MID 5.0 dyadic disputes (peacesciencer's no-duplicate dyad-year version)",
    datasets=("cow_mid",),
    columns={
        "cowmidongoing": "1 if a militarised dispute was ongoing between them, else 0",
        "cowmidonset": "1 if a dispute (or a new participant entry) began, else 0",
        "cowmid_dispnum": "COW-MID dispute number (null if none)",
        "cowmid_hostlev1": "highest hostility level of ccode1 (1-5; null if none)",
        "cowmid_hostlev2": "highest hostility level of ccode2 (1-5; null if none)",
        "cowmid_fatality": "fatality level of the dispute (0-6, -9 unknown; null if none)",
    },
    coverage=(1816, 2014),
    build=_build,
    gather=_gather,
    absent_is_zero=("cowmidongoing", "cowmidonset"),
    value_labels={
        **{f"cowmid_hostlev{i}": HOSTILITY for i in (1, 2)},
        "cowmid_fatality": {
            -9: "unknown",
            0: "none",
            1: "1-25 deaths",
            2: "26-100 deaths",
            3: "101-250 deaths",
            4: "251-500 deaths",
            5: "501-999 deaths",
            6: "more than 999 deaths",
        },
    },
    verb="add_cow_mids()",
)
