"""Printing helpers shared by the commands (Rich tables, JSON, CSV on stdout)."""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from typing import Any

from allyscope.errors import InvalidInputError

FORMATS = ("text", "json", "csv")


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


def print_table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*("" if v is None else str(v) for v in r))
    Console().print(table)


def note(message: str) -> None:
    """A remark for the user on stderr (kept out of piped output)."""
    from rich.console import Console

    Console(stderr=True).print(message, style="dim")


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
