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

import numpy as np
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


def _pack2(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Two Int16 code arrays as one sortable Int64 key (order of (a, b) preserved)."""
    return (a.astype(np.int64) + 32768) * 65536 + (b.astype(np.int64) + 32768)


@dataclass
class Grid:
    """Where each base row sits in the per-year member x member grids (COW system).

    Year block ``k`` holds the sorted codes ``members[k]`` (``n`` of them) of the states in
    the system that year; cell ``cell_offset[k] + i * n + j`` is the directed dyad
    (members[k][i], members[k][j]) and slot ``state_offset[k] + i`` the state-year of
    members[k][i]. Lookups scatter a source table's row numbers into cells or slots and
    read them back at the base rows' positions.
    """

    years: np.ndarray  # the year of each block, ascending
    members: list[np.ndarray]
    cell_offset: np.ndarray  # first cell of each block (length: blocks + 1)
    state_offset: np.ndarray  # first state slot of each block (length: blocks + 1)
    row_cell: np.ndarray  # per base row: its cell
    row_s1: np.ndarray  # per base row: state slot of ccode1
    row_s2: np.ndarray  # per base row: state slot of ccode2

    def filter(self, keep: np.ndarray) -> Grid:
        return Grid(
            self.years,
            self.members,
            self.cell_offset,
            self.state_offset,
            self.row_cell[keep],
            self.row_s1[keep],
            self.row_s2[keep],
        )

    def reverse_cells(self) -> np.ndarray:
        """Per base row: the cell of the dyad the other way round."""
        k = np.searchsorted(self.state_offset, self.row_s1, side="right") - 1
        n = self.state_offset[k + 1] - self.state_offset[k]
        i, j = self.row_s1 - self.state_offset[k], self.row_s2 - self.state_offset[k]
        return self.cell_offset[k] + j * n + i


def base_frame(
    system: str,
    years: list[int],
    dyads: list[tuple[int, int]] | None,
    directed: bool,
) -> tuple[pl.DataFrame, Grid | None]:
    """The base dyad-years as a frame already sorted by year, code1, code2 (G-W: gwcode1,
    gwcode2), and for the COW system the grid position of each row.

    Same rows as :func:`base_query`, built without a join or a sort: per year, the
    members' spells sorted by code give an overlap matrix whose non-zero cells, read row
    by row, are the dyads in (code1, code2) order.
    """
    sy = state_years(system, years).sort("year", "code", "start")
    year = sy["year"].to_numpy()
    code = sy["code"].to_numpy()
    start = sy["start"].to_physical().to_numpy()
    end = sy["end"].to_physical().to_numpy()
    cuts = np.flatnonzero(np.diff(year)) + 1
    bounds = list(zip(np.r_[0, cuts], np.r_[cuts, len(year)], strict=True)) if len(year) else []
    members, flats, row_counts = [], [], []
    for lo, hi in bounds:
        c, s, e = code[lo:hi], start[lo:hi], end[lo:hi]
        ok = (s[:, None] <= e[None, :]) & (s[None, :] <= e[:, None])
        ok &= (c[:, None] < c[None, :]) if not directed else (c[:, None] != c[None, :])
        u = c
        if len(c) > 1 and not (c[1:] != c[:-1]).all():
            # a state with two spells this year: the dyad exists if any spells overlap
            u, ci = np.unique(c, return_inverse=True)
            spells = ok
            ok = np.zeros((len(u), len(u)), dtype=bool)
            si, sj = np.nonzero(spells)
            ok[ci[si], ci[sj]] = True
        members.append(u)
        flat = np.flatnonzero(ok)  # i * n + j; intp, which numpy indexes by fastest
        flats.append(flat)
        # dyads per code1 (row i), from where each row's cells start in the sorted cells
        row_counts.append(np.diff(np.searchsorted(flat, np.arange(len(u) + 1) * len(u))))
    sizes = np.array([len(u) for u in members], dtype=np.intp)
    counts = [len(f) for f in flats]
    total = sum(counts)
    grid = Grid(
        years=np.array([year[lo] for lo, _ in bounds], dtype=np.intp),
        members=members,
        cell_offset=np.r_[0, np.cumsum(sizes * sizes)].astype(np.intp),
        state_offset=np.r_[0, np.cumsum(sizes)].astype(np.intp),
        row_cell=np.empty(total, dtype=np.intp),
        row_s1=np.empty(total, dtype=np.intp),
        row_s2=np.empty(total, dtype=np.intp),
    )
    c1, c2 = np.empty(total, dtype=np.int16), np.empty(total, dtype=np.int16)
    yr = np.empty(total, dtype=np.int16)
    at = 0
    for k, (u, flat, per_row) in enumerate(zip(members, flats, row_counts, strict=True)):
        sl = slice(at, at + len(flat))
        # flat = i * n + j with rows i in order: i by repeating, j by subtracting
        # (cheaper than divmod and gathers)
        n, soff = len(u), grid.state_offset[k]
        slots = np.arange(soff, soff + n, dtype=np.intp)
        grid.row_s1[sl] = np.repeat(slots, per_row)
        j = flat - np.repeat(slots * n - soff * n, per_row)
        c1[sl], c2[sl], yr[sl] = np.repeat(u, per_row), u[j], grid.years[k]
        np.add(flat, grid.cell_offset[k], out=grid.row_cell[sl])
        np.add(j, soff, out=grid.row_s2[sl])
        at += len(flat)
    if dyads is not None:
        pairs = {(min(a, b), max(a, b)) for a, b in dyads} if not directed else set(dyads)
        want = _pack2(np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs]))
        keep = np.isin(_pack2(c1, c2), want)
        c1, c2, yr, grid = c1[keep], c2[keep], yr[keep], grid.filter(keep)
    out = pl.DataFrame(
        {"code1": c1, "code2": c2, "year": yr},
        schema={"code1": pl.Int16, "code2": pl.Int16, "year": pl.Int16},
    )
    if system != "gw":
        return out.rename({"code1": "ccode1", "code2": "ccode2"}), grid
    false = gw_false_dyads()
    fk = false["year"].to_numpy().astype(np.int64) * (1 << 32) + _pack2(
        false["gwcode1"].to_numpy(), false["gwcode2"].to_numpy()
    )
    bk = yr.astype(np.int64) * (1 << 32) + _pack2(c1, c2)
    out = out.filter(pl.Series(~np.isin(bk, fk)))
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
    frame = out.select(
        pl.col("code1").alias("gwcode1"),
        pl.col("code2").alias("gwcode2"),
        "ccode1",
        "ccode2",
        "year",
    )
    return frame, None
