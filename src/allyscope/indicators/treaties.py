"""Dyad-year features from the curated treaty and alignment registry (``sources.curated``).

Spell rule (documented in docs/assessment.md): a treaty or declaration is in force from its
entry-into-force year (the signature year when no entry into force is recorded) to its end
year, or open. Ruptures, sanctions, clashes and military cooperation live in the evidence
registries (:mod:`allyscope.indicators.registries`).
The bilateral registry lists the dyads it was compiled for; for any other dyad its
features are null (unknown), not 0. Organisation memberships are complete for the
organisations listed, so shared memberships are 0 when there are none.
"""

from __future__ import annotations

import polars as pl

from allyscope.indicators.context import IndicatorContext
from allyscope.sources import curated

SPELL_KINDS = ("treaty", "declaration")


def _keyed(df: pl.DataFrame, a: str, b: str) -> pl.DataFrame:
    return df.with_columns(lo=pl.min_horizontal(a, b), hi=pl.max_horizontal(a, b))


def spells() -> pl.DataFrame:
    """Registry rows with lo, hi (COW codes) and the years they bear on (first, last; last null = open)."""
    b = _keyed(curated.bilateral(), "ccode_a", "ccode_b")
    return b.with_columns(first=pl.col("start_year"), last=pl.col("end_year"))


def dyad_year_features(ctx: IndicatorContext) -> pl.DataFrame:
    """Registry features for each frame row, in frame order."""

    def compute() -> pl.DataFrame:
        keys = ctx.frame.select(
            pl.min_horizontal("a", "b").alias("lo"), pl.max_horizontal("a", "b").alias("hi"), "year"
        )
        s = spells()
        covered = s.select("lo", "hi").unique().with_columns(covered=pl.lit(True))
        hits = (
            keys.unique()
            .join(
                s.with_columns(pl.col("lo", "hi").cast(keys.schema["lo"])),
                on=["lo", "hi"],
                how="inner",
            )
            .filter(
                (pl.col("year") >= pl.col("first"))
                & (pl.col("last").is_null() | (pl.col("year") <= pl.col("last")))
            )
        )
        in_force = pl.col("kind").is_in(SPELL_KINDS) & (pl.col("direction") > 0)
        agg = hits.group_by("lo", "hi", "year").agg(
            reg_treaties=in_force.sum().cast(pl.Int16),
            reg_defence=(in_force & ((pl.col("defence") + pl.col("offence")) > 0)).any(),
            reg_nonaggression=(
                in_force & ((pl.col("nonaggression") + pl.col("consultation")) > 0)
            ).any(),
            reg_partnership=pl.when(in_force)
            .then(pl.col("partnership_level"))
            .otherwise(0)
            .max()
            .cast(pl.Int8),
            reg_ids=pl.col("id").sort(),
        )
        out = keys.join(
            covered.with_columns(pl.col("lo", "hi").cast(keys.schema["lo"])),
            on=["lo", "hi"],
            how="left",
        ).join(agg, on=["lo", "hi", "year"], how="left", maintain_order="left")
        zero_if_covered = [
            pl.when(pl.col("covered")).then(pl.col(c).fill_null(v)).otherwise(None).alias(c)
            for c, v in (
                ("reg_treaties", 0),
                ("reg_defence", False),
                ("reg_nonaggression", False),
                ("reg_partnership", 0),
            )
        ]
        return out.with_columns(zero_if_covered).with_columns(pl.col("reg_ids").fill_null([]))

    return ctx.cached("registry_features", compute)


def shared_memberships(ctx: IndicatorContext) -> pl.DataFrame:
    """Shared organisation memberships for each frame row: shared_orgs, shared_defence_org, orgs."""

    def compute() -> pl.DataFrame:
        m = curated.membership_years().select("org", "ccode", "year", "mutual_defence")
        pairs = (
            m.join(m.select("org", "year", pl.col("ccode").alias("ccode_2")), on=["org", "year"])
            .filter(pl.col("ccode") < pl.col("ccode_2"))
            .group_by(pl.col("ccode").alias("lo"), pl.col("ccode_2").alias("hi"), "year")
            .agg(
                shared_orgs=pl.len().cast(pl.Int16),
                shared_defence_org=(pl.col("mutual_defence") == 1).any(),
                orgs=pl.col("org").sort(),
            )
        )
        keys = ctx.frame.select(
            pl.min_horizontal("a", "b").alias("lo"), pl.max_horizontal("a", "b").alias("hi"), "year"
        )
        pairs = pairs.with_columns([pl.col(c).cast(keys.schema[c]) for c in ("lo", "hi", "year")])
        out = keys.join(pairs, on=["lo", "hi", "year"], how="left", maintain_order="left")
        return out.with_columns(
            pl.col("shared_orgs").fill_null(0),
            pl.col("shared_defence_org").fill_null(False),
            pl.col("orgs").fill_null([]),
        )

    return ctx.cached("shared_memberships", compute)
