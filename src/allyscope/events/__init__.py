"""Event data: readers per format, one aggregation, several engines (DuckDB, Polars, PySpark).

::

    from allyscope import events

    agg = events.aggregate_sample()                      # the bundled ICEWS 2014 sample
    agg = events.aggregate("gdelt/*.export.CSV", engine="duckdb", by="month", dyads="IRN-RUS")
    agg.table      # Polars: ccode1, ccode2, year[, month], events, verb_coop ... shares
    agg.metadata   # provenance, rows read, skipped rows by reason, coverage

See ``docs/events.md`` for the formats, the output schema and what a missing dyad-year means.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from allyscope.events.aggregate import (
    BY,
    COLUMNS,
    REASONS,
    EventAggregate,
    aggregate,
    expand_paths,
    parse_dyads,
)
from allyscope.events.engines import ENGINES, EngineMissingError, make_engine
from allyscope.events.formats import FORMATS, get_format

SAMPLE = "icews_events"


def sample_path() -> Path:
    """The bundled sample file (or the copy in the user cache, if one was installed)."""
    from allyscope.sources.store import locate

    return locate(SAMPLE).path


def sample_provenance() -> dict[str, Any]:
    """Dataset, version, licence, citation and origin of the bundled sample."""
    from allyscope.sources.registry import spec
    from allyscope.sources.store import locate

    s = spec(SAMPLE)
    loc = locate(SAMPLE, verify=False)
    return {
        "dataset": s.name,
        "title": s.title,
        "version": loc.version,
        "origin": loc.origin,
        "licence": s.licence,
        "citation": s.citation,
        "notes": s.notes,
        "snapshot_from": s.snapshot_from,
    }


def aggregate_sample(**kwargs: Any) -> EventAggregate:
    """:func:`aggregate` on the bundled ICEWS 2014 sample (format icews14)."""
    agg = aggregate(sample_path(), input_format="icews14", **kwargs)
    agg.metadata["source_dataset"] = sample_provenance()
    return agg


__all__ = [
    "BY",
    "COLUMNS",
    "ENGINES",
    "FORMATS",
    "REASONS",
    "SAMPLE",
    "EngineMissingError",
    "EventAggregate",
    "aggregate",
    "aggregate_sample",
    "expand_paths",
    "get_format",
    "make_engine",
    "parse_dyads",
    "sample_path",
    "sample_provenance",
]
