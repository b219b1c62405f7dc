"""Asymmetry: who needs whom more, per dimension and overall.

Per dimension, each side's dependence on the other, averaged over the last five years of
the assessed range in which the dimension has data:

- economic:   trade with the partner as a share of the state's total trade (COW);
- security:   share of the state's major-arms imports supplied by the partner (SIPRI,
              five-year windows), counted only where the partner delivered at least
              100 TIV million in the window (the floor the rules use: a few deliveries
              that make up all of a small import bill are not dependence);
- capability: the partner's share of the pair's combined CINC (the weaker side depends
              more on the stronger; Morrow 1991).

``more_dependent`` per dimension is the side with the higher dependence. Overall, each
dimension votes for its more dependent side with weight |log(dep_a / dep_b)| capped at 3;
the side with the larger total is ``more_dependent`` (null when no dimension has data).
"""

from __future__ import annotations

import math

import polars as pl

RECENT = 5
DIMENSIONS = {
    "economic": ("trade_share_a", "trade_share_b"),
    "security": ("arms_dep_a", "arms_dep_b"),
    "capability": ("cap_dep_a", "cap_dep_b"),
}
EPS = 1e-4


def asymmetry(years: pl.DataFrame, iso_a: str, iso_b: str) -> dict[str, object]:
    f = years.with_columns(
        cap_dep_a=pl.col("cinc_b") / (pl.col("cinc_a") + pl.col("cinc_b")),
        cap_dep_b=pl.col("cinc_a") / (pl.col("cinc_a") + pl.col("cinc_b")),
    )
    by_dim: dict[str, object] = {}
    votes = {iso_a: 0.0, iso_b: 0.0}
    for dim, (ca, cb) in DIMENSIONS.items():
        have = f.filter(pl.col(ca).is_not_null() & pl.col(cb).is_not_null()).tail(RECENT)
        if have.height == 0:
            by_dim[dim] = {"more_dependent": None, "dependence": None, "years": None}
            continue
        da, db = float(have[ca].mean()), float(have[cb].mean())  # type: ignore[arg-type]
        more = iso_a if da > db else iso_b if db > da else None
        weight = min(abs(math.log((da + EPS) / (db + EPS))), 3.0)
        if more:
            votes[more] += weight
        by_dim[dim] = {
            "more_dependent": more,
            "dependence": {iso_a: round(da, 4), iso_b: round(db, 4)},
            "years": [int(have["year"].min()), int(have["year"].max())],  # type: ignore[arg-type]
            "columns": [ca, cb],
            "weight": round(weight, 3),
        }
    more_dependent = None
    if votes[iso_a] != votes[iso_b]:
        more_dependent = iso_a if votes[iso_a] > votes[iso_b] else iso_b
    return {
        "more_dependent": more_dependent,
        "by_dimension": by_dim,
        "votes": {k: round(v, 3) for k, v in votes.items()},
    }
