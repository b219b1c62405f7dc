"""COW IGO 3.0 (``igos``): number of IGOs in which both states are full members."""

from __future__ import annotations

import polars as pl

from allyscope.panel.family import Context, Family, Gathered, Join, Lookup, undirected_key_join


def _build(ctx: Context) -> Join:
    return Join(undirected_key_join("ig", ctx.table("cow_igo_dyadic")), {"igos": "ig.dyadigos"})


def _gather(ctx: Context) -> Gathered:
    t = ctx.load("cow_igo_dyadic", ["ccode1", "ccode2", "year", "dyadigos"])
    return Gathered((Lookup(t, "pair", "ig."),), {"igos": pl.col("ig.dyadigos")})


FAMILY = Family(
    name="igos",
    description="COW IGO 3.0: shared full memberships",
    datasets=("cow_igo_dyadic",),
    columns={"igos": "number of IGOs in which both states are full members"},
    coverage=(1816, 2014),
    build=_build,
    gather=_gather,
    verb="add_igos()",
)
