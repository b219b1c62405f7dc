"""Strategic rivalries (``rivalries``): Thompson, Sakuwa & Suhas (2021) and Thompson & Dreyer (2012)."""

from __future__ import annotations

import polars as pl

from allyscope.panel.family import Context, Family, Gathered, Join, Lookup


def _build(ctx: Context) -> Join:
    tss, td = ctx.table("tss_rivalries"), ctx.table("td_rivalries")
    key = "least(b.ccode1, b.ccode2)", "greatest(b.ccode1, b.ccode2)"
    joins = (
        f'LEFT JOIN (SELECT ccode1, ccode2, start, "end", min(tssr_id) AS tssr_id FROM {tss} '
        f"GROUP BY ALL) rv ON rv.ccode1 = {key[0]} AND rv.ccode2 = {key[1]} "
        'AND b.year BETWEEN rv.start AND rv."end" '
        f"LEFT JOIN (SELECT ccode1, ccode2, styear, endyear, min(rivalryno) AS rivalryno FROM {td} "
        f"GROUP BY ALL) rd ON rd.ccode1 = {key[0]} AND rd.ccode2 = {key[1]} "
        "AND b.year BETWEEN rd.styear AND rd.endyear"
    )
    return Join(
        joins,
        {
            "tss_rivalry": "CASE WHEN rv.tssr_id IS NOT NULL THEN 1 END",
            "tssr_id": "rv.tssr_id",
            "td_rivalry": "CASE WHEN rd.rivalryno IS NOT NULL THEN 1 END",
        },
    )


def _spell_years(spells: pl.DataFrame, first: str, last: str, ident: str) -> pl.DataFrame:
    """One row per pair and year in force (the SQL's GROUP BY ALL, then BETWEEN)."""
    return (
        spells.group_by("ccode1", "ccode2", first, last)
        .agg(pl.col(ident).min())
        .with_columns(year=pl.int_ranges(first, pl.col(last) + 1, dtype=pl.Int32))
        .explode("year")
        .drop_nulls("year")
        .select("ccode1", "ccode2", "year", ident)
    )


def _gather(ctx: Context) -> Gathered:
    tss = _spell_years(
        ctx.load("tss_rivalries", ["ccode1", "ccode2", "start", "end", "tssr_id"]),
        "start",
        "end",
        "tssr_id",
    )
    td = _spell_years(
        ctx.load("td_rivalries", ["ccode1", "ccode2", "styear", "endyear", "rivalryno"]),
        "styear",
        "endyear",
        "rivalryno",
    )
    one = pl.lit(1, dtype=pl.Int32)
    return Gathered(
        (Lookup(tss, "pair", "rv."), Lookup(td, "pair", "rd.")),
        {
            "tss_rivalry": pl.when(pl.col("rv.tssr_id").is_not_null()).then(one),
            "tssr_id": pl.col("rv.tssr_id"),
            "td_rivalry": pl.when(pl.col("rd.rivalryno").is_not_null()).then(one),
        },
    )


FAMILY = Family(
    name="rivalries",
    description="strategic rivalries in force (Thompson et al. 2021 to 2020; Thompson & Dreyer to 2010)",
    datasets=("tss_rivalries", "td_rivalries"),
    columns={
        "tss_rivalry": "1 if a Thompson-Sakuwa-Suhas strategic rivalry was ongoing, else 0",
        "tssr_id": "its rivalry id (null if none)",
        "td_rivalry": "1 if a Thompson-Dreyer strategic rivalry was ongoing (to 2010), else 0",
    },
    coverage=(1816, 2020),
    build=_build,
    gather=_gather,
    absent_is_zero=("tss_rivalry", "td_rivalry"),
    verb="add_strategic_rivalries()",
)
