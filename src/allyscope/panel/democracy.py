"""Democracy (``democracy``): V-Dem polyarchy, Polity polity2 and Marquez's extended UDS
for each side, as peacesciencer's ``add_democracy()`` read them (``ccode_democracy`` /
``gwcode_democracy``)."""

from __future__ import annotations

from allyscope.panel.family import Context, StateForm, StateTable
from allyscope.panel.statelevel import state_family

COLUMNS = {
    "v2x_polyarchy": "V-Dem electoral democracy (polyarchy) index, 0-1 (V-Dem 10, to 2019)",
    "polity2": "Polity IV polity2, -10 to 10 (to 2017)",
    "xm_qudsest": "Marquez's extended Unified Democracy Score (to 2017)",
}


def _table(ctx: Context) -> StateTable:
    if ctx.system == "gw":
        return StateTable(ctx.load("democracy_gw", ["gwcode", "year", *COLUMNS]), "gwcode")
    return StateTable(ctx.load("democracy", ["ccode", "year", *COLUMNS]), "ccode")


FAMILY = state_family(
    "democracy",
    "democracy scores of each state (V-Dem 10 polyarchy, Polity IV polity2, QuickUDS)",
    ("democracy", "democracy_gw"),
    (1816, 2019),
    StateForm(COLUMNS, _table),
    verb="add_democracy()",
    column_years={"polity2": (1816, 2017), "xm_qudsest": (1816, 2017)},
    na_rule="G-W panels read the G-W table (gwcode_democracy)",
)
