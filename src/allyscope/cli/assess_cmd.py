"""Assess a dyad: alliance, strategic partnership, tactical alignment, convergence, transactional or rivalry, per year and period."""

from __future__ import annotations

import typer

from allyscope.cli.render import TABLE_HELP, check_format, note, print_json, print_view
from allyscope.errors import InvalidInputError

FORMATS = ("text", "json", "markdown")


def assess(
    a: str = typer.Argument(
        ..., help="first state: name, ISO3/ISO2 or COW code (e.g. IRN, Iran, 630)"
    ),
    b: str = typer.Argument(..., help="second state"),
    years: str = typer.Option(
        None, "--years", help="year or range, e.g. 1992-2025 (default: the last 34 years)"
    ),
    fmt: str = typer.Option("text", "--format", "-f", help="text (a table), json or markdown"),
    third: str = typer.Option(
        "USA", "--third", help="reference third party for shared-threat measures"
    ),
) -> None:
    """Assess the relationship of A and B per year, per period and per dimension."""
    f = check_format(fmt, FORMATS)
    from allyscope.assessment import assess as run

    d = run(a, b, years=years, third=third).as_dict()
    print_view(d, f, "allyscope.presentation.assessment_view")


def rank(
    state: str | None = typer.Argument(
        None, help="the state whose partners to rank (or --all for every pair)"
    ),
    year: int = typer.Option(..., "--year", help="the year to rank, e.g. 2023"),
    all_pairs: bool = typer.Option(
        False, "--all", help="rank every pair of system members in the year (takes a while)"
    ),
    fmt: str = typer.Option("text", "--format", "-f", help=f"{TABLE_HELP}, json or csv"),
    top: int = typer.Option(0, "--top", help="show only the first N rows (0: all)"),
) -> None:
    """List STATE's partners in a year (or, with --all, every pair) by relationship type, then score."""
    f = check_format(fmt, ("text", "json", "csv"))
    if top < 0:
        raise InvalidInputError(f"--top {top}: give 0 (all partners) or a positive number")
    if all_pairs == (state is not None):
        raise InvalidInputError(
            "give a state (its partners are ranked) or --all (every pair), not both"
            if all_pairs
            else "name the state whose partners to rank (e.g. IRN), or give --all for every pair"
        )
    from allyscope.assessment import rank as run

    if all_pairs:
        note(f"ranking every pair of states in {year}; this takes about half a minute")
    r = run(state, year)
    if top > 0:
        r = r.head(top)
    rows = r.drop("a", "b", *([] if all_pairs else ["iso3_a", "name_a"])).to_dicts()
    if f == "json":
        print_json(rows)
    elif f == "csv":
        from allyscope.cli.render import print_csv

        print_csv(rows)
    else:
        from allyscope.cli.render import print_table

        cols = [
            "rank",
            *(["iso3_a", "name_a"] if all_pairs else []),
            "iso3_b",
            "name_b",
            "type",
            "score",
            "confidence",
        ]
        title = (
            f"Pairs of states in {year}"
            if all_pairs
            else f"Partners of {r['name_a'][0] if r.height else state} in {year}"
        )
        print_table(title, cols, [[row[c] for c in cols] for row in rows])


