"""Peace years (``peace_years``): years since the last dispute or war, peacesciencer's
``add_peace_years()`` (with stevemisc's ``ps_btscs()``, pad = FALSE) computed here.

For each unit (a directed dyad; on state-years a state) the rows are its years in the
system in order; a year's spell is the number of consecutive rows just before it in which
the event did not happen (0 right after an event year, and in the first year). Rows
outside the event's years (null event) are not counted, and a unit's gaps in membership
(Germany 1945-1990) are skipped, not counted, as in peacesciencer.

Deliberate difference: peacesciencer counts over the rows of the data it is given, so a
panel starting in 2000 restarts every count at 0 in 2000. Here a spell counts from the
unit's first year in the system (1816 at the earliest) whatever years are asked for, so a
slice of the panel has the same values as the whole; ask for all years from 1816 and the
two agree.

Events: dyad-years ``cowmidspell`` (COW-MID 5.0 ``cowmidongoing``, to 2014),
``gmlmidspell`` (GML ``gmlmidongoing``, to 2010) and ``cowinterspell`` (COW inter-state
war, to 2007); state-years ``gmlmidspell`` and ``gmlmidinitspell`` (GML participants,
to 2010), ``cowintraspell`` (COW intra-state war, to 2007) and ``ucdpspell`` (UCDP armed
conflict with the state on side A, 1946-2024). G-W dyad-years take the spells of their COW
dyad.
"""

from __future__ import annotations

import polars as pl

from allyscope.panel.dyads import base_frame
from allyscope.panel.family import (
    Context,
    Family,
    StateForm,
    StateTable,
    computed_table,
)

DYAD_EVENTS = {  # spell column -> (event column, its years)
    "cowmidspell": ("cowmidongoing", (1816, 2014)),
    "gmlmidspell": ("gmlmidongoing", (1816, 2010)),
    "cowinterspell": ("cowinterongoing", (1816, 2007)),
}
STATE_EVENTS = {
    "gmlmidspell": ("gmlmidongoing", (1816, 2010)),
    "gmlmidinitspell": ("gmlmidongoing_init", (1816, 2010)),
    "cowintraspell": ("cowintraongoing", (1816, 2007)),
    "ucdpspell": ("ucdpongoing", (1946, 2024)),
}


def spell(event: pl.Expr, unit: list[str]) -> pl.Expr:
    """Rows since the unit's last event row, for rows sorted by unit, then year (every
    row's event 0 or 1). Whole-column operations, no window per unit: a row's unit starts
    at the last row where the unit changed, and an earlier event counts only if it is
    inside the row's unit."""
    r = pl.int_range(pl.len(), dtype=pl.Int32)
    new = pl.any_horizontal([pl.col(c) != pl.col(c).shift(1) for c in unit]).fill_null(True)
    start = pl.when(new).then(r).forward_fill()
    last = pl.when(event == 1).then(r).shift(1).forward_fill()
    return pl.when(last >= start).then(r - last - 1).otherwise(r - start).cast(pl.Int16)


def spells(
    rows: pl.DataFrame, unit: list[str], events: dict[str, tuple[str, tuple[int, int]]]
) -> pl.DataFrame:
    """``rows`` sorted by unit and year (unit columns, ``year`` and the event columns, 0
    where nothing happened) -> unit columns, ``year`` and one spell column per event,
    null outside the event's years."""
    first = rows["year"].min() if rows.height else 0
    year = pl.col("year")
    cols = []
    for col, (ev, (lo, hi)) in events.items():
        if first is None or lo <= first:  # years after hi come last in each unit: no effect
            e = spell(pl.col(ev).fill_null(0), unit)
            cols.append(rows.select(pl.when(year.is_between(lo, hi)).then(e).alias(col)))
            continue
        inside = rows.with_row_index("_r").filter(year.is_between(lo, hi))
        part = inside.select("_r", spell(pl.col(ev).fill_null(0), unit).alias(col))
        full = pl.repeat(None, rows.height, dtype=pl.Int16, eager=True).alias(col)
        cols.append(full.scatter(part["_r"], part[col]).to_frame())
    return pl.concat([rows.select(*unit, "year"), *cols], how="horizontal")


