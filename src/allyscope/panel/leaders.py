"""Leaders (Archigos 4.1): yearly leader turnover of each state (``archigos``,
peacesciencer's ``add_archigos()``), and leader attributes: LEAD (``lead``,
``add_lead()``) and the willingness to use force (``lwuf``, ``add_lwuf()``).

``archigos`` is G-W-coded (peacesciencer's ``archigossums``). For COW rows it is re-keyed
with the crosswalk of the year after peacesciencer's two repairs: the 2006 row of G-W 340
(Serbia, which re-enters the G-W system that June) is dropped and the 2006 row of G-W 345
(Yugoslavia, COW's Serbia) ends with ``SER-2006``.

``lead`` and ``lwuf`` describe a leader (Archigos ``obsid``). On leader-years they are the
row's leader's own values, as in peacesciencer (which offers them only there); on
state-years and each side of dyad-years they are those of the leader in office on
1 January (``jan1obsid`` of ``archigos``), which peacesciencer does not offer.
"""

from __future__ import annotations

import polars as pl

from allyscope.panel.family import Context, LeaderForm, StateForm, StateTable
from allyscope.panel.statelevel import state_family

ARCHIGOS = {
    "leadertransition": "1 if the leader changed during the year, else 0",
    "irregular": "1 if a leader entered or left office irregularly during the year, else 0",
    "n_leaders": "number of leaders in office during the year",
    "jan1obsid": "Archigos id of the leader in office on 1 January",
    "dec31obsid": "Archigos id of the leader in office on 31 December",
}


def archigos_years(ctx: Context) -> StateTable:
    t = ctx.load("archigos_years", ["gwcode", "year", *ARCHIGOS])
    if ctx.system == "gw":
        return StateTable(t, "gwcode")
    g, y = pl.col("gwcode"), pl.col("year")
    t = t.filter(~((g == 340) & (y == 2006))).with_columns(
        dec31obsid=pl.when((g == 345) & (y == 2006))
        .then(pl.lit("SER-2006"))
        .otherwise(pl.col("dec31obsid"))
    )
    from allyscope.panel.statelevel import cow_keyed

    return cow_keyed(StateTable(t, "gwcode"))


ARCHIGOS_FAMILY = state_family(
    "archigos",
    "Archigos 4.1 leader turnover per state-year (peacesciencer archigossums)",
    ("archigos_years",),
    (1870, 2015),
    StateForm(ARCHIGOS, archigos_years),
    verb="add_archigos()",
    na_rule="G-W-coded: COW rows through the crosswalk (peacesciencer: isard's panel)",
)


def _leader_family(
    name: str, dataset: str, columns: dict[str, str], description: str, verb: str
) -> object:
    def leader_table(ctx: Context) -> pl.DataFrame:
        return ctx.load(dataset, ["obsid", *columns]).unique("obsid", keep="first")

    def state_table(ctx: Context) -> StateTable:
        years = archigos_years(ctx)
        t = years.frame.select(years.code, "year", pl.col("jan1obsid").alias("obsid")).join(
            leader_table(ctx), on="obsid", how="left"
        )
        return StateTable(t.drop("obsid"), years.code)

    state_cols = {c: f"{d} (leader in office on 1 January)" for c, d in columns.items()}
    return state_family(
        name,
        description,
        (dataset, "archigos_years"),
        (1870, 2015),
        StateForm(state_cols, state_table),
        verb=verb,
        leader=LeaderForm(columns, leader_table),
        na_rule="null for leaders the data do not code (LEAD: leaders of 1875-2004); "
        "leader-years: the leader's own values, other units: the 1 January leader's",
    )


LEAD = {
    "leveledu": "education: 0 primary, 1 secondary, 2 university, 3 graduate",
    "milservice": "1 if prior military service",
    "combat": "1 if prior combat experience",
    "rebel": "1 if previously in a rebel group",
    "warwin": "1 if on a winning side of a war in military service",
    "warloss": "1 if on a losing side of a war in military service",
    "rebelwin": "1 if on a winning side as a rebel",
    "rebelloss": "1 if on a losing side as a rebel",
    "yrsexper": "years of political experience before office",
    "physhealth": "1 if physical health issues",
    "mentalhealth": "1 if mental health issues",
}
LWUF = {
    "theta1_mean": "willingness to use force, M1 theta (risk-related LEAD items), mean",
    "theta1_sd": "M1 theta, standard deviation",
    "theta2_mean": "M2 theta (M1 + political orientation and psychology), mean",
    "theta2_sd": "M2 theta, standard deviation",
    "theta3_mean": "M3 theta (all 36 LEAD items), mean",
    "theta3_sd": "M3 theta, standard deviation",
    "theta4_mean": "M4 theta (all 36 LEAD items, M2 model), mean",
    "theta4_sd": "M4 theta, standard deviation",
}

LEAD_FAMILY = _leader_family(
    "lead", "lead", LEAD, "LEAD leader attributes (Ellis, Horowitz & Stam 2015)", "add_lead()"
)
LWUF_FAMILY = _leader_family(
    "lwuf", "lwuf", LWUF, "leaders' willingness to use force (Carter & Smith 2020)", "add_lwuf()"
)
