"""Criteria: the indicator frame condensed into the quantities the typology reads (v2).

Every criterion is a column ``c_<name>`` (its value) with ``a_<name>`` (data availability,
0-1: 1 observed, 0.5 carried forward or partial, 0 missing) and ``w_<name>`` (the years
of the window it reads, as ``[first, last]``). Missing data lower the availability (and so
the confidence), never the value: a criterion with no data is null.

The eight criteria of the JSON contract:

``commitment``     3 a mutual-defence or offence pledge in force (ATOP, a registry treaty,
                   a shared defence organisation), 2 a declared strategic partnership, 1 a
                   lesser commitment (friendship or partnership, neutrality, non-aggression,
                   consultation, cooperative treaties), 0 none.
``convergence``    UN voting closeness as a percentile among all pairs that year, averaged
                   over the last three years.
``shared_threat``  1 when a third state is a threat both face (a listed strategic rival, or
                   disputes, clashes or wars with it in two of the last five years), else 0;
                   never one of the two.
``depth``          the strongest of: defence cooperation in practice over the window (level
                   / 3), arms dependence (with a volume floor), trade dependence (share / 0.2).
``breadth``        dimensions showing cooperation, counted over those that have data.
``durability``     consecutive years with cooperation (up to ``DURABILITY_CAP``).
``symmetry``       how evenly each needs the other (trade and arms shares).
``friction``       the worst hostility bearing on the year: 0.25 expulsions or recalls, 0.5
                   coercion (sanctions, embargoes, border closures, hostile designations) or a
                   threat or display of force, 0.75 severed relations, a clash or use of force,
                   1 war.

Sources that end (ATOP 2018, rivalries 2020, trade 2014, MIDs 2014) are not mixed into a
trend silently: a value carried past its source's end is flagged (``carried_*``, and
``carried_from`` in the JSON) and gets half the availability.
"""

from __future__ import annotations

import polars as pl

from allyscope.indicators.context import lag

ATOP_END = 2018
RIVALRY_END = 2020
#: COW dyadic trade 4.0 ends here; a newer release in the user cache moves the end
#: (:func:`trade_end`)
TRADE_END = 2014
MID_END = 2014
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
#: Years a slow-moving criterion keeps its last observed value after its sources end.
CARRY_YEARS = 3
#: Years of recent practice read by the practice criteria (defence cooperation, arms).
PRACTICE_WINDOW = 5
#: Years over which UN voting closeness is averaged (one session's agenda moves a percentile).
CONVERGENCE_WINDOW = 3
#: Years of militarised history a lesser rivalry reads.
HISTORY_WINDOW = 10
#: Trade share at which trade dependence counts as full depth.
TRADE_DEPTH = 0.2
#: Trade share of either side that counts as economic cooperation.
TRADE_SHARE_COOP = 0.03
#: Arms dependence (gated share) that counts as security cooperation.
ARMS_COOP = 0.1
#: A pledge shared with this many third states comes from a collective-security pact.
COLLECTIVE_PLEDGE = 10
#: A pledge whose spell lasted at most this many years before it ended is a wartime coalition.
SHORT_PLEDGE = 2
#: An upgrade or renewal at most this many years old is fresh: it shows practice by itself.
FRESH_YEARS = 3


def trade_end() -> int:
    """The last year of dyadic trade in the data in use (COW 4.0: 2014, or where the user's
    updated release ends)."""
    from allyscope.indicators.economic import trade_years

    return max(TRADE_END, trade_years()[1])


def _carry(col: str, end: int, limit: int | None = None) -> pl.Expr:
    return (
        pl.when(pl.col("year") > end)
        .then(pl.col(col).forward_fill(limit=limit).over("a", "b", order_by="year"))
        .otherwise(pl.col(col))
    )


def _availability(*cols: str) -> pl.Expr:
    return pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Float64) for c in cols]) / len(cols)


def _rolling_max(col: str, window: int) -> pl.Expr:
    return (
        pl.col(col)
        .cast(pl.Float64)
        .rolling_max(window, min_samples=1)
        .over("a", "b", order_by="year")
    )


def _rolling_sum(expr: pl.Expr, window: int) -> pl.Expr:
    return expr.cast(pl.Float64).rolling_sum(window, min_samples=1).over("a", "b", order_by="year")


