"""Security dimension: alliance provisions, arms transfers, disputes, rivalries, shared threats.

ATOP provisions are reported as coded (to 2018); carrying them forward is a rule of the
assessment, not of the indicator. Arms: SIPRI trade-register deliveries with each deal's
TIV split evenly over its delivery years; shares are over five-year windows because
deliveries are lumpy.
"""

from __future__ import annotations

import polars as pl

from allyscope.indicators import eventdata as ev
from allyscope.indicators.catalog import TREATY_REGISTRY, indicator
from allyscope.indicators.context import WINDOW, IndicatorContext
from allyscope.indicators.treaties import dyad_year_features, shared_memberships
from allyscope.sources.store import load

ATOP = ("atop",)
ARMS = ("sipri_transfers",)
MIDS = ("cow_mid",)
TSS = ("tss_rivalries",)


def _atop(column: str, what: str) -> None:
    @indicator(
        column,
        "security",
        ATOP,
        (1815, 2018),
        1,
        "0/1",
        f"1 if an ATOP alliance with a {what} pledge is in force",
    )
    def _f(ctx: IndicatorContext) -> pl.Series:
        return ctx.col(column)


for _c, _w in (
    ("atop_defense", "defence"),
    ("atop_offense", "offence"),
    ("atop_neutral", "neutrality"),
    ("atop_nonagg", "non-aggression"),
    ("atop_consul", "consultation"),
):
    _atop(_c, _w)


@indicator(
    "arms_ab",
    "security",
    ARMS,
    (1950, 2024),
    1,
    "TIV million",
    "major arms delivered by a to b in the year",
)
def arms_ab(ctx: IndicatorContext) -> pl.Series:
    return ctx.col("arms_tiv2").alias("arms_ab")


@indicator(
    "arms_ba",
    "security",
    ARMS,
    (1950, 2024),
    1,
    "TIV million",
    "major arms delivered by b to a in the year",
)
def arms_ba(ctx: IndicatorContext) -> pl.Series:
    return ctx.col("arms_tiv1").alias("arms_ba")


def arms_imports() -> pl.DataFrame:
    """ccode, year, tiv: all major arms delivered to a state in a year (same split as the panel)."""
    t = load(
        "sipri_transfers",
        ["recipient_ccode", "years_of_delivery", "sipri_tiv_of_delivered_weapons"],
    )
    t = t.drop_nulls(["recipient_ccode", "years_of_delivery"]).with_columns(
        ys=pl.col("years_of_delivery").str.split("; ")
    )
    t = t.with_columns(
        share=pl.col("sipri_tiv_of_delivered_weapons") / pl.col("ys").list.len()
    ).explode("ys")
    return t.group_by(
        pl.col("recipient_ccode").alias("ccode"), pl.col("ys").cast(pl.Int16).alias("year")
    ).agg(tiv=pl.col("share").sum())


def _window_sum(x: pl.Expr) -> pl.Expr:
    """Sum of ``x`` over the dyad's last ``WINDOW`` years (this one included); null when
    all of them are null.

    The years are added one by one in a fixed order, so a year's sum depends only on its
    own window: a rolling sum carries float residue from the rows it has dropped (about
    1e-16, which made 0/0 shares infinite and a year's value depend on the years asked).
    """
    year = pl.col("year")
    terms = [
        pl.when(year.shift(k) > year - WINDOW).then(x.shift(k)).over("a", "b")
        for k in range(WINDOW)
    ]
    return pl.when(pl.sum_horizontal(t.is_not_null() for t in terms) > 0).then(
        pl.sum_horizontal(terms)
    )


def _window_share(ctx: IndicatorContext, flow: str, recipient: str) -> pl.Series:
    imports = ctx.cached("arms_imports", arms_imports)
    total = ctx.lookup(imports, [recipient, "year"], ["ccode", "year"], "tiv")
    in_cov = ctx.col("year").is_between(1950, 2024)
    f = ctx.frame.select("a", "b", "year", pl.col(flow).alias("x")).with_columns(
        tot=pl.when(in_cov).then(total.fill_null(0.0)).otherwise(None)
    )
    # no imports in the window: the share is undefined (null), never x / 0
    num, den = _window_sum(pl.col("x")), _window_sum(pl.col("tot"))
    return f.select(pl.when(pl.col("x").is_not_null() & (den > 0)).then(num / den)).to_series()


@indicator(
    "arms_share_b_from_a",
    "security",
    ARMS,
    (1950, 2024),
    1,
    "share 0-1",
    "share of b's major-arms imports supplied by a over the last five years",
)
def arms_share_b_from_a(ctx: IndicatorContext) -> pl.Series:
    return _window_share(ctx, "arms_ab", "b").alias("arms_share_b_from_a")


