"""Event data: aggregate GDELT, ICEWS or POLECAT files (or the bundled sample) into dyad-years."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)  # see cli/__init__.py


@app.command("aggregate")
def aggregate(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="event files, folders or globs (quote globs: 'gdelt/*.CSV')"),
    ] = None,
    sample: Annotated[
        bool, typer.Option("--sample", help="use the bundled ICEWS 2014 sample (real data)")
    ] = False,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--input-format",
            "-i",
            help="gdelt1, gdelt2, icews, polecat or icews14 (default: detected)",
        ),
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", "-e", help="duckdb (default), polars or spark")
    ] = "duckdb",
    by: Annotated[str, typer.Option("--by", help="year or month")] = "year",
    dyads: Annotated[
        str | None,
        typer.Option(
            "--dyads", "-d", help="only these pairs, e.g. IRN-RUS,USA-CHN (filtered at the scan)"
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="FILE.parquet, FILE.csv or FILE.dta (with metadata)"),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="what to print: text (tables on a terminal; tab-separated rows when piped, "
            "the summary on stderr), json or csv",
        ),
    ] = "text",
    into_cache: Annotated[
        bool,
        typer.Option(
            "--into-cache",
            help="also keep the dyad-years in the user cache: `assess`, `rank` and `atlas` then "
            "read their event counts for those years (`allyscope data reset event_dyad_years` "
            "undoes it)",
        ),
    ] = False,
) -> None:
    """Directed dyad-year (or -month) counts by CAMEO quad class, Goldstein sum and mean, shares."""
    from allyscope import events
    from allyscope.cli.render import check_format, note, print_csv, print_json, print_table
    from allyscope.errors import InvalidInputError
    from allyscope.events.aggregate import COUNTS

    fmt = check_format(fmt)
    if output is not None:
        from allyscope.panel.export import output_format

        output_format(output)  # a bad suffix fails before any work
    if sample == bool(paths):
        raise InvalidInputError("give event files or --sample (not both, not neither)")
    if into_cache and (by != "year" or dyads):
        raise InvalidInputError(
            "--into-cache keeps whole dyad-years: use --by year and no --dyads"
        )
    if sample:
        agg = events.aggregate_sample(engine=engine, by=by, dyads=dyads)
    else:
        agg = events.aggregate(
            paths or [], input_format=input_format, engine=engine, by=by, dyads=dyads
        )
    meta = agg.metadata
    if into_cache:
        loc = events.into_cache(agg)
        note(f"kept {agg.table.height:,} dyad-years in the cache as {loc.name}: {loc.version}")
    if output is not None:
        from allyscope.panel.export import write_table

        labels = {c: d for c, d in events.COLUMNS.items() if c in agg.table.columns}
        path = write_table(agg.table, output, meta, labels)
        note(f"wrote {agg.table.height:,} rows x {agg.table.width} columns to {path}")
    if fmt == "json":
        print_json(agg.as_dict(rows=output is None))
        return
    if fmt == "csv":
        if output is None:
            print_csv(agg.table.to_dicts())
        return
    _print_summary(meta, print_table, note)
    if output is None:
        keys = [c for c in ("ccode1", "ccode2", "year", "month") if c in agg.table.columns]
        t = agg.table.select(*keys, "events", *COUNTS, "goldstein_mean")
        print_table(
            f"{t.height:,} directed dyad-{by}s; first 20 "
            "(--format json or --output FILE for every column and row)",
            t.columns,
            [[round(v, 2) if isinstance(v, float) else v for v in r] for r in t.head(20).rows()],
        )


def _print_summary(meta: dict, print_table, note) -> None:  # type: ignore[no-untyped-def]
    from allyscope.cli import render

    cov = meta["coverage"]
    rows = [
        ("input", f"{meta['input']['files']} file(s), format {meta['input']['format']}"),
        ("engine", meta["engine"]),
        ("rows read", f"{meta['rows_read']:,}"),
        ("events counted", f"{meta['events_counted']:,}"),
        *[(f"skipped: {k}", f"{v:,}") for k, v in meta["skipped"].items()],
        ("outside the dyad filter", f"{meta['outside_dyads']:,}"),
        ("coverage", f"{cov['first_date']} .. {cov['last_date']}"),
        ("seconds", meta["seconds"]),
    ]
    if render.to_terminal():
        print_table("event aggregation", ["", "value"], rows)
    else:  # stdout carries the rows (TSV); the summary is for the reader
        for k, v in rows:
            note(f"{k}: {v}")
    if cov.get("partial_years"):
        note(f"note: partial years {cov['partial_years']}: counts cover only part of them")
    for side, tops in meta["unmatched_actor_values"].items():
        if tops:
            shown = ", ".join(f"{t['value']} ({t['rows']:,})" for t in tops[:6])
            note(f"{side} actors without a state (most rows): {shown}")


@app.command("download")
def download(
    source: Annotated[str, typer.Argument(help="gdelt1, gdelt2, icews or polecat")],
    dates: Annotated[
        str | None,
        typer.Option("--dates", help="GDELT: a day or a range 2014-01-01:2014-01-31"),
    ] = None,
    years: Annotated[
        str | None, typer.Option("--years", help="ICEWS/POLECAT: 2014 or 2012-2014")
    ] = None,
    progress: Annotated[bool, typer.Option("--progress", help="show download progress")] = False,
) -> None:
    """Fetch the full dataset's files from the publisher into the cache (MD5-checked, unzipped)."""
    import datetime as dt

    from allyscope.cli.render import note
    from allyscope.errors import InvalidInputError
    from allyscope.events.download import download as fetch

    first = last = None
    if dates:
        try:
            parts = [dt.date.fromisoformat(p.strip()) for p in dates.split(":")]
        except ValueError as exc:
            raise InvalidInputError(
                f"--dates {dates!r}: use 2014-01-01 or 2014-01-01:2014-01-31"
            ) from exc
        first, last = parts[0], parts[-1]
    year_list = None
    if years:
        try:
            bounds = [int(y) for y in years.replace("–", "-").split("-")]
        except ValueError as exc:
            raise InvalidInputError(f"--years {years!r}: use 2014 or 2012-2014") from exc
        year_list = list(range(bounds[0], bounds[-1] + 1))
    files = fetch(source, first=first, last=last, years=year_list, progress=progress)
    for f in files:
        print(f)
    if files:
        note(f"{len(files)} file(s); next: allyscope events aggregate {files[0].parent}")


@app.command("formats")
def formats(
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="text (a table on a terminal, tab-separated values when piped) or json",
        ),
    ] = "text",
) -> None:
    """The event data formats read, the columns used and where each is documented."""
    from allyscope.cli.render import check_format, print_json, print_table
    from allyscope.events import FORMATS

    fmt = check_format(fmt, ("text", "json"))
    rows = [
        {
            "format": f.name,
            "title": f.title,
            "columns": {role: list(cols) for role, cols in f.roles.items()},
            "documentation": f.documentation,
        }
        for f in FORMATS.values()
    ]
    if fmt == "json":
        print_json(rows)
        return
    print_table(
        "event data formats",
        ["format", "title", "columns read", "documentation"],
        [
            (
                r["format"],
                r["title"],
                "; ".join(f"{k}: {'|'.join(v)}" for k, v in r["columns"].items()),
                r["documentation"],
            )
            for r in rows
        ],
    )
