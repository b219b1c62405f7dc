"""Fitting the typology's thresholds on the historical record, and validating the fit.

Two calibration sets ship with the package (``assessment/data``), both copied from the
project's list of cases the record settles:

- ``reference_dyads.csv``: ten dyads with their accepted type(s) over a span of years and a
  check year;
- ``reference_dyad_years.csv``: 80 dyad-years coded from the historical record, each with
  its expected type, an acceptable neighbouring rung (or none) and its basis.

The fit scans a grid of thresholds (:data:`GRID`) and keeps the set that gets all ten
check years right, with at most ``MAX_BLIPS`` one- or two-year blips per 100 dyad-years
over the reference series, and among those the most exact dyad-years (the ten check years
counting as dyad-years too); ties go to the most
exact-or-acceptable, then to the best span accuracy of the ten dyads, then to the fewest
one- or two-year blips over the reference series, then to the set nearest the documented
priors (``Thresholds()``). Leave-one-dyad-out: for each dyad, the thresholds are refitted
without its rows and its rows are predicted. The fitted thresholds ship in
``assessment/data/calibration.json``; ``allyscope validate`` refits and reports.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import polars as pl

from allyscope.assessment.criteria import criteria
from allyscope.assessment.typology import LADDER, Thresholds, classify
from allyscope.errors import DataError
from allyscope.fileio import write_text_atomic
from allyscope.indicators import indicator_frame
from allyscope.states import resolve

GRID: dict[str, list[float]] = {
    "convergence": [0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9],
    "depth": [0.1, 0.2, 0.3, 0.4],
    "durability": [3, 5, 7],
    "breadth": [1, 2, 3],
    "practice_years": [2, 3],
}
LAST_YEAR = 2025
FIRST_YEAR = 1946
#: Series over which flicker is counted.
FLICKER_FROM = 1950
THIRD = "USA"
#: The most one- or two-year blips per 100 dyad-years a fitted threshold set may produce.
MAX_BLIPS = 1.0
MIDDLE = ("transactional", "convergence", "tactical_alignment", "strategic_partnership")


def _data_path(name: str) -> Path:
    return Path(str(resources.files("allyscope.assessment") / "data" / name))


@cache
def reference_dyads() -> pl.DataFrame:
    """The ten reference dyads with COW codes (resolved at the check year) and accepted types."""
    ref = pl.read_csv(_data_path("reference_dyads.csv"), schema_overrides={"last_year": pl.Int64})
    rows = []
    for r in ref.iter_rows(named=True):  # ten curated rows, not a data table
        a = resolve(r["a"], year=r["check_year"])
        b = resolve(r["b"], year=r["check_year"])
        rows.append(
            {
                "dyad": f"{r['a']}-{r['b']}",
                "ccode_a": a.cow,
                "ccode_b": b.cow,
                "first_year": r["first_year"],
                "last_year": r["last_year"] if r["last_year"] is not None else LAST_YEAR,
                "check_year": r["check_year"],
                "accepted": r["type"].split("|"),
                "basis": r["basis"],
            }
        )
    return pl.DataFrame(rows)


@cache
def reference_dyad_years() -> pl.DataFrame:
    """The reference dyad-years with COW codes (resolved for their year) and accepted types."""
    ref = pl.read_csv(_data_path("reference_dyad_years.csv"))
    bad = ref.filter(~pl.col("expected").is_in(LADDER))
    if bad.height:
        raise DataError(f"reference_dyad_years.csv: unknown types {bad['expected'].to_list()}")
    rows = []
    for r in ref.iter_rows(named=True):  # 80 curated rows, not a data table
        a = resolve(r["a"], year=r["year"])
        b = resolve(r["b"], year=r["year"])
        alt = r["acceptable_alt"]
        rows.append(
            {
                "dyad": f"{r['a']}-{r['b']}",
                "ccode_a": a.cow,
                "ccode_b": b.cow,
                "year": r["year"],
                "expected": r["expected"],
                "acceptable": [r["expected"]] + ([alt] if alt else []),
                "confidence": r["confidence"],
                "basis": r["basis"],
            }
        )
    return pl.DataFrame(rows)


def _cases() -> pl.DataFrame:
    """Every scored case: the 80 dyad-years and the ten check years (dyad, a, b, year, expected,
    acceptable, set)."""
    dy = reference_dyad_years().select(
        "dyad",
        pl.col("ccode_a").alias("a"),
        pl.col("ccode_b").alias("b"),
        "year",
        "expected",
        "acceptable",
        set=pl.lit("dyad_years"),
    )
    rd = reference_dyads().select(
        "dyad",
        pl.col("ccode_a").alias("a"),
        pl.col("ccode_b").alias("b"),
        pl.col("check_year").alias("year"),
        pl.col("accepted").list.first().alias("expected"),
        pl.col("accepted").alias("acceptable"),
        set=pl.lit("dyads"),
    )
    return pl.concat([dy, rd]).with_columns(
        pl.col("a", "b").cast(pl.Int16), pl.col("year").cast(pl.Int16)
    )


def reference_criteria() -> pl.DataFrame:
    """Criteria rows of every reference dyad over 1946-2025 (one indicator frame for all)."""
    cases = _cases()
    pairs = cases.select("a", "b").unique(maintain_order=True)
    frame = indicator_frame(
        list(zip(pairs["a"].to_list(), pairs["b"].to_list(), strict=True)),
        FIRST_YEAR,
        LAST_YEAR,
        third=resolve(THIRD).cow,
    )
    return criteria(frame, Thresholds().convergence)


def _grid() -> pl.DataFrame:
    combos = list(itertools.product(*GRID.values()))
    return pl.DataFrame(combos, schema=[f"th_{k}" for k in GRID], orient="row").with_row_index(
        "combo"
    )


def blips(typed: pl.DataFrame, keys: tuple[str, ...] = ("a", "b")) -> pl.DataFrame:
    """Per series: years, type changes, and one- or two-year runs flanked by one same type."""
    k = list(keys)
    t = typed.filter(pl.col("year") >= FLICKER_FROM).sort(*k, "year")
    t = t.with_columns(
        _run=(pl.col("type") != pl.col("type").shift(1).over(k)).fill_null(True).cum_sum().over(k)
    )
    runs = (
        t.group_by(*k, "_run")
        .agg(_type=pl.col("type").first(), _len=pl.len())
        .sort(*k, "_run")
        .with_columns(
            _prev=pl.col("_type").shift(1).over(k), _next=pl.col("_type").shift(-1).over(k)
        )
    )
    return runs.group_by(k).agg(
        years=pl.col("_len").sum(),
        changes=(pl.len() - 1),
        blips=((pl.col("_len") <= 2) & (pl.col("_prev") == pl.col("_next"))).sum(),
        short_runs=(
            (pl.col("_len") <= 2) & pl.col("_prev").is_not_null() & pl.col("_next").is_not_null()
        ).sum(),
    )


def grid_results(crit: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per threshold combination: the cases' types, and per series the blip counts."""
    cases = _cases()
    grid = _grid()
    parts, flick = [], []
    # one combination at a time keeps memory flat (the frame is re-typed per combination)
    for combo in grid.iter_rows(named=True):  # a few hundred grid rows
        th = Thresholds(
            convergence=combo["th_convergence"],
            depth=combo["th_depth"],
            durability=int(combo["th_durability"]),
            breadth=int(combo["th_breadth"]),
            practice_years=int(combo["th_practice_years"]),
        )
        typed = classify(crit, th).select("a", "b", "year", "type")
        got = cases.join(typed, on=["a", "b", "year"], how="left").with_columns(
            combo=pl.lit(combo["combo"], dtype=pl.UInt32)
        )
        parts.append(got)
        flick.append(blips(typed).with_columns(combo=pl.lit(combo["combo"], dtype=pl.UInt32)))
    return pl.concat(parts), pl.concat(flick)


