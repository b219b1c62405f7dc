"""The registry of panel variable families, by the name users pass to ``variables=``."""

from __future__ import annotations

from allyscope.errors import InvalidInputError
from allyscope.panel import (
    alliances,
    arms,
    armsraces,
    capabilities,
    contiguity,
    democracy,
    disputes,
    distance,
    economy,
    geography,
    gml,
    idealpoints,
    igos,
    leaders,
    majors,
    milex,
    peaceyears,
    rivalries,
    society,
    threat,
    trade,
    ucdp,
    unvotes,
    wars,
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
        # peacesciencer's other verbs and tables (issue 27)
        democracy.FAMILY,
        economy.FAMILY,
        distance.CAPITAL,
        distance.MINIMUM,
        majors.MAJORS_FAMILY,
        majors.POWERS_FAMILY,
        wars.INTER_FAMILY,
        wars.INTRA_FAMILY,
        gml.FAMILY,
        peaceyears.FAMILY,
        ucdp.ACD_FAMILY,
        ucdp.ONSETS_FAMILY,
        leaders.ARCHIGOS_FAMILY,
        leaders.LEAD_FAMILY,  # type: ignore[list-item]
        leaders.LWUF_FAMILY,  # type: ignore[list-item]
        threat.FAMILY,
        society.CREG_FAMILY,
        society.HIEF_FAMILY,
        geography.FAMILY,
        armsraces.FAMILY,
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
