"""``panel()``: the dyad-year panel as a Polars frame.

The base dyad-years are generated already sorted; each variable family's source rows are
found for every base row by key (``gather.py``) and its columns computed with Polars
expressions, so rows never move and no join or sort runs over the wide result. The same
panel can be composed as one DuckDB query (``_build_sql``); that path is the reference
in the tests and is used when a source table has two rows for one key.

Output schema: ``ccode1 Int16, ccode2 Int16, year Int16`` (G-W system: ``gwcode1, gwcode2``
first), then the columns of each requested variable family in the order asked for. Rows
are sorted by year, ccode1, ccode2. Undirected output is exactly the directed output's
rows with ``ccode1 < ccode2`` (or ``gwcode1 < gwcode2``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from allyscope.errors import CoverageError, InvalidInputError
from allyscope.panel.dyads import base_frame, base_query
from allyscope.panel.family import UNITS, Context, Family
from allyscope.panel.gather import Base, DuplicateKeys
from allyscope.panel.units import LEADER_YEARS
from allyscope.panel.variables import FAMILIES, family
from allyscope.states.resolve import SYSTEMS, resolve_dyad
from allyscope.states.table import OPEN_END_YEAR, gw_cow_crosswalk

FIRST_YEAR = 1816
YearsArg = int | str | range | tuple[int, int] | Sequence[int] | None
DyadsArg = str | Sequence[tuple[object, object] | str] | None


def parse_years(years: YearsArg, default: tuple[int, int] | None = None) -> list[int]:
    """Years as a sorted list from ``2011``, ``"1816-2014"``, ``"1990,1995-1999"``,
    ``(lo, hi)`` (inclusive), a range or a list."""
    if years is None:
        if default is None:
            raise InvalidInputError("no years given; pass years such as 2011 or 1816-2014")
        lo, hi = default
        out = list(range(lo, hi + 1))
    elif isinstance(years, bool):
        raise InvalidInputError(f"years must be numbers, not {years!r}")
    elif isinstance(years, int):
        out = [years]
    elif isinstance(years, str):
        out = _parse_year_text(years)
    elif isinstance(years, tuple) and len(years) == 2 and all(isinstance(v, int) for v in years):
        lo, hi = years
        if lo > hi:
            raise InvalidInputError(f"year range {lo}-{hi} is reversed; write {hi}-{lo}")
        out = list(range(lo, hi + 1))
    else:
        try:
            out = [int(y) for y in years]
        except (TypeError, ValueError) as exc:
            raise InvalidInputError(f"cannot read years from {years!r}") from exc
    if not out:
        raise InvalidInputError("the year selection is empty")
    bad = [y for y in out if y < FIRST_YEAR or y > OPEN_END_YEAR]
    if bad:
        raise InvalidInputError(
            f"year {bad[0]} is outside the state system's span {FIRST_YEAR}-{OPEN_END_YEAR}"
        )
    return sorted(set(out))


_YEAR_PART = re.compile(r"\s*([0-9]{4})\s*(?:[-–:]\s*([0-9]{4}))?\s*")  # ASCII digits


def _parse_year_text(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        m = _YEAR_PART.fullmatch(part)
        if not m:
            raise InvalidInputError(
                f"cannot read years {text!r}: use a year (2011), a range (1816-2014) "
                "or a comma-separated list (1990,1995-1999)"
            )
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) else lo
        if lo > hi:
            raise InvalidInputError(f"year range {lo}-{hi} is reversed; write {hi}-{lo}")
        out.extend(range(lo, hi + 1))
    return out


def _items(value: object, what: str) -> list[object]:
    """``value`` as a list, if it is a list, tuple or other collection (not a mapping)."""
    if isinstance(value, bytes | dict) or not isinstance(value, Iterable):
        raise InvalidInputError(
            f"{what} must be a comma-separated string or a list, not {type(value).__name__}"
        )
    return list(value)


def parse_variables(variables: str | Iterable[str] | None) -> list[Family]:
    """Variable families from names (``"atop,trade"`` or a list); unknown names fail."""
    if variables is None:
        return []
    names = variables.split(",") if isinstance(variables, str) else _items(variables, "variables")
    out: list[Family] = []
    for raw in names:
        if not isinstance(raw, str):
            raise InvalidInputError(f"variables must be names such as 'atop', not {raw!r}")
        name = raw.strip()
        if not name:
            continue
        fam = family(name)
        if fam not in out:
            out.append(fam)
    return out


def parse_dyads(dyads: DyadsArg, year: int | None = None) -> list[tuple[int, int]] | None:
    """Dyads as COW code pairs from ``"IRN-RUS,USA-GBR"`` or ``[("IRN", "RUS"), ...]``."""
    if dyads is None:
        return None
    items: list[tuple[object, object]] = []
    parts = dyads.split(",") if isinstance(dyads, str) else _items(dyads, "dyads")
    for p in parts:
        if isinstance(p, str):
            text = p.strip()
            if not text:
                continue
            sides = [s.strip() for s in re.split(r"\s*[-–/:]\s*(?=[^-–/:]*$)", text, maxsplit=1)]
            if len(sides) != 2 or not all(sides):
                raise InvalidInputError(
                    f"cannot read dyad {text!r}: write two states joined by '-', e.g. IRN-RUS"
                )
            items.append((sides[0], sides[1]))
        elif isinstance(p, tuple | list) and len(p) == 2:
            items.append((p[0], p[1]))
        else:
            raise InvalidInputError(f"cannot read dyad {p!r}: give a pair such as ('IRN', 'RUS')")
    if not items:
        raise InvalidInputError("the dyad list is empty")
    out = []
    for a, b in items:
        sa, sb = resolve_dyad(a, b, year)  # type: ignore[arg-type]
        out.append((sa.cow, sb.cow))
    return out


@dataclass(frozen=True)
class ColumnInfo:
    column: str
    family: str
    description: str
    first_year: int
    last_year: int
    datasets: tuple[str, ...]


def parse_unit(unit: str) -> str:
    """``dyad-year`` (default), ``state-year`` or ``leader-year`` (``_`` or ``-``)."""
    if not isinstance(unit, str) or unit.strip().lower().replace("_", "-") not in UNITS:
        raise InvalidInputError(f"unknown unit {unit!r}; use one of: {', '.join(UNITS)}")
    return unit.strip().lower().replace("_", "-")


def coverage(
    variables: str | Iterable[str] | None = None, unit: str = "dyad-year"
) -> pl.DataFrame:
    """Which years each panel column can be non-null in ``unit``, from which datasets, and
    the rule for missing values."""
    unit = parse_unit(unit)
    fams = parse_variables(variables) if variables is not None else list(FAMILIES.values())
    rows = []
    for f in fams:
        lo, hi = f.unit_coverage(unit)
        for c, d in f.unit_columns(unit).items():
            first, last = f.column_years.get(c, (lo, hi))
            rows.append((c, f.name, first, last, ",".join(f.datasets), d, f.missing_rule(unit)))
    schema = {
        "column": pl.String,
        "variable": pl.String,
        "first_year": pl.Int16,
        "last_year": pl.Int16,
        "datasets": pl.String,
        "description": pl.String,
        "missing": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def variables_table(unit: str | None = None) -> pl.DataFrame:
    """One row per variable: its units, years, peacesciencer verb, datasets with version
    and citation key, and NA rule (``unit``: only variables available in it)."""
    from allyscope.sources.registry import spec
    from allyscope.sources.store import version_in_use

    rows = []
    for f in FAMILIES.values():
        if unit is not None and parse_unit(unit) not in f.units:
            continue
        u = parse_unit(unit) if unit is not None else f.units[0]
        lo, hi = f.unit_coverage(u)
        specs = [spec(d) for d in f.datasets]
        rows.append(
            (
                f.name,
                ", ".join(f.units),
                f"{lo}-{hi}",
                f.verb,
                "; ".join(f"{s.name} {version_in_use(s.name)}" for s in specs),
                ", ".join(dict.fromkeys(s.bibtex_key for s in specs)),
                f.missing_rule(u),
                f.description,
            )
        )
    cols = ["variable", "units", "years", "peacesciencer", "source", "cite", "missing", "about"]
    return pl.DataFrame(rows, schema={c: pl.String for c in cols}, orient="row")


@dataclass
class PanelResult:
    """A panel with what it was built from (for file metadata and messages)."""

    frame: pl.DataFrame
    families: list[Family]
    provenance: dict[str, dict[str, str]]
    years: list[int]
    unit: str = "dyad-year"
    system: str = "cow"
    directed: bool = True

    def metadata(self) -> dict[str, object]:
        """Provenance for a written file: query, datasets (version, origin, citation key),
        each column's coverage years."""
        from allyscope import __version__
        from allyscope.sources.registry import spec

        cov: dict[str, list[int]] = {}
        for f in self.families:
            lo, hi = f.unit_coverage(self.unit)
            for c in f.unit_columns(self.unit):
                cov[c] = list(f.column_years.get(c, (lo, hi)))
        meta: dict[str, object] = {
            "allyscope": __version__,
            "unit": self.unit,
            "years": f"{self.years[0]}-{self.years[-1]}",
            "system": self.system,
        }
        if self.unit == "dyad-year":
            meta["directed"] = self.directed
        meta.update(
            {
                "variables": [f.name for f in self.families],
                "datasets": {
                    name: {**prov, "citation_key": spec(name).bibtex_key}
                    for name, prov in self.provenance.items()
                },
                "coverage": cov,
                "missing": {f.name: f.missing_rule(self.unit) for f in self.families},
            }
        )
        return meta

    def labels(self) -> dict[str, str]:
        """Column labels (Stata variable labels)."""
        out = dict(KEY_LABELS)
        for f in self.families:
            out.update(f.unit_columns(self.unit))
        return out

    def write(self, path: str | Path) -> Path:
        """Write the panel to ``path`` (.parquet, .csv with a .csv.json sidecar, or .dta)
        atomically, with :meth:`metadata` and :meth:`labels`."""
        from allyscope.panel.export import write_table

        codes = {
            c: v
            for f in self.families
            for c, v in f.value_labels.items()
            if c in self.frame.columns
        }
        return write_table(self.frame, path, self.metadata(), self.labels(), codes)


