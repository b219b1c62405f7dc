"""The assessment of one dyad over a span of years: the mission's answer, with its work shown.

:func:`assess` runs indicators -> criteria -> typology (fitted thresholds) -> periods ->
asymmetry -> drivers/obstacles and returns an :class:`Assessment` whose ``as_dict()`` is
the JSON contract of ``allyscope assess --format json``.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from allyscope.assessment.asymmetry import asymmetry
from allyscope.assessment.calibration import THIRD, load_calibration, robustness
from allyscope.assessment.criteria import CRITERIA, criteria
from allyscope.assessment.drivers import drivers_obstacles
from allyscope.assessment.periods import periods
from allyscope.assessment.typology import Thresholds, classify
from allyscope.errors import CoverageError, InvalidInputError
from allyscope.indicators import DIMENSIONS, INDICATORS, catalog, indicator_frame
from allyscope.sources import curated
from allyscope.sources.registry import spec
from allyscope.states import State, resolve

#: Which indicators are the evidence of each criterion.
CRITERION_INDICATORS: dict[str, tuple[str, ...]] = {
    "commitment": (
        "atop_defense",
        "atop_offense",
        "atop_neutral",
        "atop_nonagg",
        "atop_consul",
        "reg_defence",
        "reg_partnership",
        "reg_nonaggression",
        "reg_treaties",
    ),
    "convergence": ("ideal_closeness_pct", "ideal_distance", "un_agree_pct", "un_agree"),
    "shared_threat": (
        "common_rivals",
        "common_opponents",
        "third_opposition",
        "third_far_a",
        "third_far_b",
    ),
    "depth": (
        "arms_share_a_from_b",
        "arms_share_b_from_a",
        "trade_share_a",
        "trade_share_b",
        "reg_military",
    ),
    "breadth": (
        "ideal_closeness_pct",
        "arms_recent",
        "trade_pct",
        "igos_pct",
        "reg_treaties",
        "icews_events_pct",
        "icews_coop_share",
    ),
    "durability": (),
    "symmetry": ("trade_share_a", "trade_share_b", "arms_share_a_from_b", "arms_share_b_from_a"),
    "friction": (
        "strategic_rivalry",
        "mid_ongoing",
        "mid_hostility",
        "reg_rupture",
        "reg_conflict",
    ),
}


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


def _clean(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 4) if math.isfinite(v) else None
    return v


def _version(dataset: str) -> str:
    if dataset == curated.REGISTRY_NAME:
        return curated.REGISTRY_VERSION
    return spec(dataset).version


@dataclass
class Assessment:
    """The result of :func:`assess`; ``as_dict()`` is the documented JSON contract."""

    a: State
    b: State
    years: tuple[int, int]
    thresholds: Thresholds
    frame: pl.DataFrame  # one row per assessed year: indicators, criteria, type, score, confidence
    periods: list[dict[str, object]]
    asymmetry: dict[str, object]
    drivers: list[dict[str, object]]
    obstacles: list[dict[str, object]]
    third: str
    missing_years: list[int] = field(default_factory=list)

    @property
    def by_year(self) -> pl.DataFrame:
        return self.frame.select("year", "type", "score", "confidence")

    @property
    def current(self) -> dict[str, object]:
        """The last assessed year's type, score and confidence (the headline verdict)."""
        row = self.frame.row(-1, named=True)
        return {
            "year": row["year"],
            "type": row["type"],
            "score": row["score"],
            "confidence": row["confidence"],
        }

    def _datasets(self) -> list[str]:
        names: list[str] = []
        for ind in catalog():
            for d in ind.datasets:
                if d not in names:
                    names.append(d)
        return names

    def _evidence(self, row: dict[str, Any], crit: str) -> list[dict[str, object]]:
        out = []
        key = {"ccode1": self.a.cow, "ccode2": self.b.cow, "year": row["year"]}
        for name in CRITERION_INDICATORS[crit]:
            ind = INDICATORS[name]
            value = _clean(row.get(name))
            item: dict[str, object] = {
                "indicator": name,
                "value": value,
                "datasets": [f"{d} {_version(d)}" for d in ind.datasets],
                "row": key,
            }
            if ind.datasets == (curated.REGISTRY_NAME,):
                item["registry_ids"] = list(row.get("reg_ids") or [])
                if name == "reg_defence" and row.get("orgs"):
                    item["organisations"] = list(row["orgs"])
            if name.startswith("atop_") and row["carried_atop"]:
                item["value"] = _clean(row.get(f"{name}_c"))
                item["carried_from"] = 2018
            if name == "strategic_rivalry" and row["carried_rivalry"]:
                item["value"] = _clean(row.get("rivalry_c"))
                item["carried_from"] = 2020
            out.append(item)
        return out

    def _missing(self, year: int) -> list[str]:
        return sorted(
            {
                f"{d} {_version(d)}"
                for ind in catalog()
                for d in ind.datasets
                if not ind.coverage[0] <= year <= ind.coverage[1]
            }
        )

    def _year_dict(self, row: dict[str, Any]) -> dict[str, object]:
        crit = {
            c: {
                "value": _clean(row[f"c_{c}"]),
                "met": row.get(f"m_{c}"),
                "availability": _clean(row[f"a_{c}"]),
                "evidence": self._evidence(row, c),
            }
            for c in CRITERIA
        }
        dims: dict[str, object] = {}
        for dim in DIMENSIONS:
            dims[dim] = {
                "above_baseline": row.get(f"dim_{dim}"),
                "indicators": {
                    i.name: _clean(row.get(i.name)) for i in catalog() if i.dimension == dim
                },
            }
        return {
            "year": row["year"],
            "type": row["type"],
            "score": row["score"],
            "confidence": row["confidence"],
            "robustness": row["robustness"],
            "criteria": crit,
            "dimensions": dims,
            "missing_sources": self._missing(row["year"]),
        }

    def as_dict(self) -> dict[str, object]:
        def state(s: State) -> dict[str, object]:
            return {"cow": s.cow, "iso3": s.iso3, "name": s.name}

        sources = [
            {
                "dataset": d,
                "version": _version(d),
                "citation": curated.REGISTRY_CITATION
                if d == curated.REGISTRY_NAME
                else spec(d).citation.strip(),
            }
            for d in self._datasets()
        ]
        return {
            "dyad": {"a": state(self.a), "b": state(self.b)},
            "years": list(self.years),
            "current": self.current,
            "by_year": [self._year_dict(r) for r in self.frame.iter_rows(named=True)],
            "periods": self.periods,
            "asymmetry": self.asymmetry,
            "drivers": self.drivers,
            "obstacles": self.obstacles,
            "thresholds": self.thresholds.as_dict(),
            "third_party": self.third,
            "years_without_rows": self.missing_years,
            "indicators": [i.as_dict() for i in catalog()],
            "events": self._events(),
            "sources": sources,
        }

    def _events(self) -> list[dict[str, object]]:
        """Registry rows of this dyad dated within the assessed years (for timelines)."""
        b = curated.bilateral()
        pair = {self.a.cow, self.b.cow}
        rows = b.filter(
            pl.col("ccode_a").is_in(list(pair))
            & pl.col("ccode_b").is_in(list(pair))
            & (pl.col("ccode_a") != pl.col("ccode_b"))
            & pl.col("signed_year").is_between(*self.years)
        ).sort("signed")
        return [
            {
                "id": r["id"],
                "kind": r["kind"],
                "name": r["name"],
                "date": r["signed"],
                "year": r["signed_year"],
                "direction": r["direction"],
                "source": r["source"],
                "registry_line": r["line"],
            }
            for r in rows.iter_rows(named=True)  # a handful of curated rows
        ]


