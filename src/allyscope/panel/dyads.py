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

from dataclasses import dataclass

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


@dataclass
class Grid:
    """Where each base row sits in the per-year member x member grids (COW system).

    ``members`` has one row per state-year of the base: ``year, code``, its state
    ``slot`` (0, 1, ... over all years, in year and code order), its index ``i`` among
    the year's ``n`` members (sorted by code) and ``coff``, the first cell of the year's
    block. Cell ``coff + i * n + j`` is the directed dyad (members i, j) of that year.
    Lookups scatter a source table's row numbers into cells (or state slots) and read
    them back at the base rows' cells (``row_cell``) or slots (``row_s1``, ``row_s2``).
    All are UInt32.
    """

    members: pl.DataFrame
    cells: int  # number of cells (sum of n * n over the years)
    rows: pl.DataFrame  # per base row: row_cell, row_s1, row_s2


def _members(spells: pl.DataFrame, multi: bool) -> tuple[pl.DataFrame, int]:
    """``spells`` (sorted by year, code, start) with each state-year's slot, index in the
    year, year size and block offset; and the number of cells."""
    u32 = pl.UInt32
    mem = spells.select("year", "code")
    if multi:
        mem = mem.unique(maintain_order=True)
    mem = mem.with_row_index("slot").with_columns(
        i=pl.int_range(pl.len(), dtype=u32).over("year"),
        n=pl.len().over("year").cast(u32),
    )
    blocks = (
        mem.group_by("year", maintain_order=True)
        .agg(cells=(pl.col("n").first() * pl.col("n").first()).cast(u32))
        .with_columns(coff=(pl.col("cells").cum_sum() - pl.col("cells")).cast(u32))
    )
    cells = int(blocks["cells"].sum()) if blocks.height else 0
    mem = mem.join(blocks.select("year", "coff"), on="year", maintain_order="left")
    if multi:
        return spells.join(mem, on=["year", "code"], maintain_order="left"), cells
    return pl.concat([spells, mem.drop("year", "code")], how="horizontal"), cells


def base_frame(
    system: str,
    years: list[int],
    dyads: list[tuple[int, int]] | None,
    directed: bool,
) -> tuple[pl.DataFrame, Grid | None]:
    """The base dyad-years as a frame already sorted by year, code1, code2 (G-W: gwcode1,
    gwcode2), and for the COW system the grid position of each row.

    Same rows as :func:`base_query`, built by Polars alone (no numpy, no sort of the
    result): the spell-years sorted by year and code are joined to themselves on the year
    with the left-then-right order kept, so the overlapping pairs come out in (code1,
    code2) order.
    """
    sy = state_years(system, years).sort("year", "code", "start")
    multi = sy.height > 0 and sy.select(pl.struct("year", "code").is_duplicated().any()).item()
    spells, cells = _members(sy, multi)
    mem = spells.select("year", "code", "slot", "i", "n", "coff")
    if multi:
        mem = mem.unique(["year", "code"], maintain_order=True)
    left = spells.lazy().select("year", "code", "start", "end", "slot", "i", "n", "coff")
    right = spells.lazy().select(
        "year",
        pl.col("code").alias("code_r"),
        pl.col("start").alias("start_r"),
        pl.col("end").alias("end_r"),
        pl.col("slot").alias("slot_r"),
        pl.col("i").alias("i_r"),
    )
    other = (
        pl.col("code") < pl.col("code_r") if not directed else pl.col("code") != pl.col("code_r")
    )
    pairs = left.join(right, on="year", how="inner", maintain_order="left_right").filter(
        (pl.col("start") <= pl.col("end_r")) & (pl.col("start_r") <= pl.col("end")) & other
    )
    if multi:  # a state with two spells in a year: the dyad exists if any spells overlap
        pairs = pairs.unique(["year", "code", "code_r"], keep="first").sort(
            "year", "code", "code_r"
        )
    if dyads is not None:
        wanted = {(min(a, b), max(a, b)) for a, b in dyads} if not directed else set(dyads)
        want = pl.LazyFrame(
            sorted(wanted), schema={"code": pl.Int16, "code_r": pl.Int16}, orient="row"
        )
        pairs = pairs.join(want, on=["code", "code_r"], how="semi", maintain_order="left")
    cols = [pl.col("code").alias("code1"), pl.col("code_r").alias("code2"), "year"]
    if system == "gw":
        return _gw_frame(pairs.select(cols).collect()), None
    i, j, n = pl.col("i"), pl.col("i_r"), pl.col("n")
    out = pairs.select(
        *cols,
        row_cell=pl.col("coff") + i * n + j,
        row_s1=pl.col("slot").cast(pl.UInt32),
        row_s2=pl.col("slot_r").cast(pl.UInt32),
    ).collect()
    frame = out.select(pl.col("code1").alias("ccode1"), pl.col("code2").alias("ccode2"), "year")
    grid = Grid(
        mem.select("year", "code", "slot", "i", "n", "coff"),
        cells,
        out.drop(cols[2], "code1", "code2"),
    )
    return frame, grid


def _gw_frame(out: pl.DataFrame) -> pl.DataFrame:
    """G-W pairs without peacesciencer's false dyad-years, with COW codes by crosswalk."""
    false = gw_false_dyads().rename({"gwcode1": "code1", "gwcode2": "code2"})
    out = out.join(false, on=["code1", "code2", "year"], how="anti", maintain_order="left")
    cw = (
        gw_cow_crosswalk()
        .with_columns(year=pl.int_ranges("first_year", pl.col("last_year") + 1, dtype=pl.Int16))
        .explode("year")
        .select("gwcode", "year", "ccode")
    )
    for side in ("1", "2"):
        out = out.join(
            cw.rename({"gwcode": f"code{side}", "ccode": f"ccode{side}"}),
            on=[f"code{side}", "year"],
            how="left",
            maintain_order="left",
        )
    return out.select(
        pl.col("code1").alias("gwcode1"),
        pl.col("code2").alias("gwcode2"),
        "ccode1",
        "ccode2",
        "year",
    )
