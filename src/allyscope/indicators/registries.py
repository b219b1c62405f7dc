"""Dyad-year features from the evidence registries (``sources.evidence``): partnership,
defence cooperation and friction, 1946 to the present.

How a row bears on a year (docs/registries.md):

- a row covers the days from its start to its end (an end written at month or year
  precision is read at its last possible day; an open spell runs to the end of the current
  year; a one-off event, or an end written ``unknown``, covers its start year only);
- it *bears on* a year when it starts in that year or covers at least half of it. So a
  sanctions regime lifted on 16 January 2016 bears on 2015, not on 2016, while relations
  severed on 24 August 2021 bear on 2021 (the act happened that year) and on every later
  year until they are restored; fighting (war, clash, joint operation) bears on every year
  it covers any part of, as COW and UCDP code a conflict year;
- an agreement on paper (defence level 1: a DCA, a sectoral or military-technical
  agreement) shows cooperation in the year it is signed and the four years after; it may
  stay in force longer, but says nothing about practice then;
- a dyad's declared partnership in a year is its latest declaration (``partnership`` ...
  ``downgrade``) started by then; friendship treaties, councils and designations run in
  parallel until their own end;
- sanctions an organisation imposes (``a`` = ``EU``) bear on every member of that year.

The registries aim at completeness for 1946-2025, so a dyad-year with no row bearing on it
has level 0 (none recorded), not null.

Schema of :func:`evidence_features` (one row per frame row, frame order):
``reg_partnership_level`` (0-4: the declared label or a friendship treaty or council in
force; normalisation accords and one side's designations are not a declared partnership and
have their own flags ``reg_normalised`` and ``reg_designation``), ``reg_partnership_since``
(start year of the latest such row), ``reg_partnership_first`` (start year of the dyad's
first declaration or treaty), ``reg_defence_level`` (0-3), ``reg_friction_level``
(0-4, the dyad's own friction; ``reg_friction_political`` the same without economic
sanctions: sanctions an organisation imposes are flagged apart in
``reg_org_sanctions``, since a member's obligation is not its bilateral act),
``reg_severed``, ``reg_sanctions``, ``reg_conflict``, ``reg_alignment`` (forces on the other's
territory, joint operations or a training mission), ``reg_friction_starts`` (bools), ``reg_evidence_ids`` (row ids bearing on the
year).
"""

from __future__ import annotations

import datetime as _dt
from functools import cache

import polars as pl

from allyscope.indicators.context import IndicatorContext
from allyscope.memo import once
from allyscope.sources import curated, evidence
from allyscope.sources.evidence import EVENT_SUBKINDS

COVERAGE = (1946, _dt.date.today().year)
#: Years an agreement on paper counts as cooperation after the year it is signed.
AGREEMENT_YEARS = 4
AGREEMENT_SUBKINDS = ("dca", "sectoral", "military_technical")
#: Fighting (a war, a clash, a joint operation) bears on every year it covers any part of,
#: as COW and UCDP code a conflict year: a campaign that ends in May still decides its year.
FIGHTING_SUBKINDS = ("war", "clash", "joint_operation")


@once
def row_years() -> pl.DataFrame:
    """One row per evidence row and year it bears on: kind, subkind, id, lo, hi, year, level,
    actor side (``from_lo``: the acting state is ``lo``), and the share of the year covered."""
    return bearing_years(evidence.evidence())