def _window(years: int) -> pl.Expr:
    return pl.concat_list(pl.col("year") - (years - 1), pl.col("year")).cast(pl.List(pl.Int16))


def criteria(frame: pl.DataFrame, conv_threshold: float) -> pl.DataFrame:
    """Add criterion values, availabilities and windows to an indicator frame (sorted a, b, year).

    ``conv_threshold`` is needed here only for durability (years with convergence at or
    above it count as cooperative years).
    """
    # durability reads the rows above as the years before (lag): a frame in another order is
    # sorted first and given back in its own order
    order = frame.select("a", "b", "year")
    resort = not order.equals(order.sort(order.columns))
    if resort:
        frame = frame.with_row_index("_criteria_row").sort("a", "b", "year")
    y = pl.col("year")
    # one lazy plan: Polars computes each dyad's groups once for the many windows over them
    # and runs independent columns side by side (29 eager steps cost a ranking 1.0 s)
    f = frame.lazy().with_columns(
        *[_carry(c, ATOP_END).alias(f"{c}_c") for c in ATOP],
        _carry("strategic_rivalry", RIVALRY_END).alias("rivalry_c"),
        carried_atop=(y > ATOP_END) & pl.col("atop_defense").is_null(),
        carried_rivalry=(y > RIVALRY_END) & pl.col("strategic_rivalry").is_null(),
    )
    # ---- commitment: pledge, declared partnership, lesser commitments
    pledge = (
        (pl.col("atop_defense_c") == 1)
        | (pl.col("atop_offense_c") == 1)
        | (pl.col("reg_defence") == 1)
    ).fill_null(False)
    declared = pl.max_horizontal(
        pl.col("reg_partnership_level").fill_null(0), pl.col("reg_partnership").fill_null(0)
    )
    lesser = (
        pl.any_horizontal(
            [pl.col(f"{c}_c") == 1 for c in ("atop_neutral", "atop_nonagg", "atop_consul")]
        )
        | (pl.col("reg_nonaggression") == 1)
        | (pl.col("reg_treaties") > 0)
        | (declared >= 1)
        | (pl.col("reg_designation") == 1)
        | (pl.col("reg_normalised") == 1)
    ).fill_null(False)
    has_commit_data = (
        pl.col("atop_defense_c").is_not_null()
        | pl.col("reg_treaties").is_not_null()
        | pl.col("reg_partnership_level").is_not_null()
    )
    # a pledge whose whole spell lasted at most SHORT_PLEDGE years and then ended is a
    # wartime coalition, expected to end with its war (it is typed by practice)
    pledge_run = (
        (pledge != pledge.shift(1).over("a", "b", order_by="year"))
        .fill_null(True)
        .cum_sum()
        .over("a", "b", order_by="year")
    )
    # a pledge that comes only from a large collective-security pact (ATOP, shared with
    # COLLECTIVE_PLEDGE or more third states, and neither a registry treaty nor a standing
    # defence organisation) is practised through the pact, not through bilateral dealings
    atop_only = ((pl.col("atop_defense_c") == 1) | (pl.col("atop_offense_c") == 1)).fill_null(
        False
    ) & (pl.col("reg_defence") != 1).fill_null(True)
    common = _carry("pledge_common_partners", ATOP_END)
    f = f.with_columns(
        formal_pledge=pledge,
        _pledge_run=pledge_run,
        collective_pledge=atop_only & (common >= COLLECTIVE_PLEDGE).fill_null(False),
    )
    run_len = pl.len().over("a", "b", "_pledge_run")
    run_last = pl.col("year").max().over("a", "b", "_pledge_run")
    series_last = pl.col("year").max().over("a", "b")
    f = f.with_columns(
        short_pledge=pl.col("formal_pledge") & (run_len <= SHORT_PLEDGE) & (run_last < series_last),
    ).drop("_pledge_run")
    f = f.with_columns(
        declared_level=declared.cast(pl.Int8),
        # an upgrade or renewal of a standing partnership (not a first declaration) in the last
        # FRESH_YEARS years shows practice by itself
        declared_fresh=(
            ((y - pl.col("reg_partnership_since")) <= FRESH_YEARS)
            & (pl.col("reg_partnership_since") > pl.col("reg_partnership_first"))
        ).fill_null(False),
        c_commitment=pl.when(pledge)
        .then(3)
        .when(declared >= 2)
        .then(2)
        .when(lesser)
        .then(1)
        .when(has_commit_data)
        .then(0)
        .otherwise(None)
        .cast(pl.Int8),
        a_commitment=pl.when(pl.col("atop_defense").is_not_null())
        .then(1.0)
        .when(pl.col("reg_partnership_level").is_not_null())
        .then(0.75)
        .when(pl.col("atop_defense_c").is_not_null())
        .then(0.5)
        .otherwise(0.0),
    )
    # ---- friction: the worst hostility bearing on the year
    mid = pl.col("mid_direct_hostility")
    mid_level = (
        pl.when(mid >= 5)
        .then(4)
        .when(mid >= 4)
        .then(3)
        .when(mid >= 1)
        .then(2)
        .when(mid.is_not_null())
        .then(0)
    )
    # backing the other's enemy in arms (forces with, or fighting beside, a state the other
    # fights) is a strain of the coercion level
    proxy = pl.when(pl.col("opposite_sides") > 0).then(2).otherwise(0)
    hostile = pl.max_horizontal(mid_level, pl.col("reg_friction"), proxy)
    f = f.with_columns(hostile_level=hostile.cast(pl.Int8))
    f = f.with_columns(
        # strain: any friction the registries record (a recall or expulsion included), backing
        # the other's enemy, war, or disputes in two of the last three years; one militarised
        # incident between partners is tolerated
        strain=(
            (pl.col("reg_friction").fill_null(0) >= 1)
            | (pl.col("opposite_sides").fill_null(0) > 0)
            | (pl.col("hostile_level").fill_null(0) >= 4)
        ),
        # the same without backing the other's enemy in a third state's war: friction
        # between the two themselves
        strain_direct=(
            (pl.col("reg_friction").fill_null(0) >= 1) | (pl.col("hostile_level").fill_null(0) >= 4)
        ),
    )
    f = f.with_columns(
        c_friction=(pl.col("hostile_level").cast(pl.Float64) / 4.0),
        a_friction=(
            pl.col("mid_direct_hostility").is_not_null().cast(pl.Float64) * 0.5
            + pl.col("reg_friction").is_not_null().cast(pl.Float64) * 0.5
        ),
        w_friction=_window(1),
        hostile_2y=_rolling_max("hostile_level", 2),
        reg_friction_2y=_rolling_max("reg_friction", 2),
        hostile_years_3=_rolling_sum((pl.col("hostile_level") >= 2).fill_null(False), 3),
        force_years_3=_rolling_sum((pl.col("hostile_level") >= 3).fill_null(False), 3),
        severed=(pl.col("reg_rupture") == 1).fill_null(False),
        mid_years_3=_rolling_sum((pl.col("mid_direct_hostility") >= 2).fill_null(False), 3),
        mids_10y=_rolling_sum(
            (pl.col("mid_direct_hostility") >= 1).fill_null(False), HISTORY_WINDOW
        ),
        mid_history_carried=y > MID_END,
    )
    # ---- security practice over the window
    f = f.with_columns(
        defence_recent=_rolling_max("reg_defence_coop", PRACTICE_WINDOW),
        defence_practice_years=_rolling_sum(
            (pl.col("reg_defence_coop") >= 2).fill_null(False), PRACTICE_WINDOW
        ),
        cobelligerent_recent=_rolling_max("cobelligerent", 2),
        arms_dep=pl.col("arms_dependence"),
        arms_now=((pl.col("arms_ab").fill_null(0.0) + pl.col("arms_ba").fill_null(0.0)) >= 10.0),
        defence_2y=_rolling_max("reg_defence_coop", 2),
        alignment_2y=_rolling_max("forces_or_training", 2) >= 1,
        forces=(pl.col("reg_defence_coop") >= 3).fill_null(False),
        war=(pl.col("hostile_level") >= 4).fill_null(False),
        arms_dep_years=_rolling_sum(
            (pl.col("arms_dependence") >= ARMS_COOP).fill_null(False), PRACTICE_WINDOW
        ),
    )
    f = f.with_columns(arms_2y=_rolling_max("arms_now", 2) >= 1)
    # militarised history after COW-MID ends (2014): armed clashes and wars in the friction
    # registry over the last ten years
    f = f.with_columns(
        armed_10y=_rolling_sum((pl.col("reg_conflict") == 1).fill_null(False), HISTORY_WINDOW),
        unsettled_war=(pl.col("unsettled_war") == 1).fill_null(False),
    )
    trade_share = pl.max_horizontal("trade_share_a", "trade_share_b")
    last_trade = trade_end()
    f = f.with_columns(
        trade_dep=_carry_limited(trade_share, last_trade),
        # the last observed trade share, however old (flagged by trade_last_from): read only as
        # evidence that a declared partnership has economic substance, never as depth
        trade_last=trade_share.forward_fill().over("a", "b", order_by="year"),
        trade_last_from=pl.when(trade_share.is_not_null())
        .then(y)
        .forward_fill()
        .over("a", "b", order_by="year"),
    )
    # carried only where a value was actually carried (at most CARRY_YEARS past the end)
    f = f.with_columns(
        carried_trade=(y > last_trade) & trade_share.is_null() & pl.col("trade_dep").is_not_null()
    )
    security_coop = (
        (pl.col("defence_recent") >= 2)
        | (pl.col("arms_dep") >= ARMS_COOP)
        | (pl.col("cobelligerent_recent") >= 1)
    ).fill_null(False)
    f = f.with_columns(security_coop=security_coop)
    f = f.with_columns(
        c_depth=pl.max_horizontal(
            pl.col("defence_recent") / 3.0,
            pl.col("arms_dep").clip(upper_bound=1.0),
            (pl.col("trade_dep") / TRADE_DEPTH).clip(upper_bound=1.0),
        ),
        a_depth=pl.max_horizontal(
            pl.col("reg_defence_coop").is_not_null().cast(pl.Float64) * 0.5,
            _availability("arms_dependence", "trade_share_a"),
        ),
        w_depth=_window(PRACTICE_WINDOW),
    )
    # ---- convergence and shared threat
    # a year whose ideal points are another estimate (final-passage votes only, 2024) is a
    # source break: it is not mixed into the series, whose last value is carried instead
    ideal_same_measure = pl.when(pl.col("ideal_source_break").fill_null(0) == 0).then(
        pl.col("ideal_closeness_pct")
    )
    f = f.with_columns(
        c_convergence=pl.mean_horizontal(ideal_same_measure, "un_agree_pct")
        .rolling_mean(CONVERGENCE_WINDOW, min_samples=1)
        .over("a", "b", order_by="year"),
        a_convergence=(
            pl.col("un_agree_pct").is_not_null().cast(pl.Float64)
            + ideal_same_measure.is_not_null().cast(pl.Float64)
        )
        / 2,
        w_convergence=_window(CONVERGENCE_WINDOW),
        c_shared_threat=pl.when(pl.col("common_threats").is_not_null()).then(
            (pl.col("common_threats") > 0).cast(pl.Float64)
        ),
        a_shared_threat=pl.when(pl.col("common_threats").is_not_null())
        .then(pl.when(pl.col("carried_rivalry")).then(0.5).otherwise(1.0))
        .otherwise(0.0),
        w_shared_threat=_window(5),
    )
    # a year without its own voting data keeps the last value (for at most CARRY_YEARS years),
    # flagged as carried with the year it comes from
    raw = pl.mean_horizontal(ideal_same_measure, "un_agree_pct")
    raw_year = pl.when(raw.is_not_null()).then(pl.col("year"))
    f = f.with_columns(
        _raw_year=raw_year.forward_fill().over("a", "b", order_by="year"),
        _raw_missing=raw.is_null(),
    )
    f = f.with_columns(
        c_convergence=pl.when(
            pl.col("_raw_missing") & ((y - pl.col("_raw_year")) > CARRY_YEARS).fill_null(True)
        )
        .then(None)
        .when(pl.col("_raw_missing"))
        .then(
            pl.when(~pl.col("_raw_missing"))
            .then(pl.col("c_convergence"))
            .forward_fill()
            .over("a", "b", order_by="year")
        )
        .otherwise(pl.col("c_convergence")),
    )
    f = f.with_columns(
        carried_convergence=pl.col("_raw_missing") & pl.col("c_convergence").is_not_null(),
    )
    f = f.with_columns(
        convergence_from=pl.when(pl.col("carried_convergence")).then(pl.col("_raw_year"))
    ).drop("_raw_year", "_raw_missing")
    f = f.with_columns(
        a_convergence=pl.when(pl.col("carried_convergence"))
        .then(0.5)
        .otherwise(pl.col("a_convergence"))
    )
    # ---- breadth over the dimensions that have data
    dims = {
        "diplomatic": pl.when(pl.col("c_convergence").is_not_null()).then(
            pl.col("c_convergence") >= BASELINE_PCT
        ),
        "security": pl.col("formal_pledge")
        | pl.col("security_coop")
        | (pl.col("defence_recent") >= 1),
        "economic": pl.when(
            pl.col("trade_dep").is_not_null() | pl.col("trade_pct").is_not_null()
        ).then(
            (pl.col("trade_pct") >= BASELINE_PCT).fill_null(False)
            | (pl.col("trade_dep") >= TRADE_SHARE_COOP).fill_null(False)
        ),
        "institutional": (
            (pl.col("igos_pct") >= BASELINE_PCT).fill_null(False)
            | (pl.col("declared_level") >= 1)
            | (pl.col("reg_treaties") > 0).fill_null(False)
            | (pl.col("shared_orgs") > 0).fill_null(False)
        ),
        "societal": pl.when(pl.col("icews_events_pct").is_not_null()).then(
            (pl.col("icews_events_pct") >= BASELINE_PCT) & (pl.col("icews_coop_share") >= 0.5)
        ),
    }
    f = f.with_columns(*[e.alias(f"dim_{d}") for d, e in dims.items()])
    dim_cols = [f"dim_{d}" for d in BREADTH_DIMENSIONS]
    f = f.with_columns(
        c_breadth=pl.sum_horizontal(
            [pl.col(d).fill_null(False).cast(pl.Int8) for d in dim_cols]
        ).cast(pl.Int8),
        breadth_of=pl.sum_horizontal(
            [pl.col(d).is_not_null().cast(pl.Int8) for d in dim_cols]
        ).cast(pl.Int8),
        a_breadth=_availability(*dim_cols),
        w_breadth=_window(PRACTICE_WINDOW),
    )
    # ---- durability: consecutive cooperative years
    engaged = (
        pl.col("formal_pledge")
        | (pl.col("declared_level") >= 1)
        | pl.col("security_coop")
        | (pl.col("c_convergence") >= conv_threshold).fill_null(False)
    ) & (pl.col("hostile_level").fill_null(0) < 3)
    f = f.with_columns(engaged=engaged)  # never null: each part is filled
    # the engaged years in a row up to this one, at most DURABILITY_CAP: this year engaged,
    # and the one before, ... (the rows above, in the frame sorted by dyad and year)
    e = pl.col("engaged")
    streak, unbroken = [e.cast(pl.Int16)], e
    for j in range(1, DURABILITY_CAP):
        unbroken = unbroken & lag(e, j).fill_null(False)
        streak.append(unbroken.cast(pl.Int16))
    f = f.with_columns(
        c_durability=pl.sum_horizontal(streak).cast(pl.Int16),
        a_durability=pl.max_horizontal("a_commitment", "a_convergence"),
        w_durability=_window(DURABILITY_CAP),
    )
    # ---- symmetry: how evenly each needs the other
    dep_pairs = [("trade_share_a", "trade_share_b"), ("arms_share_a_from_b", "arms_share_b_from_a")]
    ratios = [
        pl.when(pl.max_horizontal(x, y_) > 0).then(
            pl.min_horizontal(x, y_) / pl.max_horizontal(x, y_)
        )
        for x, y_ in dep_pairs
    ]
    f = f.with_columns(
        c_symmetry=pl.mean_horizontal(ratios),
        a_symmetry=_availability("trade_share_a", "arms_share_a_from_b"),
        w_symmetry=_window(PRACTICE_WINDOW),
        w_commitment=_window(1),
    )
    out = f.collect(engine="in-memory")
    return out.sort("_criteria_row").drop("_criteria_row") if resort else out


def _carry_limited(expr: pl.Expr, end: int) -> pl.Expr:
    """Carry a value past its source's end for at most CARRY_YEARS years."""
    return (
        pl.when(pl.col("year") > end)
        .then(expr.forward_fill(limit=CARRY_YEARS).over("a", "b", order_by="year"))
        .otherwise(expr)
    )
