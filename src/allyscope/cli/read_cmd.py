"""Read documents (txt, md, html, pdf, docx), code their passages and check their numbers."""

from __future__ import annotations

import sys
import textwrap
from typing import TYPE_CHECKING, Annotated, Any

import typer

from allyscope.cli import render
from allyscope.cli.render import check_format, note, print_csv, print_view
from allyscope.errors import InvalidInputError

if TYPE_CHECKING:
    from allyscope.documents.reader import ReadResult

EXPORT_SUFFIX = {"qdpx": ".qdpx", "matrix": ".csv", "evidence": ".yaml"}
#: Below this many columns, the passages table would squeeze the text: blocks instead.
WIDE = 100


def progress_read(paths: list[str], **kwargs: Any) -> ReadResult:
    """``allyscope.read(paths, **kwargs)`` with progress bars on a terminal."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from allyscope.documents import read
    from allyscope.documents.ingest import expand_paths

    files, _ = expand_paths(paths)
    show = sys.stderr.isatty()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
        disable=not show,
    ) as bar:
        ftask = bar.add_task("reading files", total=len(files))
        ptask = bar.add_task("coding passages", total=None)

        def on_file(_: object) -> None:
            bar.advance(ftask)

        def on_passages(n: int) -> None:
            bar.advance(ptask, n)

        return read(paths, on_file=on_file, progress=on_passages, **kwargs)


def read(
    paths: Annotated[
        list[str] | None, typer.Argument(help="files or folders (.txt .md .html .pdf .docx)")
    ] = None,
    check_claims: bool = typer.Option(
        False, "--check-claims", help="check quantitative claims against the data"
    ),
    fmt: str = typer.Option(
        "text",
        "--format",
        "-f",
        help="text (tables on a wide terminal; one passage per block, wrapped, when piped or "
        "narrow), json, csv (passages) or markdown; with --corpus, text is a table on a "
        "terminal and tab-separated values when piped",
    ),
    export: str | None = typer.Option(
        None, "--export", help="also write qdpx (REFI-QDA), matrix (0/1 CSV) or evidence (YAML)"
    ),
    output: str | None = typer.Option(
        None, "--output", "-o", help="file for --export (default allyscope-<kind>.<ext>)"
    ),
    coder: str = typer.Option(
        "embedding",
        "--coder",
        help="embedding (keywords + multilingual model) or lexicon (keywords only, fast)",
    ),
    codebook: str | None = typer.Option(
        None, "--codebook", help="a codebook YAML of your own (same schema as the shipped one)"
    ),
    tolerance: float = typer.Option(
        0.10, "--tolerance", help="relative tolerance for a consistent claim"
    ),
    corpus: str | None = typer.Option(
        None, "--corpus", help="read a bundled corpus instead of files: ungd (UN General Debate)"
    ),
    states: str | None = typer.Option(
        None, "--states", help="with --corpus: two states, e.g. IRN,RUS"
    ),
    years: str | None = typer.Option(None, "--years", help="with --corpus: years, e.g. 1992-2024"),
) -> None:
    """Read documents, code each passage (dimension, role, framing, states) and check claims.

    PATH may be files or folders; unreadable files are listed with the reason and the rest
    are read. With --corpus ungd --states A,B the bundled UN General Debate speeches give,
    per year, how each state speaks of the other.
    """
    f = check_format(fmt, ("text", "json", "csv", "markdown"))
    if not 0 <= tolerance < 1:
        raise InvalidInputError(
            f"--tolerance {tolerance} must be between 0 and 1 (e.g. 0.1 for 10%)"
        )
    if corpus is not None:
        _corpus(corpus, states, years, f, coder)
        return
    if not paths:
        raise InvalidInputError("name files or folders to read, or use --corpus ungd --states A,B")
    if export is not None and export not in EXPORT_SUFFIX:
        raise InvalidInputError(f"unknown export {export!r}; use one of {', '.join(EXPORT_SUFFIX)}")
    result = progress_read(
        paths, check_claims=check_claims, method=coder, codebook=codebook, tolerance=tolerance
    )
    d = result.as_dict()
    if export is not None:
        from allyscope.documents.exports import export as write_export

        target = output or f"allyscope-{export}{EXPORT_SUFFIX[export]}"
        write_export(result, export, target)
        note(f"wrote {export} export to {target}")
    if f == "csv":
        print_csv(
            [
                {
                    k: (" ".join(v) if k == "iso3" else v)
                    for k, v in p.items()
                    if k not in {"scores", "triggers", "states", "years"}
                }
                for p in d["passages"]
            ]
        )
    elif f == "text" and (not render.to_terminal() or render.width() < WIDE):
        print_blocks(d, render.width())
    else:
        print_view(d, f, "allyscope.presentation.documents_view")
    if result.skipped:
        note(f"{len(result.skipped)} file(s) skipped; see the list above (or 'skipped' in JSON)")


def print_blocks(d: dict[str, Any], cols: int) -> None:
    """The text view in blocks that fit ``cols`` columns (a pipe, a narrow terminal): the
    summary, code counts, each claim and each passage (whole, wrapped) under a one-line head."""
    from allyscope.presentation.documents_view import money

    def wrap(text: str, indent: str = "    ") -> str:
        return textwrap.fill(
            " ".join(text.split()),
            width=cols,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
        )

    s = d["summary"]
    out = [
        f"{s['documents']} document(s), {s['passages']} passages, {s['claims']} claims, "
        f"{s['skipped']} skipped (coder: {s['coder']}, codebook {s['codebook_version']})",
        "",
    ]
    for fam, counts in s["codes"].items():
        text = ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
        out.append(textwrap.fill(f"{fam}: {text}", width=cols, subsequent_indent="    "))
    names = {doc["id"]: doc["name"] for doc in d["documents"]}
    if d["claims"]:
        out += ["", "Quantitative claims", ""]
    for c in d["claims"]:
        src = c["source"]
        where = f"{src.get('dataset', '')} {src.get('version', '')} {src.get('column', '')}"
        pair = f"{c['from'] or '?'} -> {c['to'] or '?'}" if c["from"] or c["to"] else ""
        head = [c["text"], str(c["year"] or "NA"), pair, c["verdict"] or "not checked"]
        out.append("  ".join(x for x in head if x) + f"  (passage {c['passage']})")
        parts = [f"data: {money(c['data_value'], c['unit'])}", where.strip(), c["note"] or ""]
        out.append(wrap("; ".join(x for x in parts if x)))
    out += ["", f"Passages ({len(d['passages'])})"]
    for p in d["passages"]:
        head = (
            f"{p['id']}  {names.get(p['doc'], '')}  {p['lang']}  {p['dimension']}/{p['role']}/"
            f"{p['framing']}  {' '.join(p['iso3'])}"
        )
        out += ["", textwrap.fill(head, width=cols, subsequent_indent="  "), wrap(p["text"])]
    if d["skipped"]:
        out += ["", "Skipped files"]
        out += [wrap(f"{sk['path']}: {sk['reason']}", indent="") for sk in d["skipped"]]
    sys.stdout.write("\n".join(out) + "\n")


def _corpus(corpus: str, states: str | None, years: str | None, fmt: str, coder: str) -> None:
    from allyscope.documents.corpus import corpus_view

    if states is None:
        raise InvalidInputError("--corpus needs --states A,B (e.g. --states IRN,RUS)")
    parts = [s.strip() for s in states.split(",") if s.strip()]
    if len(parts) != 2:
        raise InvalidInputError(
            f"--states {states!r}: give two states separated by a comma, e.g. IRN,RUS"
        )
    from allyscope.panel.build import parse_years

    yrs = parse_years(years) if years else None
    table = corpus_view(corpus, parts[0], parts[1], years=yrs, method=coder)
    if fmt == "json":
        from allyscope.cli.render import print_json

        print_json(table.to_dicts())
    elif fmt == "csv":
        print_csv(table.to_dicts())
    else:
        from allyscope.cli.render import print_table

        print_table(f"{corpus}: how each state speaks of the other", table.columns, table.rows())
