"""Process tracing: hypotheses weighed against evidence, in Bayesian form, in the open."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from allyscope.tracing.case import Case, CaseError, load_case, parse_case
from allyscope.tracing.inference import TraceResult
from allyscope.tracing.inference import trace as _trace


def trace(case: str | Path | dict[str, Any] | Case) -> TraceResult:
    """Run a case: a YAML path, an already-loaded mapping, or a :class:`Case`.

    Query items are evaluated against the data first; unverifiable ones are left out and
    listed in the result.
    """
    from allyscope.errors import InvalidInputError
    from allyscope.tracing.queries import evaluate

    if not isinstance(case, str | Path | dict | Case):
        raise InvalidInputError(
            f"case must be a file name, a mapping or a Case, not {type(case).__name__}"
        )
    c = (
        case
        if isinstance(case, Case)
        else parse_case(case)
        if isinstance(case, dict)
        else load_case(case)
    )
    if any(e.query for e in c.evidence):
        evaluate(c)
    return _trace(c)


__all__ = ["Case", "CaseError", "TraceResult", "load_case", "parse_case", "trace"]
