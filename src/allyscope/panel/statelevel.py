"""State-year tables as panel columns: each side of a dyad-year (``…1``, ``…2``), a
state-year, or the state of a leader-year.

A state-level family gives one :class:`~allyscope.panel.family.StateTable` keyed by
``ccode`` or ``gwcode`` and ``year`` (at most one row per key). :func:`state_family`
turns it into a :class:`~allyscope.panel.family.Family` whose dyad-year form looks the
table up for ``ccode1`` and ``ccode2`` (G-W panels: ``gwcode1``/``gwcode2`` when the table
is keyed by G-W code), in both the fast and the SQL path; :func:`attach` joins it to
state-year or leader-year rows. A table keyed by G-W code is re-keyed by COW code for COW
rows with the G-W/COW crosswalk of the year (:func:`cow_keyed`), as peacesciencer does for
Archigos.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from allyscope.panel.family import Context, Family, Gathered, Join, Lookup, StateForm, StateTable


def crosswalk_years() -> pl.DataFrame:
    """The G-W/COW crosswalk, one row per G-W code and year: ``gwcode, year, ccode``."""
    from allyscope.states.table import gw_cow_crosswalk

    return (
        gw_cow_crosswalk()
        .with_columns(year=pl.int_ranges("first_year", pl.col("last_year") + 1, dtype=pl.Int16))
        .explode("year")
        .select("gwcode", "year", "ccode")
    )


def cow_keyed(table: StateTable) -> StateTable:
    """``table`` keyed by COW code: a G-W-keyed table is re-keyed with the crosswalk of
    each year (G-W states without a COW counterpart that year are dropped; if two G-W
    states map to one COW state in a year, the lower G-W code's row is kept)."""
    if table.code == "ccode":
        return table
    frame = (
        table.frame.with_columns(pl.col("year").cast(pl.Int16))
        .join(crosswalk_years(), on=["gwcode", "year"], how="inner")
        .sort("ccode", "year", "gwcode")
        .unique(["ccode", "year"], keep="first", maintain_order=True)
        .drop("gwcode")
    )
    return StateTable(frame.select("ccode", pl.exclude("ccode")), "ccode")


def for_system(table: StateTable, system: str) -> StateTable:
    """The table keyed the way rows of ``system`` are looked up: G-W rows by G-W code
    when the table has it, else (and always for COW rows) by COW code."""
    return table if system == "gw" and table.code == "gwcode" else cow_keyed(table)


def _dyad_forms(
    name: str, state: StateForm, sep: str = ""
) -> tuple[Callable[[Context], Gathered], Callable[[Context], Join], dict[str, str]]:
    """Fast-path and SQL dyad-year forms of a state table: its columns for each side
    (``column + sep + side``)."""
    cols = list(state.columns)

    def table(ctx: Context) -> StateTable:
        key = f"{name}:state"
        if key not in ctx.cache:
            ctx.cache[key] = for_system(state.table(ctx), ctx.system)
        return ctx.cache[key]  # type: ignore[return-value]

    def gather(ctx: Context) -> Gathered:
        t = table(ctx)
        frame = t.frame.select(t.code, pl.col("year").cast(pl.Int16), *cols)
        lookups = tuple(
            Lookup(frame, on, f"s{side}.", codes=t.code)
            for side, on in (("1", "state1"), ("2", "state2"))
        )
        sel = {f"{c}{sep}{side}": pl.col(f"s{side}.{c}") for side in ("1", "2") for c in cols}
        return Gathered(lookups, sel)

    def build(ctx: Context) -> Join:
        t = table(ctx)
        reg = ctx.register(f"st_{name}", t.frame.select(t.code, "year", *cols))
        a = f"{name}_"  # aliases unique across families
        joins = " ".join(
            f"LEFT JOIN {reg} {a}{side} ON {a}{side}.{t.code} = b.{t.code}{side} "
            f"AND {a}{side}.year = b.year"
            for side in ("1", "2")
        )
        sel = {f"{c}{sep}{side}": f'{a}{side}."{c}"' for side in ("1", "2") for c in cols}
        return Join(joins, sel)

    columns = {
        f"{c}{sep}{side}": f"{desc} (ccode{side})"
        for side in ("1", "2")
        for c, desc in state.columns.items()
    }
    return gather, build, columns


def state_family(
    name: str,
    description: str,
    datasets: tuple[str, ...],
    coverage: tuple[int, int],
    state: StateForm,
    *,
    verb: str = "",
    na_rule: str = "",
    column_years: dict[str, tuple[int, int]] | None = None,
    leader: object = None,
    sep: str = "",
) -> Family:
    """A family of state-level columns: ``…1``/``…2`` on dyad-years (``…_1``/``…_2`` with
    ``sep="_"``, for names that end in a digit), as named on state-years and leader-years."""
    gather, build, columns = _dyad_forms(name, state, sep)
    years = dict(column_years or {})
    years.update({f"{c}{sep}{s}": span for c, span in list(years.items()) for s in ("1", "2")})
    return Family(
        name=name,
        description=description,
        datasets=datasets,
        columns=columns,
        coverage=coverage,
        build=build,
        gather=gather,
        absent_is_zero=tuple(f"{c}{sep}{s}" for s in ("1", "2") for c in state.absent_is_zero),
        state=state,
        leader=leader,  # type: ignore[arg-type]
        column_years=years,
        verb=verb,
        na_rule=na_rule,
    )


def attach(rows: pl.DataFrame, table: StateTable, system: str) -> pl.DataFrame:
    """``table``'s value columns for every row of ``rows`` (state-years or leader-years
    with ``year`` and ``ccode``, G-W rows also ``gwcode``), in the rows' order."""
    t = for_system(table, system)
    values = t.frame.with_columns(pl.col(t.code).cast(pl.Int16), pl.col("year").cast(pl.Int16))
    found = rows.select(t.code, "year").join(
        values, on=[t.code, "year"], how="left", maintain_order="left"
    )
    if found.height != rows.height:
        raise ValueError(f"state table keyed by {t.code} has two rows for one state-year")
    return found.drop(t.code, "year")


def masked(
    frame: pl.DataFrame,
    columns: list[str],
    zero: tuple[str, ...],
    coverage: tuple[int, int],
    years: pl.Series,
) -> list[pl.Series]:
    """The coverage rule on state-level columns: 0 for an absent ``zero`` column inside the
    years, null outside them."""
    lo, hi = coverage
    inside = years.is_between(lo, hi)
    out = []
    for c in columns:
        s = frame[c]
        if c in zero:
            s = s.fill_null(0)
        out.append(pl.select(pl.when(inside).then(s)).to_series().alias(c))
    return out
