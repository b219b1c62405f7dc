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

from typing import TYPE_CHECKING

import polars as pl

from allyscope.panel.family import Context, Family, Gathered, Join, Lookup, undirected_key_join
from allyscope.sources.store import continuation_year, load, years_in_use

if TYPE_CHECKING:  # numpy is imported when votes are computed, not with the panel
    import numpy as np

YES, ABSTAIN, NO = 1, 2, 3


#: Roll-call ids given to the UN Digital Library's resolutions (above every Voeten rcid).
UNDL_RCID = 10_000_000


def splice_year() -> int | None:
    """The first year read from the UN Digital Library's voting data (``unga_undl``), or None
    when the user has not brought it into the cache: the last year of the bundled roll calls
    (a session ends in September, so that year is incomplete there) and every later one."""
    return continuation_year("unga_undl", years_in_use("un_roll_calls")[1])


def un_years() -> tuple[int, int]:
    """The years the UN vote similarity covers with the data in use."""
    lo, hi = years_in_use("un_roll_calls")
    if splice_year() is not None:
        hi = max(hi, years_in_use("unga_undl")[1])
    return lo, hi


def vote_table(years: list[int]) -> pl.DataFrame:
    """``year``, ``rcid``, ``ccode``, ``vote`` (yes, abstain or no) of the years asked for.

    Voeten's roll calls before :func:`splice_year`; from it, the UN Digital Library's
    adopted resolutions with a recorded vote (a different set of votes: no paragraph votes,
    amendments or failed drafts, so a source break, documented in docs/data.md)."""
    cut = splice_year()
    rc = load("un_roll_calls", ["rcid", "year"]).filter(pl.col("year").is_in(years))
    if cut is not None:
        rc = rc.filter(pl.col("year") < cut)
    votes = (
        load("un_votes", ["rcid", "ccode", "vote"])
        .filter(pl.col("vote").is_in([YES, ABSTAIN, NO]) & pl.col("ccode").is_not_null())
        .join(rc, on="rcid", how="inner")
        .select("year", "rcid", "ccode", "vote")
    )
    if cut is None:
        return votes
    undl = (
        load("unga_undl", ["resolution", "year", "ccode", "vote"])
        .filter((pl.col("year") >= cut) & pl.col("year").is_in(years))
        .with_columns(
            rcid=(pl.col("resolution").rank("dense") + UNDL_RCID).cast(votes.schema["rcid"])
        )
        .select("year", "rcid", pl.col("ccode").cast(votes.schema["ccode"]), "vote")
    )
    return pl.concat([votes, undl.cast(votes.schema)], how="vertical")


def sc_vote_table(years: list[int]) -> pl.DataFrame:
    """``year``, ``rcid``, ``ccode``, ``vote`` of the Security Council's adopted resolutions
    (the UN Digital Library's voting data, ``unsc_undl``): only the members sitting on the
    Council vote, so two states share a resolution only when both sat."""
    return (
        load("unsc_undl", ["resolution", "year", "ccode", "vote"])
        .filter(pl.col("year").is_in(years) & pl.col("vote").is_in([YES, ABSTAIN, NO]))
        .with_columns(rcid=pl.col("resolution").rank("dense").cast(pl.Int64))
        .select("year", "rcid", "ccode", "vote")
    )