def _score(results: pl.DataFrame, flick: pl.DataFrame, exclude: str | None = None) -> pl.DataFrame:
    r = results if exclude is None else results.filter(pl.col("dyad") != exclude)
    scored = (
        r.with_columns(
            exact=pl.col("type") == pl.col("expected"),
            ok=pl.col("acceptable").list.contains(pl.col("type")),
        )
        .group_by("combo")
        .agg(
            dyads=(pl.col("ok") & (pl.col("set") == "dyads")).sum(),
            exact=pl.col("exact").sum(),
            ok=pl.col("ok").sum(),
        )
        .join(
            flick.group_by("combo").agg(
                blips=pl.col("blips").sum(),
                steady=(100 * pl.col("blips").sum() / pl.col("years").sum()) <= MAX_BLIPS,
            ),
            on="combo",
        )
        .join(_prior_distance(), on="combo")
        .sort(
            ["dyads", "steady", "exact", "ok", "blips", "prior_distance", "combo"],
            descending=[True, True, True, True, False, False, False],
        )
    )
    return scored


def _prior_distance() -> pl.DataFrame:
    prior = Thresholds()
    g = _grid()
    dist = sum(
        ((pl.col(f"th_{k}") - getattr(prior, k)) / (max(v) - min(v))).abs() for k, v in GRID.items()
    )
    return g.with_columns(prior_distance=dist).select("combo", "prior_distance")


