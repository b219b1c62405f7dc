"""Evidence from data: a query condition evaluated against allyscope's indicators.

A condition::

    {dyad: IRN-RUS, indicator: atop_defense, years: 2001-2018 | year: 2010,
     agg: any|all|mean|max|min|sum (default mean), op: ">=" | ">" | "<=" | "<" | "==" | "!=",
     value: 1}                                   # a number, or a type name for `type`
    {..., baseline: {years: 1992-2010, agg: mean}}   # instead of `value`: the same
                                                     # indicator over other years

``indicator`` is any name of :func:`allyscope.indicators.catalog` or ``type`` (the
assessment's yearly type; its order is the ladder, so ``op: ">="`` works on it). An
item's query is a condition or a list of conditions that must all hold; the item counts
as observed when they do. Years with no data are left out of the aggregate; a condition
with no data in its years makes the item unverifiable (it is reported and not used).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import polars as pl

from allyscope.assessment.calibration import THIRD, load_calibration
from allyscope.assessment.engine import classified_frame, parse_year_range
from allyscope.assessment.typology import LADDER
from allyscope.errors import AllyscopeError
from allyscope.indicators import INDICATORS, catalog
from allyscope.states import resolve
from allyscope.tracing.case import Case, CaseError, brief, number, text

OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
#: The aggregates a condition may name (never looked up on an object by a user's string).
AGGREGATES: dict[str, Callable[[pl.Series], float]] = {
    "any": lambda v: float((v != 0).any()),
    "all": lambda v: float((v != 0).all()),
    "mean": lambda v: float(v.mean()),  # type: ignore[arg-type]
    "max": lambda v: float(v.max()),  # type: ignore[arg-type]
    "min": lambda v: float(v.min()),  # type: ignore[arg-type]
    "sum": lambda v: float(v.sum()),
}
AGGS = tuple(AGGREGATES)


def _agg(spec: Any, where: str, line: int, default: str = "mean") -> str:
    agg = default if spec is None else spec
    if not isinstance(agg, str) or agg not in AGGREGATES:
        raise CaseError(f"{where}:{line}: unknown agg {brief(agg)}; use one of: {', '.join(AGGS)}")
    return agg


def _years(cond: dict[str, Any], where: str, line: int) -> tuple[int, int]:
    spec = cond.get("years", cond.get("year"))
    if spec is None:
        raise CaseError(f"{where}:{line}: a query needs `years` (e.g. 2001-2018) or `year`")
    try:
        return parse_year_range(str(spec) if not isinstance(spec, int) else spec)
    except AllyscopeError as exc:
        raise CaseError(f"{where}:{line}: {exc}") from exc


def _check(cond: dict[str, Any], where: str) -> tuple[int, int, str]:
    line = int(cond.get("_line", 0))
    catalog()  # registers the indicators
    for key in ("dyad", "indicator", "op"):
        if key not in cond:
            raise CaseError(f"{where}:{line}: a query needs `{key}`")
    ind = text(cond, "indicator", where, line)
    if ind != "type" and ind not in INDICATORS:
        raise CaseError(
            f"{where}:{line}: unknown indicator {brief(ind)}; use `type` or one of: {', '.join(INDICATORS)}"
        )
    op = cond["op"]
    if not isinstance(op, str) or op not in OPS:
        raise CaseError(f"{where}:{line}: unknown op {brief(op)}; use one of: {', '.join(OPS)}")
    agg = _agg(cond.get("agg"), where, line)
    if ("value" in cond) == ("baseline" in cond):
        raise CaseError(f"{where}:{line}: a query needs exactly one of `value` or `baseline`")
    if "baseline" in cond:
        base = cond["baseline"]
        if not isinstance(base, dict):
            raise CaseError(f"{where}:{line}: `baseline` must be a mapping with `years`")
        _agg(base.get("agg"), where, line, default=agg)
    elif ind != "type" and number(cond["value"]) is None:
        raise CaseError(
            f"{where}:{line}: `value` must be a number, got {brief(cond['value'])}"
        )
    parts = text(cond, "dyad", where, line).replace("–", "-").split("-")
    if len(parts) != 2:
        raise CaseError(f"{where}:{line}: dyad {cond['dyad']!r} is not of the form IRN-RUS")
    try:
        a, b = resolve(parts[0]).iso3, resolve(parts[1]).iso3
    except AllyscopeError as exc:
        raise CaseError(f"{where}:{line}: {exc}") from exc
    if ind == "type" and "value" in cond and not (
        isinstance(cond["value"], str) and cond["value"] in LADDER
    ):
        raise CaseError(
            f"{where}:{line}: type {cond['value']!r} is not one of: {', '.join(LADDER)}"
        )
    return line, f"{a}-{b}", agg  # type: ignore[return-value]


def _aggregate(values: pl.Series, agg: str) -> float | None:
    v = values.drop_nulls().cast(pl.Float64)
    if v.len() == 0:
        return None
    return AGGREGATES[agg](v)


def evaluate(case: Case) -> None:
    """Set ``observed`` (and ``query_value``) of every query item; unverifiable stays None."""
    plans: list[
        tuple[Any, dict[str, Any], int, str, str, tuple[int, int], tuple[int, int] | None]
    ] = []
    spans: dict[str, list[int]] = {}
    for item in case.evidence:
        for cond in item.query or []:
            line, dyad, agg = _check(cond, case.path)
            years = _years(cond, case.path, line)
            base = None
            if "baseline" in cond:
                base = _years(dict(cond["baseline"]), case.path, line)
            plans.append((item, cond, line, dyad, agg, years, base))
            span = spans.setdefault(dyad, [years[0], years[1]])
            for y0, y1 in [years] + ([base] if base else []):
                span[0], span[1] = min(span[0], y0), max(span[1], y1)
    th = load_calibration()
    third = resolve(THIRD).cow
    frames: dict[str, pl.DataFrame] = {}
    for dyad, (y0, y1) in spans.items():
        a, b = (resolve(s, year=y1) for s in dyad.split("-"))
        frames[dyad] = classified_frame([(a.cow, b.cow)], y0, y1, third, th)
    results: dict[str, list[bool | None]] = {}
    for item, cond, line, dyad, agg, years, base in plans:
        f = frames[dyad]
        ind = text(cond, "indicator", case.path, line)
        col = "rung" if ind == "type" else ind

        def window(
            span: tuple[int, int], how: str, f: pl.DataFrame = f, col: str = col
        ) -> float | None:
            return _aggregate(f.filter(pl.col("year").is_between(*span))[col], how)

        got = window(years, agg)
        if base is not None:
            target = window(base, _agg(cond["baseline"].get("agg"), case.path, line, agg))
        elif ind == "type":
            target = float(LADDER.index(cond["value"]))
        else:
            target = float(cond["value"])
        holds = None if got is None or target is None else bool(OPS[cond["op"]](got, target))
        shown = (
            LADDER[int(got)] if ind == "type" and got is not None and agg in ("max", "min") else got
        )
        item.query_value.append(
            {
                "dyad": dyad,
                "indicator": ind,
                "years": list(years),
                "agg": agg,
                "value": shown,
                "op": cond["op"],
                "target": target if ind != "type" or base else cond["value"],
                "holds": holds,
            }
        )
        results.setdefault(item.id, []).append(holds)
    for item in case.evidence:
        if item.query is None:
            continue
        holds = results.get(item.id, [])
        item.observed = None if any(h is None for h in holds) else all(h for h in holds)  # type: ignore[misc]
