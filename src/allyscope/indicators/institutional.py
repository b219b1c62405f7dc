"""Institutional dimension: shared IGO memberships, organisations, bilateral treaties."""

from __future__ import annotations

import datetime as _dt

import polars as pl

from allyscope.indicators.catalog import TREATY_REGISTRY, indicator
from allyscope.indicators.context import IndicatorContext
from allyscope.indicators.system import YearDistribution
from allyscope.indicators.treaties import dyad_year_features, shared_memberships
from allyscope.sources.store import load

IGO = ("cow_igo_dyadic",)
REG = (TREATY_REGISTRY,)


@indicator(
    "igos",
    "institutional",
    IGO,
    (1816, 2014),
    1,
    "count",
    "intergovernmental organisations in which both are full members (COW IGO 3.0)",
)
def igos(ctx: IndicatorContext) -> pl.Series:
    return ctx.col("igos")


@indicator(
    "igos_pct",
    "institutional",
    IGO,
    (1816, 2014),
    1,
    "percentile 0-1",
    "percentile of igos among all pairs of system members that year",
)
def igos_pct(ctx: IndicatorContext) -> pl.Series:
    def dist() -> YearDistribution:
        return YearDistribution(
            load("cow_igo_dyadic", ["year", "dyadigos"]),
            "dyadigos",
            implicit_zeros=True,
            years=ctx.col("year"),
        )

    return (
        ctx.cached("igo_dist", dist).percentile(ctx.col("year"), ctx.col("igos")).alias("igos_pct")
    )


@indicator(
    "shared_orgs",
    "institutional",
    REG,
    (1949, 2025),
    1,
    "count",
    "organisations of the registry (NATO, CSTO, SCO, BRICS, EAEU, CIS, OPEC+ ...) both belong to",
)
def shared_orgs(ctx: IndicatorContext) -> pl.Series:
    return shared_memberships(ctx)["shared_orgs"]


@indicator(
    "reg_treaties",
    "institutional",
    REG,
    (1816, 2025),
    1,
    "count",
    "cooperative bilateral treaties and declarations in force (null if the registry does not cover the dyad)",
)
def reg_treaties(ctx: IndicatorContext) -> pl.Series:
    return dyad_year_features(ctx)["reg_treaties"]


@indicator(
    "reg_partnership",
    "institutional",
    REG,
    (1816, 2025),
    1,
    "level 0-2",
    "highest partnership a treaty or declaration in force names: 1 partnership, 2 strategic or "
    "comprehensive strategic partnership",
)
def reg_partnership(ctx: IndicatorContext) -> pl.Series:
    return dyad_year_features(ctx)["reg_partnership"]


@indicator(
    "reg_nonaggression",
    "institutional",
    REG,
    (1816, 2025),
    1,
    "0/1",
    "1 if a treaty in force binds them not to aid an aggressor against the other, or to consult",
)
def reg_nonaggression(ctx: IndicatorContext) -> pl.Series:
    return dyad_year_features(ctx)["reg_nonaggression"].cast(pl.Int8)


@indicator(
    "reg_rupture",
    "diplomatic",
    ("evidence_registry",),
    (1946, _dt.date.today().year),
    -1,
    "0/1",
    "1 if diplomatic relations are severed (from the rupture to the restoration; evidence registry)",
)
def reg_rupture(ctx: IndicatorContext) -> pl.Series:
    from allyscope.indicators.registries import evidence_features

    return evidence_features(ctx)["reg_severed"].cast(pl.Int8).alias("reg_rupture")


@indicator(
    "reg_partnership_level",
    "institutional",
    ("evidence_registry",),
    (1946, _dt.date.today().year),
    1,
    "level 0-4",
    "declared partnership in force (evidence registry): 1 partnership or friendship treaty, "
    "2 strategic (or a strategic council or designation), 3 comprehensive strategic, 4 the "
    "declaring state's highest tier (0 when none)",
)
def reg_partnership_level(ctx: IndicatorContext) -> pl.Series:
    from allyscope.indicators.registries import evidence_features

    return evidence_features(ctx)["reg_partnership_level"]


@indicator(
    "reg_partnership_since",
    "institutional",
    ("evidence_registry",),
    (1946, _dt.date.today().year),
    0,
    "year",
    "year of the latest declaration, upgrade, friendship treaty or council of the partnership "
    "in force (null when none)",
)
def reg_partnership_since(ctx: IndicatorContext) -> pl.Series:
    from allyscope.indicators.registries import evidence_features

    return evidence_features(ctx)["reg_partnership_since"]


@indicator(
    "reg_normalised",
    "diplomatic",
    ("evidence_registry",),
    (1946, _dt.date.today().year),
    1,
    "0/1",
    "1 if a peace or normalisation accord between them is in force (it opens relations; it is "
    "not a declared partnership)",
)
def reg_normalised(ctx: IndicatorContext) -> pl.Series:
    from allyscope.indicators.registries import evidence_features

    return evidence_features(ctx)["reg_normalised"].cast(pl.Int8).alias("reg_normalised")


@indicator(
    "reg_partnership_first",
    "institutional",
    ("evidence_registry",),
    (1946, _dt.date.today().year),
    0,
    "year",
    "year of the dyad's first declared partnership, friendship treaty or council (null when none)",
)
def reg_partnership_first(ctx: IndicatorContext) -> pl.Series:
    from allyscope.indicators.registries import evidence_features

    return evidence_features(ctx)["reg_partnership_first"]
