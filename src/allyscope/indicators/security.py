"""Security dimension: alliance provisions, arms transfers, disputes, rivalries, shared threats.

ATOP provisions are reported as coded (to 2018); carrying them forward is a rule of the
assessment, not of the indicator. Arms: SIPRI trade-register deliveries with each deal's
TIV split evenly over its delivery years; shares are over five-year windows because
deliveries are lumpy.
"""

from __future__ import annotations

import datetime as _dt

import polars as pl

from allyscope.indicators import eventdata as ev
from allyscope.indicators.catalog import TREATY_REGISTRY, indicator
from allyscope.indicators.context import WINDOW, IndicatorContext, lag
from allyscope.indicators.treaties import dyad_year_features, shared_memberships
from allyscope.sources import evidence
from allyscope.sources.store import load

ATOP = ("atop",)
#: The evidence registries and carried rivalries reach the current year.
CURRENT_YEAR = _dt.date.today().year
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
    # the frame is sorted by dyad, then year (build_context): the rows above are its years
    terms = [pl.when(lag(year, k) > year - WINDOW).then(lag(x, k)) for k in range(WINDOW)]
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
    # a rolling sum of floats can leave a residue of ~1e-16 where the true total is 0: a
    # share of (almost) nothing is no share at all (null), never Infinity
    num = pl.col("x").rolling_sum(WINDOW, min_samples=1).over("a", "b", order_by="year")
    den = pl.col("tot").rolling_sum(WINDOW, min_samples=1).over("a", "b", order_by="year")
    r = f.select(
        pl.when(pl.col("x").is_not_null() & (den > MIN_TOTAL_TIV)).then((num / den).clip(0.0, 1.0))
    ).to_series()
    return r.fill_nan(None)


#: Arms imports (TIV million over the window) below which no share is computed.
MIN_TOTAL_TIV = 1e-6


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
    ("evidence_registry",),
    (1946, CURRENT_YEAR),
    1,
    "0/1",
    "1 if the evidence registry records defence cooperation bearing on the year (an agreement "
    "signed in the last five years, joint practice, forces, joint operations)",
)
def reg_military(ctx: IndicatorContext) -> pl.Series:
    from allyscope.indicators.registries import evidence_features

    lvl = evidence_features(ctx)["reg_defence_level"]
    return (
        pl.select(pl.when(lvl.is_not_null()).then((lvl >= 1).cast(pl.Int8)))
        .to_series()
        .alias("reg_military")
    )


@indicator(
    "reg_conflict",
    "security",
    ("evidence_registry",),
    (1946, CURRENT_YEAR),
    -1,
    "0/1",
    "1 if the evidence registry records an armed clash or war between them bearing on the year",
)
def reg_conflict(ctx: IndicatorContext) -> pl.Series:
    from allyscope.indicators.registries import evidence_features

    return evidence_features(ctx)["reg_conflict"].cast(pl.Int8).alias("reg_conflict")


def _unsettled_wars() -> pl.DataFrame:
    """ccode1, ccode2, year: years after a war between them that one side's coercion, in force
    when the war ended or begun within a year of its end, still covers (the registry's rows
    only, so the value of a year does not depend on how many years are read)."""
    from allyscope.indicators.registries import row_years

    e = evidence.evidence().filter(
        (pl.col("kind") == "friction") & pl.col("a_org").is_null() & (pl.col("a") != pl.col("b"))
    )
    e = e.with_columns(
        lo=pl.min_horizontal("a", "b").cast(pl.Int16), hi=pl.max_horizontal("a", "b").cast(pl.Int16)
    )
    wars = e.filter((pl.col("subkind") == "war") & pl.col("end_date").is_not_null()).select(
        "lo", "hi", pl.col("end_date").dt.year().alias("war_end")
    )
    coercion = e.filter(
        (pl.col("level") >= 2) & ~pl.col("subkind").is_in(["war", "clash"]) & ~pl.col("end_unknown")
    ).select(
        "lo",
        "hi",
        "id",
        pl.col("start_date").dt.year().alias("c_start"),
        pl.col("end_date").dt.year().alias("c_end"),
    )
    kept = wars.join(coercion, on=["lo", "hi"]).filter(
        (pl.col("c_start") <= pl.col("war_end") + 1)
        & (pl.col("c_end").is_null() | (pl.col("c_end") > pl.col("war_end")))
    )
    years = row_years().select("id", "year")
    return (
        kept.join(years, on="id")
        .filter(pl.col("year") > pl.col("war_end"))
        .select(pl.col("lo").alias("ccode1"), pl.col("hi").alias("ccode2"), "year")
        .unique()
        .with_columns(n=pl.lit(1, dtype=pl.Int8))
    )


