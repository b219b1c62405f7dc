"""Correlates of War wars: inter-state wars between the two states (``cow_wars``,
peacesciencer's ``add_cow_wars(type = "inter")``) and intra-state wars of each state
(``cow_intra_wars``, ``add_cow_wars(type = "intra")``).

Inter-state (directed dyad-years): where a dyad-year has several war records, records that
are not onsets are dropped if another is an onset, and the record with the most battle
deaths (both sides, -9 as missing) is kept, the first in file order on a tie, as
peacesciencer does. A dyad-year without a war inside 1816-2007 is 0. On state-years,
``cowinterongoing``/``cowinteronset`` say whether the state fought (began fighting) any
inter-state war that year (peacesciencer has no state-year form).

Intra-state (state-years; each side of a dyad-year): the wars in which the state is the
primary state on side A (``intratype = "all"``), one record per state-year by the same
rule; ``cowintra_warnums`` lists every war of the year. Unknown deaths are null here
(peacesciencer writes -9).
"""

from __future__ import annotations

import polars as pl

from allyscope.panel.family import (
    Context,
    Family,
    StateForm,
    StateTable,
    computed_table,
)
from allyscope.panel.statelevel import state_family

SPAN = (1816, 2007)


def _one_per_key(t: pl.DataFrame, key: list[str], onset: str, deaths: pl.Expr) -> pl.DataFrame:
    """peacesciencer's whittling: drop non-onsets where the key also has an onset, then keep
    the record with the most deaths (missing last), the first in file order on a tie."""
    o = pl.col(onset)
    mixed = (pl.len().over(key) > 1) & (o.min().over(key) != o.max().over(key))
    return (
        t.with_row_index("_row")
        .filter(~(mixed & (o == 0)))
        .with_columns(_deaths=deaths)
        .sort(
            [*key, "_deaths", "_row"],
            descending=[False] * len(key) + [True, False],
            nulls_last=True,
        )
        .unique(key, keep="first", maintain_order=True)
        .drop("_row", "_deaths")
    )


