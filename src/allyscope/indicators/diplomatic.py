"""Diplomatic dimension: foreign-policy convergence in the UN General Assembly.

Raw-vote agreement runs to 2020 (the raw roll calls end there); ideal points (Bailey,
Strezhnev & Voeten) run to 2024: the all-votes estimate where it exists (to 2023),
else the final-passage estimate. Levels drift with the UN agenda, so each is also read as
a percentile among all pairs of members that year (1 = the closest pair).
"""

from __future__ import annotations

import polars as pl

from allyscope.indicators.catalog import indicator
from allyscope.indicators.context import IndicatorContext
from allyscope.indicators.system import PairwiseDistance, YearDistribution
from allyscope.memo import once

# the years of UN votes in use: Voeten's roll calls, extended by the UN Digital Library's
# voting data once the user has brought it in (``allyscope data update unga_undl``)
from allyscope.panel.unvotes import splice_year, un_years
from allyscope.sources.store import derived, input_stamp, load, locate_optional, years_in_use

UN = ("un_votes", "un_roll_calls")
#: Fewer shared roll calls than this in a year make agreement too noisy to read (2020 had one).
MIN_JOINT = 10
IDEAL = ("voeten_idealpoints",)


def un_datasets(year: int) -> tuple[str, ...]:
    """Where a year's UN votes come from: Voeten's roll calls, or the UN Digital Library's
    voting data from the splice year on."""
    cut = splice_year()
    return ("unga_undl",) if cut is not None and year >= cut else UN


def un_similarity_all_years() -> pl.DataFrame:
    """UN vote similarity of every pair of states in every year (cached in the user cache,
    and read once per process and version of the votes)."""
    inputs = (*UN, "unga_undl") if splice_year() is not None else UN
    return _un_similarity_for(inputs, input_stamp(inputs))


@once
def _un_similarity_for(inputs: tuple[str, ...], stamp: object) -> pl.DataFrame:
    from allyscope.panel.unvotes import vote_similarity

    lo, hi = un_years()
    return derived("un_similarity", list(inputs), lambda: vote_similarity(list(range(lo, hi + 1))))


#: The UN Digital Library's Security Council votes (not bundled: ``allyscope data update
#: unsc_undl``)
SC = ("unsc_undl",)
#: Fewer shared Council resolutions than this in a year (two members sit together for a
#: whole year on some 40-70) make co-voting too thin to read.
MIN_SC_JOINT = 10


def sc_years() -> tuple[int, int]:
    """The years of Security Council votes in use (the spec's, until they are in the cache)."""
    return years_in_use(SC[0])


def _sc_similarity(ctx: IndicatorContext) -> pl.DataFrame | None:
    """Co-voting of the Council members sitting together, per pair and year (None without the
    Library's Security Council data in the cache)."""
    from allyscope.panel.unvotes import sc_vote_table, vote_similarity

    if locate_optional(SC[0]) is None:
        return None

    def compute() -> pl.DataFrame:
        lo, hi = sc_years()
        years = list(range(lo, hi + 1))
        t = derived(
            "unsc_similarity", list(SC), lambda: vote_similarity(years, votes=sc_vote_table(years))
        )
        return t.filter(pl.col("un_joint") >= MIN_SC_JOINT)

    return ctx.cached("unsc_similarity", compute)


def _un_similarity(ctx: IndicatorContext) -> pl.DataFrame:
    def compute() -> pl.DataFrame:
        t = un_similarity_all_years()
        return t.filter(
            pl.col("year").is_between(ctx.first_year - 10, ctx.last_year)
            & (pl.col("un_joint") >= MIN_JOINT)
        )

    return ctx.cached("un_similarity", compute)


def ideal_points() -> pl.DataFrame:
    """ccode, year, ideal (all-votes estimate; final-passage where the all-votes one ends)."""
    t = load("voeten_idealpoints", ["ccode", "year", "idealpointall", "idealpointfp"])
    has_all = t.group_by("year").agg(pl.col("idealpointall").is_not_null().any().alias("has_all"))
    t = t.join(has_all, on="year")
    return t.select(
        "ccode",
        "year",
        pl.when("has_all").then("idealpointall").otherwise("idealpointfp").alias("ideal"),
        pl.when("has_all").then(pl.lit("all")).otherwise(pl.lit("fp")).alias("ideal_measure"),
    ).drop_nulls("ideal")


def _ideal(ctx: IndicatorContext) -> pl.DataFrame:
    return ctx.cached("ideal_points", ideal_points)


@indicator(
    "un_agree",
    "diplomatic",
    UN,
    un_years,
    1,
    "share 0-1",
    "share of UNGA roll calls both voted on where their votes were identical "
    "(null when they shared fewer than 10 roll calls that year)",
    year_datasets=un_datasets,
)
def un_agree(ctx: IndicatorContext) -> pl.Series:
    return ctx.dyad_lookup(_un_similarity(ctx), "un_agree").alias("un_agree")


