"""Printing helpers shared by the commands (Rich tables, JSON, CSV on stdout).

Tables are laid out for where they go: on a terminal, a table when it fits the width and
one record per block (``column  value`` lines) when it does not; in a pipe or a file,
tab-separated values (a header line, then one line per row) that ``cut``, ``sort`` or
``pandas.read_csv(sep="\\t")`` read, or, for commands that print several tables, the
terminal layout at the pipe's width (80 columns unless ``COLUMNS`` says otherwise).
"""

from __future__ import annotations

import csv
import os
import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import Any, Literal

from allyscope.errors import InvalidInputError

FORMATS = ("text", "json", "csv")
#: How ``--format text`` of a table command is described in its help.
TABLE_HELP = "text (a table on a terminal, tab-separated values when piped)"


def check_format(fmt: str, allowed: Sequence[str] = FORMATS) -> str:
    f = fmt.lower()
    if f not in allowed:
        raise InvalidInputError(f"unknown format {fmt!r}; use one of: {', '.join(allowed)}")
    return f


def print_json(obj: Any) -> None:
    """Strict JSON on stdout: indented on a terminal, compact in a pipe (the C encoder)."""
    from allyscope.jsonout import dumps

    sys.stdout.write(dumps(obj, indent=2 if sys.stdout.isatty() else None) + "\n")


def print_csv(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if v is None else v) for k, v in r.items()})


def to_terminal() -> bool:
    """Whether stdout is a terminal (tables) rather than a pipe or a file (TSV)."""
    return sys.stdout.isatty()


def width() -> int:
    """The width to lay text out in: the terminal's, or ``COLUMNS``, or 80."""
    return max(40, shutil.get_terminal_size((80, 24)).columns)


def _cell(v: Any) -> str:
    return "" if v is None else str(v)


def print_tsv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A header line and one line per row, tab-separated (tabs and newlines in values
    become spaces); nothing for a missing value."""

    def clean(v: Any) -> str:
        return _cell(v).replace("\t", " ").replace("\r", " ").replace("\n", " ")

    out = sys.stdout
    out.write("\t".join(clean(c) for c in columns) + "\n")
    for r in rows:
        out.write("\t".join(clean(v) for v in r) + "\n")


def print_table(
    title: str | None,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    piped: Literal["tsv", "fit"] = "tsv",
) -> None:
    """A table on a terminal (records when it is too wide); TSV in a pipe (``piped="tsv"``,
    the title then goes to stderr) or the terminal layout at the pipe's width (``"fit"``,
    for commands that print several tables)."""
    if not to_terminal() and piped == "tsv":
        if title:
            note(title)
        print_tsv(columns, rows)
        return
    from rich import box
    from rich.console import Console
    from rich.table import Table

    COMPACT = {"box": box.SIMPLE_HEAD, "pad_edge": False, "collapse_padding": True}
    console = Console(width=width())
    wide = console.options.update_width(10**5)
    for style in ({}, COMPACT):  # boxed, then compact
        table = Table(title=title, show_lines=False, header_style="bold", **style)  # type: ignore[arg-type]
        for c in columns:
            table.add_column(c, overflow="fold")
        for r in rows:
            table.add_row(*(_cell(v) for v in r))
        if console.measure(table, options=wide).maximum <= console.width:
            console.print(table)
            return
    print_records(title, columns, rows, console.width)


def print_records(
    title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]], cols: int
) -> None:
    """One block per row, one ``column  value`` line per column, values wrapped to ``cols``
    (a table too wide for the screen, as ``psql``'s expanded display does)."""
    out = sys.stdout
    key = min(max((len(c) for c in columns), default=0), cols // 3)
    if title:
        out.write(title + "\n\n")
    for i, r in enumerate(rows):
        if i:
            out.write("\n")
        for c, v in zip(columns, r, strict=True):
            head = f"{c:<{key}}  "
            text = textwrap.fill(
                _cell(v) or "-",
                width=cols,
                initial_indent=head,
                subsequent_indent=" " * len(head),
                break_on_hyphens=False,
            )
            out.write(text + "\n")


def note(message: str) -> None:
    """A remark for the user on stderr (kept out of piped output), dim on a terminal.

    The message is written as it is: no markup is read in it (a path may hold brackets),
    and Rich is not imported for one line (0.03 s of a panel job).
    """
    err = sys.stderr
    dim = err.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    err.write(f"\x1b[2m{message}\x1b[0m\n" if dim else message + "\n")
    err.flush()


def print_view(d: dict[str, Any], fmt: str, view_module: str) -> None:
    """Print a result dict as json, markdown or Rich text with a presentation module's views.

    ``view_module`` (e.g. ``allyscope.presentation.trace_view``) provides
    ``markdown_view(d) -> str`` and ``rich_view(d) -> list`` of renderables.
    """
    if fmt == "json":
        print_json(d)
        return
    import importlib

    views = importlib.import_module(view_module)
    if fmt == "markdown":
        sys.stdout.write(views.markdown_view(d))
        return
    from rich.console import Console

    console = Console()
    for part in views.rich_view(d):
        console.print(part)
