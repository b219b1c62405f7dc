"""The dyad-year panel: base dyad-years plus one module per variable family.

This package module stays light (no DuckDB or Polars import) so that ``import allyscope``
is fast. The package itself is callable: ``allyscope.panel(years=...)`` calls
:func:`panel`, whatever submodules were imported before and however (``import
allyscope.panel.build as b`` keeps working, which rebinding the name to the function broke).
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

    from allyscope.panel.build import (
        PanelResult,
        build_panel,
        parse_dyads,
        parse_variables,
        parse_years,
    )
    from allyscope.panel.variables import FAMILIES


def panel(
    years: Any = None,
    dyads: Any = None,
    variables: str | Iterable[str] | None = None,
    directed: bool = True,
    system: str = "cow",
    unit: str = "dyad-year",
    states: Any = None,
) -> pl.DataFrame:
    """The panel as a Polars DataFrame (``.to_pandas()`` for pandas).

    years:     2011, "1816-2014", (1992, 2025), range(...) or a list; default: the span
               covered by the requested variables.
    dyads:     None for every pair of system members, or pairs such as
               [("IRN", "RUS")] / "IRN-RUS,USA-GBR" (names, ISO or COW codes).
    variables: families to add, e.g. ["atop", "trade", "nmc", "democracy", "peace_years"];
               see :func:`coverage` or ``allyscope panel --list-variables``.
    directed:  True for directed dyad-years (both orders), False for ccode1 < ccode2.
    system:    "cow" (default) or "gw" (Gleditsch-Ward, with microstates).
    unit:      "dyad-year" (default), "state-year" (``create_stateyears()``) or
               "leader-year" (Archigos leaders, ``create_leaderyears()``).
    states:    state-years or leader-years of these states only ("IRN,RUS" or a list);
               with dyad-years, every pair among them.

    Values outside a source's coverage are null, never 0.
    """
    from allyscope.panel.build import build_panel

    return build_panel(years, dyads, variables, directed, system, unit, states).frame


def coverage(
    variables: str | Iterable[str] | None = None, unit: str = "dyad-year"
) -> pl.DataFrame:
    """Which years each panel column can be non-null in ``unit``, its datasets and the
    rule for its missing values."""
    from allyscope.panel.build import coverage as _coverage

    return _coverage(variables, unit)


_LAZY = {
    "PanelResult": "allyscope.panel.build",
    "build_panel": "allyscope.panel.build",
    "parse_dyads": "allyscope.panel.build",
    "parse_variables": "allyscope.panel.build",
    "parse_years": "allyscope.panel.build",
    "FAMILIES": "allyscope.panel.variables",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'allyscope.panel' has no attribute {name!r}")


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


class _CallablePackage(types.ModuleType):
    """``allyscope.panel(...)`` is :func:`panel`; the package stays a package."""

    def __call__(self, *args: Any, **kwargs: Any) -> pl.DataFrame:
        return panel(*args, **kwargs)

    @property
    def __signature__(self) -> Any:
        """:func:`panel`'s signature, for ``inspect.signature``, ``help`` and Jupyter's ``?``."""
        import inspect

        return inspect.signature(panel)


_CallablePackage.__call__.__doc__ = panel.__doc__


sys.modules[__name__].__class__ = _CallablePackage
