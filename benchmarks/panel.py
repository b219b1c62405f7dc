"""Benchmark: all directed dyad-years 1816-2014 with atop, nmc, igos (and trade, un_votes),
timed as whole processes, side by side with R's peacesciencer when it is installed.

    python benchmarks/panel.py [--repeat 3]

Each job runs in a fresh process (interpreter start, imports and data reading included).
The R job needs peacesciencer installed with benchmarks/setup_r.sh (ALLYSCOPE_R_LIB).
Prints a table of median wall time and peak RSS, and the ratio to peacesciencer.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
from pathlib import Path

from _process import run  # benchmarks/_process.py (the script's folder is on sys.path)

HERE = Path(__file__).parent
PY = sys.executable
JOBS = {
    "allyscope atop,nmc,igos": [
        PY,
        "-c",
        "import allyscope; d = allyscope.panel(years=(1816, 2014), variables=['atop','nmc','igos']); print(d.shape)",
    ],
    "allyscope +trade,un_votes": [
        PY,
        "-c",
        "import allyscope; d = allyscope.panel(years=(1816, 2014), variables=['atop','nmc','igos','trade','un_votes']); print(d.shape)",
    ],
    "naive polars script": [PY, str(HERE / "naive_polars.py")],
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    jobs = dict(JOBS)
    rlib = os.environ.get("ALLYSCOPE_R_LIB", "/work/rbench/lib")
    if shutil.which("Rscript") and Path(rlib).is_dir():
        jobs["R peacesciencer"] = ["Rscript", str(HERE / "peacesciencer_baseline.R")]
    else:
        print(
            "R or peacesciencer not installed: the R column is skipped (see benchmarks/setup_r.sh)"
        )
    results = {}
    for _ in range(args.repeat):  # interleave jobs so machine noise hits all alike
        for name, cmd in jobs.items():
            results.setdefault(name, []).append(run(cmd))
    base = (
        statistics.median(w for w, _ in results["R peacesciencer"])
        if "R peacesciencer" in results
        else None
    )
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; python {platform.python_version()}"
    )
    print(
        f"{'job':30s} {'median s':>9s} {'min s':>7s} {'peak RSS MB':>12s} {'x faster than R':>16s}"
    )
    for name, rs in results.items():
        walls = [w for w, _ in rs]
        med = statistics.median(walls)
        ratio = f"{base / med:.1f}" if base else "-"
        print(f"{name:30s} {med:9.2f} {min(walls):7.2f} {max(m for _, m in rs):12.0f} {ratio:>16s}")


if __name__ == "__main__":
    main()
