"""Periods: spans of years in which the relationship keeps one type.

A period is a maximal run of years with the same (smoothed) type of the ladder. The types
already hold until the record moves (:func:`allyscope.assessment.typology.smooth`: a year
takes the most common raw type of the five years around it unless a major change of the
record starts its run), so periods follow the record, not a threshold crossed for a year.
Periods are computed on the dyad's whole series and then clipped to the years asked for,
so a boundary never moves when the requested window moves, and a period never contradicts
its own years.

Each period says why it starts (``starts_at``): ``registry event`` when a registry row (a
treaty, a declaration, defence cooperation, friction) begins or ends in its first year,
``record`` when a dispute, co-belligerence or an organisation changes then, ``type change``
otherwise, ``range start`` at the first year asked for. ``confidence`` is the mean yearly
confidence; ``agreement`` the share of its years whose unsmoothed type is the period's;
``robustness`` the mean share of the calibration grid's threshold sets that give each year
its type.
"""

from __future__ import annotations

import polars as pl


def _changed_lists(col: str) -> pl.Expr:
    now = pl.col(col).fill_null([])
    prev = pl.col(col).shift(1).fill_null([])
    return (now.list.set_difference(prev).list.len() > 0) | (
        prev.list.set_difference(now).list.len() > 0
    )


def periods(
    years: pl.DataFrame, first: int | None = None, last: int | None = None
) -> list[dict[str, object]]:
    """Periods of one dyad's classified series (sorted by year), clipped to [first, last]."""
    if years.height == 0:
        return []
    y = years.sort("year")
    registry = [_changed_lists(c) for c in ("reg_evidence_ids", "reg_ids") if c in y.columns]
    record = [
        (pl.col(c) != pl.col(c).shift(1)).fill_null(False)
        for c in ("cobelligerent", "formal_pledge")
        if c in y.columns
    ] + ([_changed_lists("orgs")] if "orgs" in y.columns else [])
    y = y.with_columns(
        _reg=pl.any_horizontal(registry).fill_null(False) if registry else pl.lit(False),
        _rec=pl.any_horizontal(record).fill_null(False) if record else pl.lit(False),
        _run=(
            (pl.col("type") != pl.col("type").shift(1))
            | ((pl.col("year") - pl.col("year").shift(1)) != 1)
        )
        .fill_null(True)
        .cum_sum(),
    )
    lo = first if first is not None else int(y["year"].min())  # type: ignore[arg-type]
    hi = last if last is not None else int(y["year"].max())  # type: ignore[arg-type]
    runs = y.group_by("_run", maintain_order=True).agg(
        start=pl.col("year").min(),
        end=pl.col("year").max(),
        type=pl.col("type").first(),
        reg=pl.col("_reg").first(),
        rec=pl.col("_rec").first(),
        years=pl.col("year"),
        confidence=pl.col("confidence"),
        agree=(pl.col("raw_type") == pl.col("type")) if "raw_type" in y.columns else pl.lit(True),
        robustness=pl.col("robustness") if "robustness" in y.columns else pl.lit(None),
    )
    out: list[dict[str, object]] = []
    for r in runs.iter_rows(named=True):  # one row per period of one dyad
        keep = [i for i, yr in enumerate(r["years"]) if lo <= yr <= hi]
        if not keep:
            continue
        conf = [r["confidence"][i] for i in keep if r["confidence"][i] is not None]
        agree = [bool(r["agree"][i]) for i in keep]
        rob = [
            r["robustness"][i] for i in keep if r["robustness"] and r["robustness"][i] is not None
        ]
        start = r["years"][keep[0]]
        out.append(
            {
                "start": start,
                "end": r["years"][keep[-1]],
                "type": r["type"],
                "confidence": round(sum(conf) / len(conf), 2) if conf else None,
                "agreement": round(sum(agree) / len(agree), 2),
                "robustness": round(sum(rob) / len(rob), 2) if rob else None,
                "starts_at": _starts_at(start, r, lo),
            }
        )
    return out


def _starts_at(start: int, run: dict[str, object], lo: int) -> str:
    if start > int(run["start"]):  # type: ignore[call-overload]
        return "range start"  # the run began before the years asked for
    if run["reg"]:
        return "registry event"
    if run["rec"]:
        return "record"
    return "range start" if start == lo else "type change"
