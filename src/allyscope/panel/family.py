"""A variable family: the columns one source adds to the dyad-year panel.

Each family module (``alliances``, ``trade``, ...) defines one :class:`Family`. The panel
builder composes the families a user asks for into one DuckDB query over the base
dyad-years ``b`` (columns ``ccode1, ccode2, year``). Values are null outside the
family's coverage years; inside them, a missing source row is null unless the family
declares ``absent_is_zero`` (e.g. ATOP lists every alliance, so no row means no alliance).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from allyscope.sources.store import locate


def sql_path(path: object) -> str:
    """A path as a quoted SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


@dataclass
class Context:
    """What a family needs to build its part of the query."""

    years: list[int]
    ccodes: set[int] | None  # states in the requested dyads (None = all)
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    provenance: dict[str, dict[str, str]] = field(default_factory=dict)

    def table(self, dataset: str) -> str:
        """SQL to read a dataset (cache copy or snapshot), remembering its provenance."""
        loc = locate(dataset)
        self.provenance[dataset] = {
            "origin": loc.origin,
            "version": loc.version,
            "path": str(loc.path),
        }
        return f"read_parquet({sql_path(loc.path)})"

    def register(self, name: str, frame: pl.DataFrame) -> str:
        """Make a computed frame available to the query under ``name``."""
        self.frames[name] = frame
        return name


@dataclass(frozen=True)
class Join:
    """A family's contribution: FROM-clause joins against ``b`` and column expressions."""

    joins: str
    selects: dict[str, str]  # output column -> SQL expression (before coverage masking)


@dataclass(frozen=True)
class Family:
    name: str
    description: str
    datasets: tuple[str, ...]
    columns: dict[str, str]  # output column -> meaning and unit
    coverage: tuple[int, int]
    build: Callable[[Context], Join]
    absent_is_zero: tuple[str, ...] = ()
    undirected_symmetric: bool = False

    def masked(self, join: Join) -> dict[str, str]:
        """Column expressions with the coverage rule applied."""
        lo, hi = self.coverage
        out = {}
        for col, expr in join.selects.items():
            inner = f"coalesce({expr}, 0)" if col in self.absent_is_zero else expr
            out[col] = f"CASE WHEN b.year BETWEEN {lo} AND {hi} THEN {inner} END"
        return out


def undirected_key_join(alias: str, table_sql: str, extra: str = "") -> str:
    """Join a non-directed table (ccode1 < ccode2) to the directed base ``b``."""
    return (
        f"LEFT JOIN {table_sql} {alias} ON {alias}.ccode1 = least(b.ccode1, b.ccode2) "
        f"AND {alias}.ccode2 = greatest(b.ccode1, b.ccode2) AND {alias}.year = b.year {extra}"
    )
