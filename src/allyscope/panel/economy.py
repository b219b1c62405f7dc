"""Surplus and gross domestic product (``sdp_gdp``): Anders, Fariss & Markowitz's simulated
GDP, population, SDP and GDP per capita (all logged) for each side, as peacesciencer's
``add_sdp_gdp()`` (``cow_sdp_gdp`` / ``gw_sdp_gdp``)."""

from __future__ import annotations

from allyscope.panel.family import Context, StateForm, StateTable
from allyscope.panel.statelevel import state_family

COLUMNS = {
    "wbgdp2011est": "log of estimated GDP, 2011 US$",
    "wbpopest": "log of estimated population",
    "sdpest": "log of estimated surplus domestic product",
    "wbgdppc2011est": "log of estimated GDP per capita, 2011 US$",
}


def _table(ctx: Context) -> StateTable:
    if ctx.system == "gw":
        return StateTable(ctx.load("sdp_gdp_gw", ["gwcode", "year", *COLUMNS]), "gwcode")
    return StateTable(ctx.load("sdp_gdp", ["ccode", "year", *COLUMNS]), "ccode")


FAMILY = state_family(
    "sdp_gdp",
    "simulated GDP, population and surplus domestic product (Anders et al. 2020), logged",
    ("sdp_gdp", "sdp_gdp_gw"),
    (1816, 2015),
    StateForm(COLUMNS, _table),
    verb="add_sdp_gdp()",
    na_rule="G-W panels read the G-W simulations (gw_sdp_gdp)",
)
