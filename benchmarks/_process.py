"""Timing one job as a whole process: wall time and peak RSS (shared by the benchmarks)."""

from __future__ import annotations

import os
import subprocess
import time


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run ``cmd`` to completion; (wall seconds, peak RSS MB). A failing job stops the benchmark."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"job failed: {' '.join(cmd)}")
    return wall, usage.ru_maxrss / 1024


def compiled(*pythons: str) -> None:
    """Compile the allyscope each interpreter imports to bytecode, as ``pip install .`` does.

    The README's install is a regular one, whose modules are compiled when installed. A
    benchmark runs an editable checkout instead, and where PYTHONDONTWRITEBYTECODE is set
    (it is on the project's machines) Python would compile its ~80 modules from source in
    every job (0.16 s a process). Stale files are never read: Python checks each source's
    modification time against its compiled file.
    """
    code = "import allyscope, compileall, os; compileall.compile_dir(os.path.dirname(allyscope.__file__), quiet=2)"
    for py in pythons:
        subprocess.run([py, "-c", code], check=True)
