"""The assessment of one dyad over a span of years: the mission's answer, with its work shown.

:func:`assess` runs indicators -> criteria -> typology (fitted thresholds) -> periods ->
asymmetry -> drivers/obstacles and returns an :class:`Assessment` whose ``as_dict()`` is
the JSON contract of ``allyscope assess --format json``.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from functools import cached_property
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
from allyscope.sources import curated, evidence
from allyscope.sources.registry import spec
from allyscope.sources.store import version_in_use
from allyscope.states import State, resolve
from allyscope.yearrange import parse_year_range

#: Which indicators are the evidence of each criterion.
CRITERION_INDICATORS: dict[str, tuple[str, ...]] = {
    "commitment": (
        "atop_defense",
        "atop_offense",
        "atop_neutral",
        "atop_nonagg",
        "atop_consul",
        "reg_defence",
        "shared_defence_org",
        "reg_partnership_level",
        "reg_partnership",
        "reg_designation",
        "reg_normalised",
        "reg_nonaggression",
        "reg_treaties",
    ),
    "convergence": ("ideal_closeness_pct", "ideal_distance", "un_agree_pct", "un_agree"),
    "shared_threat": ("common_threats", "strategic_rivalry"),
    "depth": (
        "reg_defence_coop",
        "arms_dependence",
        "arms_flow_years",
        "arms_share_a_from_b",
        "arms_share_b_from_a",
        "cobelligerent",
        "trade_share_a",
        "trade_share_b",
    ),
    "breadth": (
        "ideal_closeness_pct",
        "reg_defence_coop",
        "arms_dependence",
        "trade_pct",
        "trade_share_a",
        "igos_pct",
        "shared_orgs",
        "reg_partnership_level",
        "icews_events_pct",
        "icews_coop_share",
    ),
    "durability": (),
    "symmetry": ("trade_share_a", "trade_share_b", "arms_share_a_from_b", "arms_share_b_from_a"),
    "friction": (
        "reg_friction",
        "mid_direct_hostility",
        "opposite_sides",
        "strategic_rivalry",
        "reg_rupture",
        "reg_sanctions",
        "reg_conflict",
    ),
}
#: Where a criterion's value may come from a source past its end: the flag column and the
#: source's last year, or the column that holds the year the value comes from
#: (``carried_from`` in the JSON).
CARRIED: dict[str, tuple[tuple[str, int | str], ...]] = {
    "commitment": (("carried_atop", 2018),),
    "convergence": (("carried_convergence", "convergence_from"),),
    # the last year with an observed trade share (2014 with COW 4.0, later with a newer release)
    "depth": (("carried_trade", "trade_last_from"),),
    "breadth": (("carried_trade", "trade_last_from"),),
    "shared_threat": (("carried_rivalry", 2020),),
    "friction": (("carried_rivalry", 2020),),
}
#: The datasets a carried flag stands for (``rests_on`` in the JSON); None: those of the
#: criterion's indicators whose coverage holds the year the value comes from.
CARRIED_DATASETS: dict[str, tuple[str, ...] | None] = {
    "carried_atop": ("atop",),
    "carried_convergence": None,
    "carried_trade": ("cow_trade", "cow_trade_national"),
    "carried_rivalry": ("tss_rivalries", "td_rivalries"),
}
#: The posterior interval of the ideal points given with them (``ideal_points`` in the JSON).
IDEAL_INTERVAL = "5th to 95th percentile of the posterior"
#: Years before the first requested year (and after the last, for smoothing) that every
#: assessment reads, so that a year's result never depends on the window asked for.
SERIES_START = 1946


def _clean(v: Any) -> Any:
    """A JSON-safe value: NaN and infinities become null (strict parsers reject them)."""
    if isinstance(v, float):
        return round(v, 4) if math.isfinite(v) else None
    return v


def _finite(o: Any) -> Any:
    """Replace NaN and infinities by None anywhere in a JSON-ready structure."""
    if isinstance(o, float):
        return o if math.isfinite(o) else None
    if isinstance(o, dict):
        return {k: _finite(v) for k, v in o.items()}
    if isinstance(o, list | tuple):
        return [_finite(v) for v in o]
    return o


#: Columns of :attr:`Assessment.periods_frame` (the keys of a period in the JSON).
PERIOD_SCHEMA = {
    "start": pl.Int64,
    "end": pl.Int64,
    "type": pl.String,
    "confidence": pl.Float64,
    "agreement": pl.Float64,
    "robustness": pl.Float64,
    "starts_at": pl.String,
}
#: Columns of :attr:`Assessment.drivers_frame` and ``obstacles_frame``: the keys of an item
#: in the JSON, with a registry row's name (its ``value`` there) in ``name``.
ITEM_SCHEMA = {
    "period": pl.String,
    "indicator": pl.String,
    "dimension": pl.String,
    "value": pl.Float64,
    "name": pl.String,
    "effect": pl.Float64,
    "years_with_data": pl.Int64,
    "description": pl.String,
    "source": pl.String,
}
#: What :meth:`Assessment.to_pandas` can give.
TABLES = ("criteria", "by_year", "periods", "drivers", "obstacles")


def _items_frame(items: list[dict[str, object]]) -> pl.DataFrame:
    rows = [
        {k: i.get(k) for k in ITEM_SCHEMA if k not in ("value", "name")}
        | {
            "value": None if isinstance(i["value"], str) else i["value"],
            "name": i["value"] if isinstance(i["value"], str) else None,
        }
        for i in items
    ]
    return pl.DataFrame(rows, schema=ITEM_SCHEMA, strict=False)


def _cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "NA"
    return f"{v:.2f}" if isinstance(v, float) else str(v)


def _html_table(columns: list[str], rows: list[list[Any]]) -> str:
    from html import escape

    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_cell(v))}</td>" for v in r) + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _version(dataset: str) -> str:
    """The version of the dataset in use: the user's updated copy, else the bundled one."""
    if dataset == curated.REGISTRY_NAME:
        return curated.REGISTRY_VERSION
    if dataset == evidence.NAME:
        return evidence.VERSION
    return version_in_use(dataset)


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
    def criteria_frame(self) -> pl.DataFrame:
        """One row per year: type, score, confidence, robustness and each criterion's value
        (null: no data), the numbers of ``as_dict()["by_year"]`` without their evidence."""
        return self.frame.select(
            "year",
            "type",
            "score",
            "confidence",
            "robustness",
            *[pl.col(f"c_{c}").alias(c) for c in CRITERIA],
        )

    @property
    def periods_frame(self) -> pl.DataFrame:
        """:attr:`periods` as a table, one row per period."""
        return pl.DataFrame(self.periods, schema=PERIOD_SCHEMA, strict=False)

    @property
    def drivers_frame(self) -> pl.DataFrame:
        """:attr:`drivers` as a table (``value`` numeric; a registry row's name in ``name``)."""
        return _items_frame(self.drivers)

    @property
    def obstacles_frame(self) -> pl.DataFrame:
        """:attr:`obstacles` as a table, like :attr:`drivers_frame`."""
        return _items_frame(self.obstacles)

    def to_pandas(self, table: str = "criteria") -> Any:
        """A pandas DataFrame of one of the tables: ``"criteria"`` (default, one row per year
        with every criterion), ``"by_year"``, ``"periods"``, ``"drivers"`` or ``"obstacles"``.
        Needs pandas (``pip install 'allyscope[stata]'``)."""
        if table not in TABLES:
            raise InvalidInputError(
                f"table must be one of {', '.join(map(repr, TABLES))}, not {table!r}"
            )
        try:
            import pandas  # noqa: F401
        except ImportError:
            raise InvalidInputError(
                "to_pandas() needs pandas: pip install 'allyscope[stata]' (or pandas)"
            ) from None
        frame = self.by_year if table == "by_year" else getattr(self, f"{table}_frame")
        return frame.to_pandas()

    def _headline(self) -> tuple[str, str, str]:
        a, b, cur = self.a, self.b, self.frame.row(-1, named=True)
        pair = f"{a.name} ({a.iso3}) – {b.name} ({b.iso3}), {self.years[0]}-{self.years[1]}"
        verdict = f"in {cur['year']} a {str(cur['type']).replace('_', ' ')}"
        detail = (
            f"score {_cell(cur['score'])}, confidence {_cell(cur['confidence'])}, "
            f"robustness {_cell(cur['robustness'])}"
        )
        return pair, verdict, detail

    def __repr__(self) -> str:
        pair, verdict, detail = self._headline()
        return f"<Assessment {pair}: {verdict} ({detail}); {len(self.periods)} periods>"

    def _repr_html_(self) -> str:
        """The verdict, the periods and a compact table of the years (Jupyter)."""
        from html import escape

        pair, verdict, detail = self._headline()
        periods = _html_table(
            ["years", "type", "confidence", "robustness", "starts at"],
            [
                [
                    f"{p['start']}-{p['end']}",
                    p["type"],
                    p["confidence"],
                    p.get("robustness"),
                    p["starts_at"],
                ]
                for p in self.periods
            ],
        )
        years = _html_table(
            ["year", "type", "score", "conf", "robust", *CRITERIA],
            self.criteria_frame.rows(),  # type: ignore[arg-type]
        )
        return (
            f"<div><p><b>{escape(pair)}</b>: {escape(verdict)} ({escape(detail)})</p>"
            f"<p><b>Periods</b></p>{periods}"
            f"<details><summary><b>By year</b> (criteria values; NA = no data)</summary>"
            f"{years}</details>"
            "<p><small>as_dict() has every number with its evidence and sources; "
            "periods_frame, drivers_frame, obstacles_frame, criteria_frame and to_pandas() "
            "give tables.</small></p></div>"
        )

    @property
    def current(self) -> dict[str, object]:
        """The last assessed year's type, score, confidence and robustness (the headline verdict)."""
        row = self.frame.row(-1, named=True)
        return {
            "year": row["year"],
            "type": row["type"],
            "score": row["score"],
            "confidence": row["confidence"],
            "robustness": _clean(row.get("robustness")),
        }

    def _datasets(self) -> list[str]:
        """Every dataset an indicator reads, and those a later source reads for some of the
        assessed years (the UN Digital Library's votes, the user's event counts)."""
        names: list[str] = []
        years = self.frame["year"].to_list()
        for ind in catalog():
            used = [*ind.datasets]
            if ind.year_datasets is not None:
                used += [d for y in years for d in self._used(ind, y)]
            for d in used:
                if d not in names and d not in self._absent:
                    names.append(d)
        return names

    @cached_property
    def _absent(self) -> frozenset[str]:
        """Datasets an indicator reads that are not bundled and not in the user cache: nothing
        was read from them (their indicators are null), so they are neither a source nor a
        source missing for a year."""
        from allyscope.sources.registry import registry
        from allyscope.sources.store import locate_optional

        return frozenset(
            s.name for s in registry().values() if s.cache_only and locate_optional(s.name) is None
        )

    def _evidence(self, row: dict[str, Any], crit: str) -> list[dict[str, object]]:
        out = []
        key = {"ccode1": self.a.cow, "ccode2": self.b.cow, "year": row["year"]}
        for name in CRITERION_INDICATORS[crit]:
            ind = INDICATORS[name]
            value = _clean(row.get(name))
            item: dict[str, object] = {
                "indicator": name,
                "value": value,
                "datasets": [f"{d} {self._ver(d)}" for d in self._used(ind, row["year"])],
                "row": key,
            }
            if ind.datasets == (curated.REGISTRY_NAME,):
                item["registry_ids"] = list(row.get("reg_ids") or [])
                if name in ("reg_defence", "shared_defence_org") and row.get("orgs"):
                    item["organisations"] = list(row["orgs"])
            if evidence.NAME in ind.datasets:
                item["evidence_ids"] = sorted(
                    {i.split("@", 1)[0] for i in (row.get("reg_evidence_ids") or [])}
                )
            if name.startswith("atop_") and row["carried_atop"]:
                item["value"] = _clean(row.get(f"{name}_c"))
                item["carried_from"] = 2018
            if name == "strategic_rivalry" and row["carried_rivalry"]:
                item["value"] = _clean(row.get("rivalry_c"))
                item["carried_from"] = 2020
            out.append(item)
        return out

    @cached_property
    def _memo(self) -> dict[object, Any]:
        """Versions and per-year datasets, looked up once per assessment (the JSON names them
        for every indicator of every year: thousands of look-ups of a few values)."""
        return {}

    def _ver(self, dataset: str) -> str:
        """The version in use of ``dataset``."""
        v = self._memo.get(dataset)
        if v is None:
            v = self._memo[dataset] = _version(dataset)
        return v

    def _used(self, ind: Any, year: int) -> tuple[str, ...]:
        """The datasets indicator ``ind``'s value of ``year`` is read from."""
        key = (ind.name, year)
        v = self._memo.get(key)
        if v is None:
            v = self._memo[key] = ind.datasets_for(year)
        return v

    @cached_property
    def _coverage(self) -> dict[str, tuple[int, int]]:
        """Each indicator's years with the data in use, read once per assessment."""
        return {ind.name: ind.coverage for ind in catalog()}

    def _missing(self, year: int) -> list[str]:
        cov = self._coverage
        return sorted(
            {
                f"{d} {self._ver(d)}"
                for ind in catalog()
                for d in ind.datasets
                if not cov[ind.name][0] <= year <= cov[ind.name][1] and d not in self._absent
            }
        )

    def _carried_from(self, row: dict[str, Any], crit: str) -> int | None:
        if crit == "commitment" and not any(
            row.get(f"{c}_c") == 1
            for c in ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
        ):
            return None
        for flag, year in CARRIED.get(crit, ()):
            if row.get(flag):
                return year if isinstance(year, int) else row.get(year)
        return None

    def _rests_on(
        self, row: dict[str, Any], crit: dict[str, dict[str, Any]], missing: list[str]
    ) -> list[dict[str, object]]:
        """The datasets whose values enter the year's criteria, each with the criteria it
        feeds and ``carried_from`` (the year a value carried past the source's end comes
        from; null when the source has the year). A dataset of a composite indicator that has
        ended is left out unless its value is carried (the value comes from its other sources).
        """
        used: dict[tuple[str, int | None], list[str]] = {}

        def add(dataset: str, carried: int | None, c: str) -> None:
            names = used.setdefault((dataset, carried), [])
            if c not in names:
                names.append(c)

        for c, v in crit.items():
            for item in v["evidence"]:
                if item["value"] is None:
                    continue
                carried = item.get("carried_from")
                for ds in item["datasets"]:
                    if carried is not None or ds not in missing:
                        add(ds, carried, c)
            for flag, end in CARRIED.get(c, ()):
                if not row.get(flag):
                    continue
                year = end if isinstance(end, int) else row.get(end)
                if year is None:
                    continue
                names = CARRIED_DATASETS[flag]
                if names is None:
                    names = tuple(
                        d
                        for i in CRITERION_INDICATORS[c]
                        if self._coverage[i][0] <= year <= self._coverage[i][1]
                        for d in INDICATORS[i].datasets
                    )
                for d in dict.fromkeys(names):
                    add(f"{d} {self._ver(d)}", year, c)
        return [
            {"dataset": ds, "carried_from": carried, "criteria": names}
            for (ds, carried), names in sorted(
                used.items(), key=lambda kv: (kv[0][1] is not None, kv[0][0], kv[0][1] or 0)
            )
        ]

    def _pledge(self, row: dict[str, Any]) -> list[dict[str, object]]:
        """Where the formal pledge of the year comes from (empty when there is none)."""
        if not row.get("formal_pledge"):
            return []
        out: list[dict[str, object]] = []
        if row.get("atop_defense_c") == 1 or row.get("atop_offense_c") == 1:
            item: dict[str, object] = {"source": f"atop {self._ver('atop')}"}
            if row.get("carried_atop"):
                item["carried_from"] = 2018
            out.append(item)
        if row.get("shared_defence_org") == 1:
            out.append(
                {"source": curated.REGISTRY_NAME, "organisations": list(row.get("orgs") or [])}
            )
        treaties = [i for i in (row.get("reg_ids") or [])]
        if row.get("reg_defence") == 1 and treaties:
            out.append({"source": curated.REGISTRY_NAME, "registry_ids": treaties})
        return out

    def _year_dict(self, row: dict[str, Any]) -> dict[str, object]:
        crit = {
            c: {
                "value": _clean(row[f"c_{c}"]),
                "met": row.get(f"m_{c}"),
                "availability": _clean(row[f"a_{c}"]),
                "carried_from": self._carried_from(row, c),
                "evidence": self._evidence(row, c),
            }
            for c in CRITERIA
        }
        missing = self._missing(row["year"])
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
            "robustness": _clean(row["robustness"]),
            "formal_pledge": bool(row.get("formal_pledge")),
            "pledge_sources": self._pledge(row),
            "window": {c: list(row.get(f"w_{c}") or [row["year"], row["year"]]) for c in CRITERIA},
            "evidence_ids": sorted(
                {i.split("@", 1)[0] for i in (row.get("reg_evidence_ids") or [])}
            ),
            # a declared partnership whose practice this year is the last observed trade
            # share (COW trade ends in 2014): the year that share comes from, else null
            "practice_carried_from": (
                row.get("trade_last_from")
                if row.get("type") == "strategic_partnership" and row.get("r_substance_carried")
                else None
            ),
            "criteria": crit,
            "dimensions": dims,
            "missing_sources": missing,
            "rests_on": self._rests_on(row, crit, missing),
        }

    def as_dict(self) -> dict[str, object]:
        """The JSON contract; every number in it is finite (strict JSON parsers accept it)."""
        return _finite(self._as_dict())

    def _as_dict(self) -> dict[str, object]:
        def state(s: State) -> dict[str, object]:
            return {"cow": s.cow, "iso3": s.iso3, "name": s.name}

        sources = [
            {
                "dataset": d,
                "version": self._ver(d),
                "citation": curated.REGISTRY_CITATION
                if d == curated.REGISTRY_NAME
                else evidence.CITATION
                if d == evidence.NAME
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
            "ideal_points": self._ideal_points(),
            "sources": sources,
        }

    def _ideal_points(self) -> dict[str, object]:
        """Both sides' UNGA ideal points with their posterior interval, per assessed year.

        The same estimate as the ``ideal_a``/``ideal_b`` indicators: all votes where a year
        has that estimate, final-passage votes otherwise (2024).
        """
        from allyscope.sources.store import load

        t = load(
            "voeten_idealpoints",
            ["ccode", "year", "idealpointall", "q5all", "q95all", "idealpointfp", "q5fp", "q95fp"],
        )
        has_all = t.group_by("year").agg(pl.col("idealpointall").is_not_null().any().alias("all"))
        t = (
            t.filter(pl.col("ccode").is_in([self.a.cow, self.b.cow]))
            .filter(pl.col("year").is_between(*self.years))
            .join(has_all, on="year")
        )

        def pick(all_col: str, fp_col: str) -> pl.Expr:
            return pl.when("all").then(pl.col(all_col)).otherwise(pl.col(fp_col))

        t = t.select(
            "ccode",
            "year",
            pl.when("all")
            .then(pl.lit("all votes"))
            .otherwise(pl.lit("final-passage votes"))
            .alias("measure"),
            pick("idealpointall", "idealpointfp").alias("ideal"),
            pick("q5all", "q5fp").alias("low"),
            pick("q95all", "q95fp").alias("high"),
        ).drop_nulls("ideal")
        side = {self.a.cow: "a", self.b.cow: "b"}
        by_year: dict[int, dict[str, object]] = {}
        for r in t.sort("year").iter_rows(named=True):  # at most two rows per assessed year
            y = by_year.setdefault(
                r["year"], {"year": r["year"], "measure": r["measure"], "a": None, "b": None}
            )
            y[side[r["ccode"]]] = {k: _clean(r[k]) for k in ("ideal", "low", "high")}
        return {
            "dataset": f"voeten_idealpoints {self._ver('voeten_idealpoints')}",
            "interval": IDEAL_INTERVAL,
            "by_year": list(by_year.values()),
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


def series_end(last: int) -> int:
    """The last year a series is computed to: the last complete year (or ``last``, if later).

    Types are smoothed over the five years centred on each year, so the years after the
    last requested one are read too: a year's type never depends on the window asked for.
    """
    return max(last, _dt.date.today().year - 1)


def classified_frame(
    pairs: list[tuple[int, int]] | None,
    first: int,
    last: int,
    third: int | None,
    th: Thresholds,
    history: bool = True,
) -> pl.DataFrame:
    """Indicators, criteria and type for pairs (None: all pairs), filtered to first..last.

    ``history=True`` computes each series from ``SERIES_START`` (or ``first``, if earlier) to
    :func:`series_end`, so that smoothing and windows see the same years whatever the
    request; ``history=False`` (rankings of one year) reads the indicator lookback before
    ``first`` and two years after ``last``, which covers every window the rules use.
    """
    if history:
        lo, hi = min(first, SERIES_START), series_end(last)
    else:
        lo, hi = first - HISTORY_LOOKBACK, min(last + 2, series_end(last))
    lo = max(lo, 1816)
    frame = indicator_frame(pairs, lo, hi, third=third)
    crit = criteria(frame, th.convergence)
    return classify(crit, th).filter(pl.col("year").is_between(first, last))


#: Extra years read before a one-year ranking (windows and smoothing reach this far back).
HISTORY_LOOKBACK = 12


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
    lo, hi = min(first, SERIES_START), series_end(last)
    full = classified_frame(
        [(sa.cow, sb.cow)], lo, hi, third_state.cow if third_state else None, th
    )
    f = full.filter(pl.col("year").is_between(first, last))
    if f.height == 0:
        raise CoverageError(
            f"{sa.name} and {sb.name} were not both members of the state system in {first}-{last}: "
            f"{sa.name} {sa.spells_text()}; {sb.name} {sb.spells_text()}"
        )
    full = full.join(robustness(full), on=["a", "b", "year"], how="left", maintain_order="left")
    f = full.filter(pl.col("year").is_between(first, last))
    present = set(f["year"].to_list())
    missing = [y for y in range(first, last + 1) if y not in present]
    pers = periods(full, first, last)
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