def validate(
    fmt: str = typer.Option("text", "--format", "-f", help="text or json"),
    write: bool = typer.Option(
        False, "--write", help="replace the shipped calibration with this fit"
    ),
) -> None:
    """Refit the typology on the reference dyad-years and dyads; report accuracy, leave-one-dyad-out and flicker."""
    f = check_format(fmt, ("text", "json"))
    from allyscope.assessment.calibration import validate as run
    from allyscope.assessment.calibration import write_calibration

    v = run()
    d = v.as_dict()
    if write:
        d["written"] = str(write_calibration(v))
    if f == "json":
        print_json(d)
        return
    from allyscope.cli.render import print_table

    cols = ["dyad", "check_year", "expected", "predicted", "correct", "span_accuracy"]
    print_table(
        "Reference dyads",
        cols,
        [[x[c] for c in cols] for x in d["dyads"]],  # type: ignore[index]
        piped="fit",
    )
    misses = [x for x in d["dyad_years"] if not x["exact"]]  # type: ignore[union-attr]
    cols = ["dyad", "year", "expected", "predicted", "acceptable_match", "leave_one_dyad_out"]
    print_table(
        "Reference dyad-years not typed exactly",
        cols,
        [
            [x[c] if c != "acceptable_match" else ("yes" if x[c] else "no") for c in cols]
            for x in misses
        ],
        piped="fit",
    )
    loo = d["leave_one_dyad_out"]
    fl = d["flicker"]
    typer.echo(
        f"dyad-years exact: {d['dyad_years_exact']}; exact or acceptable: "
        f"{d['dyad_years_exact_or_acceptable']}; middle rungs exact: {d['middle_rungs_exact']}; "
        f"reference dyads: {d['reference_dyads_check_year']}; leave one dyad out: "
        f"{loo['exact']} exact, {loo['exact_or_acceptable']} acceptable, "  # type: ignore[index]
        f"{loo['middle_rungs_exact']} middle; blips per 100 dyad-years: "  # type: ignore[index]
        f"{fl['blips_per_100_dyad_years']}; thresholds: {d['thresholds']}; "  # type: ignore[index]
        f"shipped calibration is the current fit: {d['shipped_calibration_is_current_fit']}"
    )


def atlas(
    output: str = typer.Option(
        ..., "--output", "-o", help="file to write: .parquet, .csv (with a .json sidecar) or .dta"
    ),
    years: str = typer.Option(
        None, "--years", help="year or range, e.g. 1946-2025 (default: the last 34 years)"
    ),
    third: str = typer.Option(
        "USA", "--third", help="reference third party for shared-threat measures"
    ),
    engine: str = typer.Option(
        "polars",
        "--engine",
        help="polars (one process) or spark (the pairs split into Spark tasks; same table)",
    ),
    spark_master: str = typer.Option(
        None,
        "--spark-master",
        help="Spark master URL (default: local mode, or ALLYSCOPE_SPARK_MASTER)",
    ),
    partitions: int = typer.Option(
        None, "--partitions", min=1, help="Spark tasks (default: one per 2,500 pairs)"
    ),
) -> None:
    """Type every pair of states in every year (type, score, confidence, criteria) and write it."""
    from allyscope.panel.export import output_format

    output_format(output)  # fail on a bad suffix before any work
    import datetime as dt

    from allyscope import __version__
    from allyscope.assessment.atlas import atlas as run
    from allyscope.assessment.calibration import load_calibration
    from allyscope.assessment.engine import parse_year_range
    from allyscope.panel.export import write_table

    first, last = parse_year_range(years)
    note(f"typing every pair of states in {first}-{last} (about half a minute for 1946-2025)")
    df = run(
        (first, last), third=third, engine=engine, master=spark_master, partitions=partitions
    )
    meta = {
        "allyscope": __version__,
        "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "query": {
            "command": "atlas",
            "years": f"{first}-{last}",
            "third": third,
            "engine": engine,
        },
        "thresholds": load_calibration().as_dict(),
        "rows": df.height,
        "schema": "docs/assessment.md, 'The atlas'; allyscope.assessment.atlas",
    }
    labels = {
        "a": "COW code of the first state (a < b)",
        "b": "COW code of the second state",
        "type": "relationship type (smoothed), as allyscope assess gives it",
        "raw_type": "the year's own rule before smoothing",
        "rung": "0 rivalry, 1 transactional, 2 convergence, 3 tactical alignment, "
        "4 strategic partnership, 5 alliance",
        "score": "(rung + intensity) / 6",
        "confidence": "weighted availability of the criteria (0-1)",
        "formal_pledge": "a mutual-defence or offence pledge in force (practised or not)",
    }
    path = write_table(df, output, meta, labels)
    note(f"wrote {df.height:,} dyad-years x {df.width} columns to {path}")