def dyad_spells(ctx: Context) -> pl.DataFrame:
    """Spells of the COW directed dyads asked for, from 1816 to the last year needed."""
    if "peace:dyad" in ctx.cache:
        return ctx.cache["peace:dyad"]  # type: ignore[return-value]
    from allyscope.panel.gather import Base
    from allyscope.panel.wars import inter_dyad_years

    last = min(max(ctx.years), max(span[1] for _, span in DYAD_EVENTS.values()))
    pairs = None if ctx.pairs is None else sorted(set(ctx.pairs) | {(b, a) for a, b in ctx.pairs})
    key = ["ccode1", "ccode2", "year"]
    if last < 1816:
        out = pl.DataFrame(
            schema={**dict.fromkeys(key, pl.Int16), **dict.fromkeys(DYAD_EVENTS, pl.Int16)}
        )
    else:
        rows, grid = base_frame("cow", list(range(1816, last + 1)), pairs, True)
        base = Base(rows, grid)
        tables = (
            ctx.load("cow_mid", [*key, "cowmidongoing"]),
            ctx.load("gml_mid", [*key, "gmlmidongoing"]),
            inter_dyad_years(ctx).select(*key, "cowinterongoing"),
        )
        found = [base.gather(t, "dyad", "", {c: 0 for c in t.columns[3:]}) for t in tables]
        full = pl.concat([rows, *found], how="horizontal").sort("ccode1", "ccode2", "year")
        out = spells(full, ["ccode1", "ccode2"], DYAD_EVENTS)
    ctx.cache["peace:dyad"] = out
    return out


_gather, _build = computed_table("st_peace", "pcy", dyad_spells, DYAD_EVENTS)


def state_spells(ctx: Context) -> StateTable:
    """Spells of every state of the system, from 1816 to the last year asked for."""
    from allyscope.panel.gml import gml_state_years
    from allyscope.panel.statelevel import attach
    from allyscope.panel.ucdp import acd_state_years
    from allyscope.panel.units import state_year_rows
    from allyscope.panel.wars import INTRA_FAMILY

    last = max(ctx.years)
    sub = Context(list(range(1816, last + 1)), None, system=ctx.system)
    rows = state_year_rows(ctx.system, sub.years, None)
    assert INTRA_FAMILY.state is not None
    found = [
        attach(rows, gml_state_years(sub), ctx.system),
        attach(rows, INTRA_FAMILY.state.table(sub), ctx.system),
        attach(rows, acd_state_years(sub), ctx.system),
    ]
    ctx.provenance.update(sub.provenance)
    code = "gwcode" if ctx.system == "gw" else "ccode"
    full = pl.concat([rows, *found], how="horizontal").sort(code, "year")
    return StateTable(spells(full, [code], STATE_EVENTS), code)


FAMILY = Family(
    name="peace_years",
    description="years since the last dispute or war (peacesciencer's add_peace_years(), counted from 1816)",
    datasets=(
        "cow_mid",
        "gml_mid",
        "cow_war_inter",
        "gml_participants",
        "cow_war_intra",
        "ucdp_acd",
    ),
    columns={
        "cowmidspell": "years since the last COW-MID dispute year of the dyad (to 2014)",
        "gmlmidspell": "years since the last GML dispute year of the dyad (to 2010)",
        "cowinterspell": "years since the last COW inter-state war year of the dyad (to 2007)",
    },
    coverage=(1816, 2014),
    build=_build,
    gather=_gather,
    state=StateForm(
        {
            "gmlmidspell": "years since the state's last GML dispute year (to 2010)",
            "gmlmidinitspell": "years since its last GML dispute year on side A or as a joiner",
            "cowintraspell": "years since its last COW intra-state war year (to 2007)",
            "ucdpspell": "years since its last UCDP armed conflict year (1946-2024)",
        },
        state_spells,
        coverage=(1816, 2024),
    ),
    column_years={
        "gmlmidspell": (1816, 2010),
        "cowinterspell": (1816, 2007),
        "gmlmidinitspell": (1816, 2010),
        "cowintraspell": (1816, 2007),
        "ucdpspell": (1946, 2024),
    },
    verb="add_peace_years() / add_spells()",
    na_rule="null outside each event's years; counts from the unit's first year in the system, not from the first year asked for",
)
