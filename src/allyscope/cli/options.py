"""Command-line options shared by several commands (one wording, one place)."""

from __future__ import annotations

from typing import Annotated

import typer

#: ``--format/-f`` of the listing commands (``data list``, ``states``).
TableFormat = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="text (a table on a terminal, tab-separated values when piped), json or csv",
    ),
]
