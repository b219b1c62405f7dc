"""Write a self-contained HTML report of an assessment (opens offline in any browser)."""

from __future__ import annotations

import typer

from allyscope.errors import InvalidInputError


def report(
    a: str = typer.Argument(..., help="first state: name, ISO3/ISO2 or COW code"),
    b: str = typer.Argument(..., help="second state"),
    output: str = typer.Option(
        ..., "--output", "-o", help="the HTML file to write, e.g. report.html"
    ),
    years: str = typer.Option(
        None, "--years", help="year or range, e.g. 1992-2025 (default: the last 34 years)"
    ),
    fmt: str = typer.Option(
        "html", "--format", "-f", help="html (pdf is not offered: see docs/report.md)"
    ),
    third: str = typer.Option(
        "USA", "--third", help="reference third party for shared-threat measures"
    ),
) -> None:
    """Write the assessment of A and B as one self-contained HTML file."""
    if fmt.lower() != "html":
        raise InvalidInputError(
            f"format {fmt!r} is not offered: the report is HTML (print it to PDF from a browser)"
        )
    if not output.lower().endswith((".html", ".htm")):
        raise InvalidInputError(
            f"the report is HTML: give an --output ending in .html, not {output!r}"
        )
    from allyscope.assessment import assess
    from allyscope.fileio import write_text_atomic
    from allyscope.presentation.report import render_report

    html = render_report(assess(a, b, years=years, third=third).as_dict())
    path = write_text_atomic(output, html)
    typer.echo(f"wrote {path} ({len(html.encode()) / 1e6:.1f} MB)")
