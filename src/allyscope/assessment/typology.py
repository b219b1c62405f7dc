"""The typology (v2): documented rules from criteria to the ladder, read by practice.

Rules, applied in this order to each dyad-year; the first that holds decides
(docs/assessment.md explains each with its evidence):

1. ``rivalry``               open hostility: war or severed relations bearing on the year, or a
                             clash or use of force when they do not cooperate or when force
                             recurs (two of the last three years); or a lesser rivalry: a listed
                             strategic rival acting hostile this or last year without cooperation
                             (a declared partnership, security cooperation, a peace accord, a
                             pledge practised bilaterally), a listed rival coercing the other
                             whatever words they exchange, or recurring hostility with militarised
                             history and no cooperation. Friction overrules form.
2. ``alliance``              a mutual-defence or offence pledge in force (``formal_pledge``)
                             and practised: no friction this year, and security cooperation in
                             the last five years (joint practice, an agreement, arms, fighting
                             side by side) or a standing defence organisation (NATO, CSTO).
                             A pledge that only a large collective-security pact carries (Rio,
                             Arab League, African Union: shared with ten or more third states)
                             is practised through the pact, not bilateral dealings, and a pledge
                             that lasted two years or less and ended was a wartime coalition.
                             A pledge that is not practised is typed by practice below, and the
                             year still carries ``formal_pledge``.
3. ``strategic_partnership`` no friction this year or last, no listed rivalry, and either a
                             declared strategic partnership (or higher) that is practised (some
                             cooperation in any dimension with data, or a fresh upgrade), or a
                             de facto one: security practice in at least ``practice_years`` of
                             the last five years and still going on (joint practice, forces or
                             arms deliveries this year or last), cooperation lasting
                             ``durability`` years, and ``breadth`` dimensions.
4. ``tactical_alignment``    security cooperation short of that: forces on the other's territory,
                             joint operations or a training mission this year, fighting side by
                             side, or arms dependence of at least ``depth`` against a threat both
                             face or over ``practice_years`` years; standing coercion between
                             them does not rule it out (coalitions of convenience), a rupture,
                             war or a new hostile act does.
5. ``convergence``           no friction this year, and a declared partnership or friendship,
                             UN voting closeness at or above the ``convergence`` percentile
                             (three-year mean), or membership of a common organisation or
                             issue-specific grouping (BRICS, SCO, G4, Astana format ...); or a
                             threat both face, with no more than coercion between them, no new
                             hostile act and no listed rivalry (co-opposition to a third state).
6. ``transactional``         otherwise.

A type holds until the record moves: each year takes the most common raw type of the five
years centred on it, unless its run began with a major change of the record (:func:`smooth`).
Thresholds are fitted on the reference dyads and dyad-years
(:mod:`allyscope.assessment.calibration`). No rule names a state or a dyad.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import polars as pl

from allyscope.assessment.criteria import ARMS_COOP, CRITERIA, DURABILITY_CAP, TRADE_SHARE_COOP
from allyscope.indicators.context import lag

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
#: Years of the centred window whose most common raw type a year takes (see :func:`smooth`).
MODE_WINDOW = 5


@dataclass(frozen=True)
class Thresholds:
    convergence: float = 0.8
    depth: float = 0.3
    durability: int = 5
    breadth: int = 2
    practice_years: int = 3

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


#: Columns the rules read besides the criteria (kept when the grid re-types a frame).
RULE_COLUMNS = (
    "friction_political",
    "opposite_sides",
    "reg_friction_2y",
    "collective_pledge",
    "shared_orgs",
    "forces_or_training",
    "strain",
    "strain_direct",
    "mid_years_3",
    "hostile_years_3",
    "force_years_3",
    "severed",
    "defence_2y",
    "arms_2y",
    "reg_defence_coop",
    "formal_pledge",
    "short_pledge",
    "declared_fresh",
    "shared_defence_org",
    "arms_now",
    "arms_flow_years",
    "c_convergence",
    "declared_level",
    "hostile_level",
    "hostile_2y",
    "rivalry_c",
    "mids_10y",
    "armed_10y",
    "unsettled_war",
    "security_coop",
    "defence_recent",
    "defence_practice_years",
    "cobelligerent_recent",
    "arms_dep",
    "arms_dep_years",
    "trade_dep",
    "reg_evidence_ids",
    "reg_ids",
    "orgs",
    "cobelligerent",
    "mid_direct_hostility",
    "reg_normalised",
    "war",
    "forces",
    "friction_starts",
    "trade_last",
    "trade_last_from",
)


def _th(th: Thresholds | None, name: str) -> pl.Expr:
    """A threshold as a literal, or (th=None) as the column ``th_<name>`` for grid fitting."""
    return pl.lit(getattr(th, name)) if th is not None else pl.col(f"th_{name}")


def met_columns(th: Thresholds | None) -> list[pl.Expr]:
    """Whether each criterion is met (null when its value is missing)."""
    return [
        (pl.col("c_commitment") >= 1).alias("m_commitment"),
        (pl.col("c_convergence") >= _th(th, "convergence")).alias("m_convergence"),
        (pl.col("c_shared_threat") >= 1).alias("m_shared_threat"),
        (pl.col("c_depth") >= _th(th, "depth")).alias("m_depth"),
        (pl.col("c_breadth") >= _th(th, "breadth")).alias("m_breadth"),
        (pl.col("c_durability") >= _th(th, "durability")).alias("m_durability"),
        (pl.col("c_symmetry") >= 0.5).alias("m_symmetry"),
        (pl.col("c_friction") >= 0.75).alias("m_friction"),
    ]


def rule_columns(th: Thresholds | None) -> list[pl.Expr]:
    """The intermediate tests of the ladder, each a boolean column (never null)."""
    calm = ~(pl.col("strain") | (pl.col("mid_years_3") >= 2)).fill_null(False)
    practice_any = (
        (pl.col("defence_recent") >= 2)
        | (pl.col("reg_defence_coop") >= 1)
        | (pl.col("arms_dep") > 0)
        | pl.col("security_coop")
        | (pl.col("cobelligerent_recent") >= 1)
    ).fill_null(False)
    # cooperation that rules out a lesser rivalry: a declared partnership or friendship, security
    # cooperation, a pledge practised bilaterally, or a peace accord in force
    cooperating = (
        (pl.col("declared_level") >= 1)
        | pl.col("security_coop")
        | (pl.col("formal_pledge") & ~pl.col("collective_pledge") & practice_any)
        | (pl.col("reg_normalised") == 1)
    ).fill_null(False)
    history = (
        (pl.col("rivalry_c") == 1)
        | (pl.col("mids_10y") >= 1)
        | (pl.col("armed_10y") >= 1)
        | pl.col("unsettled_war")
    ).fill_null(False)
    level = pl.col("hostile_level").fill_null(0)
    # war or severed relations always; a clash or use of force when they do not cooperate, or
    # when force recurs (two of the last three years): one incident between partners is not
    # a change of relationship
    open_hostility = (
        (level >= 4)
        | pl.col("severed")
        | ((level >= 3) & (~cooperating | (pl.col("force_years_3") >= 2)))
    )
    # a lesser rivalry: a listed rival acting hostile lately without cooperation, or coercing
    # or fighting it (registry friction of coercion or more in this or the last year) whatever
    # words they exchange; or recurring hostility without cooperation
    listed = (pl.col("rivalry_c") == 1).fill_null(False)
    lesser_rivalry = (
        listed
        & (
            ((pl.col("hostile_2y").fill_null(0) >= 1) & ~cooperating)
            | (pl.col("reg_friction_2y").fill_null(0) >= 2)
        )
    ) | (~cooperating & history & (pl.col("hostile_years_3") >= 2))
    # an alliance tolerates economic disputes between its members (sanctions, trade wars);
    # political or military friction (recalls, expulsions, severed relations, embargoes,
    # clashes), backing the other's enemy or recurring disputes end its practice
    allied_calm = ~(
        (pl.col("friction_political").fill_null(0) >= 1)
        | (pl.col("opposite_sides").fill_null(0) > 0)
        | (pl.col("hostile_level").fill_null(0) >= 4)
        | (pl.col("mid_years_3") >= 2)
    ).fill_null(False)
    practised_pledge = (
        pl.col("formal_pledge")
        & ~pl.col("short_pledge")
        & ~pl.col("collective_pledge")
        & allied_calm
        & (practice_any | (pl.col("shared_defence_org") == 1).fill_null(False))
    )
    # practice this year, outside the declaration itself
    practice_now = (
        (pl.col("defence_2y") >= 2)
        | pl.col("arms_2y")
        | (pl.col("trade_dep") >= TRADE_SHARE_COOP)
        | (pl.col("c_convergence") >= _th(th, "convergence"))
    ).fill_null(False)
    # a declared partnership's economic substance after the trade data end (COW, 2014): the
    # last observed trade share, flagged as carried in the JSON
    substance = practice_now | (pl.col("trade_last") >= TRADE_SHARE_COOP).fill_null(False)
    not_rivals = (pl.col("rivalry_c") != 1).fill_null(True)
    # a partnership needs calm over two years: friction last year (an ambassador expelled, a
    # defence treaty torn up) is not followed by a partnership on the strength of old practice
    calm2 = calm & (pl.col("reg_friction_2y").fill_null(0) < 1)
    declared_sp = (
        (pl.col("declared_level") >= 2).fill_null(False)
        & calm2
        & not_rivals
        & (pl.col("declared_fresh") | substance)
    )
    de_facto_sp = (
        calm2
        & not_rivals
        & practice_now
        # a partnership read from practice ends when the security practice ends
        & ((pl.col("defence_2y") >= 2) | pl.col("arms_2y")).fill_null(False)
        & (
            (pl.col("defence_practice_years") >= _th(th, "practice_years"))
            | (
                (pl.col("arms_flow_years") >= _th(th, "practice_years"))
                & (pl.col("arms_dep") >= _th(th, "depth"))
            )
        ).fill_null(False)
        & (pl.col("c_durability") >= _th(th, "durability")).fill_null(False)
        & (pl.col("c_breadth") >= _th(th, "breadth")).fill_null(False)
    )
    # a new hostile act against the partner (the host expels the ambassador, sanctions
    # begin) ends a coalition; standing coercion older than the cooperation does not
    tactical = (
        (pl.col("hostile_level").fill_null(0) <= 2)
        & ~pl.col("friction_starts").fill_null(False)
        & (
            pl.col("forces_or_training")
            | (pl.col("cobelligerent") >= 1)
            | ((pl.col("arms_dep") >= _th(th, "depth")) & (pl.col("c_shared_threat") >= 1))
            | (
                (pl.col("arms_dep") >= _th(th, "depth"))
                & (pl.col("arms_flow_years") >= _th(th, "practice_years"))
            )
            | (pl.col("formal_pledge") & pl.col("short_pledge") & practice_any)
        ).fill_null(False)
    )
    # convergence is issue-specific (parallel positions): backing opposite sides in a third
    # state's war strains a partnership but does not rule out converging elsewhere; direct
    # friction between the two does
    calm_direct = ~(pl.col("strain_direct") | (pl.col("mid_years_3") >= 2)).fill_null(False)
    converging = (
        calm_direct
        & (
            (pl.col("declared_level") >= 1)
            | (pl.col("c_convergence") >= _th(th, "convergence"))
            | (pl.col("shared_orgs") >= 1)
        ).fill_null(False)
    ) | (
        (pl.col("c_shared_threat") >= 1).fill_null(False)
        & (pl.col("hostile_level").fill_null(0) <= 2)
        & ~pl.col("friction_starts").fill_null(False)
        & ~listed
    )
    return [
        (open_hostility | lesser_rivalry).alias("r_rivalry"),
        practised_pledge.alias("r_alliance"),
        (declared_sp | de_facto_sp).alias("r_partnership"),
        declared_sp.alias("r_declared_partnership"),
        # the declared partnership's practice rests on a trade share carried past 2014
        (declared_sp & ~pl.col("declared_fresh") & ~practice_now).alias("r_substance_carried"),
        tactical.alias("r_tactical"),
        converging.alias("r_convergence"),
    ]


def type_expr() -> pl.Expr:
    """The ladder over the ``r_*`` rule columns."""
    return (
        pl.when(pl.col("r_rivalry"))
        .then(pl.lit("rivalry"))
        .when(pl.col("r_alliance"))
        .then(pl.lit("alliance"))
        .when(pl.col("r_partnership"))
        .then(pl.lit("strategic_partnership"))
        .when(pl.col("r_tactical"))
        .then(pl.lit("tactical_alignment"))
        .when(pl.col("r_convergence"))
        .then(pl.lit("convergence"))
        .otherwise(pl.lit("transactional"))
    )


def smooth(f: pl.DataFrame, keys: tuple[str, ...] = ("a", "b")) -> pl.DataFrame:
    """``raw_type`` -> ``type``: the most common raw type of the five years centred on each
    year (ties keep the year's own), unless the year's run of raw types began with a major
    change of the record: a pledge, a declared partnership, forces on the other's territory,
    fighting side by side, severed relations or war beginning or ending, an organisation
    joined or left, or a friction row beginning. So a type changes when the record changes,
    not when one indicator crosses a threshold for a year or two.
    """
    k = list(keys)
    # Sorted by series, then year, a series' years are consecutive rows: the row ``j`` places
    # away is the same series' when its keys are this row's, so every window below is a plain
    # shift, with no grouping per series. A frame in another order (the indicator frame is
    # already sorted so) is sorted first and given back in its own order.
    order = f.select(*k, "year")
    resort = not order.equals(order.sort(order.columns))
    if resort:
        f = f.with_row_index("_row").sort([*k, "year"])

    def at(expr: pl.Expr, j: int) -> pl.Expr:
        return lag(expr, j, k)

    def changed(col: str) -> pl.Expr:
        prev = at(pl.col(col), 1)
        return prev.is_not_null() & (pl.col(col) != prev)

    def lists_changed(col: str) -> pl.Expr:
        now, prev = pl.col(col).fill_null([]), at(pl.col(col), 1).fill_null([])
        return (now.list.set_difference(prev).list.len() > 0) | (
            prev.list.set_difference(now).list.len() > 0
        )

    record = [
        changed(c)
        for c in (
            "formal_pledge",
            "declared_level",
            "severed",
            "war",
            "forces",
            "forces_or_training",
            "cobelligerent",
        )
        if c in f.columns
    ]
    record += [lists_changed("orgs")] if "orgs" in f.columns else []
    record += [pl.col("friction_starts")] if "friction_starts" in f.columns else []
    # open hostility the record dates: war, severed relations, or force used again
    record += [
        (pl.col("raw_type") == "rivalry")
        & ((pl.col("hostile_level") >= 4) | pl.col("severed") | (pl.col("force_years_3") >= 2))
    ]
    event = pl.any_horizontal(record).fill_null(False) if record else pl.lit(False)
    # a run of raw types starts where the type changes (or the series does); it is protected
    # when the record changed in its first year
    starts = (pl.col("raw_type") != at(pl.col("raw_type"), 1)).fill_null(True)
    # one lazy plan: the shifted keys that every window compares are computed once (common
    # subexpressions), not once per window
    lf = f.lazy().with_columns(_protected=pl.when(starts).then(event).forward_fill())
    half = MODE_WINDOW // 2
    counts = []
    for i, t in enumerate(LADDER):
        x = (pl.col("raw_type") == t).cast(pl.Float64)
        # the centred five-year count: whole numbers, so the same sum in any order
        window = pl.sum_horizontal([at(x, j) for j in range(half, -half - 1, -1)])
        counts.append((pl.when(x.is_not_null()).then(window) + x * 0.5).alias(f"_n{i}"))
    lf = lf.with_columns(counts)
    cols = [f"_n{i}" for i in range(len(LADDER))]
    best = pl.concat_list(cols).list.arg_max()
    mode = best.replace_strict(dict(enumerate(LADDER)), return_dtype=pl.String)
    lf = lf.with_columns(type=pl.when(pl.col("_protected")).then(pl.col("raw_type")).otherwise(mode))
    f = lf.drop("_protected", *cols).collect(engine="in-memory")
    return f.sort("_row").drop("_row") if resort else f


def classify(
    f: pl.DataFrame, th: Thresholds | None, keys: tuple[str, ...] = ("a", "b")
) -> pl.DataFrame:
    """Add ``m_*`` (criterion met), ``r_*`` (rule tests), ``raw_type``, ``type`` (smoothed),
    ``rung`` (0-5), ``score`` and ``confidence``.

    ``th=None`` reads the thresholds from columns ``th_convergence`` ... (grid fitting);
    ``keys`` are the columns that identify one series (a dyad, or a dyad and a grid row).
    """
    f = f.with_columns(*met_columns(th), *rule_columns(th))
    f = f.with_columns(raw_type=type_expr())
    f = smooth(f, keys)
    f = f.with_columns(
        rung=pl.col("type").replace_strict(
            {k: i for i, k in enumerate(LADDER)}, return_dtype=pl.Int8
        )
    )
    intensity_parts = {
        "commitment": pl.col("c_commitment") / 3.0,
        "convergence": pl.col("c_convergence"),
        "shared_threat": pl.col("c_shared_threat"),
        "depth": pl.col("c_depth"),
        "breadth": pl.col("c_breadth") / 5.0,
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


__all__ = ["ARMS_COOP", "LADDER", "RULE_COLUMNS", "Thresholds", "classify", "smooth"]
