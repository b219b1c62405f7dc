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