def bearing_years(ev: pl.DataFrame, this_year: int | None = None) -> pl.DataFrame:
    """:func:`row_years` for any frame of the :func:`allyscope.sources.evidence.evidence` schema."""
    this_year = this_year or _dt.date.today().year
    org = ev.filter(pl.col("a_org").is_not_null())
    if org.height:
        members = curated.membership_years().select(
            pl.col("org").alias("a_org"), pl.col("ccode").alias("member"), "year"
        )
        spans = org.select(
            "id",
            "a_org",
            pl.int_ranges(
                pl.col("start_date").dt.year(),
                pl.coalesce(pl.col("end_date").dt.year(), pl.lit(this_year)) + 1,
            ).alias("year"),
        ).explode("year")
        expanded = (
            spans.with_columns(pl.col("year").cast(pl.Int16))
            .join(members, on=["a_org", "year"], how="inner")
            .group_by("id", "member")
            .agg()
        )
        org = (
            org.join(expanded, on="id")
            .with_columns(
                a=pl.col("member").cast(pl.Int16),
                id=pl.format("{}@{}", "id", pl.col("member")),
            )
            .drop("member")
        )
        ev = pl.concat([ev.filter(pl.col("a_org").is_null()), org], how="vertical")
    ev = ev.filter(pl.col("a") != pl.col("b"))
    one_off = (pl.col("end").is_null() & pl.col("subkind").is_in(EVENT_SUBKINDS)) | pl.col(
        "end_unknown"
    )
    start_y = pl.col("start_date").dt.year()
    last_day = (
        pl.when(one_off)
        .then(pl.date(start_y, 12, 31))
        .when(pl.col("end_date").is_null())
        .then(pl.date(pl.lit(this_year), 12, 31))
        .otherwise(pl.col("end_date"))
    )
    paper = pl.col("subkind").is_in(AGREEMENT_SUBKINDS)
    last_day = (
        pl.when(paper)
        .then(pl.min_horizontal(last_day, pl.date(start_y + AGREEMENT_YEARS, 12, 31)))
        .otherwise(last_day)
    )
    ev = ev.with_columns(last_day=last_day)
    years = ev.select(
        "kind",
        "subkind",
        "id",
        pl.min_horizontal("a", "b").alias("lo"),
        pl.max_horizontal("a", "b").alias("hi"),
        (
            pl.when(pl.col("actor") == "both")
            .then(None)
            .when(pl.col("actor") == "a")
            .then(pl.col("a") < pl.col("b"))
            .otherwise(pl.col("b") < pl.col("a"))
        ).alias("from_lo"),
        "level",
        "start_date",
        "last_day",
        "a_org",
        pl.col("a").alias("_member"),
        pl.int_ranges(start_y, pl.col("last_day").dt.year() + 1).alias("year"),
    ).explode("year")
    if org.height:
        # an organisation's measures bear on a state only in the years it is a member
        member_years = (
            curated.membership_years()
            .select(
                pl.col("org").alias("a_org"),
                pl.col("ccode").cast(years.schema["_member"]).alias("_member"),
                pl.col("year").cast(years.schema["year"]),
            )
            .unique()
        )
        years = pl.concat(
            [
                years.filter(pl.col("a_org").is_null()),
                years.filter(pl.col("a_org").is_not_null()).join(
                    member_years, on=["a_org", "_member", "year"], how="semi"
                ),
            ]
        )
    years = years.drop("a_org", "_member")
    y = pl.col("year")
    first = pl.date(y, 1, 1)
    last = pl.date(y, 12, 31)
    covered = (
        (
            pl.min_horizontal(pl.col("last_day"), last)
            - pl.max_horizontal(pl.col("start_date"), first)
        ).dt.total_days()
        + 1
    ) / ((last - first).dt.total_days() + 1)
    years = years.with_columns(
        share=covered.clip(0.0, 1.0), starts=pl.col("start_date").dt.year() == y
    )
    fighting = pl.col("subkind").is_in(FIGHTING_SUBKINDS)
    return years.filter(
        pl.col("starts") | (pl.col("share") >= 0.5) | (fighting & (pl.col("share") > 0))
    ).select(
        "kind",
        "subkind",
        "id",
        pl.col("lo").cast(pl.Int16),
        pl.col("hi").cast(pl.Int16),
        pl.col("year").cast(pl.Int16),
        "from_lo",
        "level",
        "start_date",
        "share",
    )


@cache
def declared_levels() -> pl.DataFrame:
    """lo, hi, year, declared: the level of the latest partnership declaration started by then."""
    return declared_from(evidence.evidence())


