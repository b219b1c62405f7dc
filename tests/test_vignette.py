"""The notebook vignette (docs/vignette-iran-russia.ipynb) executes, cell by cell, in a
fresh kernel: panel -> verdict -> report. It is saved executed (tools/run_vignette.py)."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import nbformat

VIGNETTE = Path(__file__).resolve().parents[1] / "docs" / "vignette-iran-russia.ipynb"


def _runner():
    spec = importlib.util.spec_from_file_location(
        "run_vignette", VIGNETTE.parents[1] / "tools" / "run_vignette.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _text(cell) -> str:
    out = []
    for o in cell.get("outputs", []):
        data = o.get("data", {})
        out.append(o.get("text", "") + data.get("text/html", "") + data.get("text/plain", ""))
    return "\n".join(out)


def test_the_saved_vignette_is_executed():
    nb = nbformat.read(VIGNETTE, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code)
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]


def test_the_vignette_runs_from_panel_to_report(tmp_path):
    start = time.monotonic()
    nb = _runner().execute(VIGNETTE, tmp_path, timeout=120)  # a failing cell raises
    seconds = time.monotonic() - start
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    verdict = next(c for c in code if c.source.rstrip().endswith("\nr"))
    html = verdict.outputs[0]["data"]["text/html"]
    assert "Iran (IRN) – Russia (RUS), 1992-2025" in html and "Periods" in html
    report = tmp_path / "iran-russia.html"
    assert report.stat().st_size > 1_000_000 and "wrote iran-russia.html" in _text(code[-1])
    assert seconds < 120, f"the vignette took {seconds:.0f} s"