@indicator(
    "unsettled_war",
    "security",
    ("evidence_registry",),
    (1946, CURRENT_YEAR),
    -1,
    "0/1",
    "1 if they fought a war and coercion by one of them that was in force when it ended (or "
    "began within a year) still bears on the year: no settlement, the war's hostility goes on",
)
def unsettled_war(ctx: IndicatorContext) -> pl.Series:
    t = ctx.cached("unsettled_war", _unsettled_wars)
    return ctx.dyad_lookup(t, "n").fill_null(0).cast(pl.Int8).alias("unsettled_war")


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
    ("evidence_registry",),
    (1946, CURRENT_YEAR),
    -1,
    "0/1",
    "1 if sanctions or an embargo of one on the other bear on the year (evidence registry; "
    "an organisation's measures are not counted as the member's own)",
)
def reg_sanctions(ctx: IndicatorContext) -> pl.Series:
    from allyscope.indicators.registries import evidence_features

    return evidence_features(ctx)["reg_sanctions"].cast(pl.Int8).alias("reg_sanctions")


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
    year_datasets=ev.year_datasets,
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
    year_datasets=ev.year_datasets,
)
def ev_matl_conf_share(ctx: IndicatorContext) -> pl.Series:
    conf = ev.pair_count(ctx, "matl_conf")
    events = ev.pair_count(ctx, "events")
    return (
        pl.select(pl.when(events > 0).then(conf / events)).to_series().alias("ev_matl_conf_share")
    )


# ---- v2: co-belligerence, threats both face over a window, arms dependence with a floor


def _force_sides() -> pl.DataFrame:
    """dispnum, year, ccode, side: states that used force (hostility level 4-5) in a dispute."""
    m = load("cow_mid_disputes", ["dispnum", "ccode1", "year", "sidea1", "hostlev1"])
    return (
        m.filter(pl.col("hostlev1") >= 4)
        .select(
            "dispnum",
            pl.col("year").cast(pl.Int16),
            pl.col("ccode1").cast(pl.Int16).alias("ccode"),
            pl.col("sidea1").alias("side"),
        )
        .unique()
    )


@indicator(
    "cobelligerent",
    "security",
    ("cow_mid_disputes",),
    (1816, 2014),
    1,
    "0/1",
    "1 if both used force (hostility level 4 or 5) on the same side of the same militarised "
    "dispute that year, else 0",
)
def cobelligerent(ctx: IndicatorContext) -> pl.Series:
    def compute() -> pl.DataFrame:
        f = _force_sides()
        pairs = f.join(f, on=["dispnum", "year", "side"], suffix="_2").filter(
            pl.col("ccode") < pl.col("ccode_2")
        )
        return (
            pairs.select(pl.col("ccode").alias("ccode1"), pl.col("ccode_2").alias("ccode2"), "year")
            .unique()
            .with_columns(v=pl.lit(1, dtype=pl.Int8))
        )

    t = ctx.cached("cobelligerent", compute)
    v = ctx.dyad_lookup(t, "v").fill_null(0)
    in_cov = ctx.col("year").is_between(1816, 2014)
    return pl.select(pl.when(in_cov).then(v)).to_series().cast(pl.Int8).alias("cobelligerent")


def _direct_hostility() -> pl.DataFrame:
    """ccode1 < ccode2, year, level: hostility of disputes that set the two against each other.

    COW-MID's dyadic files pair every state on one side of a multilateral dispute with every
    state on the other ("naive" dyads), so a coalition member is paired with opponents it
    never confronted. A dispute counts here when it has one state on each side (then the
    higher of the two hostility levels), or when both used force in it (then the lower).
    """
    m = load(
        "cow_mid_disputes",
        ["dispnum", "ccode1", "ccode2", "year", "sidea1", "hostlev1", "hostlev2"],
    )
    sizes = m.group_by("dispnum", "sidea1").agg(n=pl.col("ccode1").n_unique())
    bilateral = sizes.group_by("dispnum").agg(two=(pl.col("n").max() == 1) & (pl.len() == 2))
    m = m.join(bilateral, on="dispnum", how="left").filter(pl.col("ccode1") < pl.col("ccode2"))
    level = (
        pl.when(pl.col("two"))
        .then(pl.max_horizontal("hostlev1", "hostlev2"))
        .when(pl.min_horizontal("hostlev1", "hostlev2") >= 4)
        .then(pl.min_horizontal("hostlev1", "hostlev2"))
    )
    return (
        m.with_columns(level=level)
        .drop_nulls("level")
        .group_by("ccode1", "ccode2", "year")
        .agg(pl.col("level").max().cast(pl.Int8))
    )