@indicator(
    "un_sscore",
    "diplomatic",
    UN,
    un_years,
    1,
    "S -1..1",
    "Signorino-Ritter S-score of the two vote vectors (yes=1, abstain=0.5, no=0)",
    year_datasets=un_datasets,
)
def un_sscore(ctx: IndicatorContext) -> pl.Series:
    return ctx.dyad_lookup(_un_similarity(ctx), "un_sscore").alias("un_sscore")


@indicator(
    "un_agree_pct",
    "diplomatic",
    UN,
    un_years,
    1,
    "percentile 0-1",
    "percentile of un_agree among all pairs of UN members that year",
    year_datasets=un_datasets,
)
def un_agree_pct(ctx: IndicatorContext) -> pl.Series:
    dist = ctx.cached(
        "un_agree_dist",
        lambda: YearDistribution(_un_similarity(ctx), "un_agree", years=ctx.col("year")),
    )
    return dist.percentile(ctx.col("year"), ctx.col("un_agree")).alias("un_agree_pct")


@indicator(
    "unsc_agree",
    "diplomatic",
    SC,
    sc_years,
    1,
    "share 0-1",
    "share of the Security Council resolutions adopted in the year on which both sat and voted "
    "where their votes were identical (null unless both sat and shared at least 10; reported, "
    "not read by the typology: most resolutions pass unanimously)",
)
def unsc_agree(ctx: IndicatorContext) -> pl.Series:
    t = _sc_similarity(ctx)
    if t is None:
        return pl.Series("unsc_agree", [None] * ctx.frame.height, dtype=pl.Float64)
    return ctx.dyad_lookup(t, "un_agree").alias("unsc_agree")


@indicator(
    "ideal_a",
    "diplomatic",
    IDEAL,
    (1946, 2024),
    0,
    "ideal point",
    "UNGA ideal point of a (all votes to 2023, final-passage votes in 2024)",
)
def ideal_a(ctx: IndicatorContext) -> pl.Series:
    return ctx.lookup(_ideal(ctx), ["a", "year"], ["ccode", "year"], "ideal").alias("ideal_a")


@indicator("ideal_b", "diplomatic", IDEAL, (1946, 2024), 0, "ideal point", "UNGA ideal point of b")
def ideal_b(ctx: IndicatorContext) -> pl.Series:
    return ctx.lookup(_ideal(ctx), ["b", "year"], ["ccode", "year"], "ideal").alias("ideal_b")


@indicator(
    "ideal_distance",
    "diplomatic",
    IDEAL,
    (1946, 2024),
    -1,
    "ideal-point units",
    "absolute distance between the two ideal points",
)
def ideal_distance(ctx: IndicatorContext) -> pl.Series:
    return ctx.eval((pl.col("ideal_a") - pl.col("ideal_b")).abs()).alias("ideal_distance")


@indicator(
    "ideal_closeness_pct",
    "diplomatic",
    IDEAL,
    (1946, 2024),
    1,
    "percentile 0-1",
    "share of all pairs of states that year whose ideal points are farther apart",
)
def ideal_closeness_pct(ctx: IndicatorContext) -> pl.Series:
    dist = ctx.cached("ideal_dist", lambda: PairwiseDistance(_ideal(ctx), "ideal"))
    pct = dist.percentile(ctx.col("year"), ctx.col("ideal_distance"))
    return (1.0 - pct).alias("ideal_closeness_pct")


@indicator(
    "ideal_source_break",
    "diplomatic",
    IDEAL,
    (1946, 2024),
    0,
    "0/1",
    "1 in years whose ideal points are final-passage estimates only (2024): a different "
    "measure from the all-votes series, so the assessment does not mix it into a trend",
)
def ideal_source_break(ctx: IndicatorContext) -> pl.Series:
    t = _ideal(ctx).group_by("year").agg((pl.col("ideal_measure") == "fp").all().alias("fp"))
    v = ctx.lookup(t, ["year"], ["year"], "fp")
    return v.cast(pl.Int8).alias("ideal_source_break")


@indicator(
    "ideal_trend",
    "diplomatic",
    IDEAL,
    (1951, 2024),
    -1,
    "units per year",
    "change of ideal_distance per year over the last five years (negative: converging)",
)
def ideal_trend(ctx: IndicatorContext) -> pl.Series:
    d = pl.col("ideal_distance")
    return ctx.per_dyad((d - d.shift(5)) / 5.0).alias("ideal_trend")


def _third_table(ctx: IndicatorContext) -> pl.DataFrame:
    """ccode, year, d3 = |ideal - ideal of the third party| for every state-year."""

    def table() -> pl.DataFrame:
        ip = _ideal(ctx)
        third = ip.filter(pl.col("ccode") == ctx.third).select("year", pl.col("ideal").alias("t"))
        return ip.join(third, on="year").with_columns(
            (pl.col("ideal") - pl.col("t")).abs().alias("d3")
        )

    return ctx.cached("third_table", table)