KEY_LABELS = {
    "ccode1": "COW code of the first state",
    "ccode2": "COW code of the second state",
    "gwcode1": "G-W code of the first state",
    "gwcode2": "G-W code of the second state",
    "ccode": "COW code",
    "gwcode": "G-W code",
    "year": "year",
    "obsid": "Archigos leader-spell id",
    "leader": "leader name (Archigos)",
    "gender": "M or W (Archigos)",
    "leaderage": "year minus the leader's year of birth",
    "yrinoffice": "year in office (1 in the year of entry)",
}


#: Up to this many requested dyad-years, the panel is built by the DuckDB join path.
SMALL_PANEL_ROWS = 20_000


def parse_states(states: object) -> list[int] | None:
    """States as COW codes from ``"IRN,RUS"`` or a list of names or codes."""
    if states is None:
        return None
    from allyscope.states.resolve import resolve

    parts = states.split(",") if isinstance(states, str) else _items(states, "states")
    out: list[int] = []
    for p in parts:
        if isinstance(p, str) and not p.strip():
            continue
        if not isinstance(p, str | int) or isinstance(p, bool):
            raise InvalidInputError(f"cannot read state {p!r}: give a name or code such as 'IRN'")
        code = resolve(p.strip() if isinstance(p, str) else p).cow
        if code not in out:
            out.append(code)
    if not out:
        raise InvalidInputError("the state list is empty")
    return out


