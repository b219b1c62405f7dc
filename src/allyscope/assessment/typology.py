"""The typology: documented rules from criteria to the ladder of relationship types.

Rules, applied in this order, the first that holds decides (docs/assessment.md):

1. ``rivalry``               friction = 1: a strategic rivalry, severed relations, or a
                             war between them. Friction overrules form: a treaty in force
                             does not make rivals allies. (Friction 0.5, "strained", is a
                             dispute, a recorded clash or sanctions in force.)
2. ``alliance``              commitment = 3: a mutual-defence or offence pledge (ATOP,
                             a registry treaty, or a shared NATO/CSTO-type organisation).
3. ``strategic_partnership`` commitment = 2 (a treaty or declaration in force that names a
                             strategic partnership) and breadth >= ``breadth`` dimensions
                             above the system baseline.
4. ``tactical_alignment``    shared threat >= ``threat`` and security cooperation (arms
                             shares >= ``depth`` in either direction, or military
                             cooperation in the registry in the last five years) and no
                             strain (friction < 0.5): a coalition against a common threat.
5. ``convergence``           convergence >= ``convergence`` or shared threat >= ``threat``.
6. ``transactional``         otherwise.

Thresholds are fitted on the reference dyads (:mod:`allyscope.assessment.calibration`).
No rule names a state or a dyad.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import polars as pl

from allyscope.assessment.criteria import CRITERIA, DURABILITY_CAP

LADDER = (
    "rivalry",
    "transactional",
    "convergence",
    "tactical_alignment",
    "strategic_partnership",
    "alliance",
)

#: Weights of each criterion in the confidence (data availability) and in the intensity.
WEIGHTS = {
    "commitment": 2.0,
    "convergence": 2.0,
    "shared_threat": 1.0,
    "depth": 1.0,
    "breadth": 1.0,
    "durability": 0.5,
    "symmetry": 0.5,
    "friction": 2.0,
}


@dataclass(frozen=True)
class Thresholds:
    convergence: float = 0.5
    threat: float = 0.75
    depth: float = 0.1
    breadth: int = 3

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def _th(th: Thresholds | None, name: str) -> pl.Expr:
    """A threshold as a literal, or (th=None) as the column ``th_<name>`` for grid fitting."""
    return pl.lit(getattr(th, name)) if th is not None else pl.col(f"th_{name}")


def security_cooperation(th: Thresholds | None) -> pl.Expr:
    arms = pl.max_horizontal("arms_share_a_from_b", "arms_share_b_from_a") >= _th(th, "depth")
    return (arms.fill_null(False) | (pl.col("reg_military") == 1).fill_null(False)).alias(
        "security_cooperation"
    )


def met_columns(th: Thresholds | None) -> list[pl.Expr]:
    """Whether each criterion is met (null when its value is missing)."""
    return [
        (pl.col("c_commitment") >= 1).alias("m_commitment"),
        (pl.col("c_convergence") >= _th(th, "convergence")).alias("m_convergence"),
        (pl.col("c_shared_threat") >= _th(th, "threat")).alias("m_shared_threat"),
        (pl.col("c_depth") >= _th(th, "depth")).alias("m_depth"),
        (pl.col("c_breadth") >= _th(th, "breadth")).alias("m_breadth"),
        (pl.col("c_durability") >= 5).alias("m_durability"),
        (pl.col("c_symmetry") >= 0.5).alias("m_symmetry"),
        (pl.col("c_friction") >= 1.0).alias("m_friction"),
    ]


def type_expr() -> pl.Expr:
    """The ladder rules over the ``m_*`` and ``security_cooperation`` columns."""
    return (
        pl.when(pl.col("m_friction").fill_null(False))
        .then(pl.lit("rivalry"))
        .when((pl.col("c_commitment") == 3).fill_null(False))
        .then(pl.lit("alliance"))
        .when(((pl.col("c_commitment") == 2) & pl.col("m_breadth")).fill_null(False))
        .then(pl.lit("strategic_partnership"))
        .when(
            (
                pl.col("m_shared_threat")
                & pl.col("security_cooperation")
                & (pl.col("c_friction").fill_null(0.0) < 0.5)
            ).fill_null(False)
        )
        .then(pl.lit("tactical_alignment"))
        .when(pl.col("m_convergence").fill_null(False) | pl.col("m_shared_threat").fill_null(False))
        .then(pl.lit("convergence"))
        .otherwise(pl.lit("transactional"))
    )


def classify(f: pl.DataFrame, th: Thresholds | None) -> pl.DataFrame:
    """Add ``m_*`` (criterion met), ``type``, ``rung`` (0-5), ``score`` and ``confidence``.

    ``th=None`` reads the thresholds from columns ``th_convergence`` ... (grid fitting).
    """
    f = f.with_columns(*met_columns(th), security_cooperation(th))
    f = f.with_columns(type=type_expr()).with_columns(
        rung=pl.col("type").replace_strict(
            {k: i for i, k in enumerate(LADDER)}, return_dtype=pl.Int8
        )
    )
    intensity_parts = {
        "commitment": pl.col("c_commitment") / 3.0,
        "convergence": pl.col("c_convergence"),
        "shared_threat": pl.col("c_shared_threat"),
        "depth": (pl.col("c_depth") / 0.5).clip(upper_bound=1.0),
        "breadth": pl.col("c_breadth") / 4.0,
        "durability": pl.col("c_durability") / float(DURABILITY_CAP),
        "symmetry": pl.col("c_symmetry"),
        "friction": 1.0 - pl.col("c_friction"),
    }
    num = pl.sum_horizontal([(e * WEIGHTS[k]).fill_null(0.0) for k, e in intensity_parts.items()])
    den = pl.sum_horizontal(
        [e.is_not_null().cast(pl.Float64) * WEIGHTS[k] for k, e in intensity_parts.items()]
    )
    intensity = pl.when(den > 0).then(num / den).otherwise(0.0).clip(0.0, 0.999)
    availability = pl.sum_horizontal([pl.col(f"a_{k}") * WEIGHTS[k] for k in CRITERIA]) / sum(
        WEIGHTS.values()
    )
    return f.with_columns(
        score=((pl.col("rung") + intensity) / len(LADDER)).round(3),
        confidence=availability.round(2),
    )
