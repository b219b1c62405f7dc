"""A variable family: the columns one source adds to the panel, per unit of analysis.

Each family module (``alliances``, ``trade``, ...) defines one :class:`Family`. Its
dyad-year form comes in two equivalent shapes: ``gather`` names keyed tables to look up
for every base dyad-year (``ccode1, ccode2, year``) and Polars expressions over what was
found (the fast path, see ``gather.py``); ``build`` is the same as DuckDB joins against
the base ``b``, used as the reference in the tests and when a table has two rows for one
key. A family may also have a state-year form (:class:`StateForm`: a table keyed by state
and year, also used for leader-years) and a leader form (:class:`LeaderForm`: a table
keyed by Archigos ``obsid``, leader-years only); ``units`` lists what it supports.

Missing values, in every unit: null outside the family's coverage years; inside them, a
missing source row is null unless the family declares ``absent_is_zero`` (e.g. ATOP lists
every alliance, so no row means no alliance). A value carried past its source's end is
never silent: the family adds a column that marks those years (``cowmaj_carried``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import polars as pl

from allyscope.panel.gather import On
from allyscope.sources.store import Located, locate, read_located


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
    system: str = "cow"  # "cow" or "gw": which codes the rows carry
    pairs: list[tuple[int, int]] | None = None  # requested directed COW pairs (None = all)
    cache: dict[str, object] = field(default_factory=dict)  # tables shared by both paths

    def locate(self, dataset: str) -> Located:
        """Where a dataset is read from (cache copy or snapshot), remembering its provenance."""
        loc = locate(dataset)
        self.provenance[dataset] = {
            "origin": loc.origin,
            "version": loc.version,
            "path": str(loc.path),
        }
        return loc

    def table(self, dataset: str) -> str:
        """SQL to read a dataset, remembering its provenance."""
        return f"read_parquet({sql_path(self.locate(dataset).path)})"

    def load(self, dataset: str, columns: list[str] | None = None) -> pl.DataFrame:
        """A dataset as a Polars frame, remembering its provenance."""
        return read_located(self.locate(dataset), columns)

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
class Lookup:
    """A keyed table to find for every base row: key columns ``year, ccode1, ccode2``
    (dyadic ``on``) or ``year, ccode`` (``state1``/``state2``); its other columns are
    available to the family's expressions as ``prefix + name``."""

    table: pl.DataFrame
    on: On
    prefix: str
    #: values for base rows the table has no row for (default null); 0 for a column that
    #: only feeds an ``absent_is_zero`` output saves the null handling
    absent: dict[str, object] = field(default_factory=dict)
    #: which codes the key columns are: ``ccode`` (``ccode1, ccode2`` / ``ccode``) or
    #: ``gwcode`` (``gwcode1, gwcode2`` / ``gwcode``; G-W panels only)
    codes: str = "ccode"


@dataclass(frozen=True)
class Gathered:
    """A family's fast-path contribution: lookups and column expressions over the base
    columns and the looked-up columns (before coverage masking)."""

    lookups: tuple[Lookup, ...]
    selects: dict[str, pl.Expr]


@dataclass(frozen=True)
class StateTable:
    """A state-year table: key columns ``code`` (``ccode`` or ``gwcode``) and ``year``, at
    most one row per key, and the state form's output columns."""

    frame: pl.DataFrame
    code: str


@dataclass(frozen=True)
class StateForm:
    """A family's state-year columns (state-years; leader-years by the leader's state)."""

    columns: dict[str, str]  # output column -> meaning and unit
    table: Callable[[Context], StateTable]
    absent_is_zero: tuple[str, ...] = ()
    coverage: tuple[int, int] | None = None  # None: the family's


@dataclass(frozen=True)
class LeaderForm:
    """A family's leader columns: a table keyed by Archigos ``obsid`` (leader-years)."""

    columns: dict[str, str]
    table: Callable[[Context], pl.DataFrame]


UNITS = ("dyad-year", "state-year", "leader-year")