def declared_from(ev: pl.DataFrame, this_year: int | None = None) -> pl.DataFrame:
    """:func:`declared_levels` for any frame of the evidence schema."""
    ev = ev.filter((pl.col("kind") == "partnership") & pl.col("subkind").is_in(evidence.DECLARED))
    this_year = this_year or _dt.date.today().year
    d = ev.select(
        pl.min_horizontal("a", "b").cast(pl.Int16).alias("lo"),
        pl.max_horizontal("a", "b").cast(pl.Int16).alias("hi"),
        "start_date",
        "end_date",
        "level",
        "id",
    ).sort("lo", "hi", "start_date", "id")
    nxt = pl.col("start_date").shift(-1).over("lo", "hi")
    # a later declaration never lowers the level unless it is a downgrade: the level is the
    # highest declared since the dyad's latest downgrade (reaffirmations in weaker words, or
    # blanket declarations to a whole region, do not demote a partnership)
    epoch = (pl.col("level").is_null() | (pl.col("id").str.contains("downgrade"))).cum_sum()
    d = (
        d.join(ev.select("id", "subkind"), on="id", how="left")
        .with_columns(
            _epoch=(pl.col("subkind") == "downgrade")
            .cast(pl.Int32)
            .cum_sum()
            .over("lo", "hi", order_by=["start_date", "id"])
        )
        .with_columns(
            level=pl.col("level")
            .cum_max()
            .over("lo", "hi", "_epoch", order_by=["start_date", "id"])
        )
        .drop("_epoch", "subkind")
    )
    del epoch
    # a declaration holds until the next one of the dyad (or its own end, if earlier)
    until = pl.min_horizontal(
        pl.coalesce(nxt - pl.duration(days=1), pl.date(this_year, 12, 31)),
        pl.coalesce("end_date", pl.date(this_year, 12, 31)),
    )
    d = d.with_columns(
        until=until,
        first_start=pl.col("start_date").filter(pl.col("level") > 0).min().over("lo", "hi"),
    ).filter(pl.col("until") >= pl.col("start_date"))
    years = d.select(
        "lo",
        "hi",
        "level",
        "id",
        "start_date",
        "until",
        "first_start",
        pl.int_ranges(pl.col("start_date").dt.year(), pl.col("until").dt.year() + 1).alias("year"),
    ).explode("year")
    y = pl.col("year")
    share = (
        (
            pl.min_horizontal("until", pl.date(y, 12, 31))
            - pl.max_horizontal("start_date", pl.date(y, 1, 1))
        ).dt.total_days()
        + 1
    ) / ((pl.date(y, 12, 31) - pl.date(y, 1, 1)).dt.total_days() + 1)
    years = years.with_columns(share=share, starts=pl.col("start_date").dt.year() == y)
    # the year's label: the declaration covering most of it, the latest one if it starts that year
    return (
        years.sort("lo", "hi", "year", "starts", "share", "start_date")
        .group_by("lo", "hi", pl.col("year").cast(pl.Int16), maintain_order=True)
        .agg(
            declared=pl.col("level").last(),
            declared_id=pl.col("id").last(),
            declared_since=pl.col("start_date").last().dt.year(),
            declared_first=pl.col("first_start").last().dt.year(),
        )
    )


#: Partnership subkinds that are not a partnership the two declare: a peace or normalisation
#: accord opens relations, a designation is one side's unilateral act.
NOT_DECLARED = ("normalisation", "designated_ally", "defense_partner")


