"""Ranking: a state's partners (or every dyad) in one year by type, then score.

Schema of :func:`rank` (one row per partner, best first): ``rank``, ``a``, ``b`` (COW codes;
``a`` is the focal state, or the lower code when ranking all dyads), ``iso3_a``,
``iso3_b``, ``name_a``, ``name_b``, ``year``, ``type``, ``score``, ``confidence`` and the
criterion values ``c_*``.
"""

from __future__ import annotations

import polars as pl

from allyscope.assessment.calibration import THIRD, load_calibration
from allyscope.assessment.criteria import CRITERIA
from allyscope.assessment.engine import classified_frame, parse_year_range
from allyscope.errors import CoverageError, InvalidInputError
from allyscope.states import resolve
from allyscope.states.table import cow_membership, state_table


def members(year: int) -> list[int]:
    m = cow_membership().filter(
        (pl.col("start").dt.year() <= year) & (pl.col("end").dt.year() >= year)
    )
    return sorted(set(m["ccode"].to_list()))


def rank(state: str | int | None, year: int, third: str | int | None = THIRD) -> pl.DataFrame:
    """Partners of ``state`` in ``year`` ranked by rung of the ladder, then score.

    state=None ranks every pair of system members that year.
    """
    first, last = parse_year_range(year)
    if first != last:
        raise InvalidInputError("rank takes one year, e.g. --year 2023")
    year = first  # "2023" and 2023 alike
    th = load_calibration()
    third_cow = resolve(third).cow if third is not None else None
    if state is None:
        pairs = None
    else:
        s = resolve(state, year=year)
        if not s.member_in(year):
            raise CoverageError(
                f"{s.name} was not a member of the state system in {year} ({s.spells_text()})"
            )
        pairs = [(s.cow, p) for p in members(year) if p != s.cow]
    f = classified_frame(pairs, year, year, third_cow, th, history=False)
    names = state_table().select("ccode", "iso3", "name")
    out = (
        f.select(
            "a", "b", "year", "type", "rung", "score", "confidence", *[f"c_{c}" for c in CRITERIA]
        )
        .join(names.rename({"ccode": "a", "iso3": "iso3_a", "name": "name_a"}), on="a", how="left")
        .join(names.rename({"ccode": "b", "iso3": "iso3_b", "name": "name_b"}), on="b", how="left")
        .sort(["rung", "score", "b"], descending=[True, True, False])
        .with_row_index("rank", offset=1)
    )
    return out.select(
        "rank",
        "a",
        "b",
        "iso3_a",
        "iso3_b",
        "name_a",
        "name_b",
        "year",
        "type",
        "score",
        "confidence",
        *[f"c_{c}" for c in CRITERIA],
    )
