"""The indicator catalogue: every indicator declares its dimension, sources, coverage and direction.

An indicator is one measured quantity for a dyad-year (``a``, ``b``, ``year``); ``a`` is the
first state of the pair as asked, so directed indicators (``..._a`` / ``..._b``) read "of
a" / "of b". Each indicator is one function registered here with :func:`indicator`; the
functions run in registration order, and a function may use the columns of indicators
registered before it.

direction: ``+1`` a higher value means a closer relationship, ``-1`` a more hostile or
distant one, ``0`` descriptive (levels, asymmetry inputs) with no sign of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

    from allyscope.indicators.context import IndicatorContext

DIMENSIONS = ("diplomatic", "security", "economic", "institutional", "societal")
TREATY_REGISTRY = "treaty_registry"


Years = tuple[int, int]


@dataclass(frozen=True)
class Indicator:
    name: str
    dimension: str
    datasets: tuple[str, ...]
    #: the years covered, or a function that reads them from the data in use
    years: Years | Callable[[], Years]
    direction: int
    unit: str
    description: str
    compute: Callable[[IndicatorContext], pl.Series]
    #: the datasets a given year's value comes from, when a later source continues an earlier one
    year_datasets: Callable[[int], tuple[str, ...]] | None = None

    def datasets_for(self, year: int) -> tuple[str, ...]:
        """The datasets the value of ``year`` is read from."""
        return self.year_datasets(year) if self.year_datasets is not None else self.datasets

    @property
    def coverage(self) -> Years:
        """The years this indicator covers with the data in use (a newer release brought
        in with ``allyscope data update`` extends them)."""
        return self.years() if callable(self.years) else self.years

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "dimension": self.dimension,
            "datasets": list(self.datasets),
            "coverage": list(self.coverage),
            "direction": self.direction,
            "unit": self.unit,
            "description": self.description,
        }


INDICATORS: dict[str, Indicator] = {}


def indicator(
    name: str,
    dimension: str,
    datasets: tuple[str, ...],
    coverage: Years | Callable[[], Years],
    direction: int,
    unit: str,
    description: str,
    year_datasets: Callable[[int], tuple[str, ...]] | None = None,
) -> Callable[[Callable[[IndicatorContext], pl.Series]], Callable[[IndicatorContext], pl.Series]]:
    """Register the decorated function as indicator ``name``."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    if direction not in (-1, 0, 1):
        raise ValueError("direction must be -1, 0 or 1")

    def register(
        fn: Callable[[IndicatorContext], pl.Series],
    ) -> Callable[[IndicatorContext], pl.Series]:
        if name in INDICATORS:
            raise ValueError(f"indicator {name!r} registered twice")
        INDICATORS[name] = Indicator(
            name, dimension, datasets, coverage, direction, unit, description, fn, year_datasets
        )
        # kept in computation order whichever module is imported first: the modules in
        # MODULES order, each in its own registration order (the sort is stable)
        ordered = sorted(INDICATORS.values(), key=_module_rank)
        INDICATORS.clear()
        INDICATORS.update((i.name, i) for i in ordered)
        return fn

    return register


#: The modules that register indicators, in computation order.
MODULES = ("diplomatic", "economic", "institutional", "security", "societal")


def _module_rank(ind: Indicator) -> int:
    module = ind.compute.__module__.rsplit(".", 1)[-1]
    return MODULES.index(module) if module in MODULES else len(MODULES)


def catalog() -> list[Indicator]:
    """All indicators in computation order (importing the dimension modules registers them)."""
    from allyscope.indicators import (  # noqa: F401  (import registers)
        diplomatic,
        economic,
        institutional,
        security,
        societal,
    )

    return list(INDICATORS.values())
