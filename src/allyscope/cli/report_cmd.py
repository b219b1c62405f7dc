"""Write a self-contained HTML report of an assessment (opens offline in any browser)."""

from __future__ import annotations

from typing import Annotated

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
    documents: Annotated[
        list[str] | None,
        typer.Option(
            "--documents",
            help="files or folders to read (txt, md, html, pdf, docx; repeat the option for "
            "several): the report adds their coded passages on A and B and checks their "
            "numbers",
        ),
    ] = None,
    coder: str = typer.Option(
        "embedding",
        "--coder",
        help="for --documents and --corpus: embedding (keywords + multilingual model) or "
        "lexicon (keywords only, fast)",
    ),
    corpus: str | None = typer.Option(
        None,
        "--corpus",
        help="ungd: add how each state spoke of the other in the UN General Debate "
        "(bundled speeches of 20 states)",
    ),
) -> None:
    """Write the assessment of A and B as one self-contained HTML file.

    With --documents the report gains a section on what those texts say about the pair
    (coded passages, claims checked against the data); with --corpus ungd, one on how each
    state spoke of the other in the UN General Debate, year by year.
    """
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

    if coder not in ("embedding", "lexicon"):
        raise InvalidInputError(f"unknown --coder {coder!r}; use embedding or lexicon")
    d = assess(a, b, years=years, third=third).as_dict()
    ccodes = (d["dyad"]["a"]["cow"], d["dyad"]["b"]["cow"])
    spoken = None
    if corpus is not None:
        from allyscope.documents.corpus import corpus_view

        first, last = d["years"]
        spoken = corpus_view(corpus, *ccodes, years=range(first, last + 1), method=coder)
    evidence = None
    if documents:
        from allyscope.cli.read_cmd import progress_read
        from allyscope.documents.evidence import dyad_evidence

        evidence = dyad_evidence(progress_read(documents, check_claims=True, method=coder), *ccodes)
    html = render_report(
        d, evidence=evidence, corpus=spoken.to_dicts() if spoken is not None else None
    )
    path = write_text_atomic(output, html)
    typer.echo(f"wrote {path} ({len(html.encode()) / 1e6:.1f} MB)")
