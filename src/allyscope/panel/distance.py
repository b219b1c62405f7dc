"""Distance between states: between capitals (``capital_distance``, peacesciencer's
``add_capital_distance()``) and the minimum distance between their territories
(``minimum_distance``, ``add_minimum_distance(use_extdata = FALSE)``).

Capital distance: each state's capital in a year is the one in force on the first day of
the year it is listed for (peacesciencer's default ``transsum = "first"``); the distance is
the great circle by Vincenty's formula on a sphere of radius 6,378,137 m (geosphere's
``distVincentySphere``), in km. On state-years, ``mincapdist`` is the smallest capital
distance to any other member that year.

Minimum distance: CShapes 2.0 borders on 1 January (peacesciencer's ``cow_mindist`` /
``gw_mindist``), in km; peacesciencer's default reads a larger downloadable table
(``use_extdata = TRUE``) that is not bundled, so its default can differ from these
values. On state-years, ``minmindist`` is the smallest of a state's distances that year.
"""

from __future__ import annotations

import math

import polars as pl

from allyscope.panel.dyads import base_frame
from allyscope.panel.family import Context, Family, Gathered, Join, Lookup, StateForm, StateTable
from allyscope.panel.statelevel import for_system

EARTH_RADIUS_M = 6378137.0
TO_RAD = math.pi / 180  # the same double in Polars and (as a literal) in DuckDB


def capital_years(ctx: Context) -> StateTable:
    """Each state's capital coordinates by year (``code, year, lat, lng``)."""
    gw = ctx.system == "gw"
    code = "gwcode" if gw else "ccode"
    caps = ctx.load(
        "gw_capitals" if gw else "cow_capitals", [code, "stdate", "enddate", "lat", "lng"]
    )
    y = pl.col("year")
    t = (
        caps.with_row_index("_row")
        .with_columns(
            year=pl.int_ranges(
                pl.col("stdate").dt.year(), pl.col("enddate").dt.year() + 1, dtype=pl.Int16
            )
        )
        .explode("year")
        .drop_nulls("year")
        .with_columns(first=pl.max_horizontal("stdate", pl.date(y, 1, 1)))
        .sort(code, "year", "first", "_row")
        .unique([code, "year"], keep="first", maintain_order=True)
    )
    return StateTable(t.select(code, "year", "lat", "lng"), code)


def vincenty_km(lat1: pl.Expr, lng1: pl.Expr, lat2: pl.Expr, lng2: pl.Expr) -> pl.Expr:
    """Great-circle distance in km (geosphere::distVincentySphere / 1000)."""
    rad = pl.lit(TO_RAD, pl.Float64)
    p1, l1, p2, l2 = lat1 * rad, lng1 * rad, lat2 * rad, lng2 * rad
    dl = l1 - l2
    x = (
        (p2.cos() * dl.sin()).pow(2) + (p1.cos() * p2.sin() - p1.sin() * p2.cos() * dl.cos()).pow(2)
    ).sqrt()
    y = p1.sin() * p2.sin() + p1.cos() * p2.cos() * dl.cos()
    return pl.arctan2(x, y) * EARTH_RADIUS_M / 1000.0


def _vincenty_sql(a: str, b: str) -> str:
    rad = f"CAST({TO_RAD!r} AS DOUBLE)"
    p1, l1, p2, l2 = (
        f"({a}.lat * {rad})",
        f"({a}.lng * {rad})",
        f"({b}.lat * {rad})",
        f"({b}.lng * {rad})",
    )
    dl = f"({l1} - {l2})"
    x = (
        f"sqrt(pow(cos({p2}) * sin({dl}), 2) + "
        f"pow(cos({p1}) * sin({p2}) - sin({p1}) * cos({p2}) * cos({dl}), 2))"
    )
    y = f"(sin({p1}) * sin({p2}) + cos({p1}) * cos({p2}) * cos({dl}))"
    return f"(atan2({x}, {y}) * {EARTH_RADIUS_M!r} / 1000.0)"


def _cap_gather(ctx: Context) -> Gathered:
    t = for_system(capital_years(ctx), ctx.system)
    lookups = tuple(
        Lookup(t.frame, on, p, codes=t.code) for on, p in (("state1", "c1."), ("state2", "c2."))
    )
    d = vincenty_km(pl.col("c1.lat"), pl.col("c1.lng"), pl.col("c2.lat"), pl.col("c2.lng"))
    return Gathered(lookups, {"capdist": d})