@indicator(
    "arms_share_a_from_b",
    "security",
    ARMS,
    (1950, 2024),
    1,
    "share 0-1",
    "share of a's major-arms imports supplied by b over the last five years",
)
def arms_share_a_from_b(ctx: IndicatorContext) -> pl.Series:
    return _window_share(ctx, "arms_ba", "a").alias("arms_share_a_from_b")


@indicator(
    "arms_recent",
    "security",
    ARMS,
    (1950, 2024),
    1,
    "TIV million",
    "major arms delivered in either direction over the last five years",
)
def arms_recent(ctx: IndicatorContext) -> pl.Series:
    x = pl.col("arms_ab") + pl.col("arms_ba")
    return ctx.eval(pl.when(pl.col("arms_ab").is_not_null()).then(_window_sum(x))).alias(
        "arms_recent"
    )


@indicator(
    "mid_ongoing",
    "security",
    MIDS,
    (1816, 2014),
    -1,
    "0/1",
    "1 if a militarised interstate dispute between them is ongoing",
)
def mid_ongoing(ctx: IndicatorContext) -> pl.Series:
    return ctx.col("cowmidongoing").cast(pl.Int8).alias("mid_ongoing")


@indicator(
    "mid_hostility",
    "security",
    MIDS,
    (1816, 2014),
    -1,
    "level 0-5",
    "highest hostility level either side reached in their disputes that year (0 if none; 4 use of force, 5 war)",
)
def mid_hostility(ctx: IndicatorContext) -> pl.Series:
    h = pl.max_horizontal("cowmid_hostlev1", "cowmid_hostlev2")
    return ctx.eval(
        pl.when(pl.col("cowmidongoing").is_null()).then(None).otherwise(h.fill_null(0))
    ).alias("mid_hostility")


@indicator(
    "strategic_rivalry",
    "security",
    ("tss_rivalries", "td_rivalries"),
    (1816, 2020),
    -1,
    "0/1",
    "1 if Thompson's strategic rivalry data list them as rivals that year",
)
def strategic_rivalry(ctx: IndicatorContext) -> pl.Series:
    r = pl.max_horizontal("tss_rivalry", "td_rivalry")
    return ctx.eval(r.cast(pl.Int8)).alias("strategic_rivalry")


def _rivals() -> pl.DataFrame:
    """ccode, rival, year for every strategic rivalry-year (both orders)."""
    t = load("tss_rivalries", ["ccode1", "ccode2", "start", "end"]).with_columns(
        pl.col("end").fill_null(2020)
    )
    t = t.select(
        "ccode1", "ccode2", pl.int_ranges("start", pl.col("end") + 1).alias("year")
    ).explode("year")
    both = pl.concat(
        [t, t.select(pl.col("ccode2").alias("ccode1"), pl.col("ccode1").alias("ccode2"), "year")]
    )
    return both.rename({"ccode1": "ccode", "ccode2": "rival"}).with_columns(
        pl.col("year").cast(pl.Int16)
    )


def _opponents() -> pl.DataFrame:
    """ccode, rival, year: states on opposite sides of a militarised dispute that year."""
    m = load("cow_mid", ["ccode1", "ccode2", "year"]).unique()
    return m.rename({"ccode1": "ccode", "ccode2": "rival"}).with_columns(
        pl.col("year").cast(pl.Int16)
    )


def _common(
    ctx: IndicatorContext, key: str, table: pl.DataFrame, name: str, coverage: tuple[int, int]
) -> pl.Series:
    def compute() -> pl.DataFrame:
        t = table.with_columns(pl.col("ccode", "rival").cast(pl.Int16))
        pairs = (
            t.join(t.select(pl.col("ccode").alias("other"), "rival", "year"), on=["rival", "year"])
            .filter((pl.col("ccode") < pl.col("other")) & (pl.col("other") != pl.col("rival")))
            .filter(pl.col("ccode") != pl.col("rival"))
            .group_by(pl.col("ccode").alias("ccode1"), pl.col("other").alias("ccode2"), "year")
            .agg(n=pl.col("rival").n_unique())
        )
        return pairs

    pairs = ctx.cached(key, compute)
    n = ctx.dyad_lookup(pairs, "n").fill_null(0)
    in_cov = ctx.col("year").is_between(*coverage)
    return pl.select(pl.when(in_cov).then(n).otherwise(None)).to_series().cast(pl.Int16).alias(name)