def classified_frame(
    pairs: list[tuple[int, int]] | None, first: int, last: int, third: int | None, th: Thresholds
) -> pl.DataFrame:
    """Indicators, criteria and type for pairs (None: all pairs) over the years (lookback dropped)."""
    frame = indicator_frame(pairs, first, last, third=third)
    crit = criteria(frame, th.convergence)
    return classify(crit, th).filter(pl.col("in_range"))


def assess(
    a: str | int, b: str | int, years: Any = None, third: str | int | None = THIRD
) -> Assessment:
    """Assess the relationship of ``a`` and ``b`` per year, per period, per dimension, per direction.

    years: None (the last 34 complete years), a year, "1992-2025" or (1992, 2025).
    third: the reference third party for shared-threat measures (default the USA;
           None to leave them out). A dyad that includes the third party gets NA there.
    """
    first, last = parse_year_range(years)
    sa, sb = resolve(a, year=last), resolve(b, year=last)
    if sa.cow == sb.cow:
        raise InvalidInputError(
            f"{sa.name} is given twice; an assessment needs two different states"
        )
    third_state = resolve(third) if third is not None else None
    th = load_calibration()
    f = classified_frame(
        [(sa.cow, sb.cow)], first, last, third_state.cow if third_state else None, th
    )
    if f.height == 0:
        raise CoverageError(
            f"{sa.name} and {sb.name} were not both members of the state system in {first}-{last}: "
            f"{sa.name} {sa.spells_text()}; {sb.name} {sb.spells_text()}"
        )
    f = f.join(robustness(f), on=["a", "b", "year"], how="left", maintain_order="left")
    present = set(f["year"].to_list())
    missing = [y for y in range(first, last + 1) if y not in present]
    pers = periods(f)
    asym = asymmetry(f, sa.iso3, sb.iso3)
    versions = {d: _version(d) for i in catalog() for d in i.datasets}
    drv, obs = drivers_obstacles(f, pers, th, versions)
    return Assessment(
        a=sa,
        b=sb,
        years=(first, last),
        thresholds=th,
        frame=f,
        periods=pers,
        asymmetry=asym,
        drivers=drv,
        obstacles=obs,
        third=third_state.iso3 if third_state else "",
        missing_years=missing,
    )