def _both(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """a + b, either alone where the other is missing, missing if both are."""
    return pl.when(a.is_null() & b.is_null()).then(None).otherwise(a.fill_null(0) + b.fill_null(0))


INTER = {
    "cowinterongoing": "1 if the two states fought each other in a COW inter-state war, else 0",
    "cowinteronset": "1 if such a war (or a state's entry into it) began this year, else 0",
    "cowinter_warnum": "COW war number (null if none)",
    "cowinter_side1": "side of ccode1 in the war (1 or 2)",
    "cowinter_side2": "side of ccode2 in the war (1 or 2)",
    "cowinter_initiator1": "1 if ccode1 initiated the war",
    "cowinter_initiator2": "1 if ccode2 initiated the war",
    "cowinter_outcome1": "outcome for ccode1 (1 win, 2 loss, 3 compromise, 4 transformed, 6 stalemate, 7 continues below war, 8 changed sides)",
    "cowinter_outcome2": "outcome for ccode2",
    "cowinter_batdeath1": "battle deaths of ccode1 (null if unknown)",
    "cowinter_batdeath2": "battle deaths of ccode2 (null if unknown)",
    "cowinter_resume": "1 if a resumption of an earlier war",
}
_INTER_SRC = {
    "cowinterongoing": "cowinterongoing",
    "cowinteronset": "cowinteronset",
    "cowinter_warnum": "warnum",
    "cowinter_side1": "sidea1",
    "cowinter_side2": "sidea2",
    "cowinter_initiator1": "initiator1",
    "cowinter_initiator2": "initiator2",
    "cowinter_outcome1": "outcome1",
    "cowinter_outcome2": "outcome2",
    "cowinter_batdeath1": "batdeath1",
    "cowinter_batdeath2": "batdeath2",
    "cowinter_resume": "resume",
}


def inter_dyad_years(ctx: Context) -> pl.DataFrame:
    """One inter-state war record per directed dyad-year (``ccode1, ccode2, year`` and the
    output columns)."""
    if "wars:inter" in ctx.cache:
        return ctx.cache["wars:inter"]  # type: ignore[return-value]
    t = ctx.load("cow_war_inter").with_columns(
        pl.when(pl.col(c) < 0).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("batdeath1", "batdeath2")
    )
    key = ["ccode1", "ccode2", "year"]
    t = _one_per_key(t, key, "cowinteronset", _both(pl.col("batdeath1"), pl.col("batdeath2")))
    out = t.select(*key, *(pl.col(src).alias(out) for out, src in _INTER_SRC.items()))
    ctx.cache["wars:inter"] = out
    return out


_inter_gather, _inter_build = computed_table("st_cowinter", "cwi", inter_dyad_years, INTER)


def _inter_state(ctx: Context) -> StateTable:
    t = ctx.load("cow_war_inter", ["ccode1", "year", "cowinterongoing", "cowinteronset"])
    s = t.group_by(pl.col("ccode1").alias("ccode"), "year").agg(
        pl.col("cowinterongoing").max(), pl.col("cowinteronset").max()
    )
    return StateTable(s, "ccode")


INTER_FAMILY = Family(
    name="cow_wars",
    description="COW inter-state wars between the two states (v4.0), one war per dyad-year",
    datasets=("cow_war_inter",),
    columns=INTER,
    coverage=SPAN,
    build=_inter_build,
    gather=_inter_gather,
    absent_is_zero=("cowinterongoing", "cowinteronset"),
    state=StateForm(
        {
            "cowinterongoing": "1 if the state fought a COW inter-state war this year, else 0",
            "cowinteronset": "1 if it began fighting one this year, else 0",
        },
        _inter_state,
        absent_is_zero=("cowinterongoing", "cowinteronset"),
    ),
    verb='add_cow_wars(type = "inter")',
    na_rule="deaths coded -9 are null",
)

INTRA = {
    "cowintraongoing": "1 if the state had a COW intra-state war (as primary state), else 0",
    "cowintraonset": "1 if one began this year, else 0",
    "cowintra_warnum": "COW war number of the record kept (null if none)",
    "cowintra_warname": "its name",
    "cowintra_wartype": "central control or local issues",
    "cowintra_intnl": "1 if internationalised",
    "cowintra_outcome": "1 side A wins, 2 side B wins, 3 compromise, 4 transformed, 5 ongoing end 2007, 6 stalemate, 7 below war",
    "cowintra_sideadeaths": "side A deaths (null if unknown)",
    "cowintra_sidebdeaths": "side B deaths (null if unknown)",
    "cowintra_warnums": "every intra-state war of the state that year, '; '-separated",
}
_INTRA_SRC = {
    "cowintraongoing": "cowintraongoing",
    "cowintraonset": "cowintraonset",
    "cowintra_warnum": "warnum",
    "cowintra_warname": "warname",
    "cowintra_wartype": "wartype",
    "cowintra_intnl": "intnl",
    "cowintra_outcome": "outcome",
    "cowintra_sideadeaths": "sideadeaths",
    "cowintra_sidebdeaths": "sidebdeaths",
    "cowintra_warnums": "warnums",
}


def _intra(ctx: Context) -> StateTable:
    t = (
        ctx.load("cow_war_intra")
        .filter(pl.col("primary_state") == 1)
        .rename({"ccodea": "ccode"})
        .with_columns(
            pl.when(pl.col(c) < 0).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("sideadeaths", "sidebdeaths")
        )
    )
    key = ["ccode", "year"]
    t = t.with_columns(
        warnums=pl.col("warnum").cast(pl.String).str.join("; ").over(key, mapping_strategy="join")
    )
    t = _one_per_key(t, key, "cowintraonset", _both(pl.col("sideadeaths"), pl.col("sidebdeaths")))
    out = t.select(*key, *(pl.col(src).alias(out) for out, src in _INTRA_SRC.items()))
    return StateTable(out, "ccode")


INTRA_FAMILY = state_family(
    "cow_intra_wars",
    "COW intra-state wars (v4.1) in which the state is the primary state, one per state-year",
    ("cow_war_intra",),
    SPAN,
    StateForm(INTRA, _intra, absent_is_zero=("cowintraongoing", "cowintraonset")),
    verb='add_cow_wars(type = "intra")',
    na_rule="deaths coded -9 or -8 are null (peacesciencer: -9)",
)
