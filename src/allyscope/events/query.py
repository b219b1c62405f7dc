"""The aggregation query, written once as SQL and rendered for each engine's dialect.

One pass over the input: every row is parsed (date, actors, event type, the dataset's
own quad class and Goldstein-type score), checked (wrong number of fields, unparseable
date), and grouped by the raw actor values, the period and the event type. Bad rows keep
only their reason, so they fold into one group per reason: nothing is dropped unseen.

The result is small (bounded by actor values x periods x event types), and the same
Python step (:mod:`allyscope.events.aggregate`) maps it to COW states, quad classes and
Goldstein scores for every engine. Only identifier and literal quoting and the name of the
text type differ between engines; the functions used (``split_part``, ``TRY_CAST``,
``EXTRACT``, ``NULLIF``, ``concat``, ``substr``) mean the same in DuckDB, Polars SQL and
Spark SQL, which the engine-equality tests check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from allyscope.events.engines import Engine

TAB = "\t"
#: Roles read from the input, in the order of the query's output columns.
TEXT_ROLES = ("source", "target", "source_cow", "target_cow", "event", "quad")


@dataclass(frozen=True)
class Input:
    """A group of files read the same way (one query each).

    ``kind`` is ``parquet`` (``columns`` maps role -> column name, ``types`` role -> Arrow
    type kind: string, int, float or date) or ``lines`` (``columns`` maps role -> 1-based
    field position; ``expected`` the valid field counts; ``header_first`` the first field
    of a header line to skip).
    """

    kind: str
    paths: tuple[str, ...]
    columns: dict[str, str | int]
    expected: tuple[int, ...] = ()
    header_first: str | None = None
    types: dict[str, str] = field(default_factory=dict)


def _raw(engine: Engine, inp: Input, role: str) -> str | None:
    """The expression of a role's value as text (None if the input lacks the role)."""
    if role not in inp.columns:
        return None
    ref = inp.columns[role]
    if inp.kind == "lines":
        return f"split_part(line, {engine.literal(TAB)}, {int(ref)})"
    col = engine.ident(str(ref))
    if inp.types.get(role, "string") == "string":
        return col
    return f"CAST({col} AS {engine.text_type})"


def _text(engine: Engine, inp: Input, role: str) -> str:
    raw = _raw(engine, inp, role)
    if raw is None:
        return f"CAST(NULL AS {engine.text_type})"
    return f"NULLIF(TRIM({raw}), '')"


def _date(engine: Engine, inp: Input, date_kind: str) -> str:
    if inp.kind == "parquet" and inp.types.get("date") == "date":
        return f"CAST({engine.ident(str(inp.columns['date']))} AS DATE)"
    s = _raw(engine, inp, "date")
    if date_kind == "yyyymmdd":
        return (
            f"CASE WHEN length({s}) = 8 THEN TRY_CAST(concat(substr({s}, 1, 4), '-', "
            f"substr({s}, 5, 2), '-', substr({s}, 7, 2)) AS DATE) END"
        )
    return (
        f"CASE WHEN substr({s}, 5, 1) = '-' AND substr({s}, 8, 1) = '-' "
        f"THEN TRY_CAST(substr({s}, 1, 10) AS DATE) END"
    )


def _goldstein(engine: Engine, inp: Input) -> str:
    raw = _raw(engine, inp, "goldstein")
    if raw is None:
        return "CAST(NULL AS DOUBLE)"
    if inp.kind == "parquet" and inp.types.get("goldstein") in ("int", "float"):
        return f"CAST({raw} AS DOUBLE)"
    return f"TRY_CAST(NULLIF(TRIM({raw}), '') AS DOUBLE)"


def _in(engine: Engine, expr: str, values: Sequence[str]) -> str:
    return f"{expr} IN ({', '.join(engine.literal(v) for v in values)})"


def pushdown(engine: Engine, inp: Input, spellings: dict[str, list[str]], like: bool) -> str:
    """A WHERE clause keeping rows whose both actors are among ``spellings`` (role -> values).

    It runs on the raw columns, so Parquet scans can skip row groups; ``like`` adds
    ``%(Name)`` patterns for actor names that carry the country in brackets (ICEWS14).
    The exact dyad filter is applied after mapping; this one only has to be a superset.
    """
    parts = []
    for side, cow in (("source", "source_cow"), ("target", "target_cow")):
        raw = _raw(engine, inp, side)
        ors = [_in(engine, raw, spellings["names"])]
        if like:
            ors += [f"{raw} LIKE {engine.literal('%(' + v + ')')}" for v in spellings["names"]]
        cow_raw = _raw(engine, inp, cow)
        if cow_raw is not None:
            ors.append(_in(engine, f"TRIM({cow_raw})", spellings["cow"]))
        parts.append("(" + " OR ".join(ors) + ")")
    return " AND ".join(parts)


def stage_one(
    engine: Engine,
    inp: Input,
    date_kind: str,
    by_month: bool,
    where: str | None = None,
) -> str:
    """The aggregation query over table ``events`` for one input group."""
    cols = [f"{_text(engine, inp, r)} AS {r}" for r in TEXT_ROLES]
    cols += [f"{_date(engine, inp, date_kind)} AS d", f"{_goldstein(engine, inp)} AS g"]
    filters = []
    if inp.kind == "lines":
        n_fields = f"length(line) - length(replace(line, {engine.literal(TAB)}, '')) + 1"
        cols.append(f"{n_fields} AS n_fields")
        filters.append("line IS NOT NULL AND line <> ''")  # blank lines are not rows
        if inp.header_first is not None:
            first = f"split_part(line, {engine.literal(TAB)}, 1)"
            filters.append(f"{first} <> {engine.literal(inp.header_first)}")
        bad_fields = f"n_fields NOT IN ({', '.join(str(n) for n in inp.expected)})"
    else:
        cols.append("0 AS n_fields")
        bad_fields = "1 = 0"
    if where:
        filters.append(f"({where})")
    parsed = f"SELECT {', '.join(cols)} FROM events"
    if filters:
        parsed += " WHERE " + " AND ".join(filters)
    roles = ", ".join(TEXT_ROLES)
    tagged = (
        f"SELECT CASE WHEN {bad_fields} THEN 'wrong_column_count' "
        f"WHEN d IS NULL THEN 'bad_date' END AS reason, {roles}, d, g FROM ({parsed}) p"
    )
    keep = ", ".join(f"CASE WHEN reason IS NULL THEN {r} END AS {r}" for r in TEXT_ROLES)
    period = "CASE WHEN reason IS NULL THEN EXTRACT(YEAR FROM d) END AS year"
    if by_month:
        period += ", CASE WHEN reason IS NULL THEN EXTRACT(MONTH FROM d) END AS month"
    keyed = (
        f"SELECT reason, {keep}, {period}, CASE WHEN reason IS NULL THEN d END AS d, "
        f"CASE WHEN reason IS NULL THEN g END AS g FROM ({tagged}) t"
    )
    keys = ["reason", *TEXT_ROLES, "year", *(["month"] if by_month else [])]
    return (
        f"SELECT {', '.join(keys)}, COUNT(*) AS n, SUM(g) AS g_sum, COUNT(g) AS g_n, "
        f"MIN(d) AS first_day, MAX(d) AS last_day FROM ({keyed}) k GROUP BY {', '.join(keys)}"
    )
