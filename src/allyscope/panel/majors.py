"""Major powers: COW major-power status (``cow_majors``, peacesciencer's
``add_cow_majors()``) and Maoz's regional and global powers (``maoz_powers``, a
peacesciencer table without a verb).

COW's list ends on 31 Dec 2016. peacesciencer (``mry = TRUE``, its default) carries the
spells still open then to last year; so does allyscope, to the year before the current
one, and marks those years: ``cowmaj_carried`` is 1 where ``cowmaj`` is carried past the
list's end, 0 where the list itself says it. A state-year inside the years that is not a
major power is 0 (the list names every major power).
"""

from __future__ import annotations

import polars as pl

from allyscope.panel.dyads import state_years
from allyscope.panel.family import Context, StateForm, StateTable
from allyscope.panel.statelevel import state_family
from allyscope.states.table import OPEN_END_YEAR

#: the last year of COW's major-power list, and the last year it is carried to
LIST_END = 2016
CARRIED_TO = OPEN_END_YEAR - 1

MAJORS = {
    "cowmaj": "1 if a COW major power, else 0",
    "cowmaj_carried": "1 if cowmaj is carried past the list's end (2016), else 0",
}


def _majors(ctx: Context) -> StateTable:
    m = ctx.load("cow_majors", ["ccode", "styear", "endyear", "endmonth", "endday"])
    open_end = (
        (pl.col("endyear") == LIST_END) & (pl.col("endmonth") == 12) & (pl.col("endday") == 31)
    )
    spells = m.with_columns(
        endyear=pl.when(open_end).then(pl.lit(CARRIED_TO)).otherwise(pl.col("endyear"))
    )
    years = (
        spells.with_columns(year=pl.int_ranges("styear", pl.col("endyear") + 1, dtype=pl.Int16))
        .explode("year")
        .select("ccode", "year")
        .unique()
        .with_columns(cowmaj=pl.lit(1, pl.Int8))
    )
    members = state_years("cow", ctx.years).select(pl.col("code").alias("ccode"), "year").unique()
    t = members.join(years, on=["ccode", "year"], how="left").with_columns(
        pl.col("cowmaj").fill_null(0),
        cowmaj_carried=(pl.col("year") > LIST_END).cast(pl.Int8),
    )
    return StateTable(t, "ccode")


MAJORS_FAMILY = state_family(
    "cow_majors",
    "COW major powers (2016 list; carried forward, and marked, after 2016)",
    ("cow_majors",),
    (1816, CARRIED_TO),
    StateForm(MAJORS, _majors, absent_is_zero=tuple(MAJORS)),
    verb="add_cow_majors()",
    column_years={"cowmaj_carried": (1816, CARRIED_TO)},
    na_rule=f"after {LIST_END} the 2016 majors are carried and cowmaj_carried is 1",
)

POWERS = {
    "maoz_regpower": "1 if a regional power (Maoz 2010), else 0",
    "maoz_globpower": "1 if a global power (Maoz 2010), else 0",
}


def _spell_years(frame: pl.DataFrame, start: str, end: str) -> pl.DataFrame:
    return (
        frame.drop_nulls(start)
        .with_columns(
            year=pl.int_ranges(pl.col(start).dt.year(), pl.col(end).dt.year() + 1, dtype=pl.Int16)
        )
        .explode("year")
        .select("ccode", "year")
        .unique()
    )


def _powers(ctx: Context) -> StateTable:
    p = ctx.load("maoz_powers")
    reg = _spell_years(p, "regstdate", "regenddate").with_columns(maoz_regpower=pl.lit(1, pl.Int8))
    glob = _spell_years(p, "globstdate", "globenddate").with_columns(
        maoz_globpower=pl.lit(1, pl.Int8)
    )
    t = reg.join(glob, on=["ccode", "year"], how="full", coalesce=True)
    return StateTable(t, "ccode")


POWERS_FAMILY = state_family(
    "maoz_powers",
    "regional and global powers (Maoz 2010; open spells end in 2019)",
    ("maoz_powers",),
    (1816, 2019),
    StateForm(POWERS, _powers, absent_is_zero=tuple(POWERS)),
    verb="(data maoz_powers; no verb)",
    na_rule="a year is a power year if any day of it is inside a spell",
)
