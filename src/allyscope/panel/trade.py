"""COW dyadic trade 4.0 (``trade``): flows in current US$ millions, both directions."""

from __future__ import annotations

import polars as pl

from allyscope.panel.family import Context, Family, Gathered, Join, Lookup, undirected_key_join

FLOWS = ("flow1", "flow2", "smoothflow1", "smoothflow2")


def _build(ctx: Context) -> Join:
    joins = undirected_key_join("tr", ctx.table("cow_trade"))
    fwd = "b.ccode1 < b.ccode2"
    return Join(
        joins,
        {
            "flow1": f"CASE WHEN {fwd} THEN tr.flow1 ELSE tr.flow2 END",
            "flow2": f"CASE WHEN {fwd} THEN tr.flow2 ELSE tr.flow1 END",
            "smoothflow1": f"CASE WHEN {fwd} THEN tr.smoothflow1 ELSE tr.smoothflow2 END",
            "smoothflow2": f"CASE WHEN {fwd} THEN tr.smoothflow2 ELSE tr.smoothflow1 END",
        },
    )


def _gather(ctx: Context) -> Gathered:
    t = ctx.load("cow_trade", ["ccode1", "ccode2", "year", *FLOWS])
    fwd = pl.col("ccode1") < pl.col("ccode2")

    def pick(a: str, b: str) -> pl.Expr:
        return pl.when(fwd).then(pl.col(f"tr.{a}")).otherwise(pl.col(f"tr.{b}"))

    return Gathered(
        (Lookup(t, "pair", "tr."),),
        {
            "flow1": pick("flow1", "flow2"),
            "flow2": pick("flow2", "flow1"),
            "smoothflow1": pick("smoothflow1", "smoothflow2"),
            "smoothflow2": pick("smoothflow2", "smoothflow1"),
        },
    )


FAMILY = Family(
    name="trade",
    description="COW dyadic trade 4.0, current US$ millions (rounded by peacesciencer)",
    datasets=("cow_trade",),
    columns={
        "flow1": "imports of ccode1 from ccode2, current US$ million",
        "flow2": "imports of ccode2 from ccode1, current US$ million",
        "smoothflow1": "COW smoothed flow1, current US$ million",
        "smoothflow2": "COW smoothed flow2, current US$ million",
    },
    coverage=(1870, 2014),
    build=_build,
    gather=_gather,
    verb="add_cow_trade()",
)
