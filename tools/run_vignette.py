"""Execute the notebook vignette and save it with its outputs.

Usage:  python tools/run_vignette.py [NOTEBOOK]   (default docs/vignette-iran-russia.ipynb)

Runs every cell in a fresh kernel of this Python (nbclient + ipykernel, the `test` extra),
in a temporary folder so that the files the notebook writes (the HTML report) stay out of
the repository, and replaces the notebook atomically with the executed one. Any cell that
fails stops it and leaves the notebook as it was. ``tests/test_vignette.py`` runs the same
execution in the test suite.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from allyscope.fileio import write_text_atomic

DEFAULT = Path(__file__).resolve().parents[1] / "docs" / "vignette-iran-russia.ipynb"


def execute(path: Path, workdir: Path, timeout: int = 300) -> nbformat.NotebookNode:
    """The notebook at ``path`` executed in ``workdir`` (a cell error raises)."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,  # no timestamps: the saved notebook changes only with its outputs
        resources={"metadata": {"path": str(workdir)}},
    ).execute()
    return nb


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    with tempfile.TemporaryDirectory() as tmp:
        nb = execute(path, Path(tmp))
    write_text_atomic(path, nbformat.writes(nb) + "\n")
    print(f"executed and saved {path}")


if __name__ == "__main__":
    main()
