"""The registry of panel variable families, by the name users pass to ``variables=``."""

from __future__ import annotations

from allyscope.errors import InvalidInputError
from allyscope.panel import (
    alliances,
    arms,
    capabilities,
    contiguity,
    disputes,
    idealpoints,
    igos,
    milex,
    rivalries,
    trade,
    unvotes,
)
from allyscope.panel.family import Family

FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        alliances.FAMILY,
        trade.FAMILY,
        capabilities.FAMILY,
        igos.FAMILY,
        unvotes.FAMILY,
        idealpoints.FAMILY,
        contiguity.FAMILY,
        rivalries.FAMILY,
        disputes.FAMILY,
        arms.FAMILY,
        milex.FAMILY,
    )
}


def family(name: str) -> Family:
    """The family called ``name``; unknown names list the valid ones."""
    key = name.strip().lower()
    if key in FAMILIES:
        return FAMILIES[key]
    raise InvalidInputError(
        f"unknown variable {name!r}; choose from: {', '.join(FAMILIES)} "
        "(allyscope panel --list-variables describes each)"
    )
