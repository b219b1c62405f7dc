"""Weigh hypotheses against evidence (Bayesian process tracing) from a YAML case file."""

from __future__ import annotations

import typer

from allyscope.cli.render import check_format, print_view


def trace(
    case: str = typer.Argument(..., help="the case file (YAML; see docs/tracing.md)"),
    fmt: str = typer.Option("text", "--format", "-f", help="text, json or markdown"),
) -> None:
    """Weigh the hypotheses of CASE against its evidence: posteriors, weights, sensitivity."""
    f = check_format(fmt, ("text", "json", "markdown"))
    from allyscope.tracing import trace as run

    d = run(case).as_dict()
    print_view(d, f, "allyscope.presentation.trace_view")
