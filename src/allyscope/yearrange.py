"""Year ranges as users write them: a year, "1992-2025", (1992, 2025), or None (a default).

Used by every layer that takes years from a user (assessment, registries, the server), so
it sits at the bottom of the package beside ``errors`` and ``fileio``.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from allyscope.errors import InvalidInputError


def default_years() -> tuple[int, int]:
    """The last 34 complete years (1992-2025 when run in 2026)."""
    last = _dt.date.today().year - 1
    return last - 33, last


#: A year or a range of years: four ASCII digits each ("2000-" or "-5" are not years).
_YEARS = re.compile(r"\s*([0-9]{4})\s*(?:[-–]\s*([0-9]{4})\s*)?")


def parse_year_range(years: Any) -> tuple[int, int]:
    if years is None:
        return default_years()
    if isinstance(years, bool):
        raise InvalidInputError(f"years must be a year or a (first, last) pair, not {years!r}")
    if isinstance(years, int):
        years = (years, years)
    if isinstance(years, str):
        m = _YEARS.fullmatch(years)
        if m is None:
            raise InvalidInputError(
                f"years {years[:40]!r} is not a year or a range like 1992-2025"
            )
        years = (int(m[1]), int(m[2] or m[1]))
    try:
        first, last = (int(y) for y in years)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"years {years!r} is not a year or a (first, last) pair") from exc
    this_year = _dt.date.today().year
    if first > last:
        raise InvalidInputError(f"the year range {first}-{last} is reversed; write {last}-{first}")
    if first < 1816 or last > this_year:
        raise InvalidInputError(f"years must lie within 1816-{this_year}; got {first}-{last}")
    return first, last


__all__ = ["default_years", "parse_year_range"]
