"""UCDP armed conflicts of each state: conflict-years of the Armed Conflict Dataset
(``ucdp_acd``, peacesciencer's ``add_ucdp_acd()`` with its defaults: every type,
incompatibility and intensity) and the onset counts (``ucdp_onsets``,
``add_ucdp_onsets()``).

UCDP codes states by G-W. As in peacesciencer, a conflict counts for the state on side A
(``gwno_a``); ``ucdponset`` is 1 in the first year a conflict appears for that state,
``ucdp_maxintensity`` the highest intensity of its conflicts that year (1 minor, 2 war)
and ``ucdp_conflict_ids`` their ids. COW rows get the values of their G-W state through
the crosswalk of the year (peacesciencer supports only G-W state-years). peacesciencer
sets the onset counts to 0 for every year; here they are null outside 1946-2017.
"""

from __future__ import annotations

import polars as pl

from allyscope.panel.family import Context, StateForm, StateTable
from allyscope.panel.statelevel import state_family

ACD = {
    "ucdpongoing": "1 if the state (side A) was in a UCDP armed conflict, else 0",
    "ucdponset": "1 if one of them appears for the state for the first time, else 0",
    "ucdp_maxintensity": "highest intensity of its conflicts (1 minor, 2 war; null if none)",
    "ucdp_conflict_ids": "UCDP ids of its conflicts, '; '-separated (null if none)",
}


def acd_state_years(ctx: Context) -> StateTable:
    a = ctx.load("ucdp_acd", ["conflict_id", "gwno_a", "year", "intensity_level"]).drop_nulls(
        "gwno_a"
    )
    first = (
        a.unique(["conflict_id", "gwno_a", "year"], keep="first", maintain_order=True)
        .sort("conflict_id", "gwno_a", "year")
        .with_columns(
            onset=(pl.int_range(pl.len()).over("conflict_id", "gwno_a") == 0).cast(pl.Int8)
        )
    )
    s = first.group_by(pl.col("gwno_a").alias("gwcode"), "year").agg(
        ucdpongoing=pl.lit(1, pl.Int8),
        ucdponset=pl.col("onset").max(),
        ucdp_maxintensity=pl.col("intensity_level").max(),
        ucdp_conflict_ids=pl.col("conflict_id").sort().cast(pl.String).str.join("; "),
    )
    return StateTable(s, "gwcode")


ACD_FAMILY = state_family(
    "ucdp_acd",
    "UCDP/PRIO armed conflicts (25.1) with the state on side A",
    ("ucdp_acd",),
    (1946, 2024),
    StateForm(ACD, acd_state_years, absent_is_zero=("ucdpongoing", "ucdponset")),
    verb="add_ucdp_acd()",
    na_rule="G-W-coded: COW rows through the crosswalk",
)

ONSETS = {
    "sumnewconf": "new UCDP conflicts (or conflict dyads) of the state",
    "sumonset1": "new conflict episodes after more than 1 year of peace",
    "sumonset2": "new episodes after more than 2 years",
    "sumonset3": "new episodes after more than 3 years",
    "sumonset5": "new episodes after more than 5 years",
    "sumonset10": "new episodes after more than 10 years",
}


def _onsets(ctx: Context) -> StateTable:
    return StateTable(ctx.load("ucdp_onsets", ["gwcode", "year", *ONSETS]), "gwcode")


ONSETS_FAMILY = state_family(
    "ucdp_onsets",
    "UCDP onsets (19.1): new conflicts and episodes by years of peace before",
    ("ucdp_onsets",),
    (1946, 2017),
    StateForm(ONSETS, _onsets, absent_is_zero=tuple(ONSETS)),
    verb="add_ucdp_onsets()",
    sep="_",  # dyad-years: sumonset1_1, sumonset10_2 (not sumonset11, sumonset102)
    na_rule="G-W-coded: COW rows through the crosswalk; peacesciencer writes 0 outside 1946-2017",
)