def thresholds_of(combo: int) -> Thresholds:
    row = _grid().filter(pl.col("combo") == combo).row(0, named=True)
    return Thresholds(
        convergence=float(row["th_convergence"]),
        depth=float(row["th_depth"]),
        durability=int(row["th_durability"]),
        breadth=int(row["th_breadth"]),
        practice_years=int(row["th_practice_years"]),
    )


def robustness(crit: pl.DataFrame) -> pl.DataFrame:
    """Per (a, b, year): the share of the threshold grid giving the type ``crit`` already has.

    ``crit`` is a classified frame (it has ``type``); 1.0 means every threshold set in
    :data:`GRID` agrees, so the verdict does not hang on the fitted thresholds.
    """
    base = crit.select("a", "b", "year", pl.col("type").alias("assigned"))
    keep = [c for c in crit.columns if c not in ("type", "raw_type", "rung", "score", "confidence")]
    keep = [c for c in keep if not c.startswith(("m_", "r_"))]
    wide = crit.select(keep).join(_grid(), how="cross")
    typed = classify(wide, None, keys=("a", "b", "combo")).select("a", "b", "year", "type")
    agree = (
        typed.join(base, on=["a", "b", "year"])
        .group_by("a", "b", "year")
        .agg(robustness=(pl.col("type") == pl.col("assigned")).mean())
    )
    return base.join(agree, on=["a", "b", "year"], how="left", maintain_order="left").select(
        "a", "b", "year", pl.col("robustness").round(2)
    )


@dataclass
class Validation:
    thresholds: Thresholds
    exact: int
    acceptable: int
    middle_exact: int
    n_cases: int
    n_middle: int
    dyads_correct: int
    loo_exact: int
    loo_acceptable: int
    loo_middle_exact: int
    flicker: dict[str, float] = field(default_factory=dict)
    confusion: list[dict[str, object]] = field(default_factory=list)
    cases: list[dict[str, object]] = field(default_factory=list)
    dyads: list[dict[str, object]] = field(default_factory=list)
    shipped_matches: bool = True

    def as_dict(self) -> dict[str, object]:
        return {
            "thresholds": self.thresholds.as_dict(),
            "dyad_years_exact": f"{self.exact}/{self.n_cases}",
            "dyad_years_exact_or_acceptable": f"{self.acceptable}/{self.n_cases}",
            "middle_rungs_exact": f"{self.middle_exact}/{self.n_middle}",
            "reference_dyads_check_year": f"{self.dyads_correct}/{len(self.dyads)}",
            "leave_one_dyad_out": {
                "exact": f"{self.loo_exact}/{self.n_cases}",
                "exact_or_acceptable": f"{self.loo_acceptable}/{self.n_cases}",
                "middle_rungs_exact": f"{self.loo_middle_exact}/{self.n_middle}",
            },
            "flicker": self.flicker,
            "confusion": self.confusion,
            "shipped_calibration_is_current_fit": self.shipped_matches,
            "dyads": self.dyads,
            "dyad_years": self.cases,
        }