@indicator(
    "mid_direct_hostility",
    "security",
    ("cow_mid_disputes",),
    (1816, 2014),
    -1,
    "level 0-5",
    "highest hostility of the militarised disputes that set them directly against each other "
    "that year: a two-state dispute, or a multilateral one in which both used force (0 if none); "
    "COW-MID's naive pairing of every member of a coalition with every opponent is left out",
)
def mid_direct_hostility(ctx: IndicatorContext) -> pl.Series:
    t = ctx.cached("direct_hostility", _direct_hostility)
    v = ctx.dyad_lookup(t, "level").fill_null(0)
    in_cov = ctx.col("year").is_between(1816, 2014)
    return (
        pl.select(pl.when(in_cov).then(v)).to_series().cast(pl.Int8).alias("mid_direct_hostility")
    )


#: Years over which a threat must recur to count (a state faces T when T is its listed
#: strategic rival, or when they had militarised disputes in THREAT_MIN_YEARS of the last
#: THREAT_WINDOW years, or a war, a clash or severed relations in the registries).
THREAT_WINDOW = 5
THREAT_MIN_YEARS = 2
RIVALRY_CARRY_TO = CURRENT_YEAR


def threat_table() -> pl.DataFrame:
    """ccode, threat, year, carried: state ``ccode`` faces ``threat`` in ``year``.

    Sources: strategic rivalries (Thompson et al.; rivalries open at the data's end, 2020,
    are carried to the present and flagged ``carried``), COW-MID disputes that set the two
    directly against each other (:func:`_direct_hostility`; to 2014), and armed clashes and
    wars in the evidence registry (to the present), when they recur: two hostile years in
    five. Severed relations alone are not a threat: a state that breaks with another in
    solidarity with a third does not face it in arms.
    """
    from allyscope.indicators.registries import row_years

    riv = load("tss_rivalries", ["ccode1", "ccode2", "start", "end"])
    riv = riv.with_columns(
        carried=pl.col("end").is_null() | (pl.col("end") >= 2020),
        end=pl.when(pl.col("end").is_null() | (pl.col("end") >= 2020))
        .then(pl.lit(RIVALRY_CARRY_TO))
        .otherwise(pl.col("end")),
    )
    riv = riv.select(
        "ccode1", "ccode2", "carried", pl.int_ranges("start", pl.col("end") + 1).alias("year")
    ).explode("year")
    riv = riv.with_columns(carried=pl.col("carried") & (pl.col("year") > 2020))
    mids = _direct_hostility().select("ccode1", "ccode2", "year")
    reg = (
        row_years()
        .filter((pl.col("kind") == "friction") & pl.col("subkind").is_in(["clash", "war"]))
        .select(pl.col("lo").alias("ccode1"), pl.col("hi").alias("ccode2"), "year")
    )
    events = pl.concat(
        [
            mids.with_columns(pl.col("ccode1", "ccode2", "year").cast(pl.Int16)),
            reg.with_columns(pl.col("ccode1", "ccode2", "year").cast(pl.Int16)),
        ]
    )
    return threats_from(riv, events)


def _both_orders(df: pl.DataFrame, *rest: str) -> pl.DataFrame:
    flipped = df.select(pl.col("ccode2").alias("ccode1"), pl.col("ccode1").alias("ccode2"), *rest)
    return pl.concat([df.select("ccode1", "ccode2", *rest), flipped])


