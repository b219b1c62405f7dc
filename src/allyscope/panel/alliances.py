"""ATOP 5.1 alliance provisions per directed dyad-year (``atop``)."""

from __future__ import annotations

import polars as pl

from allyscope.panel.family import Context, Family, Gathered, Join, Lookup

PROVISIONS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")


def _build(ctx: Context) -> Join:
    t = ctx.table("atop")
    joins = (
        f"LEFT JOIN {t} al ON al.ccode1 = b.ccode1 AND al.ccode2 = b.ccode2 AND al.year = b.year"
    )
    return Join(joins, {c: f"al.{c}" for c in PROVISIONS})


def _gather(ctx: Context) -> Gathered:
    t = ctx.load("atop", ["ccode1", "ccode2", "year", *PROVISIONS])
    absent = dict.fromkeys(PROVISIONS, 0)  # absent_is_zero: no alliance row = 0
    return Gathered((Lookup(t, "dyad", "al.", absent),), {c: pl.col(f"al.{c}") for c in PROVISIONS})


FAMILY = Family(
    name="atop",
    description="ATOP alliance provisions (1 if an alliance with that pledge was in force)",
    datasets=("atop",),
    columns={
        "atop_defense": "1 if an alliance with a defence pledge, else 0",
        "atop_offense": "1 if an alliance with an offence pledge, else 0",
        "atop_neutral": "1 if an alliance with a neutrality pledge, else 0",
        "atop_nonagg": "1 if an alliance with a non-aggression pledge, else 0",
        "atop_consul": "1 if an alliance with a consultation pledge, else 0",
    },
    coverage=(1815, 2018),
    build=_build,
    gather=_gather,
    absent_is_zero=PROVISIONS,
    verb="add_atop_alliance()",
)