def build_panel(
    years: YearsArg = None,
    dyads: DyadsArg = None,
    variables: str | Iterable[str] | None = None,
    directed: bool = True,
    system: str = "cow",
    unit: str = "dyad-year",
    states: object = None,
) -> PanelResult:
    """Build the panel and keep its provenance; see :func:`panel`."""
    if not isinstance(directed, bool):
        raise InvalidInputError(f"directed must be True or False, not {directed!r}")
    if not isinstance(system, str) or system not in SYSTEMS:
        raise InvalidInputError(f"unknown state system {system!r}; use one of: cow, gw")
    unit = parse_unit(unit)
    fams = parse_variables(variables)
    missing = [f.name for f in fams if unit not in f.units]
    if missing:
        have = [f.name for f in FAMILIES.values() if unit in f.units]
        raise InvalidInputError(
            f"{', '.join(missing)} has no {unit} form; variables for {unit}s: {', '.join(have)} "
            "(allyscope panel --list-variables --unit UNIT)"
        )
    if unit != "dyad-year":
        if dyads is not None:
            raise InvalidInputError(
                f"dyads apply to dyad-years; for {unit}s choose states (--states IRN,RUS)"
            )
        if not directed:
            raise InvalidInputError(f"undirected applies to dyad-years, not {unit}s")
    default = None
    if fams:
        spans = [f.unit_coverage(unit) for f in fams]
        default = (
            max(FIRST_YEAR, min(lo for lo, _ in spans)),
            min(OPEN_END_YEAR, max(hi for _, hi in spans)),
        )
    elif unit == "leader-year":
        default = LEADER_YEARS
    yrs = parse_years(years, default)
    if fams:
        covered = [
            y for y in yrs if any(lo <= y <= hi for lo, hi in (f.unit_coverage(unit) for f in fams))
        ]
        if not covered:
            spans_text = ", ".join(
                "{} {}-{}".format(f.name, *f.unit_coverage(unit)) for f in fams
            )
            raise CoverageError(
                f"no requested variable has data for {_span_text(yrs)} ({spans_text}); "
                "choose years inside a source's coverage"
            )
    chosen = parse_states(states)
    if unit != "dyad-year":
        return _build_units(unit, system, yrs, chosen, fams)
    pairs = parse_dyads(dyads)
    if chosen is not None:
        among = [(a, b) for a in chosen for b in chosen if a != b]
        pairs = among if pairs is None else [p for p in pairs if p in set(among)] or among
    codes = {c for p in pairs for c in p} if pairs is not None else None
    cow_pairs = pairs
    if system == "gw" and pairs is not None:
        pairs = _gw_pairs(pairs)
    df, provenance = None, {}
    # A few dyads: DuckDB's filtered joins beat building the per-year lookup grids
    # (one dyad over 44 years: 0.22 s against 0.29-0.46 s; 190 dyads over 11 years: 0.24 s
    # against 0.20-0.38 s; all 208,065 dyad-years of 2013-2023: 0.63 s against 0.23 s).
    small = pairs is not None and len(pairs) * len(yrs) <= SMALL_PANEL_ROWS
    sql_ok = all(f.build is not None for f in fams)
    fast_ok = all(f.gather is not None for f in fams)
    if (not small or not sql_ok) and fast_ok:
        try:
            df, provenance = _build_fast(system, yrs, pairs, directed, fams, codes, cow_pairs)
        except DuplicateKeys:
            df = None  # a source repeats a key: the SQL join repeats rows, so use it
    if df is None:
        df, provenance = _build_sql(system, yrs, pairs, directed, fams, codes, cow_pairs)
    if pairs is not None and df.is_empty():
        raise CoverageError(
            f"the requested dyads were never both system members in {_span_text(yrs)}; "
            "check the years (allyscope states NAME shows membership)"
        )
    return PanelResult(df, fams, provenance, yrs, unit, system, directed)


