"""Units of analysis beyond the directed dyad-year: state-years and leader-years.

State-years (peacesciencer's ``create_stateyears()``): one row per state and year in
which it was a system member at some time (COW: ``ccode, year``; G-W: ``gwcode, ccode,
year``, with the COW code of the crosswalk, null where there is none), sorted by code and
year.

Leader-years (``create_leaderyears(standardize = "cow" | "gw")``): one row per Archigos
4.1 leader spell and calendar year in which the leader held office on a day the state was
a member of the system (COW: ``obsid, leader, ccode, gender, leaderage, year,
yrinoffice``; G-W: ``gwcode`` in place of ``ccode``, and ``ccode`` after it from the
crosswalk). ``yrinoffice`` is the year minus the start year plus 1 and ``leaderage`` the
year minus the year of birth. Archigos codes states by G-W; for COW rows the crosswalk of
the year gives the COW code, with peacesciencer's exceptions (Morocco 1905-1912,
Saudi Arabia 1927-1932, and within 1990 Yemen (North Yemen before 22 May) and Germany
(the Federal Republic before 3 October)). peacesciencer expands every leader to days
and keeps the days of membership; here each leader-year is an interval (the part of
the year in office) intersected with the membership spells, which gives the same rows.
Rows are sorted by code, year, and the leader's start date.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from allyscope.panel.dyads import state_years
from allyscope.panel.family import Context
from allyscope.panel.statelevel import crosswalk_years
from allyscope.states.table import cow_membership, gw_membership

#: Archigos 4.1's span of leader spells
LEADER_YEARS = (1840, 2015)


def state_year_rows(system: str, years: list[int], states: set[int] | None) -> pl.DataFrame:
    """The base state-years (``states``: codes of the system, None for all)."""
    sy = state_years(system, years).select("code", "year").unique().sort("code", "year")
    if states is not None:
        sy = sy.filter(pl.col("code").is_in(sorted(states)))
    if system != "gw":
        return sy.rename({"code": "ccode"})
    cw = crosswalk_years().rename({"gwcode": "code"})
    out = sy.join(cw, on=["code", "year"], how="left", maintain_order="left")
    return out.select(pl.col("code").alias("gwcode"), "ccode", "year")


#: leaders whose COW state changes inside a year: (obsid, first day of the new code,
#: code before, code from that day), as in peacesciencer's create_leaderyears()
_SPLITS = pl.DataFrame(
    {
        "obsid": ["YEM-1978", "GFR-1982"],
        "cut": [dt.date(1990, 5, 22), dt.date(1990, 10, 3)],
        "before": [678, 260],
        "after": [679, 255],
    },
    schema={"obsid": pl.String, "cut": pl.Date, "before": pl.Int16, "after": pl.Int16},
)


def leader_year_rows(ctx: Context, states: set[int] | None) -> pl.DataFrame:
    """The base leader-years of ``ctx.years`` (``states``: codes of ``ctx.system``, None
    for all); Archigos' provenance is recorded in ``ctx``."""
    system, years = ctx.system, ctx.years
    arch = ctx.load(
        "archigos", ["obsid", "gwcode", "leader", "yrborn", "gender", "startdate", "enddate"]
    )
    y = pl.col("year")
    ly = (
        arch.with_columns(
            year=pl.int_ranges(
                pl.col("startdate").dt.year(), pl.col("enddate").dt.year() + 1, dtype=pl.Int16
            )
        )
        .explode("year")
        .filter(y.is_in(years))
        .with_columns(
            lo=pl.max_horizontal("startdate", pl.date(y, 1, 1)),
            hi=pl.min_horizontal("enddate", pl.date(y, 12, 31)),
            yrinoffice=(y - pl.col("startdate").dt.year() + 1).cast(pl.Int16),
            leaderage=(y - pl.col("yrborn")).cast(pl.Int16),
        )
    )
    if system == "gw":
        spells = gw_membership().select(pl.col("gwcode").alias("code"), "start", "end")
        ly = ly.with_columns(code=pl.col("gwcode"))
    else:
        spells = cow_membership().select(pl.col("ccode").alias("code"), "start", "end")
        ly = _cow_codes(ly)
    if states is not None:
        ly = ly.filter(pl.col("code").is_in(sorted(states)))
    kept = ly.join(spells, on="code", how="inner").filter(
        (pl.col("lo") <= pl.col("end")) & (pl.col("start") <= pl.col("hi"))
    )
    keys = ["obsid", "leader", "code", "gender", "leaderage", "year", "yrinoffice"]
    out = (
        kept.sort("code", "year", "startdate", "obsid")
        .unique(keys, keep="first", maintain_order=True)
        .select(keys)
    )
    if system != "gw":
        return out.rename({"code": "ccode"})
    cw = crosswalk_years().rename({"gwcode": "code"})
    out = out.join(cw, on=["code", "year"], how="left", maintain_order="left")
    return out.select(
        "obsid",
        "leader",
        pl.col("code").alias("gwcode"),
        "ccode",
        "gender",
        "leaderage",
        "year",
        "yrinoffice",
    )


def _cow_codes(ly: pl.DataFrame) -> pl.DataFrame:
    """Leader-year intervals with the COW code of their state (``code``), split where a
    leader's COW state changes within a year."""
    y, g = pl.col("year"), pl.col("gwcode")
    ly = ly.join(crosswalk_years(), on=["gwcode", "year"], how="left", maintain_order="left")
    ly = ly.with_columns(
        code=pl.when((g == 600) & y.is_between(1905, 1912))
        .then(pl.lit(600, pl.Int16))
        .when((g == 670) & y.is_between(1927, 1932))
        .then(pl.lit(670, pl.Int16))
        .otherwise(pl.col("ccode"))
    ).drop("ccode")
    split = ly.join(_SPLITS, on="obsid", how="inner")
    rest = ly.join(_SPLITS, on="obsid", how="anti")
    one_day = pl.duration(days=1)
    before = split.with_columns(
        code=pl.col("before"), hi=pl.min_horizontal("hi", pl.col("cut") - one_day)
    )
    after = split.with_columns(code=pl.col("after"), lo=pl.max_horizontal("lo", pl.col("cut")))
    parts = pl.concat([before, after]).filter(pl.col("lo") <= pl.col("hi"))
    return pl.concat([rest, parts.select(rest.columns)])
