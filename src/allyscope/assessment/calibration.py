"""Fitting the typology's thresholds on the reference dyads, and validating the fit.

The reference dyads (``assessment/data/reference_dyads.csv``, copied from the project's
list of dyads whose type is settled by the record) give, for each dyad, the accepted
type(s) over a span of years and a check year. The fit scans a grid of thresholds and
keeps the set that gets the most check years exactly right; ties go to the best accuracy
over all span years, then to the set nearest the documented priors (``Thresholds()``).
Leave-one-out: for each dyad, fit on the other nine and predict the held-out check year.

The fitted thresholds ship in ``assessment/data/calibration.json``; ``allyscope validate``
refits from the data, reports in-sample and leave-one-out accuracy and whether the
shipped calibration is still the fit (``--write`` replaces it).
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
from allyscope.assessment.typology import Thresholds, classify
from allyscope.errors import DataError
from allyscope.fileio import write_text_atomic
from allyscope.indicators import indicator_frame
from allyscope.states import resolve

#: Indicator columns the ladder rules read besides the criteria.
NEEDED_FOR_RULES = ("arms_share_a_from_b", "arms_share_b_from_a", "reg_military")
GRID: dict[str, list[float]] = {
    "convergence": [round(0.30 + 0.05 * i, 2) for i in range(13)],  # 0.30 .. 0.90
    "threat": [round(0.50 + 0.05 * i, 2) for i in range(10)],  # 0.50 .. 0.95
    "depth": [0.02, 0.05, 0.1, 0.2, 0.3],
    "breadth": [2, 3, 4],
}
LAST_YEAR = 2025
THIRD = "USA"


def _data_path(name: str) -> Path:
    return Path(str(resources.files("allyscope.assessment") / "data" / name))


@cache
def reference_dyads() -> pl.DataFrame:
    """The reference dyads with COW codes (resolved at the check year) and accepted types."""
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


def reference_criteria() -> pl.DataFrame:
    """Criteria rows of every reference dyad over its span, with ``dyad``, ``accepted``, ``check``."""
    ref = reference_dyads()
    pairs = list(zip(ref["ccode_a"].to_list(), ref["ccode_b"].to_list(), strict=True))
    first = max(int(ref["first_year"].min()), 1946)
    frame = indicator_frame(pairs, first, LAST_YEAR, third=resolve(THIRD).cow)
    crit = criteria(frame, Thresholds().convergence)
    joined = crit.join(ref.rename({"ccode_a": "a", "ccode_b": "b"}), on=["a", "b"], how="inner")
    joined = joined.filter(pl.col("year").is_between("first_year", "last_year"))
    return joined.with_columns(check=pl.col("year") == pl.col("check_year"))


def _grid() -> pl.DataFrame:
    combos = list(itertools.product(*GRID.values()))
    return pl.DataFrame(combos, schema=[f"th_{k}" for k in GRID], orient="row").with_row_index(
        "combo"
    )


def grid_results(crit: pl.DataFrame) -> pl.DataFrame:
    """Per threshold combination and dyad: check-year correct (0/1) and span accuracy."""
    wide = crit.join(_grid(), how="cross")
    typed = classify(wide, None).with_columns(
        correct=pl.col("accepted").list.contains(pl.col("type"))
    )
    return typed.group_by("combo", "dyad").agg(
        check_correct=(pl.col("correct") & pl.col("check")).sum(),
        span_correct=pl.col("correct").sum(),
        span_n=pl.len(),
    )


def robustness(crit: pl.DataFrame) -> pl.DataFrame:
    """Per (a, b, year): the share of the threshold grid giving the type ``crit`` already has.

    ``crit`` is a classified frame (it has ``type``); 1.0 means every threshold set in
    :data:`GRID` agrees, so the verdict does not hang on the fitted thresholds.
    """
    base = crit.select("a", "b", "year", pl.col("type").alias("assigned"))
    keep = [c for c in crit.columns if c.startswith(("c_", "a_")) or c in NEEDED_FOR_RULES]
    wide = crit.select("a", "b", "year", *keep).join(_grid(), how="cross")
    typed = classify(wide, None).select("a", "b", "year", "type")
    agree = (
        typed.join(base, on=["a", "b", "year"])
        .group_by("a", "b", "year")
        .agg(robustness=(pl.col("type") == pl.col("assigned")).mean())
    )
    return base.join(agree, on=["a", "b", "year"], how="left", maintain_order="left").select(
        "a", "b", "year", pl.col("robustness").round(2)
    )


def _prior_distance() -> pl.DataFrame:
    prior = Thresholds()
    g = _grid()
    dist = sum(
        ((pl.col(f"th_{k}") - getattr(prior, k)) / (max(v) - min(v))).abs() for k, v in GRID.items()
    )
    return g.with_columns(prior_distance=dist).select("combo", "prior_distance")


def best(results: pl.DataFrame, exclude: str | None = None) -> dict[str, float]:
    """The best threshold combination on all dyads except ``exclude``."""
    r = results if exclude is None else results.filter(pl.col("dyad") != exclude)
    scored = (
        r.group_by("combo")
        .agg(
            check=pl.col("check_correct").sum(),
            span=pl.col("span_correct").sum() / pl.col("span_n").sum(),
        )
        .join(_prior_distance(), on="combo")
        .sort(["check", "span", "prior_distance", "combo"], descending=[True, True, False, False])
    )
    top = scored.row(0, named=True)
    th = _grid().filter(pl.col("combo") == top["combo"]).row(0, named=True)
    return {"combo": top["combo"], "check": top["check"], "span": top["span"], **th}


def thresholds_of(row: dict[str, float]) -> Thresholds:
    return Thresholds(
        convergence=float(row["th_convergence"]),
        threat=float(row["th_threat"]),
        depth=float(row["th_depth"]),
        breadth=int(row["th_breadth"]),
    )


@dataclass
class Validation:
    thresholds: Thresholds
    check_correct: int
    n_dyads: int
    span_accuracy: float
    loo_correct: int
    dyads: list[dict[str, object]] = field(default_factory=list)
    shipped_matches: bool = True

    def as_dict(self) -> dict[str, object]:
        return {
            "thresholds": self.thresholds.as_dict(),
            "check_year_exact": f"{self.check_correct}/{self.n_dyads}",
            "span_accuracy": round(self.span_accuracy, 3),
            "leave_one_out_exact": f"{self.loo_correct}/{self.n_dyads}",
            "shipped_calibration_is_current_fit": self.shipped_matches,
            "dyads": self.dyads,
        }


def validate() -> Validation:
    """Refit the thresholds, and report in-sample and leave-one-out accuracy per dyad."""
    crit = reference_criteria()
    results = grid_results(crit)
    fit = best(results)
    th = thresholds_of(fit)
    typed = classify(crit, th)
    dyads = []
    loo_correct = 0
    for dyad in reference_dyads()["dyad"].to_list():  # ten dyads: one refit each
        loo = thresholds_of(best(results, exclude=dyad))
        row = typed.filter((pl.col("dyad") == dyad) & pl.col("check")).row(0, named=True)
        loo_row = classify(crit.filter((pl.col("dyad") == dyad) & pl.col("check")), loo).row(
            0, named=True
        )
        ok, loo_ok = row["type"] in row["accepted"], loo_row["type"] in row["accepted"]
        loo_correct += int(loo_ok)
        d = typed.filter(pl.col("dyad") == dyad)
        dyads.append(
            {
                "dyad": dyad,
                "check_year": row["year"],
                "expected": "|".join(row["accepted"]),
                "predicted": row["type"],
                "correct": ok,
                "leave_one_out": loo_row["type"],
                "leave_one_out_correct": loo_ok,
                "span_accuracy": round(
                    float(d["accepted"].list.contains(d["type"]).mean() or 0.0), 3
                ),
            }
        )
    shipped = load_calibration()
    return Validation(
        thresholds=th,
        check_correct=int(fit["check"]),
        n_dyads=len(dyads),
        span_accuracy=float(fit["span"]),
        loo_correct=loo_correct,
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
        "fitted_on": "assessment/data/reference_dyads.csv",
        "check_year_exact": f"{v.check_correct}/{v.n_dyads}",
        "span_accuracy": round(v.span_accuracy, 3),
        "leave_one_out_exact": f"{v.loo_correct}/{v.n_dyads}",
        "grid": GRID,
    }
    write_text_atomic(path, json.dumps(body, indent=2) + "\n")
    return path
