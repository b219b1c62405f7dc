"""List registry rows (partnerships, defence cooperation, friction, treaties, memberships) with their sources."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

FORMATS = ("text", "csv", "json")


def registry(
    a: Annotated[str | None, typer.Argument(help="a state (name, ISO3, COW code)")] = None,
    b: Annotated[str | None, typer.Argument(help="a second state: the pair's rows")] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="partnership, defence, friction, treaty or membership"),
    ] = None,
    years: Annotated[
        str | None, typer.Option("--years", help="a year or range, e.g. 2010-2025")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, csv or json")] = "text",
) -> None:
    """List the registry rows about A (and B), one fact a row with its source."""
    from allyscope.cli.render import check_format, print_csv, print_json
    from allyscope.sources.listing import registry_rows

    f = check_format(fmt, FORMATS)
    rows = registry_rows(a, b, kind=kind, years=years)
    if f == "json":
        print_json(rows.to_dicts())
    elif f == "csv":
        print_csv(rows.to_dicts())
    else:
        _print_text(rows.to_dicts())


def _print_text(rows: list[dict[str, object]]) -> None:
    """One fact on two lines (what, then its source), readable at any width."""
    if not rows:
        sys.stdout.write("no registry rows match\n")
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False, soft_wrap=not sys.stdout.isatty())
    for r in rows:
        r = {k: escape(str(v)) if isinstance(v, str) else v for k, v in r.items()}
        span = f"{r['start']}" + (f" to {r['end']}" if r["end"] else "")
        pair = f"{r['a_iso3']}" + (f"-{r['b_iso3']}" if r["b_iso3"] else "")
        console.print(
            f"[bold]{span}[/bold]  {pair}  {r['kind']}/{r['subkind']}"
            + (f" (level {r['level']})" if r["level"] is not None else "")
            + f": {r['label']}"
        )
        console.print(
            f"    source: {r['source']}"
            + (f" <{r['url']}>" if r["url"] else "")
            + escape(f" [{r['confidence']}; {r['file']} line {r['line']}]"),
            style="dim",
        )
    console.print(f"{len(rows)} rows", style="dim")
