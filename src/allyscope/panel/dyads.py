"""Base dyad-years: every pair of state-system members in each year, or the dyads asked for.

Two states form a dyad-year when both were members at some time in the year *and* their
membership spells overlap (so Suriname, which entered on 25 Nov 1975, and the Republic of
Vietnam, which exited on 30 Apr 1975, do not form a 1975 dyad). For the COW system
1816-2014 this gives peacesciencer's 1,836,630 directed dyad-years. For Gleditsch-Ward,
microstates carry years only; peacesciencer's list of false G-W dyad-years removes the
pairs that never overlapped.

Schema of the base (COW): ``ccode1 Int16, ccode2 Int16, year Int16``; (G-W) adds
``gwcode1, gwcode2`` and ``ccode1, ccode2`` from the G-W/COW crosswalk (null where a G-W
state has no COW counterpart that year).
"""

from __future__ import annotations

import polars as pl

from allyscope.states.table import (
    cow_membership,
    gw_cow_crosswalk,
    gw_false_dyads,
    gw_membership,
)


def state_years(system: str, years: list[int]) -> pl.DataFrame:
    """One row per membership spell and year: ``code, start, end, year``."""
    if system == "gw":
        m = gw_membership().select(pl.col("gwcode").alias("code"), "start", "end")
    else:
        m = cow_membership().select(pl.col("ccode").alias("code"), "start", "end")
    wanted = pl.DataFrame({"year": years}, schema={"year": pl.Int16})
    return (
        m.with_columns(
            year=pl.int_ranges(
                pl.col("start").dt.year(), pl.col("end").dt.year() + 1, dtype=pl.Int16
            )
        )
        .explode("year")
        .join(wanted, on="year", how="semi")
    )


def base_query(
    system: str,
    years: list[int],
    dyads: list[tuple[int, int]] | None,
    directed: bool,
    frames: dict[str, pl.DataFrame],
) -> str:
    """SQL for the base dyad-years; registers the frames it needs in ``frames``."""
    sy = state_years(system, years)
    frames["sy"] = sy
    multi = sy.select("code", "year").is_duplicated().any()
    distinct = "DISTINCT " if multi else ""
    where = []
    join_want = ""
    if dyads is not None:
        pairs = {(min(a, b), max(a, b)) for a, b in dyads} if not directed else set(dyads)
        frames["want"] = pl.DataFrame(
            sorted(pairs), schema={"w1": pl.Int16, "w2": pl.Int16}, orient="row"
        )
        join_want = "JOIN want ON want.w1 = s1.code AND want.w2 = s2.code "
    if not directed:
        where.append("s1.code < s2.code")
    where_sql = ("WHERE " + " AND ".join(where)) if where else ""
    pairs_sql = (
        f"SELECT {distinct}s1.code AS code1, s2.code AS code2, s1.year "
        "FROM sy s1 JOIN sy s2 ON s1.year = s2.year AND s1.code <> s2.code "
        'AND s1.start <= s2."end" AND s2.start <= s1."end" '
        f"{join_want}{where_sql}"
    )
    if system != "gw":
        return f"SELECT code1 AS ccode1, code2 AS ccode2, year FROM ({pairs_sql})"
    frames["gw_false"] = gw_false_dyads()
    frames["gw_cw"] = gw_cow_crosswalk()
    return (
        "SELECT p.code1 AS gwcode1, p.code2 AS gwcode2, x1.ccode AS ccode1, x2.ccode AS ccode2, "
        f"p.year FROM ({pairs_sql}) p "
        "ANTI JOIN gw_false f ON f.gwcode1 = p.code1 AND f.gwcode2 = p.code2 AND f.year = p.year "
        "LEFT JOIN gw_cw x1 ON x1.gwcode = p.code1 AND p.year BETWEEN x1.first_year AND x1.last_year "
        "LEFT JOIN gw_cw x2 ON x2.gwcode = p.code2 AND p.year BETWEEN x2.first_year AND x2.last_year"
    )