def _build_units(
    unit: str, system: str, yrs: list[int], states: list[int] | None, fams: list[Family]
) -> PanelResult:
    """State-years or leader-years with the families' state (and leader) columns."""
    from allyscope.panel.statelevel import attach, masked
    from allyscope.panel.units import leader_year_rows, state_year_rows

    codes = set(states) if states is not None else None
    if system == "gw" and codes is not None:
        cw = gw_cow_crosswalk()
        codes = set(cw.filter(pl.col("ccode").is_in(sorted(codes)))["gwcode"].to_list()) | codes
    ctx = Context(years=yrs, ccodes=codes, system=system)
    if unit == "state-year":
        rows = state_year_rows(system, yrs, codes)
    else:
        rows = leader_year_rows(ctx, codes)
    if rows.is_empty():
        what = "states" if unit == "state-year" else "leaders (Archigos 1840-2015)"
        raise CoverageError(
            f"no {what} in {_span_text(yrs)} for the states asked for; check the years "
            "(allyscope states NAME shows membership)"
        )
    parts = [rows]
    year = rows["year"]
    for f in fams:
        if unit == "leader-year" and f.leader is not None:
            table = f.leader.table(ctx)
            cols = list(f.leader.columns)
            found = rows.select("obsid").join(
                table.select("obsid", *cols), on="obsid", how="left", maintain_order="left"
            )
            parts.append(pl.DataFrame(masked(found, cols, (), LEADER_YEARS, year)))
            continue
        form = f.state
        assert form is not None
        found = attach(rows, form.table(ctx), system)
        cols = list(form.columns)
        parts.append(
            pl.DataFrame(masked(found, cols, form.absent_is_zero, f.unit_coverage(unit), year))
        )
    df = pl.concat(parts, how="horizontal")
    return PanelResult(df, fams, ctx.provenance, yrs, unit, system, True)


def _key_columns(system: str) -> list[str]:
    return ["gwcode1", "gwcode2", "ccode1", "ccode2"] if system == "gw" else ["ccode1", "ccode2"]


