"""Latent external territorial threat (``terrthreat``, Miller 2022) for each side, as
peacesciencer's ``add_latent_territorial_threat()``."""

from __future__ import annotations

from allyscope.panel.family import Context, StateForm, StateTable
from allyscope.panel.statelevel import state_family

COLUMNS = {
    "lterrthreat": "latent external territorial threat (dyadic threat weighted by capital distance)",
    "sd": "standard deviation of the simulated lterrthreat",
    "lwr": "simulated lower bound of lterrthreat",
    "upr": "simulated upper bound of lterrthreat",
    "m_lterrthreat": "latent external territorial threat (weighted by minimum distance, from 1885)",
    "m_sd": "standard deviation of the simulated m_lterrthreat",
    "m_lwr": "simulated lower bound of m_lterrthreat",
    "m_upr": "simulated upper bound of m_lterrthreat",
}


def _table(ctx: Context) -> StateTable:
    return StateTable(ctx.load("terrthreat", ["ccode", "year", *COLUMNS]), "ccode")


FAMILY = state_family(
    "terrthreat",
    "latent external territorial threat, random item response estimates (Miller 2022)",
    ("terrthreat",),
    (1816, 2010),
    StateForm(COLUMNS, _table),
    verb="add_latent_territorial_threat()",
    column_years={c: (1885, 2010) for c in COLUMNS if c.startswith("m_")},
    na_rule="COW-coded: G-W rows use their COW code",
)
