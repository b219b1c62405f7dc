"""Van Evera's tests read as likelihoods (Bennett 2015; Fairfield & Charman 2017).

A test names the hypothesis H* under which the evidence E is expected. Its type fixes
P(E | H*) and P(E | H) for every other hypothesis H as a range, with a point value used
for the main computation; the ranges drive the sensitivity analysis.

| type              | P(E given H*)      | P(E given another H)   | reading                          |
|-------------------|--------------------|------------------------|----------------------------------|
| straw_in_the_wind | 0.55-0.75 (0.65)   | 0.35-0.55 (0.45)       | weakly for H*, weakly against    |
| hoop              | 0.90-0.99 (0.95)   | 0.30-0.70 (0.50)       | failing it nearly eliminates H*  |
| smoking_gun       | 0.20-0.60 (0.40)   | 0.01-0.10 (0.05)       | passing it strongly confirms H*  |
| doubly_decisive   | 0.90-0.99 (0.95)   | 0.00-0.05 (0.00)       | passing eliminates the others    |

These are allyscope's documented conventions (docs/tracing.md), not constants of nature:
the sensitivity analysis reports what holds over the whole ranges.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Range:
    low: float
    high: float
    point: float


TESTS: dict[str, tuple[Range, Range]] = {
    "straw_in_the_wind": (Range(0.55, 0.75, 0.65), Range(0.35, 0.55, 0.45)),
    "hoop": (Range(0.90, 0.99, 0.95), Range(0.30, 0.70, 0.50)),
    "smoking_gun": (Range(0.20, 0.60, 0.40), Range(0.01, 0.10, 0.05)),
    "doubly_decisive": (Range(0.90, 0.99, 0.95), Range(0.00, 0.05, 0.00)),
}


def likelihoods_for_test(kind: str, favours: str, hypotheses: list[str]) -> dict[str, Range]:
    """P(E | H) ranges for every hypothesis under a Van Evera test favouring ``favours``."""
    expected, otherwise = TESTS[kind]
    return {h: expected if h == favours else otherwise for h in hypotheses}
