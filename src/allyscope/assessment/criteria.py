"""Criteria: the indicator frame condensed into the eight quantities the typology reads.

Every criterion is a column ``c_<name>`` (its value) with ``a_<name>`` (data availability,
0-1: 1 observed, 0.5 carried forward or partial, 0 missing). Missing data lower the
availability (and so the confidence), never the value: a criterion with no data is null.

Missing in the latest years: convergence, shared threat, depth and the breadth dimensions
keep their last observed value for up to ``CARRY_YEARS`` years after their sources end,
with half the availability.

Carry-forward rule: ATOP provisions (coded to 2018) and strategic rivalries (to 2020)
describe standing commitments and relationships; after the source ends, the last coded
value of the dyad is carried forward, flagged in ``carried_atop`` / ``carried_rivalry``,
with availability 0.5. Treaty-registry rows and shared memberships override a carried 0.
"""

from __future__ import annotations

import polars as pl

ATOP_END = 2018
RIVALRY_END = 2020
ATOP = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
CRITERIA = (
    "commitment",
    "convergence",
    "shared_threat",
    "depth",
    "breadth",
    "durability",
    "symmetry",
    "friction",
)
BREADTH_DIMENSIONS = ("diplomatic", "security", "economic", "institutional", "societal")
#: A dimension counts toward breadth when its percentile among all dyads is at least this.
BASELINE_PCT = 0.75
DURABILITY_CAP = 10
#: Years a criterion keeps its last observed value after its sources end.
CARRY_YEARS = 3


def _carry(col: str, end: int) -> pl.Expr:
    return (
        pl.when(pl.col("year") > end)
        .then(pl.col(col).forward_fill().over("a", "b", order_by="year"))
        .otherwise(pl.col(col))
    )


def _mean_available(*cols: str) -> pl.Expr:
    return pl.mean_horizontal(*cols)  # ignores nulls; null when all are null


def _availability(*cols: str) -> pl.Expr:
    return pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Float64) for c in cols]) / len(cols)