def _third_distance_pct(ctx: IndicatorContext, side: str) -> pl.Series:
    """Percentile (1 = farthest) of side's ideal-point distance from the third party."""
    if ctx.third is None:
        return pl.Series(f"third_far_{side}", [None] * ctx.frame.height, dtype=pl.Float64)
    t = _third_table(ctx)
    dist = ctx.cached(
        "third_dist", lambda: YearDistribution(t.filter(pl.col("ccode") != ctx.third), "d3")
    )
    d = ctx.lookup(t, [side, "year"], ["ccode", "year"], "d3")
    pct = dist.percentile(ctx.col("year"), d)
    is_third = ctx.col(side) == ctx.third
    return (
        pl.select(pl.when(is_third).then(None).otherwise(pct))
        .to_series()
        .alias(f"third_far_{side}")
    )


@indicator(
    "third_far_a",
    "diplomatic",
    IDEAL,
    (1946, 2024),
    0,
    "percentile 0-1",
    "how far a stands from the reference third party (default USA) among all states that year",
)
def third_far_a(ctx: IndicatorContext) -> pl.Series:
    return _third_distance_pct(ctx, "a")


@indicator(
    "third_far_b",
    "diplomatic",
    IDEAL,
    (1946, 2024),
    0,
    "percentile 0-1",
    "how far b stands from the reference third party among all states that year",
)
def third_far_b(ctx: IndicatorContext) -> pl.Series:
    return _third_distance_pct(ctx, "b")


@indicator(
    "third_opposition",
    "diplomatic",
    IDEAL,
    (1946, 2024),
    1,
    "percentile 0-1",
    "the lower of third_far_a and third_far_b: both far from the third party (null when "
    "either side has no ideal point or is the third party)",
)
def third_opposition(ctx: IndicatorContext) -> pl.Series:
    both = pl.col("third_far_a").is_not_null() & pl.col("third_far_b").is_not_null()
    return ctx.eval(pl.when(both).then(pl.min_horizontal("third_far_a", "third_far_b"))).alias(
        "third_opposition"
    )


@indicator(
    "third_comovement",
    "diplomatic",
    IDEAL,
    (1955, 2024),
    1,
    "correlation -1..1",
    "correlation over the last ten years of the two sides' distances from the third party",
)
def third_comovement(ctx: IndicatorContext) -> pl.Series:
    def dist3(side: str) -> pl.Series:
        if ctx.third is None:
            return pl.Series([None] * ctx.frame.height, dtype=pl.Float64)
        return ctx.lookup(_third_table(ctx), [side, "year"], ["ccode", "year"], "d3")

    f = ctx.frame.select("a", "b").with_columns(da=dist3("a"), db=dist3("b"))
    corr = pl.rolling_corr("da", "db", window_size=10, min_samples=5).over("a", "b")
    r = f.select(
        pl.when(pl.col("da").is_not_null() & pl.col("db").is_not_null()).then(corr)
    ).to_series()
    return r.fill_nan(None).alias("third_comovement")


# ---- what each says of the other in the UN General Debate (bundled speeches of 20 states)

UNGD = ("ungd_mentions",)


def _ungd_table() -> pl.DataFrame:
    return load("ungd_mentions").with_columns(
        share=pl.col("mentions").cast(pl.Float64) / pl.col("passages").cast(pl.Float64)
    )


def _ungd_share(ctx: IndicatorContext, reverse: bool) -> pl.Series:
    speaker, target = ("b", "a") if reverse else ("a", "b")
    table = ctx.cached("ungd_mentions", _ungd_table)
    return ctx.lookup(table, [speaker, target, "year"], ["ccode1", "ccode2", "year"], "share")


@indicator(
    "ungd_salience_ab",
    "diplomatic",
    UNGD,
    (1946, 2024),
    0,
    "share 0-1",
    "share of a's UN General Debate passages that name b (null where the bundled corpus, "
    "20 states, has no speech by a that year); attention, friendly or hostile",
)
def ungd_salience_ab(ctx: IndicatorContext) -> pl.Series:
    return _ungd_share(ctx, reverse=False).alias("ungd_salience_ab")


@indicator(
    "ungd_salience_ba",
    "diplomatic",
    UNGD,
    (1946, 2024),
    0,
    "share 0-1",
    "share of b's UN General Debate passages that name a (null where the bundled corpus, "
    "20 states, has no speech by b that year); attention, friendly or hostile",
)
def ungd_salience_ba(ctx: IndicatorContext) -> pl.Series:
    return _ungd_share(ctx, reverse=True).alias("ungd_salience_ba")
