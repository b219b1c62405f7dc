"""Build a dyad-year panel (every pair of system members, or the dyads given) and write it."""

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
            help="comma-separated: atop,trade,nmc,igos,un_votes,idealpoints,contiguity,rivalries,mids,arms,milex",
        ),
    ] = None,
    dyads: Annotated[
        str | None, typer.Option("--dyads", "-d", help="e.g. IRN-RUS,USA-GBR (default: all pairs)")
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
    from allyscope.panel.build import build_panel, coverage

    if list_variables:
        cov = coverage()
        print_table(
            "panel variables (values are null outside first-last year)",
            ["variable", "column", "years", "description"],
            [
                (
                    r["variable"],
                    r["column"],
                    f"{r['first_year']}-{r['last_year']}",
                    r["description"],
                )
                for r in cov.iter_rows(named=True)
            ],
        )
        return
    from allyscope.panel.export import output_format, write_table

    if output is not None:
        output_format(output)  # fail on a bad suffix before any work
    res = build_panel(years, dyads, variables, not undirected, system)
    df = res.frame
    for fam in res.families:
        lo, hi = fam.coverage
        outside = [y for y in res.years if y < lo or y > hi]
        if outside:
            span = outside[0] if len(outside) == 1 else f"{outside[0]}-{outside[-1]}"
            note(
                f"note: {fam.name} has no data for {span} (covers {lo}-{hi}); those values are null"
            )
    if output is None:
        title = f"{df.height:,} dyad-years x {df.width} columns (--output FILE to save all)"
        if df.height <= 6:  # few rows: one line per column reads better
            print_table(
                title,
                ["column", *[str(i + 1) for i in range(df.height)]],
                [[c, *df[c].to_list()] for c in df.columns],
            )
        else:
            print_table(title + "; first 20 rows", df.columns, df.head(20).rows())
        return
    from allyscope import __version__

    meta = {
        "allyscope": __version__,
        "years": f"{res.years[0]}-{res.years[-1]}",
        "system": system,
        "directed": not undirected,
        "variables": [f.name for f in res.families],
        "datasets": {
            name: {**prov, "citation_key": _key(name)} for name, prov in res.provenance.items()
        },
        "coverage": {c: list(f.coverage) for f in res.families for c in f.columns},
    }
    labels = {c: d for f in res.families for c, d in f.columns.items()}
    labels.update(
        {
            "ccode1": "COW code of the first state",
            "ccode2": "COW code of the second state",
            "year": "year",
        }
    )
    codes = {c: v for f in res.families for c, v in f.value_labels.items()}
    path = write_table(df, output, meta, labels, codes)
    note(f"wrote {df.height:,} rows x {df.width} columns to {path}")


def _key(name: str) -> str:
    from allyscope.sources.registry import spec

    return spec(name).bibtex_key