def criteria(frame: pl.DataFrame, conv_threshold: float) -> pl.DataFrame:
    """Add criterion values and availabilities to an indicator frame (sorted a, b, year).

    ``conv_threshold`` is needed here only for durability (the run of years with a
    commitment or with convergence at or above it).
    """
    f = frame.with_columns(
        *[_carry(c, ATOP_END).alias(f"{c}_c") for c in ATOP],
        _carry("strategic_rivalry", RIVALRY_END).alias("rivalry_c"),
        carried_atop=(pl.col("year") > ATOP_END) & pl.col("atop_defense").is_null(),
        carried_rivalry=(pl.col("year") > RIVALRY_END) & pl.col("strategic_rivalry").is_null(),
    )
    defence = (
        (pl.col("atop_defense_c") == 1)
        | (pl.col("atop_offense_c") == 1)
        | (pl.col("reg_defence") == 1)
    )
    named_partnership = pl.col("reg_partnership") >= 2
    lesser = (
        pl.any_horizontal(
            [pl.col(f"{c}_c") == 1 for c in ("atop_neutral", "atop_nonagg", "atop_consul")]
        )
        | (pl.col("reg_nonaggression") == 1)
        | (pl.col("reg_treaties") > 0)
        | (pl.col("reg_partnership") == 1)
    )
    has_commit_data = pl.col("atop_defense_c").is_not_null() | pl.col("reg_treaties").is_not_null()
    commitment = (
        pl.when(defence.fill_null(False))
        .then(3)
        .when(named_partnership.fill_null(False))
        .then(2)
        .when(lesser.fill_null(False))
        .then(1)
        .when(has_commit_data)
        .then(0)
        .otherwise(None)
    )
    f = f.with_columns(
        c_commitment=commitment.cast(pl.Int8),
        a_commitment=pl.when(pl.col("atop_defense").is_not_null())
        .then(1.0)
        .when(pl.col("reg_treaties").is_not_null())
        .then(0.75)
        .when(pl.col("atop_defense_c").is_not_null())
        .then(0.5)
        .otherwise(0.0),
        c_convergence=_mean_available("ideal_closeness_pct", "un_agree_pct"),
        a_convergence=_availability("ideal_closeness_pct", "un_agree_pct"),
        shared_enemy=pl.max_horizontal(pl.col("common_rivals") > 0, pl.col("common_opponents") > 0),
    )
    f = f.with_columns(
        c_shared_threat=pl.max_horizontal(
            pl.when(pl.col("shared_enemy")).then(1.0).otherwise(None), pl.col("third_opposition")
        ),
        a_shared_threat=_availability("common_rivals", "third_opposition"),
        c_depth=pl.max_horizontal(
            "arms_share_a_from_b", "arms_share_b_from_a", "trade_share_a", "trade_share_b"
        ),
        a_depth=_availability("arms_share_a_from_b", "trade_share_a"),
        dim_diplomatic=pl.col("c_convergence") >= 0.5,
        dim_security=pl.any_horizontal(
            pl.col("c_commitment") >= 1, pl.col("arms_recent") > 0, pl.col("reg_military") == 1
        ),
        dim_economic=pl.col("trade_pct") >= BASELINE_PCT,
        dim_institutional=pl.any_horizontal(
            pl.col("igos_pct") >= BASELINE_PCT, pl.col("reg_treaties") > 0
        ),
        dim_societal=(pl.col("icews_events_pct") >= BASELINE_PCT)
        & (pl.col("icews_coop_share") >= 0.5),
    )
    # Past a source's end, slow-moving criteria keep their last value for CARRY_YEARS years
    # (flagged by halving their availability); beyond that they are missing.
    carried = [
        "c_convergence",
        "c_shared_threat",
        "c_depth",
        "dim_diplomatic",
        "dim_economic",
        "dim_institutional",
        "dim_societal",
    ]
    f = f.with_columns(
        *[
            pl.when(pl.col(c).is_null())
            .then(pl.col(c).forward_fill(limit=CARRY_YEARS).over("a", "b", order_by="year"))
            .otherwise(pl.col(c))
            .alias(c)
            for c in carried
        ],
        *[
            pl.when(pl.col(f"a_{c}") == 0)
            .then(
                pl.col(f"a_{c}")
                .replace(0.0, None)
                .forward_fill(limit=CARRY_YEARS)
                .over("a", "b", order_by="year")
                / 2
            )
            .otherwise(pl.col(f"a_{c}"))
            .fill_null(0.0)
            .alias(f"a_{c}")
            for c in ("convergence", "shared_threat", "depth")
        ],
    )
    dims = [f"dim_{d}" for d in BREADTH_DIMENSIONS]
    f = f.with_columns(
        c_breadth=pl.sum_horizontal([pl.col(d).fill_null(False).cast(pl.Int8) for d in dims]).cast(
            pl.Int8
        ),
        a_breadth=_availability(*dims),
    )
    engaged = (
        (pl.col("c_commitment") >= 1) | (pl.col("c_convergence") >= conv_threshold)
    ).fill_null(False)
    f = f.with_columns(engaged=engaged)
    run_id = (~pl.col("engaged")).cum_sum().over("a", "b", order_by="year")
    f = f.with_columns(
        c_durability=pl.when(pl.col("engaged"))
        .then(pl.col("engaged").cast(pl.Int16).cum_sum().over("a", "b", run_id, order_by="year"))
        .otherwise(0)
        .clip(upper_bound=DURABILITY_CAP)
        .cast(pl.Int16),
        a_durability=pl.max_horizontal("a_commitment", "a_convergence"),
    )
    dep_pairs = [("trade_share_a", "trade_share_b"), ("arms_share_a_from_b", "arms_share_b_from_a")]
    ratios = [
        pl.when(pl.max_horizontal(x, y) > 0).then(pl.min_horizontal(x, y) / pl.max_horizontal(x, y))
        for x, y in dep_pairs
    ]
    hostile = pl.any_horizontal(
        pl.col("rivalry_c") == 1, pl.col("reg_rupture") == 1, pl.col("mid_hostility") >= 5
    )
    strained = pl.any_horizontal(
        pl.col("mid_ongoing") == 1, pl.col("reg_conflict") == 1, pl.col("reg_sanctions") == 1
    )
    friction_data = pl.any_horizontal(
        pl.col("rivalry_c").is_not_null(),
        pl.col("mid_ongoing").is_not_null(),
        pl.col("reg_rupture").is_not_null(),
    )
    f = f.with_columns(
        c_symmetry=pl.mean_horizontal(ratios),
        a_symmetry=_availability("trade_share_a", "arms_share_a_from_b"),
        c_friction=pl.when(hostile.fill_null(False))
        .then(1.0)
        .when(strained.fill_null(False))
        .then(0.5)
        .when(friction_data)
        .then(0.0)
        .otherwise(None),
        a_friction=(
            pl.col("strategic_rivalry").is_not_null().cast(pl.Float64) * 0.5
            + pl.col("mid_ongoing").is_not_null().cast(pl.Float64) * 0.25
            + pl.col("reg_rupture").is_not_null().cast(pl.Float64) * 0.25
            + (pl.col("carried_rivalry") & pl.col("rivalry_c").is_not_null()).cast(pl.Float64)
            * 0.25
        ),
    )
    return f
