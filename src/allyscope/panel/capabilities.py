"""COW National Material Capabilities (``nmc``): components and CINC for each side."""

from __future__ import annotations

import polars as pl

from allyscope.panel.family import Context, Family, Gathered, Join, Lookup

COMPONENTS = {
    "milex": "military expenditure, thousands (GBP to 1913, current US$ from 1914)",
    "milper": "military personnel, thousands",
    "irst": "iron and steel production, thousand tons",
    "pec": "primary energy consumption, thousand coal-ton equivalents",
    "tpop": "total population, thousands",
    "upop": "urban population, thousands",
    "cinc": "Composite Index of National Capability (share of system capabilities)",
}


def _build(ctx: Context) -> Join:
    t = ctx.table("cow_nmc")
    joins = (
        f"LEFT JOIN {t} n1 ON n1.ccode = b.ccode1 AND n1.year = b.year "
        f"LEFT JOIN {t} n2 ON n2.ccode = b.ccode2 AND n2.year = b.year"
    )
    sel = {}
    for side in ("1", "2"):
        for c in COMPONENTS:
            sel[f"{c}{side}"] = f"n{side}.{c}"
    return Join(joins, sel)


def _gather(ctx: Context) -> Gathered:
    t = ctx.load("cow_nmc", ["ccode", "year", *COMPONENTS])
    lookups = (Lookup(t, "state1", "n1."), Lookup(t, "state2", "n2."))
    sel = {f"{c}{side}": pl.col(f"n{side}.{c}") for side in ("1", "2") for c in COMPONENTS}
    return Gathered(lookups, sel)


FAMILY = Family(
    name="nmc",
    description="COW National Material Capabilities 7.0 for ccode1 (…1) and ccode2 (…2)",
    datasets=("cow_nmc",),
    columns={f"{c}{s}": f"{d} of ccode{s}" for s in ("1", "2") for c, d in COMPONENTS.items()},
    coverage=(1816, 2022),
    build=_build,
    gather=_gather,
    verb="add_nmc()",
)