@dataclass(frozen=True)
class Family:
    name: str
    description: str
    datasets: tuple[str, ...]
    columns: dict[str, str]  # dyad-year output column -> meaning and unit
    coverage: tuple[int, int]
    build: Callable[[Context], Join] | None = None
    absent_is_zero: tuple[str, ...] = ()
    undirected_symmetric: bool = False
    gather: Callable[[Context], Gathered] | None = None
    #: what the codes of coded integer columns mean (Stata value labels)
    value_labels: dict[str, dict[int, str]] = field(default_factory=dict)
    state: StateForm | None = None
    leader: LeaderForm | None = None
    #: columns whose values end (or start) inside the coverage, e.g. Polity to 2017
    column_years: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: the years of the data in use, when they are not those of ``datasets[0]`` (see :meth:`span`)
    years_in_use: Callable[[], tuple[int, int]] | None = None
    #: peacesciencer verb(s) this family answers, for the docs and the listing
    verb: str = ""
    #: how missing values arise, beyond the general rule (the listing shows it)
    na_rule: str = ""

    @property
    def units(self) -> tuple[str, ...]:
        """The units of analysis this family has columns for."""
        out = []
        if self.gather is not None or self.build is not None:
            out.append("dyad-year")
        if self.state is not None:
            out.append("state-year")
        if self.state is not None or self.leader is not None:
            out.append("leader-year")
        return tuple(out)

    def unit_columns(self, unit: str) -> dict[str, str]:
        """Output columns (and meanings) in ``unit``: in leader-years a leader form (the
        leader's own attributes) replaces the state form (the state's leader on 1 Jan)."""
        if unit not in self.units:
            return {}
        if unit == "dyad-year":
            return dict(self.columns)
        if unit == "leader-year" and self.leader is not None:
            return dict(self.leader.columns)
        return dict(self.state.columns) if self.state is not None else {}

    def span(self) -> tuple[int, int]:
        """The years the family covers with the data in use: ``coverage`` (the bundled
        snapshot's years), ending instead where the user's updated copy of its first
        dataset ends (``allyscope data update``), or what ``years_in_use`` reads."""
        if self.years_in_use is not None:
            return self.years_in_use()
        from allyscope.sources.store import current_record, years_in_use

        if self.datasets and current_record(self.datasets[0]) is not None:
            return self.coverage[0], years_in_use(self.datasets[0])[1]
        return self.coverage

    def unit_coverage(self, unit: str) -> tuple[int, int]:
        if unit != "dyad-year" and self.state is not None and self.state.coverage:
            return self.state.coverage
        return self.span()

    def missing_rule(self, unit: str = "dyad-year") -> str:
        """The NA rule in words: null outside the years; 0 where absence means none."""
        lo, hi = self.unit_coverage(unit)
        if unit == "dyad-year":
            zero = self.absent_is_zero
        else:
            zero = self.state.absent_is_zero if self.state is not None else ()
        text = f"null outside {lo}-{hi}"
        text += (
            f"; inside, {', '.join(zero)} 0 where the source lists nothing"
            if zero
            else ("; inside, null where the source has no value")
        )
        return f"{text}; {self.na_rule}" if self.na_rule else text

    def masked(self, join: Join) -> dict[str, str]:
        """Column expressions with the coverage rule applied."""
        lo, hi = self.span()
        out = {}
        for col, expr in join.selects.items():
            inner = f"coalesce({expr}, 0)" if col in self.absent_is_zero else expr
            out[col] = f"CASE WHEN b.year BETWEEN {lo} AND {hi} THEN {inner} END"
        return out

    def masked_exprs(self, gathered: Gathered, years: list[int]) -> list[pl.Expr]:
        """The fast path's column expressions with the coverage rule applied (the same
        rule as :meth:`masked`: ``coalesce(x, 0)`` for ``absent_is_zero``, null outside
        the coverage years)."""
        lo, hi = self.span()
        inside = all(lo <= y <= hi for y in years)
        out = []
        for col, expr in gathered.selects.items():
            e = expr.fill_null(0) if col in self.absent_is_zero else expr
            if not inside:
                e = pl.when(pl.col("year").is_between(lo, hi)).then(e)
            out.append(e.alias(col))
        return out


def undirected_key_join(alias: str, table_sql: str, extra: str = "") -> str:
    """Join a non-directed table (ccode1 < ccode2) to the directed base ``b``."""
    return (
        f"LEFT JOIN {table_sql} {alias} ON {alias}.ccode1 = least(b.ccode1, b.ccode2) "
        f"AND {alias}.ccode2 = greatest(b.ccode1, b.ccode2) AND {alias}.year = b.year {extra}"
    )


def computed_table(
    name: str,
    alias: str,
    table: Callable[[Context], pl.DataFrame],
    columns: Iterable[str],
    key: str = "dyad",
) -> tuple[Callable[[Context], Gathered], Callable[[Context], Join]]:
    """The gather (fast path) and build (SQL path) of a family whose columns come from a
    table computed per query with ``ccode1``, ``ccode2``, ``year``: ``key="dyad"`` joins it
    on the directed pair, ``"pair"`` on the pair in either order (the table has ccode1 <
    ccode2). ``name`` is the table's name in the SQL query, ``alias`` its prefix."""
    cols = tuple(columns)

    def gather(ctx: Context) -> Gathered:
        expr = {c: pl.col(f"{alias}.{c}") for c in cols}
        return Gathered((Lookup(table(ctx), key, f"{alias}."),), expr)

    def build(ctx: Context) -> Join:
        reg = ctx.register(name, table(ctx))
        if key == "pair":
            joins = undirected_key_join(alias, reg)
        else:
            joins = (
                f"LEFT JOIN {reg} {alias} ON {alias}.ccode1 = b.ccode1 "
                f"AND {alias}.ccode2 = b.ccode2 AND {alias}.year = b.year"
            )
        return Join(joins, {c: f"{alias}.{c}" for c in cols})

    return gather, build