def vote_similarity(
    years: list[int], ccodes: set[int] | None = None, votes: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Non-directed dyad-years (ccode1 < ccode2) with un_joint, un_agree, un_sscore, un_kappa,
    from the General Assembly's votes (:func:`vote_table`) or the ``votes`` given (same
    columns: year, rcid, ccode, vote)."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    votes = vote_table(years) if votes is None else votes
    # each roll call's column in its year's states x roll-calls matrices
    cols = (
        votes.select("year", "rcid")
        .unique()
        .sort("year", "rcid")
        .with_columns(col=pl.int_range(pl.len(), dtype=pl.Int64).over("year"))
    )
    votes = votes.join(cols, on=["year", "rcid"], how="inner")
    if ccodes is not None:
        votes = votes.filter(pl.col("ccode").is_in(list(ccodes)))
    year, ccode, col, vote = (votes[c].to_numpy() for c in ("year", "ccode", "col", "vote"))
    key = year.astype(np.int64) * 65536 + (ccode.astype(np.int64) + 32768)
    order = np.argsort(key, kind="stable")  # by year, then ccode
    year, ccode, col, vote = year[order], ccode[order], col[order], vote[order]
    n = len(year)
    new_year = np.r_[True, year[1:] != year[:-1]] if n else np.zeros(0, bool)
    new_state = new_year | np.r_[True, ccode[1:] != ccode[:-1]] if n else new_year
    state = np.cumsum(new_state) - 1  # state-year number, in (year, ccode) order
    starts = np.flatnonzero(new_year)
    bounds = zip(starts, np.r_[starts[1:], n][: len(starts)], strict=True)
    row = state - state[starts].repeat(np.diff(np.r_[starts, n]))  # state's row in its year
    # The per-year products are small (a few hundred rows). With OpenBLAS threads they
    # ran ~5x slower whenever the other core was busy (threads spin-waiting; measured on
    # 2 cores), so they run on one BLAS thread.
    with threadpool_limits(limits=1, user_api="blas"):
        parts = [
            _year_block(
                int(year[lo]),
                ccode[lo:hi][new_state[lo:hi]],
                row[lo:hi],
                col[lo:hi],
                vote[lo:hi],
            )
            for lo, hi in bounds
        ]
    cols = ["ccode1", "ccode2", "year", "un_joint", "un_agree", "un_sscore", "un_kappa"]
    dtypes = [np.int16, np.int16, np.int16, np.int32, np.float64, np.float64, np.float64]
    data = {
        c: np.concatenate([p[i] for p in parts]) if parts else np.zeros(0, dt)
        for i, (c, dt) in enumerate(zip(cols, dtypes, strict=True))
    }
    return pl.DataFrame(
        data,
        schema={
            "ccode1": pl.Int16,
            "ccode2": pl.Int16,
            "year": pl.Int16,
            "un_joint": pl.Int32,
            "un_agree": pl.Float64,
            "un_sscore": pl.Float64,
            "un_kappa": pl.Float64,
        },
        nan_to_null=True,
    )


def _year_block(
    year: int, codes: np.ndarray, row: np.ndarray, col: np.ndarray, vote: np.ndarray
) -> tuple[np.ndarray, ...]:
    """One year's pairs from its votes (state ``row``, roll-call ``col``, ``vote``).

    With Y, A, N the states x roll-calls indicators of a yes, abstain and no vote, the
    products Y Y', A A', N N', Y A', Y N', A N' count for every pair (i, j) the roll
    calls on which i voted one way and j the other; the statistics are sums of them. The
    counts are exact integers (float32 products of 0/1, summed below 2^24), so the
    results equal the per-pair loop's."""
    import numpy as np

    n_c, n_r = len(codes), int(col.max()) + 1
    ind = np.zeros((3, n_c, n_r), dtype=np.float32)
    ind[vote.astype(np.intp) - 1, row, col] = 1.0
    y, a, n = ind
    yy, ya, yn = np.split((y @ ind.reshape(3 * n_c, n_r).T).astype(np.float64), 3, axis=1)
    aa, an = np.split((a @ ind[1:].reshape(2 * n_c, n_r).T).astype(np.float64), 2, axis=1)
    nn = (n @ n.T).astype(np.float64)
    ay, ny, na = ya.T, yn.T, an.T
    joint = (yy + aa + nn) + (ya + ay) + (yn + ny) + (an + na)
    iu, ju = np.triu_indices(n_c, k=1)
    flat = iu * n_c + ju
    jt = joint.ravel()[flat]
    keep = jt > 0
    flat, iu, ju, jt = flat[keep], iu[keep], ju[keep], jt[keep]

    def at(x: np.ndarray) -> np.ndarray:
        return x.ravel()[flat]

    same = at(yy + aa + nn)
    # |x_i - x_j| with yes=1, abstain=.5, no=0: .5 for yes/abstain and abstain/no, 1 for yes/no
    absdiff = at(0.5 * (ya + ay + an + na) + (yn + ny))
    # expected agreement from each side's category shares on the jointly voted roll calls:
    # (i chose k and j voted) x (j chose k and i voted), summed over the categories k
    rows = (yy + ya + yn, ay + aa + an, ny + na + nn)
    expected = at(sum(r * r.T for r in rows))
    with np.errstate(divide="ignore", invalid="ignore"):
        p_o = same / jt
        p_e = expected / (jt * jt)
        kappa = np.where(p_e < 1.0, (p_o - p_e) / (1.0 - p_e), np.nan)
        sscore = 1.0 - 2.0 * absdiff / jt
    return (
        codes[iu],
        codes[ju],
        np.full(len(iu), year, dtype=np.int16),
        jt.astype(np.int32),
        p_o,
        sscore,
        kappa,
    )


COLUMNS = ("un_joint", "un_agree", "un_sscore", "un_kappa")


def _similarity(ctx: Context) -> pl.DataFrame:
    ctx.locate("un_votes")
    ctx.locate("un_roll_calls")
    if splice_year() is not None:
        ctx.locate("unga_undl")
    lo, hi = un_years()  # outside the coverage the columns are null anyway
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
    verb="add_fpsim() (computed here from raw votes)",
    years_in_use=un_years,
)
