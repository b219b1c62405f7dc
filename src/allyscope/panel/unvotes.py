"""UN General Assembly voting similarity (``un_votes``), computed from the raw roll-call votes.

For each calendar year of the vote date and each pair of states, over the roll calls on
which both cast a yes, abstain or no vote (absences are not in the data):

``un_joint``  number of such roll calls;
``un_agree``  share of them on which both voted the same way;
``un_sscore`` Signorino & Ritter's S with votes coded yes=1, abstain=0.5, no=0:
              S = 1 - 2 * mean |x_a - x_b| (from -1 to 1);
``un_kappa``  Cohen's kappa over the three categories (Häge 2011): agreement corrected
              for the agreement expected from each state's own vote distribution on
              those roll calls; null when that expected agreement is 1.

All four are null when the two states share no roll call that year. Each year is one
set of matrix products over a states x roll-calls indicator matrix, so all pairs of a
year cost one BLAS call per term.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from allyscope.panel.family import Context, Family, Gathered, Join, Lookup, undirected_key_join
from allyscope.sources.store import load

YES, ABSTAIN, NO = 1, 2, 3


def vote_similarity(years: list[int], ccodes: set[int] | None = None) -> pl.DataFrame:
    """Non-directed dyad-years (ccode1 < ccode2) with un_joint, un_agree, un_sscore, un_kappa."""
    rc = load("un_roll_calls", ["rcid", "year"]).filter(pl.col("year").is_in(years))
    votes = load("un_votes", ["rcid", "ccode", "vote"]).join(rc, on="rcid", how="inner")
    if ccodes is not None:
        votes = votes.filter(pl.col("ccode").is_in(list(ccodes)))
    parts = []
    for (year,), g in votes.partition_by("year", as_dict=True, maintain_order=False).items():
        parts.append(_year_block(int(year), g))
    schema = {
        "ccode1": pl.Int16,
        "ccode2": pl.Int16,
        "year": pl.Int16,
        "un_joint": pl.Int32,
        "un_agree": pl.Float64,
        "un_sscore": pl.Float64,
        "un_kappa": pl.Float64,
    }
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts).cast(schema)  # type: ignore[arg-type]


def _year_block(year: int, g: pl.DataFrame) -> pl.DataFrame:
    codes, ci = np.unique(g["ccode"].to_numpy(), return_inverse=True)
    _, ri = np.unique(g["rcid"].to_numpy(), return_inverse=True)
    vote = g["vote"].to_numpy()
    n_c, n_r = len(codes), int(ri.max()) + 1
    ind = {}
    for k in (YES, ABSTAIN, NO):
        m = np.zeros((n_c, n_r), dtype=np.float64)
        sel = vote == k
        m[ci[sel], ri[sel]] = 1.0
        ind[k] = m
    y, a, n = ind[YES], ind[ABSTAIN], ind[NO]
    v = y + a + n
    joint = v @ v.T
    same = y @ y.T + a @ a.T + n @ n.T
    yn, ya, an = y @ n.T, y @ a.T, a @ n.T
    absdiff = 0.5 * (ya + ya.T + an + an.T) + (yn + yn.T)
    # expected agreement from each side's category shares on the jointly voted roll calls
    expected = np.zeros_like(joint)
    for m in (y, a, n):
        mv = m @ v.T  # [i, j]: roll calls where i chose the category and j voted
        expected += mv * mv.T
    iu, ju = np.triu_indices(n_c, k=1)
    jt = joint[iu, ju]
    keep = jt > 0
    iu, ju, jt = iu[keep], ju[keep], jt[keep]
    with np.errstate(divide="ignore", invalid="ignore"):
        p_o = same[iu, ju] / jt
        p_e = expected[iu, ju] / (jt * jt)
        kappa = np.where(p_e < 1.0, (p_o - p_e) / (1.0 - p_e), np.nan)
        sscore = 1.0 - 2.0 * absdiff[iu, ju] / jt
    return pl.DataFrame(
        {
            "ccode1": codes[iu],
            "ccode2": codes[ju],
            "year": np.full(len(iu), year),
            "un_joint": jt.astype(np.int32),
            "un_agree": p_o,
            "un_sscore": sscore,
            "un_kappa": kappa,
        },
        nan_to_null=True,
    )


COLUMNS = ("un_joint", "un_agree", "un_sscore", "un_kappa")


def _similarity(ctx: Context) -> pl.DataFrame:
    ctx.locate("un_votes")
    ctx.locate("un_roll_calls")
    lo, hi = FAMILY.coverage  # outside the coverage the columns are null anyway
    return vote_similarity([y for y in ctx.years if lo <= y <= hi], ctx.ccodes)


def _gather(ctx: Context) -> Gathered:
    t = _similarity(ctx)
    return Gathered((Lookup(t, "pair", "uv."),), {c: pl.col(f"uv.{c}") for c in COLUMNS})


def _build(ctx: Context) -> Join:
    name = ctx.register("un_similarity", _similarity(ctx))
    return Join(
        undirected_key_join("uv", name),
        {c: f"uv.{c}" for c in ("un_joint", "un_agree", "un_sscore", "un_kappa")},
    )


FAMILY = Family(
    name="un_votes",
    description="UNGA roll-call similarity from raw votes (Voeten et al.), by calendar year",
    datasets=("un_votes", "un_roll_calls"),
    columns={
        "un_joint": "roll calls in the year on which both voted yes/abstain/no",
        "un_agree": "share of those roll calls with identical votes",
        "un_sscore": "Signorino-Ritter S (yes=1, abstain=0.5, no=0), -1 to 1",
        "un_kappa": "Cohen's kappa of the two vote distributions (Häge 2011)",
    },
    coverage=(1946, 2020),
    build=_build,
    gather=_gather,
)
