"""Compute every indicator for a set of dyads and years: the table the assessment reads.

Schema of :func:`indicator_frame` (one row per dyad-year, sorted a, b, year):
``a``, ``b`` (COW codes; a is the first state asked), ``year`` (Int16), ``in_range``
(False for the lookback years before the first requested year), then one column per
indicator of :func:`allyscope.indicators.catalog.catalog`, named as the indicator,
null where its source does not cover the year or has no value, plus ``reg_ids`` (the
registry rows bearing on the year), ``reg_evidence_ids`` (the evidence-registry rows
bearing on it) and ``orgs`` (shared organisations).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import polars as pl

from allyscope.errors import AllyscopeError
from allyscope.indicators.catalog import catalog
from allyscope.indicators.context import IndicatorContext, build_context
from allyscope.indicators.registries import evidence_features, row_years
from allyscope.indicators.treaties import dyad_year_features, shared_memberships


def compute(ctx: IndicatorContext) -> pl.DataFrame:
    """Run the catalogue over a context; returns keys plus indicator columns."""
    for ind in catalog():
        series = ind.compute(ctx).alias(ind.name)
        ctx.frame = ctx.frame.with_columns(series)
    names = [i.name for i in catalog()]
    out = ctx.frame.select("a", "b", "year", *names).with_columns(
        in_range=pl.col("year").is_between(ctx.first_year, ctx.last_year),
        reg_ids=dyad_year_features(ctx)["reg_ids"],
        reg_evidence_ids=evidence_features(ctx)["reg_evidence_ids"],
        friction_starts=evidence_features(ctx)["reg_friction_starts"],
        friction_political=evidence_features(ctx)["reg_friction_political"],
        forces_or_training=evidence_features(ctx)["reg_alignment"],
        orgs=shared_memberships(ctx)["orgs"],
    )
    return out


def indicator_frame(
    pairs: list[tuple[int, int]] | None,
    first_year: int,
    last_year: int,
    third: int | None = None,
) -> pl.DataFrame:
    """Indicators for ``pairs`` (COW code pairs; None = every pair of members) and the years."""
    # the system tables every assessment reads are read (or, on a first run, computed) in
    # two threads while the panel is read: each is memoised in the process once
    # (allyscope.memo), so an indicator that asks for one still being read waits for it
    for tables in _system_tables():
        threading.Thread(target=_prefetch, args=tables, name="allyscope: tables", daemon=True).start()
    return compute(build_context(pairs, first_year, last_year, third))


def _system_tables() -> tuple[tuple[Callable[[], object], ...], ...]:
    """The system tables, in two queues of about equal work on a first run (the UN votes'
    similarity; the evidence registry, then the event tables) and in the order the
    indicators ask for them."""
    from allyscope.indicators import eventdata
    from allyscope.indicators.diplomatic import un_similarity_all_years
    from allyscope.indicators.societal import icews_undirected

    return (un_similarity_all_years,), (row_years, eventdata.directed, icews_undirected)


def _prefetch(*tables: Callable[[], object]) -> None:
    try:
        for read in tables:
            read()
    except AllyscopeError:
        pass  # the indicator that reads the table reports it