def _build_fast(
    system: str,
    yrs: list[int],
    pairs: list[tuple[int, int]] | None,
    directed: bool,
    fams: list[Family],
    codes: set[int] | None,
    cow_pairs: list[tuple[int, int]] | None = None,
) -> tuple[pl.DataFrame, dict[str, dict[str, str]]]:
    """The panel by keyed lookups onto the sorted base (no join or sort of the result)."""
    frame, grid = base_frame(system, yrs, pairs, directed)
    base = Base(frame, grid)
    keys = frame.select("ccode1", "ccode2", "year")

    def one(fam: Family) -> tuple[pl.DataFrame, dict[str, dict[str, str]]]:
        ctx = Context(years=yrs, ccodes=codes, system=system, pairs=cow_pairs)
        g = fam.gather(ctx)  # type: ignore[misc]
        found = [
            base.gather(lk.table, lk.on, lk.prefix, lk.absent, lk.codes) for lk in g.lookups
        ]
        scope = pl.concat([keys, *found], how="horizontal")
        return scope.select(fam.masked_exprs(g, yrs)), ctx.provenance

    # families are independent; numpy and Polars release the GIL in their loops
    if len(fams) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=2) as pool:
            parts = list(pool.map(one, fams))
    else:
        parts = [one(f) for f in fams]
    provenance: dict[str, dict[str, str]] = {}
    for _, prov in parts:
        provenance.update(prov)
    columns = [frame.select(*_key_columns(system), "year"), *(cols for cols, _ in parts)]
    return pl.concat(columns, how="horizontal"), provenance


def _build_sql(
    system: str,
    yrs: list[int],
    pairs: list[tuple[int, int]] | None,
    directed: bool,
    fams: list[Family],
    codes: set[int] | None,
    cow_pairs: list[tuple[int, int]] | None = None,
) -> tuple[pl.DataFrame, dict[str, dict[str, str]]]:
    """The panel as one DuckDB query: the families' joins onto the base, then a sort."""
    import duckdb

    frames: dict[str, pl.DataFrame] = {}
    base = base_query(system, yrs, pairs, directed, frames)
    ctx = Context(years=yrs, ccodes=codes, frames=frames, system=system, pairs=cow_pairs)
    joins, selects = [], []
    for fam in fams:
        assert fam.build is not None
        j = fam.build(ctx)
        joins.append(j.joins)
        selects.extend(f"{expr} AS {col}" for col, expr in fam.masked(j).items())
    head = ", ".join(f"b.{k}" for k in _key_columns(system)) + ", b.year"
    order = "b.year, b.gwcode1, b.gwcode2" if system == "gw" else "b.year, b.ccode1, b.ccode2"
    sql = (
        f"WITH b AS ({base}) SELECT {head}"
        + "".join(f", {s}" for s in selects)
        + " FROM b "
        + " ".join(joins)
        + f" ORDER BY {order}"
    )
    con = duckdb.connect()
    try:
        for name, frame in ctx.frames.items():
            con.register(name, _ArrowStream(frame))
        # in and out through the Arrow C stream interface: no pyarrow import (0.2-0.3 s)
        df = pl.DataFrame(con.sql(sql))
    finally:
        con.close()
    return df, ctx.provenance


class _ArrowStream:
    """A Polars frame seen only through ``__arrow_c_stream__``: DuckDB reads it without
    converting it to a pyarrow table first."""

    __slots__ = ("frame",)

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        return self.frame.__arrow_c_stream__(requested_schema)


def _gw_pairs(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    cw = gw_cow_crosswalk()
    out = []
    for a, b in pairs:
        ga = cw.filter(pl.col("ccode") == a)["gwcode"].unique().to_list() or [a]
        gb = cw.filter(pl.col("ccode") == b)["gwcode"].unique().to_list() or [b]
        out.extend((x, y) for x in ga for y in gb if x != y)
    return out


def _span_text(yrs: list[int]) -> str:
    return str(yrs[0]) if len(yrs) == 1 else f"{yrs[0]}-{yrs[-1]}"


def panel(
    years: YearsArg = None,
    dyads: DyadsArg = None,
    variables: str | Iterable[str] | None = None,
    directed: bool = True,
    system: str = "cow",
    unit: str = "dyad-year",
    states: object = None,
) -> pl.DataFrame:
    """The panel frame; documented where users call it, :func:`allyscope.panel.panel`."""
    return build_panel(years, dyads, variables, directed, system, unit, states).frame
