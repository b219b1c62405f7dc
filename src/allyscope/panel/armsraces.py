"""Arms races (``arms_races``): the 71 conventional arms races Gibler, Rider & Hutchison
(2005) found among strategic rivals 1816-1993 (peacesciencer's ``grh_arms_races``, a table
without a verb). 1 in the years of a race, 0 otherwise inside 1816-1993 (their study
period; a dyad that was not a rivalry was not examined, and counts as no race)."""

from __future__ import annotations

import polars as pl

from allyscope.panel.family import Context, Family, computed_table

COLUMNS = {
    "armsrace": "1 if the two states were in a conventional arms race (GRH 2005), else 0",
    "armsrace_id": "its race id (null if none)",
}


def race_years(ctx: Context) -> pl.DataFrame:
    r = ctx.load("grh_arms_races")
    return (
        r.with_columns(year=pl.int_ranges("styear", pl.col("endyear") + 1, dtype=pl.Int16))
        .explode("year")
        .group_by("ccode1", "ccode2", "year")
        .agg(armsrace_id=pl.col("race_id").min())
        .with_columns(armsrace=pl.lit(1, pl.Int8))
        .select("ccode1", "ccode2", "year", "armsrace", "armsrace_id")
    )


_gather, _build = computed_table("st_armsrace", "grh", race_years, COLUMNS, key="pair")


FAMILY = Family(
    name="arms_races",
    description="conventional arms races during rivalries (Gibler, Rider & Hutchison 2005)",
    datasets=("grh_arms_races",),
    columns=COLUMNS,
    coverage=(1816, 1993),
    build=_build,
    gather=_gather,
    absent_is_zero=("armsrace",),
    verb="(data grh_arms_races; no verb)",
    na_rule="0 also for dyads that were not rivals (GRH looked only at rivals)",
)
