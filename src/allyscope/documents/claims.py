"""Quantitative claims in passages, and their check against the data.

Extraction (rules, documented in docs/documents.md):

- a **money** amount is ``$770 million``, ``US$1.58 billion``, ``4 billion dollars``,
  ``USD 2.5bn`` (unit ``USD``; value in dollars); a **percentage** is ``90 percent`` or
  ``12%`` (unit ``percent``);
- its **year** is the year right after it (``in 2011``); else, in a clause that says
  "over the same period", the years of the previous claim pair; else the sentence's only
  year; else none;
- its **direction** comes from its clause: ``Russian exports to Iran`` / ``exports from
  Russia to Iran`` (from RUS to IRN), ``Iran's imports from Russia`` (from RUS to IRN),
  ``trade between Iran and Russia`` / ``bilateral trade`` / ``trade turnover`` (both ways).

Checking: a directed trade claim is compared with COW dyadic trade (imports of the
destination from the origin, the importer-reported flow COW prefers), a total with the sum
of both flows. ``consistent`` when the data value is within ``tolerance`` (relative,
default 10%) of the claim, ``inconsistent`` otherwise, ``unverifiable`` when the claim has
no year or direction, no dataset measures it, or the year is outside the data's coverage
(the reason says which, and the coverage end is given).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from allyscope.documents.mentions import states_mentioned

TOLERANCE = 0.10
_SCALE = {
    "thousand": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
_NUM = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE_RE = r"(thousand|million|billion|trillion|mn|bn|tn|m|b)\b"
_MONEY = re.compile(
    r"(?:US\s?\$|\$|USD\s?)\s?" + _NUM + r"(?:\s?" + _SCALE_RE + r")?"
    r"|" + _NUM + r"\s?" + _SCALE_RE + r"\s+(?:US\s+)?(?:dollars|USD)\b",
    re.I,
)
_PERCENT = re.compile(_NUM + r"\s?(?:%|per\s?cent\b)", re.I)
_YEAR_AFTER = re.compile(r"^\s*(?:in|for|by|during)\s+(?:the\s+year\s+)?((?:19|20)\d\d)\b", re.I)
_YEAR = re.compile(r"(?<![\d$.,])((?:19|20)\d\d)(?![\d%])")
_SAME_PERIOD = re.compile(r"same period|same years|over the period", re.I)
_CLAUSES = re.compile(r";\s+|,\s+(?=(?:while|whereas|but|and)\s)|\.\s+(?=[A-Z])")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


@dataclass(frozen=True)
class Claim:
    """One quantitative claim and, once checked, its verdict."""

    text: str
    passage: str
    value: float
    unit: str
    year: int | None
    origin: int | None = None  # COW code of "from"
    destination: int | None = None  # COW code of "to"
    variable: str | None = None
    verdict: str | None = None
    data_value: float | None = None
    source: dict[str, Any] = field(default_factory=dict)
    note: str = ""


def _amount(m: re.Match[str]) -> float:
    groups = [g for g in m.groups()]
    num = next(g for g in groups if g is not None and re.match(r"\d", g))
    scale = next((g for g in groups if g is not None and not re.match(r"\d", g)), None)
    return float(num.replace(",", "")) * (_SCALE[scale.lower()] if scale else 1.0)


def _direction(
    clause: str, context: tuple[int, int] | None
) -> tuple[str | None, int | None, int | None]:
    low = clause.lower()
    m = re.search(r"\b(exports?|imports?|trade|turnover|sales)\b", low)
    if m is None:
        return None, None, None
    kind = m.group(1)
    before, after = clause[: m.start()], clause[m.end() :]
    if kind.startswith("trade") or kind == "turnover":
        between = re.search(r"between\s+(.{2,40}?)\s+and\s+(.{2,40}?)(?:\W|$)", after)
        if between:
            a = states_mentioned(between.group(1))
            b = states_mentioned(between.group(2))
            if len(a) == 1 and len(b) == 1:
                return "trade_total", a[0], b[0]
        named = states_mentioned(before[-60:])
        if len(named) >= 2:
            return "trade_total", named[0], named[1]
        if context is not None and re.search(r"bilateral|mutual|two countries", low):
            return "trade_total", context[0], context[1]
        return "trade_total", None, None
    to_m = re.search(r"\bto\s+(?:the\s+)?([^,;.]{2,40})", after)
    from_m = re.search(r"\bfrom\s+(?:the\s+)?([^,;.]{2,40})", after)
    near_before = states_mentioned(before[-40:])
    subject = near_before[-1] if near_before else None
    to_state = states_mentioned(to_m.group(1))[:1] if to_m else []
    from_state = states_mentioned(from_m.group(1))[:1] if from_m else []
    if kind.startswith("export") or kind == "sales":
        origin = from_state[0] if from_state else subject
        dest = to_state[0] if to_state else None
    else:
        dest = subject if subject is not None else (to_state[0] if to_state else None)
        origin = from_state[0] if from_state else None
    return "trade_flow", origin, dest


def extract_claims(
    text: str, passage_id: str, context: tuple[int, int] | None = None
) -> list[Claim]:
    """The quantitative claims of one passage (see the module docstring).

    ``context`` is the document's main dyad (its two most mentioned states), used for
    "bilateral trade" when the clause names no state.
    """
    claims: list[Claim] = []
    for sentence in _SENTENCE.split(text):
        years = [int(y) for y in _YEAR.findall(sentence)]
        pair_years: list[int | None] = []
        for clause in _CLAUSES.split(sentence):
            variable, origin, dest = _direction(clause, context)
            found: list[tuple[re.Match[str], str]] = [(m, "USD") for m in _MONEY.finditer(clause)]
            found += [
                (m, "percent")
                for m in _PERCENT.finditer(clause)
                if not any(m.start() < f.end() and f.start() < m.end() for f, _ in found)
            ]
            found.sort(key=lambda f: f[0].start())
            money_years: list[int | None] = []
            for k, (m, unit) in enumerate(found):
                after = _YEAR_AFTER.match(clause[m.end() :])
                year = int(after.group(1)) if after else None
                if year is None and _SAME_PERIOD.search(clause) and unit == "USD":
                    money_idx = sum(1 for f in found[:k] if f[1] == "USD")
                    if money_idx < len(pair_years):
                        year = pair_years[money_idx]
                if year is None and len(set(years)) == 1:
                    year = years[0]
                if unit == "USD":
                    money_years.append(year)
                claims.append(
                    Claim(
                        text=m.group(0).strip(),
                        passage=passage_id,
                        value=_amount(m),
                        unit=unit,
                        year=year,
                        origin=origin if unit == "USD" else None,
                        destination=dest if unit == "USD" else None,
                        variable=variable if unit == "USD" else None,
                    )
                )
            if len(money_years) >= 2 and all(y is not None for y in money_years):
                pair_years = money_years
    return claims


def check_claims(claims: list[Claim], tolerance: float = TOLERANCE) -> list[Claim]:
    """Give each claim its verdict, data value and source (see the module docstring)."""
    from allyscope.panel import panel
    from allyscope.panel.trade import trade_datasets, trade_years
    from allyscope.sources.registry import spec
    from allyscope.sources.store import locate, years_in_use

    first, last = trade_years()

    def source_of(year: int | None) -> dict[str, Any]:
        # COW's dyadic trade, or the IMF's IMTS for the years it continues COW
        name = trade_datasets(year if year is not None else first)[0]
        lo, hi = years_in_use(name)
        return {
            "dataset": spec(name).name,
            "version": locate(name, verify=False).version,
            "coverage": f"{lo}-{hi}",
            "coverage_end": hi,
        }

    source = source_of(None)
    wanted = {
        (min(c.origin, c.destination), max(c.origin, c.destination), c.year)
        for c in claims
        if c.variable
        and c.origin
        and c.destination
        and c.year
        and c.origin != c.destination
        and first <= c.year <= last
    }
    values: dict[tuple[int, int, int], tuple[float | None, float | None]] = {}
    if wanted:
        dyads = sorted({(a, b) for a, b, _ in wanted})
        years = sorted({y for _, _, y in wanted})
        table = panel(years=years, dyads=dyads, variables=["trade"], directed=False)
        for a, b, y, f1, f2 in table.select(
            "ccode1", "ccode2", "year", "flow1", "flow2"
        ).iter_rows():
            values[(a, b, y)] = (f1, f2)
    out = []
    for c in claims:
        src = source_of(c.year) if c.year is not None and first <= c.year <= last else source
        out.append(_verdict(c, values, src, tolerance, first, last))
    return out


def _verdict(
    c: Claim,
    values: dict[tuple[int, int, int], tuple[float | None, float | None]],
    source: dict[str, Any],
    tolerance: float,
    first: int,
    last: int,
) -> Claim:
    def unverifiable(note: str, src: dict[str, Any] | None = None) -> Claim:
        return replace(c, verdict="unverifiable", note=note, source=src or {})

    if c.unit != "USD" or c.variable is None:
        return unverifiable("no dataset in allyscope measures this quantity")
    if c.origin is None or c.destination is None or c.origin == c.destination:
        return unverifiable("the claim's states (from/to) could not be read from its clause")
    if c.year is None:
        return unverifiable("the claim states no year")
    if not first <= c.year <= last:
        return unverifiable(
            f"{source['dataset']} {source['version']} covers {first}-{last}; no data for {c.year}",
            source,
        )
    a, b = sorted((c.origin, c.destination))
    f1, f2 = values.get((a, b, c.year), (None, None))
    # flow1 = imports of ccode1 (a) from ccode2 (b)
    if c.variable == "trade_total":
        data = None if f1 is None or f2 is None else f1 + f2
        column = "flow1 + flow2"
    else:
        data = f1 if c.destination == a else f2
        column = "flow1" if c.destination == a else "flow2"
    src = {**source, "column": column, "ccode1": a, "ccode2": b, "year": c.year}
    if data is None:
        return unverifiable(f"no {source['dataset']} value for this dyad in {c.year}", src)
    data_usd = data * 1e6
    ok = abs(data_usd - c.value) <= tolerance * max(abs(c.value), 1.0)
    return replace(
        c,
        verdict="consistent" if ok else "inconsistent",
        data_value=data_usd,
        source=src,
        note=f"within {tolerance:.0%}" if ok else f"differs by more than {tolerance:.0%}",
    )
