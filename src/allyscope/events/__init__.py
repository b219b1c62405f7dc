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


#: The cache dataset that keeps aggregated dyad-years for the assessment.
USER_EVENTS = "event_dyad_years"


def into_cache(agg: EventAggregate) -> Any:
    """Keep the directed dyad-years of ``agg`` in the user cache as ``event_dyad_years``:
    the assessment's event indicators then read them for the years they cover (and the
    bundled sample for the others). The cache record names the files, their format and
    years; ``allyscope data reset event_dyad_years`` undoes it."""
    import hashlib
    import json

    from allyscope.errors import InvalidInputError
    from allyscope.sources.registry import spec
    from allyscope.sources.update import install

    meta = agg.metadata
    if meta.get("by") != "year" or meta.get("dyads"):
        raise InvalidInputError("only a yearly aggregation of every dyad can go into the cache")
    table = agg.table.select(list(spec(USER_EVENTS).columns))
    if table.is_empty():
        raise InvalidInputError("the aggregation has no dyad-years to keep")
    inp = meta.get("input", {})
    years = sorted(set(table["year"].to_list()))
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    version = f"{inp.get('format', '?')} events {span}, {inp.get('files', '?')} file(s)"
    source = {"source_files": inp.get("paths", []), "source_format": inp.get("format")}
    key = hashlib.sha256(json.dumps([version, source], default=str).encode()).hexdigest()[:12]
    return install(USER_EVENTS, table, version, key, source)


__all__ = [
    "BY",
    "COLUMNS",
    "ENGINES",
    "FORMATS",
    "REASONS",
    "SAMPLE",
    "USER_EVENTS",
    "EngineMissingError",
    "EventAggregate",
    "aggregate",
    "aggregate_sample",
    "expand_paths",
    "get_format",
    "into_cache",
    "make_engine",
    "parse_dyads",
    "sample_path",
    "sample_provenance",
]
