"""Weigh hypotheses against evidence (Bayesian process tracing) from a YAML case file."""

from __future__ import annotations

import typer

from allyscope.cli.render import check_format, print_json


def trace(
    case: str = typer.Argument(..., help="the case file (YAML; see docs/tracing.md)"),
    fmt: str = typer.Option("text", "--format", "-f", help="text, json or markdown"),
) -> None:
    """Weigh the hypotheses of CASE against its evidence: posteriors, weights, sensitivity."""
    f = check_format(fmt, ("text", "json", "markdown"))
    from allyscope.tracing import trace as run

    d = run(case).as_dict()
    if f == "json":
        print_json(d)
    elif f == "markdown":
        from allyscope.presentation.trace_view import markdown_view

        typer.echo(markdown_view(d), nl=False)
    else:
        from rich.console import Console

        from allyscope.presentation.trace_view import rich_view

        console = Console()
        for part in rich_view(d):
            console.print(part)