def _cap_build(ctx: Context) -> Join:
    t = for_system(capital_years(ctx), ctx.system)
    reg = ctx.register("st_capitals", t.frame)
    joins = " ".join(
        f"LEFT JOIN {reg} cap{s} ON cap{s}.{t.code} = b.{t.code}{s} AND cap{s}.year = b.year"
        for s in ("1", "2")
    )
    return Join(joins, {"capdist": _vincenty_sql("cap1", "cap2")})


def _mincapdist(ctx: Context) -> StateTable:
    """Per state-year, the smallest capital distance to another member (all directed dyads
    of the years asked for, as peacesciencer's cow_ddy/gw_ddy)."""
    frame, _ = base_frame(ctx.system, ctx.years, None, True)
    caps = capital_years(ctx)
    code = caps.code
    left = frame.select(pl.col(f"{code}1").alias(code), pl.col(f"{code}2").alias("other"), "year")
    c = caps.frame.with_columns(pl.col(code).cast(pl.Int16))
    d = (
        left.join(c, on=[code, "year"], how="left")
        .join(
            c.rename({code: "other", "lat": "lat2", "lng": "lng2"}),
            on=["other", "year"],
            how="left",
        )
        .with_columns(
            capdist=vincenty_km(pl.col("lat"), pl.col("lng"), pl.col("lat2"), pl.col("lng2"))
        )
        .group_by(code, "year")
        .agg(mincapdist=pl.col("capdist").min())
    )
    return StateTable(d, code)


CAPITAL = Family(
    name="capital_distance",
    description="great-circle distance between the capitals (km; capital of 1 January)",
    datasets=("cow_capitals", "gw_capitals"),
    columns={"capdist": "distance between the capitals, km (Vincenty on a sphere)"},
    coverage=(1816, 2024),
    build=_cap_build,
    gather=_cap_gather,
    state=StateForm(
        {"mincapdist": "smallest capital distance to another member that year, km"}, _mincapdist
    ),
    verb="add_capital_distance()",
    na_rule="capitals listed to 2024; G-W panels read gw_capitals",
)


def _mindist(ctx: Context) -> tuple[pl.DataFrame, str]:
    if ctx.system == "gw":
        return ctx.load("gw_mindist"), "gwcode"
    return ctx.load("cow_mindist"), "ccode"


def _min_gather(ctx: Context) -> Gathered:
    t, code = _mindist(ctx)
    return Gathered((Lookup(t, "pair", "md.", codes=code),), {"mindist": pl.col("md.mindist")})


def _min_build(ctx: Context) -> Join:
    t, code = _mindist(ctx)
    reg = ctx.register("st_mindist", t)
    joins = (
        f"LEFT JOIN {reg} mind ON mind.{code}1 = least(b.{code}1, b.{code}2) "
        f"AND mind.{code}2 = greatest(b.{code}1, b.{code}2) AND mind.year = b.year"
    )
    return Join(joins, {"mindist": "mind.mindist"})


def _minmindist(ctx: Context) -> StateTable:
    t, code = _mindist(ctx)
    both = pl.concat(
        [
            t.select(pl.col(f"{code}1").alias(code), "year", "mindist"),
            t.select(pl.col(f"{code}2").alias(code), "year", "mindist"),
        ]
    )
    return StateTable(both.group_by(code, "year").agg(minmindist=pl.col("mindist").min()), code)


MINIMUM = Family(
    name="minimum_distance",
    description="minimum distance between the two states' territories on 1 January (CShapes 2.0, km)",
    datasets=("cow_mindist", "gw_mindist"),
    columns={"mindist": "minimum distance between the territories on 1 January, km"},
    coverage=(1886, 2019),
    build=_min_build,
    gather=_min_gather,
    state=StateForm(
        {"minmindist": "smallest minimum distance to another state on 1 January, km"}, _minmindist
    ),
    verb="add_minimum_distance(use_extdata = FALSE)",
    na_rule="peacesciencer's default (use_extdata = TRUE) reads a downloadable table not bundled here",
)
