"""allyscope: is a pair of states an alliance, a strategic partnership or a tactical convergence?

Public API::

    allyscope.assess("IRN", "RUS", years=(1992, 2025))     # -> Assessment (.as_dict(): JSON;
                                                           #    tables: .periods_frame, ...)
    allyscope.rank("IRN", year=2023)                       # partners by type and score
    allyscope.atlas(years=(1946, 2025))                    # every dyad-year, typed
    allyscope.validate()                                   # typology vs the reference dyads
    allyscope.trace("examples/iran_russia.yaml")           # Bayesian process tracing
    allyscope.read(["article.pdf"], check_claims=True)     # code passages, check claims
    allyscope.resolve("Islamic Republic of Iran")         # -> State(cow=630, iso3="IRN", ...)
    allyscope.panel(years=2011, variables=["atop", "trade", "un_votes", "nmc"])
    allyscope.coverage()                                   # which years each column covers
    allyscope.datasets()                                   # dataset specs (version, licence, BibTeX)
    allyscope.registry("IRN", "RUS", kind="partnership")   # registry rows with their sources
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allyscope.errors import AllyscopeError

__version__ = "0.1.0"

# ``allyscope.panel`` is the (light) subpackage, which is callable: allyscope.panel(...)
# runs allyscope.panel.panel(...).
from allyscope import panel
from allyscope.panel import coverage

if TYPE_CHECKING:
    from allyscope.assessment import assess, atlas, rank, validate
    from allyscope.assessment.engine import Assessment
    from allyscope.documents import read
    from allyscope.sources import registry as datasets
    from allyscope.sources.listing import registry_rows as registry
    from allyscope.states import resolve, resolve_many
    from allyscope.tracing import trace

_LAZY = {
    "resolve": ("allyscope.states", "resolve"),
    "resolve_many": ("allyscope.states", "resolve_many"),
    "datasets": ("allyscope.sources", "registry"),
    "assess": ("allyscope.assessment", "assess"),
    "rank": ("allyscope.assessment", "rank"),
    "atlas": ("allyscope.assessment", "atlas"),
    "validate": ("allyscope.assessment", "validate"),
    "trace": ("allyscope.tracing", "trace"),
    "read": ("allyscope.documents", "read"),
    "registry": ("allyscope.sources.listing", "registry_rows"),
    "Assessment": ("allyscope.assessment.engine", "Assessment"),
}


def __dir__() -> list[str]:
    """The public API (``__all__``) and the submodules loaded so far, for ``dir()`` and tab
    completion (the verbs are loaded on first use, so they are not module globals)."""
    import types

    loaded = [
        k for k, v in globals().items() if isinstance(v, types.ModuleType) and not k.startswith("_")
    ]
    return sorted({*__all__, *loaded})


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        mod, attr = _LAZY[name]
        return getattr(importlib.import_module(mod), attr)
    raise AttributeError(f"module 'allyscope' has no attribute {name!r}")


__all__ = [
    "AllyscopeError",
    "Assessment",
    "__version__",
    "assess",
    "atlas",
    "coverage",
    "datasets",
    "panel",
    "rank",
    "read",
    "registry",
    "resolve",
    "resolve_many",
    "trace",
    "validate",
]
