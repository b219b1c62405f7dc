"""States: the COW (and Gleditsch-Ward) state system as data, and name resolution."""

from allyscope.states.normalize import normalize_name
from allyscope.states.resolve import (
    KINDS,
    SYSTEMS,
    State,
    alias_table,
    all_states,
    assign_ccodes,
    ccodes_for_names,
    resolve,
    resolve_dyad,
    resolve_many,
    shadowed_abbreviations,
    state_spellings,
)
from allyscope.states.table import (
    cow_membership,
    gw_cow_crosswalk,
    gw_false_dyads,
    gw_membership,
    state_table,
)

__all__ = [
    "KINDS",
    "SYSTEMS",
    "State",
    "alias_table",
    "all_states",
    "assign_ccodes",
    "ccodes_for_names",
    "cow_membership",
    "gw_cow_crosswalk",
    "gw_false_dyads",
    "gw_membership",
    "normalize_name",
    "resolve",
    "resolve_dyad",
    "resolve_many",
    "shadowed_abbreviations",
    "state_spellings",
    "state_table",
]
