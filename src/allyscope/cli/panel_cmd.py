"""Build a panel (dyad-years, state-years or leader-years) with peacesciencer's variables and more, and write it."""

from __future__ import annotations

from typing import Annotated

import typer


def panel(
    years: Annotated[
        str | None,
        typer.Option(
            "--years",
            "-y",
            help="2011, 1816-2014 or 1990,1995-1999 (default: the variables' coverage)",
        ),
    ] = None,
    variables: Annotated[
        str | None,
        typer.Option(
            "--variables",
            "-v",
            help="comma-separated, e.g. atop,nmc,democracy,capital_distance,peace_years "
            "(--list-variables shows all)",
        ),
    ] = None,
    dyads: Annotated[
        str | None, typer.Option("--dyads", "-d", help="e.g. IRN-RUS,USA-GBR (default: all pairs)")
    ] = None,
    unit: Annotated[
        str,
        typer.Option(
            "--unit", "-u", help="dyad-year (default), state-year or leader-year (Archigos)"
        ),
    ] = "dyad-year",
    states: Annotated[
        str | None,
        typer.Option(
            "--states",
            "-s",
            help="state-years/leader-years of these states, e.g. IRN,RUS; with dyad-years: "
            "every pair among them",
        ),
    ] = None,
    undirected: Annotated[
        bool, typer.Option("--undirected", help="one row per pair (ccode1 < ccode2)")
    ] = False,
    system: Annotated[str, typer.Option("--system", help="cow or gw (Gleditsch-Ward)")] = "cow",
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="FILE.parquet, FILE.csv or FILE.dta; without it a preview is printed",
        ),
    ] = None,
    list_variables: Annotated[
        bool,
        typer.Option("--list-variables", help="list variables, their columns and coverage years"),
    ] = False,
) -> None:
    """Build a dyad-year panel and write it (--output), or preview it.

    The preview and --list-variables print a table on a terminal and tab-separated values
    when piped.
    """
    from allyscope.cli.render import note, print_table
    from allyscope.panel.build import build_panel, coverage, parse_unit, variables_table

    if list_variables:
        _list_variables(parse_unit(unit), coverage(unit=parse_unit(unit)), variables_table())
        return
    from allyscope.panel.export import output_format

    if output is not None:
        output_format(output)  # fail on a bad suffix before any work
    if unit.strip().lower().replace("_", "-") != "dyad-year" and undirected:
        from allyscope.errors import InvalidInputError

        raise InvalidInputError("--undirected applies to dyad-years only; drop it or --unit")
    res = build_panel(years, dyads, variables, not undirected, system, unit, states)
    df = res.frame
    for fam in res.families:
        lo, hi = fam.unit_coverage(res.unit)
        outside = [y for y in res.years if y < lo or y > hi]
        if outside:
            span = outside[0] if len(outside) == 1 else f"{outside[0]}-{outside[-1]}"
            note(
                f"note: {fam.name} has no data for {span} (covers {lo}-{hi}); those values are null"
            )
    if output is None:
        rows_name = {"dyad-year": "dyad-years", "state-year": "state-years"}.get(
            res.unit, "leader-years"
        )
        title = f"{df.height:,} {rows_name} x {df.width} columns (--output FILE to save all)"
        if df.height <= 6:  # few rows: one line per column reads better
            print_table(
                title,
                ["column", *[str(i + 1) for i in range(df.height)]],
                [[c, *df[c].to_list()] for c in df.columns],
            )
        else:
            print_table(title + "; first 20 rows", df.columns, df.head(20).rows())
        return
    path = res.write(output)
    note(f"wrote {df.height:,} rows x {df.width} columns to {path}")


def _list_variables(unit: str, cov: object, info: object) -> None:
    """Each variable as a block (units, years, verb, source, citation, missing values),
    then the columns of ``unit`` with their years."""
    from rich.console import Console
    from rich.markup import escape

    from allyscope.cli.render import print_table, to_terminal

    if not to_terminal():
        # in a pipe: one TSV, a row per column with its variable's units, source and rules
        about = {r["variable"]: r for r in info.iter_rows(named=True)}  # type: ignore[attr-defined]
        fields = ("units", "peacesciencer", "source", "cite", "missing")
        print_table(
            f"{unit} columns of the panel variables",
            ["variable", "column", "years", "description", *fields],
            [
                (
                    r["variable"],
                    r["column"],
                    f"{r['first_year']}-{r['last_year']}",
                    r["description"],
                    *[about.get(r["variable"], {}).get(k, "") for k in fields],
                )
                for r in cov.iter_rows(named=True)  # type: ignore[attr-defined]
            ],
        )
        return
    console = Console()
    console.print("[bold]panel variables[/bold] (allyscope data info NAME / cite NAME for a source)")
    for r in info.iter_rows(named=True):  # type: ignore[attr-defined]
        console.print(f"\n[bold]{r['variable']}[/bold]: {escape(r['about'])}")
        for label in ("units", "years", "peacesciencer", "source", "cite", "missing"):
            console.print(f"  {label + ':':15s}{escape(r[label])}")
    print_table(
        f"{unit} columns (null outside first-last year; --unit for another unit)",
        ["variable", "column", "years", "description"],
        [
            (r["variable"], r["column"], f"{r['first_year']}-{r['last_year']}", r["description"])
            for r in cov.iter_rows(named=True)  # type: ignore[attr-defined]
        ],
    )
