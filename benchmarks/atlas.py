"""Benchmark: `allyscope atlas` (every dyad-year 1946-2025 typed and written) as a whole process.

    python benchmarks/atlas.py [--repeat 5] [--years 1946-2025]

Interleaved, each a whole process from interpreter start to file written:

- the import floor (``import polars, duckdb, numpy``);
- ``allyscope rank --all --year 2023 --format csv`` (one year of every pair, written to a file):
  the job the atlas replaces 80 times over;
- ``allyscope atlas --years Y -o atlas.parquet``;
- with ``--spark``, the same with ``--engine spark`` (local mode: the JVM's start and a Python
  worker per core are in the time; the peak RSS is the driver's process only).

The table gives median (min) seconds, peak RSS and each job's ratio to the rank job.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

from _process import compiled, run  # benchmarks/_process.py (the script's folder is on sys.path)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--years", default="1946-2025")
    ap.add_argument("--spark", action="store_true", help="also time --engine spark")
    args = ap.parse_args()
    py = sys.executable
    compiled(py)  # as installed by the README: bytecode at hand
    times: dict[str, list[float]] = {}
    rss: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        jobs = {
            "import floor": [py, "-c", "import polars, duckdb, numpy"],
            "rank --all --year 2023 (csv)": [
                py,
                "-c",
                "import allyscope; allyscope.rank(None, 2023).write_csv("
                f"{str(Path(tmp) / 'rank.csv')!r})",
            ],
            f"atlas --years {args.years} -o atlas.parquet": [
                py,
                "-m",
                "allyscope",
                "atlas",
                "--years",
                args.years,
                "-o",
                str(Path(tmp) / "atlas.parquet"),
            ],
        }
        if args.spark:
            jobs[f"atlas --years {args.years} --engine spark"] = [
                *jobs[f"atlas --years {args.years} -o atlas.parquet"],
                "--engine",
                "spark",
            ]
        run(jobs["rank --all --year 2023 (csv)"])  # warm the derived caches once
        for _ in range(args.repeat):
            for name, cmd in jobs.items():
                w, m = run(cmd)
                times.setdefault(name, []).append(w)
                rss.setdefault(name, []).append(m)
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    print(
        f"{dt.date.today()}, {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"median (min) of {args.repeat}; load average at the end {os.getloadavg()[0]:.1f}"
    )
    base = statistics.median(times["rank --all --year 2023 (csv)"])
    print("| job | s | peak RSS MB | / rank 2023 |")
    print("|---|---|---|---|")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"| {name} | {med:.2f} ({min(ts):.2f}) | {max(rss[name]):.0f} | {med / base:.2f} |")


if __name__ == "__main__":
    main()
