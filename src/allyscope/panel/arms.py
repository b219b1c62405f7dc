"""SIPRI arms transfers (``arms``): major conventional arms delivered, both directions.

The SIPRI trade register gives, per deal, the years in which deliveries took place and
the TIV of all delivered weapons, not the TIV per year. ``arms_tiv1``/``arms_tiv2``
split each deal's delivered TIV evenly over its delivery years (an approximation,
documented in docs/panel.md); ``arms_deals1``/``arms_deals2`` count deals with a
delivery in the year (exact). Deals to or from non-state actors are not in the panel.
"""

from __future__ import annotations

import polars as pl

from allyscope.panel.family import Context, Family, Gathered, Join, Lookup


def _deliveries(t: str) -> str:
    """SQL subquery: TIV and deal count per recipient, supplier and delivery year."""
    return (
        "(SELECT recipient_ccode AS rc, supplier_ccode AS sc, "
        "CAST(y AS SMALLINT) AS year, sum(tiv / n) AS tiv, count(*) AS deals FROM ("
        "SELECT recipient_ccode, supplier_ccode, sipri_tiv_of_delivered_weapons AS tiv, "
        "string_split(years_of_delivery, '; ') AS ys, len(string_split(years_of_delivery, '; ')) AS n "
        f"FROM {t} WHERE years_of_delivery IS NOT NULL AND recipient_ccode IS NOT NULL "
        "AND supplier_ccode IS NOT NULL) d, unnest(d.ys) AS u(y) GROUP BY ALL)"
    )


def _build(ctx: Context) -> Join:
    deliveries = _deliveries(ctx.table("sipri_transfers"))
    joins = (
        f"LEFT JOIN {deliveries} ar1 ON ar1.rc = b.ccode1 AND ar1.sc = b.ccode2 AND ar1.year = b.year "
        f"LEFT JOIN {deliveries} ar2 ON ar2.rc = b.ccode2 AND ar2.sc = b.ccode1 AND ar2.year = b.year"
    )
    return Join(
        joins,
        {
            "arms_tiv1": "ar1.tiv",
            "arms_tiv2": "ar2.tiv",
            "arms_deals1": "ar1.deals",
            "arms_deals2": "ar2.deals",
        },
    )


def _gather(ctx: Context) -> Gathered:
    import duckdb  # the same aggregation as the SQL path, so the sums are the same

    sql = _deliveries(ctx.table("sipri_transfers"))
    con = duckdb.connect()
    try:
        t = con.sql(f"SELECT rc AS ccode1, sc AS ccode2, year, tiv, deals FROM {sql} d").pl()
    finally:
        con.close()
    return Gathered(
        (
            Lookup(t, "dyad", "ar1.", {"tiv": 0, "deals": 0}),
            Lookup(t, "reverse", "ar2.", {"tiv": 0, "deals": 0}),
        ),
        {
            "arms_tiv1": pl.col("ar1.tiv"),
            "arms_tiv2": pl.col("ar2.tiv"),
            "arms_deals1": pl.col("ar1.deals"),
            "arms_deals2": pl.col("ar2.deals"),
        },
    )


FAMILY = Family(
    name="arms",
    description="SIPRI Arms Transfers Database trade register (generated 13 Mar 2025)",
    datasets=("sipri_transfers",),
    columns={
        "arms_tiv1": "TIV (millions) of major arms delivered to ccode1 by ccode2 "
        "(deal TIV split evenly over delivery years), 0 if none",
        "arms_tiv2": "TIV (millions) delivered to ccode2 by ccode1, 0 if none",
        "arms_deals1": "number of deals with deliveries to ccode1 from ccode2 in the year",
        "arms_deals2": "number of deals with deliveries to ccode2 from ccode1 in the year",
    },
    coverage=(1950, 2024),
    build=_build,
    gather=_gather,
    absent_is_zero=("arms_tiv1", "arms_tiv2", "arms_deals1", "arms_deals2"),
    verb="(none; SIPRI)",
)