def threats_from(rivalries: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """ccode, threat, year, carried from rivalry-years (ccode1, ccode2, year, carried) and
    hostile dyad-years (ccode1, ccode2, year).

    A state faces another in a year when they are listed rivals that year, or when their
    hostile years in the last ``THREAT_WINDOW`` years number at least ``THREAT_MIN_YEARS``:
    a threat is faced over several years (TYPOLOGY.md); one year's dispute, even one in which
    a ship was fired on, is a coincidence, not a threat.
    """
    ev = _both_orders(
        events.select(pl.col("ccode1", "ccode2", "year").cast(pl.Int16)), "year"
    ).unique()
    win = pl.int_ranges(pl.col("year"), pl.col("year") + THREAT_WINDOW).alias("until")
    spread = ev.select("ccode1", "ccode2", win, pl.col("year").alias("y0")).explode("until")
    rec = (
        spread.group_by("ccode1", "ccode2", pl.col("until").cast(pl.Int16).alias("year"))
        .agg(n=pl.col("y0").n_unique())
        .filter(pl.col("n") >= THREAT_MIN_YEARS)
    )
    riv = _both_orders(
        rivalries.with_columns(pl.col("ccode1", "ccode2", "year").cast(pl.Int16)), "year", "carried"
    )
    both = pl.concat(
        [
            riv.select("ccode1", "ccode2", "year", "carried"),
            rec.select("ccode1", "ccode2", "year", carried=pl.lit(False)),
        ]
    )
    return both.group_by(
        pl.col("ccode1").alias("ccode"), pl.col("ccode2").alias("threat"), "year"
    ).agg(carried=pl.col("carried").all())


def common_threat_pairs(threats: pl.DataFrame) -> pl.DataFrame:
    """ccode1 < ccode2, year, n, carried: third states both face (never one of the two)."""
    return (
        threats.join(threats, on=["threat", "year"], suffix="_2")
        .filter(
            (pl.col("ccode") < pl.col("ccode_2"))
            & (pl.col("threat") != pl.col("ccode"))
            & (pl.col("threat") != pl.col("ccode_2"))
        )
        .group_by(pl.col("ccode").alias("ccode1"), pl.col("ccode_2").alias("ccode2"), "year")
        .agg(
            n=pl.col("threat").n_unique(),
            carried=(pl.col("carried") | pl.col("carried_2")).all(),
        )
    )


@indicator(
    "common_threats",
    "security",
    ("tss_rivalries", "cow_mid", "evidence_registry"),
    (1816, RIVALRY_CARRY_TO),
    1,
    "count",
    "third states both face as a threat that year: a listed strategic rival, or recurring "
    "hostility (militarised disputes, or clashes and wars in the friction registry, in two of "
    "the last five years); never one another",
)
def common_threats(ctx: IndicatorContext) -> pl.Series:
    def compute() -> pl.DataFrame:
        return common_threat_pairs(threat_table())

    t = ctx.cached("common_threats", compute)
    n = ctx.dyad_lookup(t, "n").fill_null(0)
    return n.cast(pl.Int16).alias("common_threats")


#: An arms share counts as dependence only when the supplier delivered at least this much
#: (SIPRI TIV, million) over the five-year window.
MIN_ARMS_TIV = 100.0


def _gated_share(ctx: IndicatorContext, flow: str, share: str) -> pl.Series:
    x = ctx.per_dyad(pl.col(flow).fill_null(0.0).rolling_sum(WINDOW, min_samples=1))
    return pl.select(
        pl.when(ctx.col(share).is_null())
        .then(None)
        .when(x >= MIN_ARMS_TIV)
        .then(ctx.col(share))
        .otherwise(0.0)
    ).to_series()


@indicator(
    "arms_dep_a",
    "security",
    ARMS,
    (1950, 2024),
    1,
    "share 0-1",
    "a's dependence on b for arms: arms_share_a_from_b, counted only where b delivered at "
    f"least {MIN_ARMS_TIV:.0f} TIV million to a over the five years (0 below that floor)",
)
def arms_dep_a(ctx: IndicatorContext) -> pl.Series:
    return _gated_share(ctx, "arms_ba", "arms_share_a_from_b").alias("arms_dep_a")


@indicator(
    "arms_dep_b",
    "security",
    ARMS,
    (1950, 2024),
    1,
    "share 0-1",
    "b's dependence on a for arms: arms_share_b_from_a, counted only where a delivered at "
    f"least {MIN_ARMS_TIV:.0f} TIV million to b over the five years (0 below that floor)",
)
def arms_dep_b(ctx: IndicatorContext) -> pl.Series:
    return _gated_share(ctx, "arms_ab", "arms_share_b_from_a").alias("arms_dep_b")


@indicator(
    "arms_dependence",
    "security",
    ARMS,
    (1950, 2024),
    1,
    "share 0-1",
    "the larger of arms_dep_a and arms_dep_b: either side's arms share from the other, "
    f"counted only where the supplier delivered at least {MIN_ARMS_TIV:.0f} TIV million over "
    "the five years",
)
def arms_dependence(ctx: IndicatorContext) -> pl.Series:
    return ctx.eval(pl.max_horizontal("arms_dep_a", "arms_dep_b")).alias("arms_dependence")


# ---- the evidence registries (partnership, defence cooperation, friction)


@indicator(
    "reg_defence_coop",
    "security",
    ("evidence_registry",),
    (1946, CURRENT_YEAR),
    1,
    "level 0-3",
    "highest defence cooperation bearing on the year: 1 an agreement on paper (the year it is "
    "signed and four more), 2 joint practice (exercises, training missions, status of forces, "
    "co-production), 3 forces on the other's territory or joint operations (0 when none)",
)
def reg_defence_coop(ctx: IndicatorContext) -> pl.Series:
    from allyscope.indicators.registries import evidence_features

    return evidence_features(ctx)["reg_defence_level"].alias("reg_defence_coop")


@indicator(
    "reg_friction",
    "security",
    ("evidence_registry",),
    (1946, CURRENT_YEAR),
    -1,
    "level 0-4",
    "highest friction bearing on the year: 1 expulsions or recalls, 2 sanctions, embargoes, "
    "border closures, hostile designations or downgraded relations, 3 severed relations or an "
    "armed clash, 4 war (0 when none)",
)
def reg_friction(ctx: IndicatorContext) -> pl.Series:
    from allyscope.indicators.registries import evidence_features

    return evidence_features(ctx)["reg_friction_level"].alias("reg_friction")


@indicator(
    "reg_designation",
    "security",
    ("evidence_registry",),
    (1946, CURRENT_YEAR),
    1,
    "0/1",
    "1 if one side designates the other a privileged defence partner (US Major Non-NATO Ally, "
    "Major Defense Partner): a unilateral act, not a declared partnership",
)
def reg_designation(ctx: IndicatorContext) -> pl.Series:
    from allyscope.indicators.registries import evidence_features

    return evidence_features(ctx)["reg_designation"].cast(pl.Int8).alias("reg_designation")


@indicator(
    "shared_defence_org",
    "security",
    (TREATY_REGISTRY,),
    (1949, CURRENT_YEAR),
    1,
    "0/1",
    "1 if both belong to an organisation whose treaty has a collective-defence clause and that "
    "runs standing military structures (NATO, CSTO), else 0",
)
def shared_defence_org(ctx: IndicatorContext) -> pl.Series:
    return shared_memberships(ctx)["shared_defence_org"].cast(pl.Int8).alias("shared_defence_org")


#: Arms deliveries (TIV million, either way) that make a year count as an arms-transfer year.
ARMS_FLOW_MIN = 10.0


@indicator(
    "arms_flow_years",
    "security",
    ARMS,
    (1950, 2024),
    1,
    "years 0-5",
    f"years of the last five with major arms deliveries of at least {ARMS_FLOW_MIN:.0f} TIV "
    "million from one to the other",
)
def arms_flow_years(ctx: IndicatorContext) -> pl.Series:
    flow = (pl.col("arms_ab").fill_null(0.0) + pl.col("arms_ba").fill_null(0.0)) >= ARMS_FLOW_MIN
    n = ctx.per_dyad(flow.cast(pl.Int8).rolling_sum(WINDOW, min_samples=1))
    return (
        pl.select(pl.when(ctx.col("arms_ab").is_not_null()).then(n))
        .to_series()
        .cast(pl.Int8)
        .alias("arms_flow_years")
    )


#: Defence-registry subkinds that put one state's forces in combat beside another.
COMBAT_SUBKINDS = ("joint_operation", "deployment")


def _combat_support() -> pl.DataFrame:
    """ccode, client, year: ccode's forces fight beside ``client`` or are deployed to it in an
    operation (evidence-registry joint operations and deployments). Standing bases are not
    combat support: a base in a state that has a fishing or border incident with one's ally
    does not back that state against the ally."""
    from allyscope.indicators.registries import row_years

    reg = row_years().filter(
        (pl.col("kind") == "defence")
        & (pl.col("level") >= 3)
        & pl.col("subkind").is_in(COMBAT_SUBKINDS)
    )
    # fighting side by side backs each other; a deployment backs the host only (the host of
    # foreign peacekeepers or garrison troops does not back the sender in its wars)
    fwd = reg.filter(pl.col("from_lo").is_null() | pl.col("from_lo"))
    back = reg.filter(pl.col("from_lo").is_null() | ~pl.col("from_lo"))
    both = pl.concat(
        [
            fwd.select(pl.col("lo").alias("ccode"), pl.col("hi").alias("client"), "year"),
            back.select(pl.col("hi").alias("ccode"), pl.col("lo").alias("client"), "year"),
        ]
    )
    return both.unique()


def _fighting() -> pl.DataFrame:
    """ccode, enemy, year: the two used force against each other (direct disputes with force,
    or registry clashes and wars)."""
    from allyscope.indicators.registries import row_years

    mids = _direct_hostility().filter(pl.col("level") >= 4).select("ccode1", "ccode2", "year")
    reg = (
        row_years()
        .filter(
            (pl.col("kind") == "friction")
            & (pl.col("level") >= 3)
            & (pl.col("subkind") != "severed")
        )
        .select(pl.col("lo").alias("ccode1"), pl.col("hi").alias("ccode2"), "year")
    )
    both = pl.concat(
        [mids.with_columns(pl.col("ccode1", "ccode2", "year").cast(pl.Int16)), reg]
    ).unique()
    both = pl.concat(
        [
            both,
            both.select(pl.col("ccode2").alias("ccode1"), pl.col("ccode1").alias("ccode2"), "year"),
        ]
    )
    return both.rename({"ccode1": "ccode", "ccode2": "enemy"}).unique()


@indicator(
    "opposite_sides",
    "security",
    ("evidence_registry", "cow_mid_disputes"),
    (1816, CURRENT_YEAR),
    -1,
    "count",
    "third states one of them fights beside or deploys forces to in an operation while the "
    "other uses force against them that year (each backs the other's enemy in arms)",
)
def opposite_sides(ctx: IndicatorContext) -> pl.Series:
    def compute() -> pl.DataFrame:
        sup = _combat_support().with_columns(pl.col("ccode", "client", "year").cast(pl.Int16))
        fig = _fighting().with_columns(pl.col("ccode", "enemy", "year").cast(pl.Int16))
        # x supports t, y fights t  -> pair (x, y)
        pairs = sup.join(fig, left_on=["client", "year"], right_on=["enemy", "year"], suffix="_f")
        pairs = pairs.filter(pl.col("ccode") != pl.col("ccode_f")).select(
            pl.min_horizontal("ccode", "ccode_f").alias("ccode1"),
            pl.max_horizontal("ccode", "ccode_f").alias("ccode2"),
            "year",
            "client",
        )
        return pairs.group_by("ccode1", "ccode2", "year").agg(n=pl.col("client").n_unique())

    t = ctx.cached("opposite_sides", compute)
    return ctx.dyad_lookup(t, "n").fill_null(0).cast(pl.Int16).alias("opposite_sides")


#: A defence pledge shared with at least this many third states is a collective-security
#: pact (the Rio Treaty, the Arab League's, the African Union's), not a bilateral alliance.
COLLECTIVE_PLEDGE = 10


@indicator(
    "pledge_common_partners",
    "security",
    ATOP,
    (1815, 2018),
    0,
    "count",
    "third states with which both have an ATOP defence pledge that year: many means the "
    "pledge comes from a large collective-security pact",
)
def pledge_common_partners(ctx: IndicatorContext) -> pl.Series:
    def compute() -> pl.DataFrame:
        lo, hi = ctx.frame["year"].min(), ctx.frame["year"].max()
        # the frame's years only: each year's common partners are counted on their own
        t = load("atop", ["ccode1", "ccode2", "year", "atop_defense"]).filter(
            (pl.col("atop_defense") == 1) & pl.col("year").is_between(lo, hi)
        )
        t = t.select(
            pl.col("ccode1").cast(pl.Int16).alias("x"),
            pl.col("ccode2").cast(pl.Int16).alias("t"),
            pl.col("year").cast(pl.Int16),
        )
        # only the pairs of the frame's states are looked up: one dyad joins two states' pledges
        t = t.filter(pl.col("x").is_in(ctx.states().implode()))
        pairs = t.join(t, on=["t", "year"], suffix="_2").filter(
            (pl.col("x") < pl.col("x_2"))
            & (pl.col("t") != pl.col("x"))
            & (pl.col("t") != pl.col("x_2"))
        )
        return pairs.group_by(
            pl.col("x").alias("ccode1"), pl.col("x_2").alias("ccode2"), "year"
        ).agg(n=pl.len())

    t = ctx.cached("pledge_common_partners", compute)
    n = ctx.dyad_lookup(t, "n").fill_null(0)
    in_cov = ctx.col("year").is_between(1815, 2018)
    return (
        pl.select(pl.when(in_cov).then(n))
        .to_series()
        .cast(pl.Int16)
        .alias("pledge_common_partners")
    )
