"""The dyad-year panel: base dyad-years plus one module per variable family."""

from allyscope.panel.build import (
    PanelResult,
    build_panel,
    coverage,
    panel,
    parse_dyads,
    parse_variables,
    parse_years,
)
from allyscope.panel.variables import FAMILIES

__all__ = [
    "FAMILIES",
    "PanelResult",
    "build_panel",
    "coverage",
    "panel",
    "parse_dyads",
    "parse_variables",
    "parse_years",
]
