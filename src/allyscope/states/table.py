"""The state tables shipped as CSV data (``states/data/``), loaded once as Polars frames.

Files and schemas (see ``docs/states.md`` for the sources and the basis of each row):

``states.csv``            one row per COW state code
    ccode int, stateabb str (COW abbreviation), name str (COW name), iso3 str, iso2 str,
    iso_former str ("|"-separated withdrawn ISO codes), aliases str ("|"-separated),
    basis str (why a non-obvious row is as it is)
``cow_membership.csv``    COW system membership spells (v2016); empty ``end`` = still a member
    ccode int, start date, end date
``gw_membership.csv``     Gleditsch-Ward spells; microstates carry years only
    gwcode int, stateabb str, name str, start date, end date, start_year int, end_year int,
    microstate int (0/1)
``gw_cow_crosswalk.csv``  which COW code a G-W state-year corresponds to; empty last = open
    gwcode int, ccode int, first_year int, last_year int
``gw_false_dyads.csv``    G-W directed dyad-years whose members never overlapped in that year
    gwcode1 int, gwcode2 int, year int
"""

from __future__ import annotations

import datetime as _dt
from functools import cache
from importlib import resources

import polars as pl

#: Membership spells with an empty end date are open: the state is still a member.
#: Open spells run to the end of the current calendar year.
OPEN_END_YEAR = _dt.date.today().year


def _read(name: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    path = resources.files("allyscope.states") / "data" / name
    with resources.as_file(path) as p:
        df = pl.read_csv(p, schema_overrides=schema)
    return df.with_columns(pl.col(pl.String).fill_null(""))


@cache
def state_table() -> pl.DataFrame:
    """One row per COW state: codes, names, aliases and the basis of non-obvious rows."""
    return _read("states.csv", {"ccode": pl.Int16})


@cache
def cow_membership() -> pl.DataFrame:
    """COW membership spells with ``start``/``end`` dates; open spells end on 31 Dec of this year."""
    df = _read("cow_membership.csv", {"ccode": pl.Int16, "start": pl.Date, "end": pl.Date})
    return df.with_columns(pl.col("end").fill_null(_dt.date(OPEN_END_YEAR, 12, 31)))


@cache
def gw_membership() -> pl.DataFrame:
    """G-W spells; microstates (years only) span whole years."""
    df = _read(
        "gw_membership.csv",
        {
            "gwcode": pl.Int16,
            "start": pl.Date,
            "end": pl.Date,
            "start_year": pl.Int16,
            "end_year": pl.Int16,
            "microstate": pl.Int8,
        },
    )
    return df.with_columns(
        start=pl.coalesce("start", pl.date(pl.col("start_year"), 1, 1)),
        end=pl.coalesce("end", pl.date(pl.col("end_year").fill_null(OPEN_END_YEAR), 12, 31)),
    ).select("gwcode", "stateabb", "name", "start", "end", "microstate")


@cache
def gw_cow_crosswalk() -> pl.DataFrame:
    """G-W code to COW code by year span (open spans run to this year)."""
    df = _read(
        "gw_cow_crosswalk.csv",
        {"gwcode": pl.Int16, "ccode": pl.Int16, "first_year": pl.Int16, "last_year": pl.Int16},
    )
    return df.with_columns(pl.col("last_year").fill_null(OPEN_END_YEAR))


@cache
def gw_false_dyads() -> pl.DataFrame:
    """G-W directed dyad-years in the same calendar year whose spells do not overlap."""
    return _read("gw_false_dyads.csv", {"gwcode1": pl.Int16, "gwcode2": pl.Int16, "year": pl.Int16})
