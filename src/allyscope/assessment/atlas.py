"""The atlas: every pair of system members, every year, typed in one pass.

Schema of :func:`atlas` (one row per undirected dyad-year, ``a < b``, sorted by year, a, b):
``a``, ``b`` (COW codes), ``iso3_a``, ``iso3_b``, ``year``, ``type`` (the smoothed type, as
``assess`` gives it), ``raw_type`` (the year's own rule before smoothing), ``rung`` (0
rivalry ... 5 alliance), ``score`` (0-1), ``confidence`` (0-1), ``formal_pledge`` (a
mutual-defence or offence pledge in force, practised or not) and the criteria ``c_*`` (null
where their data are missing; see docs/assessment.md).

Each series is computed from 1946 (or the first year asked, if earlier) to the last complete
year, exactly as :func:`allyscope.assess` computes one dyad, so a dyad-year has the same type
in the atlas as in ``assess`` and ``rank``, whatever years the atlas is asked for.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from allyscope.assessment.calibration import THIRD, load_calibration
from allyscope.assessment.criteria import CRITERIA
from allyscope.assessment.engine import classified_frame, parse_year_range
from allyscope.errors import InvalidInputError
from allyscope.states import resolve
from allyscope.states.table import state_table

#: The atlas's columns, in order.
COLUMNS = (
    "a",
    "b",
    "iso3_a",
    "iso3_b",
    "year",
    "type",
    "raw_type",
    "rung",
    "score",
    "confidence",
    "formal_pledge",
    *[f"c_{c}" for c in CRITERIA],
)


def atlas(
    years: Any = None,
    third: str | int | None = THIRD,
    engine: str = "polars",
    master: str | None = None,
    partitions: int | None = None,
) -> pl.DataFrame:
    """Type every pair of system members in ``years`` (default: the last 34 complete years).

    years: a year, "1946-2025" or (1946, 2025). third: the reference third party for the
    shared-threat criterion (default the USA; None leaves it out). engine: "polars" (one
    process) or "spark" (the pairs split into ``partitions`` Spark tasks, each typed by the
    same code: :mod:`allyscope.assessment.spark`; ``master`` a Spark master URL, default
    local mode). Both give the same table.
    """
    first, last = parse_year_range(years)
    th = load_calibration()
    third_cow = resolve(third).cow if third is not None else None
    key = engine.strip().lower()
    if key in ("spark", "pyspark"):
        from allyscope.assessment.spark import atlas_on_spark

        f = atlas_on_spark(first, last, third_cow, th, master=master, partitions=partitions)
    elif key == "polars":
        f = classified_frame(None, first, last, third_cow, th, history=True)
    else:
        raise InvalidInputError(f"unknown engine {engine!r}; use polars or spark")
    iso = state_table().select("ccode", "iso3")
    return (
        f.select("a", "b", "year", *COLUMNS[5:])
        .join(iso.rename({"ccode": "a", "iso3": "iso3_a"}), on="a", how="left")
        .join(iso.rename({"ccode": "b", "iso3": "iso3_b"}), on="b", how="left")
        .select(COLUMNS)
        .sort("year", "a", "b")
    )