@indicator(
    "common_rivals",
    "security",
    TSS,
    (1816, 2020),
    1,
    "count",
    "third states that are strategic rivals of both (shared threat)",
)
def common_rivals(ctx: IndicatorContext) -> pl.Series:
    return _common(ctx, "common_rivals", _rivals(), "common_rivals", (1816, 2020))


@indicator(
    "common_opponents",
    "security",
    MIDS,
    (1816, 2014),
    1,
    "count",
    "third states both were in militarised disputes with that year (shared enemy)",
)
def common_opponents(ctx: IndicatorContext) -> pl.Series:
    return _common(ctx, "common_opponents", _opponents(), "common_opponents", (1816, 2014))


@indicator(
    "reg_defence",
    "security",
    (TREATY_REGISTRY,),
    (1816, 2025),
    1,
    "0/1",
    "1 if a bilateral treaty with a mutual-defence (or offence) clause is in force, "
    "or both belong to an organisation whose treaty has one (NATO, CSTO)",
)
def reg_defence(ctx: IndicatorContext) -> pl.Series:
    f = dyad_year_features(ctx)
    m = shared_memberships(ctx)
    out = pl.select(
        pl.when(m["shared_defence_org"] | f["reg_defence"].fill_null(False))
        .then(1)
        .when(f["reg_defence"].is_null())
        .then(None)
        .otherwise(0)
    ).to_series()
    return out.cast(pl.Int8).alias("reg_defence")


@indicator(
    "reg_military",
    "security",
    (TREATY_REGISTRY,),
    (1816, 2025),
    1,
    "0/1",
    "1 if the registry records military cooperation (exercises, basing, arms agreements) in the last five years",
)
def reg_military(ctx: IndicatorContext) -> pl.Series:
    return dyad_year_features(ctx)["reg_military"].cast(pl.Int8).alias("reg_military")


@indicator(
    "reg_conflict",
    "security",
    (TREATY_REGISTRY,),
    (1816, 2025),
    -1,
    "0/1",
    "1 if the registry records an armed clash or hostile incident between them that year",
)
def reg_conflict(ctx: IndicatorContext) -> pl.Series:
    return dyad_year_features(ctx)["reg_conflict"].cast(pl.Int8).alias("reg_conflict")


@indicator(
    "cinc_a",
    "security",
    ("cow_nmc",),
    (1816, 2022),
    0,
    "share 0-1",
    "a's Composite Index of National Capability (share of world capabilities)",
)
def cinc_a(ctx: IndicatorContext) -> pl.Series:
    return ctx.col("cinc1").alias("cinc_a")


@indicator(
    "cinc_b",
    "security",
    ("cow_nmc",),
    (1816, 2022),
    0,
    "share 0-1",
    "b's Composite Index of National Capability",
)
def cinc_b(ctx: IndicatorContext) -> pl.Series:
    return ctx.col("cinc2").alias("cinc_b")


@indicator(
    "reg_sanctions",
    "security",
    (TREATY_REGISTRY,),
    (1816, 2025),
    -1,
    "0/1",
    "1 if sanctions one side imposes or votes for against the other are in force (registry)",
)
def reg_sanctions(ctx: IndicatorContext) -> pl.Series:
    return dyad_year_features(ctx)["reg_sanctions"].cast(pl.Int8).alias("reg_sanctions")


# ---- from the events aggregation (allyscope.events) of the bundled ICEWS 2014 sample


@indicator(
    "ev_matl_coop",
    "security",
    ev.EVENTS,
    ev.COVERAGE,
    1,
    "events",
    "material cooperation events between them (CAMEO 06-08: cooperate, provide aid, yield), "
    "both directions (ICEWS 2014 sample; 0 inside its coverage when none)",
)
def ev_matl_coop(ctx: IndicatorContext) -> pl.Series:
    return ev.pair_count(ctx, "matl_coop").alias("ev_matl_coop")


@indicator(
    "ev_matl_conf_share",
    "security",
    ev.EVENTS,
    ev.COVERAGE,
    -1,
    "share 0-1",
    "material conflict (CAMEO 14-20: protest, force posture, reduced relations, coercion, "
    "assault, fighting) as a share of their events, both directions (ICEWS 2014 sample)",
)
def ev_matl_conf_share(ctx: IndicatorContext) -> pl.Series:
    conf = ev.pair_count(ctx, "matl_conf")
    events = ev.pair_count(ctx, "events")
    return (
        pl.select(pl.when(events > 0).then(conf / events)).to_series().alias("ev_matl_conf_share")
    )