def evidence_features(ctx: IndicatorContext) -> pl.DataFrame:
    """Registry features for each frame row, in frame order (see the module docstring)."""

    def compute() -> pl.DataFrame:
        keys = ctx.frame.select(
            pl.min_horizontal("a", "b").cast(pl.Int16).alias("lo"),
            pl.max_horizontal("a", "b").cast(pl.Int16).alias("hi"),
            pl.col("year").cast(pl.Int16),
        )
        ry = row_years().join(keys.unique(), on=["lo", "hi", "year"], how="semi")
        partnership = pl.col("kind") == "partnership"
        parallel = partnership & ~pl.col("subkind").is_in([*evidence.DECLARED, *NOT_DECLARED])
        own = ~pl.col("id").str.contains("@", literal=True)  # not expanded from an organisation
        friction = (pl.col("kind") == "friction") & own
        agg = ry.group_by("lo", "hi", "year").agg(
            parallel_level=pl.col("level").filter(parallel).max(),
            parallel_since=pl.col("start_date").filter(parallel).max().dt.year(),
            parallel_first=pl.col("start_date").filter(parallel).min().dt.year(),
            reg_designation=(
                partnership & pl.col("subkind").is_in(["designated_ally", "defense_partner"])
            ).any(),
            reg_normalised=(partnership & (pl.col("subkind") == "normalisation")).any(),
            reg_defence_level=pl.col("level").filter(pl.col("kind") == "defence").max(),
            reg_alignment=(
                (pl.col("kind") == "defence")
                & ((pl.col("level") >= 3) | (pl.col("subkind") == "training_mission"))
            ).any(),
            reg_friction_level=pl.col("level").filter(friction).max(),
            reg_friction_political=pl.col("level")
            .filter(friction & (pl.col("subkind") != "sanctions"))
            .max(),
            reg_org_sanctions=((pl.col("kind") == "friction") & ~own).any(),
            reg_severed=(friction & (pl.col("subkind") == "severed")).any(),
            reg_sanctions=(friction & pl.col("subkind").is_in(["sanctions", "embargo"])).any(),
            reg_conflict=(friction & pl.col("subkind").is_in(["clash", "war"])).any(),
            reg_friction_starts=(
                friction & (pl.col("start_date").dt.year() == pl.col("year"))
            ).any(),
            reg_evidence_ids=pl.col("id").unique().sort(),
        )
        dec = declared_levels().join(keys.unique(), on=["lo", "hi", "year"], how="semi")
        # the evidence ids of the dyad-years that have any, merged on those few rows (list
        # operations over every frame row cost 0.4 s in a ranking of all pairs)
        key = ["lo", "hi", "year"]
        ids = (
            agg.select(*key, "reg_evidence_ids")
            .join(dec.select(*key, "declared_id"), on=key, how="full", coalesce=True)
            .select(
                *key,
                all_ids=pl.concat_list(
                    pl.col("reg_evidence_ids").fill_null([]),
                    pl.when(pl.col("declared_id").is_not_null())
                    .then(pl.concat_list(pl.col("declared_id")))
                    .otherwise(pl.lit([], dtype=pl.List(pl.String))),
                )
                .list.unique()
                .list.sort(),
            )
        )
        out = (
            keys.join(agg, on=key, how="left", maintain_order="left")
            .join(dec, on=key, how="left", maintain_order="left")
            .join(ids, on=key, how="left", maintain_order="left")
        )
        in_cov = pl.col("year").is_between(*COVERAGE)
        zero = lambda c: pl.when(in_cov).then(pl.col(c).fill_null(0)).cast(pl.Int8)  # noqa: E731
        flag = lambda c: pl.when(in_cov).then(pl.col(c).fill_null(False))  # noqa: E731
        return out.select(
            reg_partnership_level=pl.when(in_cov)
            .then(
                pl.max_horizontal(
                    pl.col("declared").fill_null(0), pl.col("parallel_level").fill_null(0)
                )
            )
            .cast(pl.Int8),
            reg_partnership_since=pl.max_horizontal(
                pl.when(pl.col("declared") > 0).then(pl.col("declared_since")),
                "parallel_since",
            ).cast(pl.Int16),
            reg_partnership_first=pl.min_horizontal(
                pl.when(pl.col("declared") > 0).then(pl.col("declared_first")),
                "parallel_first",
            ).cast(pl.Int16),
            reg_designation=flag("reg_designation"),
            reg_normalised=flag("reg_normalised"),
            reg_defence_level=zero("reg_defence_level"),
            reg_alignment=flag("reg_alignment"),
            reg_friction_level=zero("reg_friction_level"),
            reg_friction_political=zero("reg_friction_political"),
            reg_org_sanctions=flag("reg_org_sanctions"),
            reg_severed=flag("reg_severed"),
            reg_sanctions=flag("reg_sanctions"),
            reg_conflict=flag("reg_conflict"),
            reg_friction_starts=flag("reg_friction_starts"),
            reg_evidence_ids=pl.col("all_ids").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        )

    return ctx.cached("evidence_features", compute)
