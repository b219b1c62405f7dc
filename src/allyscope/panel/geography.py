"""Rugged and mountainous terrain (``rugged``): Nunn & Puga's ruggedness index and Gibler &
Miller's (log) share of mountainous terrain for each side, as peacesciencer's
``add_rugged_terrain()``. The data are time-invariant: every year of a state carries the
same values."""

from __future__ import annotations

import polars as pl

from allyscope.panel.family import Context, StateForm, StateTable
from allyscope.panel.statelevel import state_family
from allyscope.states.table import OPEN_END_YEAR

COLUMNS = {
    "rugged": "terrain ruggedness index (Nunn & Puga 2012)",
    "newlmtnest": "log of the percentage of mountainous terrain (Gibler & Miller 2014)",
}


def _table(ctx: Context) -> StateTable:
    code = "gwcode" if ctx.system == "gw" else "ccode"
    t = ctx.load("rugged", [code, *COLUMNS]).drop_nulls(code).unique(code, keep="first")
    years = pl.DataFrame({"year": ctx.years}, schema={"year": pl.Int16})
    return StateTable(t.join(years, how="cross").select(code, "year", *COLUMNS), code)


FAMILY = state_family(
    "rugged",
    "terrain ruggedness and mountainous terrain (time-invariant)",
    ("rugged",),
    (1816, OPEN_END_YEAR),
    StateForm(COLUMNS, _table),
    verb="add_rugged_terrain()",
    na_rule="the same values every year (the data have no time dimension)",
)
