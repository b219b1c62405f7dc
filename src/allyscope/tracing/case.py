"""The case file: hypotheses with priors, and evidence items, read from YAML with line numbers.

Schema (docs/tracing.md has the full reference and an example)::

    case: title
    description: text (optional)
    hypotheses:
      - {name: H1, prior: 0.2, description: ...}      # mutually exclusive; priors sum to 1
    evidence:
      - id: unique-id
        statement: what was (or was not) observed
        date: YYYY[-MM[-DD]]          (optional)
        source: citation              (items with the same source are flagged as dependent)
        observed: true | false        (or `query:` to evaluate it against the data)
        test: {type: hoop, favours: H1}          # exactly one of test / likelihoods
        likelihoods: {H1: 0.9, H2: [0.2, 0.4]}   # P(E | H): a value or a [low, high] range
        query: {...} or [{...}, ...]             # see allyscope.tracing.queries
        note: why this test or these likelihoods (optional)

Every error names the file and line, and says what to fix.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allyscope.errors import InvalidInputError
from allyscope.tracing.vanevera import TESTS, Range, likelihoods_for_test
from allyscope.yamlin import kind

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class CaseError(InvalidInputError):
    """A case file that does not follow the schema (the message names the line)."""


@dataclass
class Hypothesis:
    name: str
    prior: float
    description: str = ""


@dataclass
class Evidence:
    id: str
    statement: str
    source: str
    likelihoods: dict[str, Range]
    line: int
    observed: bool | None = None
    date: str = ""
    test: dict[str, str] | None = None
    query: list[dict[str, Any]] | None = None
    note: str = ""
    query_value: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Case:
    title: str
    description: str
    hypotheses: list[Hypothesis]
    evidence: list[Evidence]
    path: str = "<case>"

    @property
    def names(self) -> list[str]:
        return [h.name for h in self.hypotheses]


def _line(node: Any, key: str | None = None) -> int:
    lc = getattr(node, "lc", None)
    if lc is None:
        return 0
    try:
        return (lc.key(key)[0] if key is not None else lc.line) + 1
    except (KeyError, TypeError, AttributeError):
        return lc.line + 1


def _err(where: str, line: int, msg: str) -> CaseError:
    return CaseError(f"{where}:{line}: {msg}" if line else f"{where}: {msg}")


def number(v: Any) -> float | None:
    """``v`` as a finite float if it is a YAML number (not a boolean), else None."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    try:
        f = float(v)
    except OverflowError:  # an integer of hundreds of digits
        return None
    return f if math.isfinite(f) else None


def brief(v: Any, limit: int = 60) -> str:
    """A value for an error message, cut short (a pasted paragraph or a 400-digit number)."""
    text = repr(v) if isinstance(v, str) else str(v)
    return text if len(text) <= limit else text[: limit - 3] + "..."


SCALAR = str | int | float | datetime.date


def text(node: Any, key: str, where: str, line: int, *, required: bool = False) -> str:
    """The scalar at ``node[key]`` as text ("" if absent and not required); a list or a
    mapping where a scalar belongs is an error naming the line."""
    v = node.get(key)
    if v is None:
        v = ""
    if isinstance(v, bool) or not isinstance(v, SCALAR):
        raise _err(where, _line(node, key) or line, f"`{key}` must be a single value, not {kind(v)}")
    out = str(v).strip()
    if required and not out:
        raise _err(where, line, f"`{key}` must not be empty")
    return out


def _prob(value: Any, where: str, line: int, what: str) -> Range:
    def num(v: Any) -> float:
        f = number(v)
        if f is None:
            raise _err(where, line, f"{what} must be a number between 0 and 1, got {brief(v)}")
        if not 0.0 <= f <= 1.0:
            raise _err(where, line, f"{what} must lie between 0 and 1, got {f}")
        return f

    if isinstance(value, list):
        if len(value) != 2:
            raise _err(where, line, f"{what} as a range must be [low, high], got {value!r}")
        lo, hi = num(value[0]), num(value[1])
        if lo > hi:
            raise _err(where, line, f"{what} range [{lo}, {hi}] is reversed")
        return Range(lo, hi, (lo + hi) / 2)
    p = num(value)
    return Range(p, p, p)