def validate() -> Validation:
    """Refit the thresholds; report in-sample and leave-one-dyad-out accuracy, the confusion
    table per rung and the flicker over the reference series."""
    crit = reference_criteria()
    results, flick = grid_results(crit)
    best = _score(results, flick).row(0, named=True)
    th = thresholds_of(best["combo"])
    chosen = results.filter(pl.col("combo") == best["combo"]).with_columns(
        ok=pl.col("acceptable").list.contains(pl.col("type"))
    )
    dy = chosen.filter(pl.col("set") == "dyad_years")
    # leave one dyad out: refit without the dyad's cases, predict them
    loo_rows = []
    for dyad in dy["dyad"].unique(maintain_order=True).to_list():  # ~70 refits of a small table
        combo = _score(results, flick, exclude=dyad).row(0, named=True)["combo"]
        loo_rows.append(
            results.filter(
                (pl.col("combo") == combo)
                & (pl.col("dyad") == dyad)
                & (pl.col("set") == "dyad_years")
            )
        )
    loo = pl.concat(loo_rows).with_columns(ok=pl.col("acceptable").list.contains(pl.col("type")))
    middle = pl.col("expected").is_in(MIDDLE)
    typed = classify(crit, th)
    fl = blips(typed)
    n_years = int(fl["years"].sum())
    confusion = (
        dy.group_by("expected", "type")
        .len()
        .pivot(on="type", index="expected", values="len")
        .fill_null(0)
    )
    conf_rows = []
    for rung in LADDER:
        row = confusion.filter(pl.col("expected") == rung)
        counts = {t: int(row[t][0]) if (row.height and t in row.columns) else 0 for t in LADDER}
        conf_rows.append({"expected": rung, **counts})
    rd = chosen.filter(pl.col("set") == "dyads")
    ref = reference_dyads()
    dyads = []
    for r in rd.iter_rows(named=True):  # ten rows
        span = ref.filter(pl.col("dyad") == r["dyad"]).row(0, named=True)
        s = typed.filter(
            (pl.col("a") == span["ccode_a"])
            & (pl.col("b") == span["ccode_b"])
            & pl.col("year").is_between(span["first_year"], span["last_year"])
        )
        dyads.append(
            {
                "dyad": r["dyad"],
                "check_year": r["year"],
                "expected": "|".join(r["acceptable"]),
                "predicted": r["type"],
                "correct": bool(r["ok"]),
                "span_accuracy": round(float(s["type"].is_in(span["accepted"]).mean() or 0.0), 3),
            }
        )
    loo_by_key = {(r["dyad"], r["year"]): r["type"] for r in loo.iter_rows(named=True)}
    cases = [
        {
            "dyad": r["dyad"],
            "year": r["year"],
            "expected": r["expected"],
            "acceptable": r["acceptable"],
            "predicted": r["type"],
            "exact": r["type"] == r["expected"],
            "acceptable_match": bool(r["ok"]),
            "leave_one_dyad_out": loo_by_key.get((r["dyad"], r["year"])),
        }
        for r in dy.iter_rows(named=True)
    ]
    shipped = load_calibration()
    return Validation(
        thresholds=th,
        exact=int((dy["type"] == dy["expected"]).sum()),
        acceptable=int(dy["ok"].sum()),
        middle_exact=int(
            dy.filter(middle).select(pl.col("type") == pl.col("expected")).to_series().sum()
        ),
        n_cases=dy.height,
        n_middle=dy.filter(middle).height,
        dyads_correct=int(rd["ok"].sum()),
        loo_exact=int((loo["type"] == loo["expected"]).sum()),
        loo_acceptable=int(loo["ok"].sum()),
        loo_middle_exact=int(
            loo.filter(middle).select(pl.col("type") == pl.col("expected")).to_series().sum()
        ),
        flicker={
            "series": fl.height,
            "dyad_years": n_years,
            "type_changes": int(fl["changes"].sum()),
            "blips": int(fl["blips"].sum()),
            "blips_per_100_dyad_years": round(100 * int(fl["blips"].sum()) / max(n_years, 1), 2),
            "short_interior_runs": int(fl["short_runs"].sum()),
        },
        confusion=conf_rows,
        cases=cases,
        dyads=dyads,
        shipped_matches=shipped == th,
    )


def load_calibration() -> Thresholds:
    """The shipped fitted thresholds."""
    try:
        data = json.loads(_data_path("calibration.json").read_text())
        return Thresholds(**data["thresholds"])
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise DataError(
            f"the shipped calibration is unreadable ({exc}); run `allyscope validate --write`"
        ) from exc


def write_calibration(v: Validation) -> Path:
    path = _data_path("calibration.json")
    body = {
        "thresholds": v.thresholds.as_dict(),
        "fitted_on": [
            "assessment/data/reference_dyad_years.csv",
            "assessment/data/reference_dyads.csv",
        ],
        "dyad_years_exact": f"{v.exact}/{v.n_cases}",
        "dyad_years_exact_or_acceptable": f"{v.acceptable}/{v.n_cases}",
        "middle_rungs_exact": f"{v.middle_exact}/{v.n_middle}",
        "reference_dyads_check_year": f"{v.dyads_correct}/{len(v.dyads)}",
        "leave_one_dyad_out_exact": f"{v.loo_exact}/{v.n_cases}",
        "flicker": v.flicker,
        "grid": GRID,
    }
    write_text_atomic(path, json.dumps(body, indent=2) + "\n")
    return path
