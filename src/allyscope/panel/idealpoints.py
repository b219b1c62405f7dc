"""Voeten UNGA ideal points (``idealpoints``): each side's estimate and their distance."""

from __future__ import annotations

import polars as pl

from allyscope.panel.family import Context, Family, Gathered, Join, Lookup


def _build(ctx: Context) -> Join:
    t = ctx.table("voeten_idealpoints")
    joins = (
        f"LEFT JOIN {t} ip1 ON ip1.ccode = b.ccode1 AND ip1.year = b.year "
        f"LEFT JOIN {t} ip2 ON ip2.ccode = b.ccode2 AND ip2.year = b.year"
    )
    return Join(
        joins,
        {
            "idealpoint1": "ip1.idealpointall",
            "idealpoint2": "ip2.idealpointall",
            "idealpoint_dist": "abs(ip1.idealpointall - ip2.idealpointall)",
            "idealpointfp_dist": "abs(ip1.idealpointfp - ip2.idealpointfp)",
        },
    )


def _gather(ctx: Context) -> Gathered:
    t = ctx.load("voeten_idealpoints", ["ccode", "year", "idealpointall", "idealpointfp"])
    a1, a2 = pl.col("ip1.idealpointall"), pl.col("ip2.idealpointall")
    return Gathered(
        (Lookup(t, "state1", "ip1."), Lookup(t, "state2", "ip2.")),
        {
            "idealpoint1": a1,
            "idealpoint2": a2,
            "idealpoint_dist": (a1 - a2).abs(),
            "idealpointfp_dist": (pl.col("ip1.idealpointfp") - pl.col("ip2.idealpointfp")).abs(),
        },
    )


FAMILY = Family(
    name="idealpoints",
    description="Bailey-Strezhnev-Voeten UNGA ideal points, July 2025 release",
    datasets=("voeten_idealpoints",),
    columns={
        "idealpoint1": "ideal point of ccode1 (all votes)",
        "idealpoint2": "ideal point of ccode2 (all votes)",
        "idealpoint_dist": "absolute distance between the all-votes ideal points (to 2023)",
        "idealpointfp_dist": "absolute distance between final-passage ideal points (to 2024)",
    },
    coverage=(1946, 2024),
    build=_build,
    gather=_gather,
    verb="(none; Bailey-Strezhnev-Voeten)",
)