def parse_case(data: Any, where: str = "<case>") -> Case:
    """Validate a loaded YAML document (ruamel round-trip maps carry line numbers)."""
    if not isinstance(data, dict):
        raise _err(where, 1, "the case file must be a mapping with `hypotheses` and `evidence`")
    for key in ("hypotheses", "evidence"):
        if key not in data or not isinstance(data[key], list) or not data[key]:
            raise _err(where, _line(data), f"`{key}` must be a non-empty list")
    hyps: list[Hypothesis] = []
    for h in data["hypotheses"]:
        line = _line(h)
        if not isinstance(h, dict) or "name" not in h or "prior" not in h:
            raise _err(where, line, "each hypothesis needs `name` and `prior`")
        name = text(h, "name", where, line, required=True)
        if name in {x.name for x in hyps}:
            raise _err(where, line, f"hypothesis {name!r} is listed twice")
        if isinstance(h["prior"], list):
            raise _err(where, _line(h, "prior"), f"prior of {name} must be one number, not a list")
        prior = _prob(h["prior"], where, _line(h, "prior"), f"prior of {name}").point
        hyps.append(Hypothesis(name, prior, text(h, "description", where, line)))
    total = sum(h.prior for h in hyps)
    if abs(total - 1.0) > 1e-6:
        raise _err(
            where,
            _line(data, "hypotheses"),
            f"the priors sum to {total:g}, not 1: hypotheses must be exclusive and exhaustive",
        )
    names = [h.name for h in hyps]
    items: list[Evidence] = []
    for e in data["evidence"]:
        line = _line(e)
        if not isinstance(e, dict):
            raise _err(where, line, "each evidence item must be a mapping")
        eid, statement, source = (
            text(e, key, where, line, required=True) for key in ("id", "statement", "source")
        )
        if eid in {x.id for x in items}:
            raise _err(where, line, f"evidence id {eid!r} is used twice")
        date = text(e, "date", where, line)
        if date and not _DATE.match(date):
            raise _err(where, _line(e, "date"), f"date {date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        has_test, has_lik = "test" in e, "likelihoods" in e
        if has_test == has_lik:
            raise _err(where, line, f"item {eid!r} needs exactly one of `test` or `likelihoods`")
        test = None
        if has_test:
            t = e["test"]
            tl = _line(e, "test")
            if not isinstance(t, dict) or "type" not in t or "favours" not in t:
                raise _err(where, tl, "`test` needs `type` and `favours`")
            t = {"type": text(t, "type", where, tl), "favours": text(t, "favours", where, tl)}
            if t["type"] not in TESTS:
                raise _err(
                    where, tl, f"unknown test type {t['type']!r}; use one of: {', '.join(TESTS)}"
                )
            if t["favours"] not in names:
                raise _err(
                    where, tl, f"`favours` names {t['favours']!r}, which is not a hypothesis"
                )
            test = {"type": str(t["type"]), "favours": str(t["favours"])}
            lik = likelihoods_for_test(test["type"], test["favours"], names)
        else:
            raw = e["likelihoods"]
            ll = _line(e, "likelihoods")
            if not isinstance(raw, dict) or set(raw) != set(names):
                raise _err(
                    where, ll, f"`likelihoods` must give P(E | H) for exactly: {', '.join(names)}"
                )
            lik = {h: _prob(raw[h], where, ll, f"P(E | {h})") for h in names}
        has_obs, has_query = "observed" in e, "query" in e
        if has_obs == has_query:
            raise _err(where, line, f"item {eid!r} needs exactly one of `observed` or `query`")
        observed = None
        query = None
        if has_obs:
            if not isinstance(e["observed"], bool):
                raise _err(where, _line(e, "observed"), "`observed` must be true or false")
            observed = bool(e["observed"])
        else:
            q = e["query"]
            conds = q if isinstance(q, list) else [q]
            if not conds or not all(isinstance(c, dict) for c in conds):
                raise _err(
                    where, _line(e, "query"), "`query` must be a mapping or a list of mappings"
                )
            query = [dict(c) | {"_line": _line(c) or _line(e, "query")} for c in conds]
        items.append(
            Evidence(
                id=eid,
                statement=statement,
                source=source,
                likelihoods=lik,
                line=line,
                observed=observed,
                date=date,
                test=test,
                query=query,
                note=text(e, "note", where, line),
            )
        )
    return Case(
        text(data, "case", where, 1),
        text(data, "description", where, 1),
        hyps,
        items,
        where,
    )


def load_case(path: str | Path) -> Case:
    """Read and validate a YAML case file (bounded: see :mod:`allyscope.yamlin`)."""
    from ruamel.yaml.error import YAMLError

    from allyscope.yamlin import NotUTF8Error, load_yaml, read_text

    p = Path(path)
    try:
        body = read_text(p)
    except NotUTF8Error as exc:
        raise _err(str(p), exc.line, str(exc)) from None
    except OSError as exc:
        raise CaseError(f"cannot read the case file {p}: {exc.strerror or exc}") from exc
    try:
        data = load_yaml(body)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _err(str(p), line, f"not valid YAML: {problem}") from exc
    return parse_case(data, str(p))
