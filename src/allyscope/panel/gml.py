"""Gibler-Miller-Little militarised interstate disputes (``gml_mids``, peacesciencer's
``add_gml_mids()``, GML MID 2.2.1).

Dyad-years: peacesciencer's directed dyad-years without duplicates (``gml_mid_ddydisps``:
unique onsets first, then the highest fatality, hostility, duration, reciprocation, the
earliest start month). ``gmlmid_init1`` follows peacesciencer's default rule
``init = "sidea-all-joiners"``: 1 if ccode1 is on side A or joined the dispute. A
dyad-year without a dispute inside 1816-2010 is 0 for ``gmlmidongoing``/``gmlmidonset``;
the other columns are null there. Undirected panels keep the directed rows with
ccode1 < ccode2, so their initiation columns read from ccode1's side (peacesciencer drops
them for undirected data).

State-years: from the participant table (``gml_part``) as peacesciencer does: a
participant's years are ``styear``-``endyear``, its onset the first; ``…_init`` counts
only participations on side A or as joiners; disputes in which every participant's leader
is unknown at the start or at the end are left out (peacesciencer's filter). Each column
is 1 if any participation qualifies, else 0 inside 1816-2010 (peacesciencer also writes 0
outside those years). Leader-years take their state's values; peacesciencer's leader-year
form (disputes attributed to the leader in office day by day) is not implemented.
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

SPAN = (1816, 2010)

DYAD = {
    "gmlmidongoing": "1 if a GML militarised dispute was ongoing between them, else 0",
    "gmlmidonset": "1 if a dispute (or a new participant's entry) began, else 0",
    "gmlmid_dispnum": "GML dispute number (null if none)",
    "gmlmid_init1": "1 if ccode1 is on side A or a joiner (init = 'sidea-all-joiners')",
    "gmlmid_init2": "the same for ccode2",
    "gmlmid_sidea1": "1 if ccode1 is on side A",
    "gmlmid_sidea2": "1 if ccode2 is on side A",
    "gmlmid_orig1": "1 if ccode1 is an originator",
    "gmlmid_orig2": "1 if ccode2 is an originator",
    "gmlmid_fatality1": "fatality level of ccode1",
    "gmlmid_fatality2": "fatality level of ccode2",
    "gmlmid_fatalpre1": "known fatalities of ccode1",
    "gmlmid_fatalpre2": "known fatalities of ccode2",
    "gmlmid_hiact1": "highest action of ccode1",
    "gmlmid_hiact2": "highest action of ccode2",
    "gmlmid_hostlev1": "hostility level of ccode1 (1-5)",
    "gmlmid_hostlev2": "hostility level of ccode2 (1-5)",
    "gmlmid_fatality": "fatality level of the dispute",
    "gmlmid_hostlev": "hostility level of the dispute",
    "gmlmid_recip": "1 if the dispute was reciprocated",
    "gmlmid_mindur": "minimum duration of the dispute, days",
    "gmlmid_maxdur": "maximum duration of the dispute, days",
    "gmlmid_stmon": "start month of the dispute",
}


def _init(side: str) -> pl.Expr:
    cond = (pl.col(f"sidea{side}") == 1) | (pl.col(f"orig{side}") == 0)
    return cond.cast(pl.Int16)  # null where R's ifelse gives NA


def gml_dyad_years(ctx: Context) -> pl.DataFrame:
    """The directed dyad-year table with the output columns."""
    t = ctx.load("gml_mid").with_columns(init1=_init("1"), init2=_init("2"))
    sel = [
        pl.col(c) if c in ("gmlmidongoing", "gmlmidonset") else pl.col(c[len("gmlmid_") :]).alias(c)
        for c in DYAD
    ]
    return t.select("ccode1", "ccode2", "year", *sel)


_gather, _build = computed_table("st_gmlmid", "gml", gml_dyad_years, DYAD)


STATE = {
    "gmlmidongoing": "1 if the state was in a GML militarised dispute, else 0",
    "gmlmidonset": "1 if it entered one this year, else 0",
    "gmlmidongoing_init": "1 if it was in one on side A or as a joiner, else 0",
    "gmlmidonset_init": "1 if it entered one on side A or as a joiner this year, else 0",
}


def gml_state_years(ctx: Context) -> StateTable:
    p = ctx.load(
        "gml_participants",
        [
            "ccode",
            "styear",
            "endyear",
            "sidea",
            "orig",
            "allmiss_leader_start",
            "allmiss_leader_end",
        ],
    )
    t = (
        p.filter((pl.col("allmiss_leader_start") == 0) & (pl.col("allmiss_leader_end") == 0))
        .with_columns(year=pl.int_ranges("styear", pl.col("endyear") + 1, dtype=pl.Int16))
        .explode("year")
        .with_columns(
            onset=(pl.col("year") == pl.col("styear")).cast(pl.Int8),
            init=((pl.col("sidea") == 1) | (pl.col("orig") == 0)).cast(pl.Int8),
        )
    )
    s = t.group_by("ccode", "year").agg(
        gmlmidongoing=pl.lit(1, pl.Int8),
        gmlmidonset=pl.col("onset").max(),
        gmlmidongoing_init=pl.col("init").max(),
        gmlmidonset_init=(pl.col("onset") * pl.col("init")).max(),
    )
    return StateTable(s, "ccode")


FAMILY = Family(
    name="gml_mids",
    description="Gibler-Miller-Little MIDs 2.2.1 (peacesciencer's dyad-years without duplicates)",
    datasets=("gml_mid", "gml_participants"),
    columns=DYAD,
    coverage=SPAN,
    build=_build,
    gather=_gather,
    absent_is_zero=("gmlmidongoing", "gmlmidonset"),
    state=StateForm(STATE, gml_state_years, absent_is_zero=tuple(STATE)),
    verb="add_gml_mids()",
    na_rule="state-years: peacesciencer also writes 0 outside 1816-2010",
)
