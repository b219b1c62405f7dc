"""Ethnic and religious composition: CREG fractionalisation and polarisation (``creg``,
peacesciencer's ``add_creg_fractionalization()``) and the Historical Index of Ethnic
Fractionalization (``hief``, a peacesciencer table without a verb).

CREG lists a few state-years twice (its own codes change); peacesciencer keeps one row per
state-year: a value missing in one of the duplicates takes the group's largest, exact
duplicates collapse, then the row with the highest ``ethfrac`` (then ``relfrac``) wins,
missing values last. The same rule is applied here, except that a group whose values are
all missing stays missing (R's ``max(na.rm = TRUE)`` gives ``-Inf`` there).
"""

from __future__ import annotations

import polars as pl

from allyscope.panel.family import Context, StateForm, StateTable
from allyscope.panel.statelevel import state_family

CREG = {
    "ethfrac": "ethnic fractionalisation (CREG)",
    "ethpol": "ethnic polarisation (CREG)",
    "relfrac": "religious fractionalisation (CREG)",
    "relpol": "religious polarisation (CREG)",
}


def creg_years(frame: pl.DataFrame, code: str) -> pl.DataFrame:
    """One CREG row per (``code``, year) by peacesciencer's rule (module docstring)."""
    key = [code, "year"]
    t = frame.select(*key, *CREG).drop_nulls(code)
    n = pl.len().over(key)
    t = t.with_columns(
        pl.when(pl.col(c).is_null() & (n > 1)).then(pl.col(c).max().over(key)).otherwise(pl.col(c))
        for c in CREG
    )
    t = t.unique(maintain_order=True).with_row_index("_row")
    t = t.sort(
        [*key, "ethfrac", "relfrac", "_row"],
        descending=[False, False, True, True, False],
        nulls_last=True,
    )
    return t.unique(key, keep="first", maintain_order=True).drop("_row")


def _creg(ctx: Context) -> StateTable:
    code = "gwcode" if ctx.system == "gw" else "ccode"
    return StateTable(creg_years(ctx.load("creg"), code), code)


CREG_FAMILY = state_family(
    "creg",
    "ethnic and religious fractionalisation and polarisation (CREG 1.02)",
    ("creg",),
    (1945, 2013),
    StateForm(CREG, _creg),
    verb="add_creg_fractionalization()",
    na_rule="one row per state-year by peacesciencer's rule (docs/panel.md)",
)

HIEF = {"efindex": "Historical Index of Ethnic Fractionalization"}


def _hief(ctx: Context) -> StateTable:
    """One HIEF value per state-year: exact duplicates collapse; where a code-year has two
    values, the row whose COW and G-W codes agree wins (G-W 817, South Vietnam, is listed
    with COW 816 too), else the first in file order."""
    code = "gwcode" if ctx.system == "gw" else "ccode"
    t = ctx.load("hief", ["ccode", "gwcode", "year", "efindex"]).drop_nulls(code)
    t = (
        t.with_row_index("_row")
        .with_columns(_other=pl.col("ccode") != pl.col("gwcode"))
        .sort(code, "year", "_other", "_row", nulls_last=True)
        .unique([code, "year"], keep="first", maintain_order=True)
    )
    return StateTable(t.select(code, "year", "efindex"), code)


HIEF_FAMILY = state_family(
    "hief",
    "Historical Index of Ethnic Fractionalization (Drazanova 2020)",
    ("hief",),
    (1945, 2013),
    StateForm(HIEF, _hief),
    verb="(data hief; no verb)",
    na_rule="duplicated state-years: the row whose COW and G-W codes agree, else the first",
)
