"""Benchmark: `allyscope assess IRN RUS` start-up, and ranking all dyads of one year.

    python benchmarks/assess.py [--repeat 3]

Every job is a whole process (interpreter start, imports, data reading), run interleaved
with a baseline that only starts Python and imports the libraries allyscope stands on
(polars, duckdb, numpy): the ratio says how much the job costs above that floor.

- assess, empty cache: ALLYSCOPE_CACHE points at a fresh folder, so the UN vote
  similarity of all years (a derived table) and the change points are computed and cached;
  this is a user's very first run.
- assess, warm cache: the same command again with that cache (every later run).
- the same assessment from Python (no CLI: Typer 0.29 imports pydantic for its parameter
  adapters, about 0.35 s of each CLI start).
- rank all dyads 2023: every pair of system members in 2023 classified and ranked.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

from _process import run  # benchmarks/_process.py (the script's folder is on sys.path)

PY = sys.executable
CLI = [PY, "-m", "allyscope"]
FLOOR = [PY, "-c", "import polars, duckdb, numpy"]
ASSESS = [*CLI, "assess", "IRN", "RUS", "--format", "json"]
API = [PY, "-c", "import allyscope; allyscope.assess('IRN', 'RUS').as_dict()"]
RANK_ALL = [PY, "-c", "import allyscope; r = allyscope.rank(None, 2023); print(r.shape)"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    times: dict[str, list[float]] = {}
    rss: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        warm_env = {**os.environ, "ALLYSCOPE_CACHE": str(Path(tmp) / "warm")}
        run(ASSESS, warm_env)  # fill the warm cache once
        for i in range(args.repeat):
            cold_env = {**os.environ, "ALLYSCOPE_CACHE": str(Path(tmp) / f"cold{i}")}
            jobs = {
                "python + polars/duckdb/numpy imports (floor)": (FLOOR, warm_env),
                "allyscope assess IRN RUS, empty cache": (ASSESS, cold_env),
                "allyscope assess IRN RUS, warm cache": (ASSESS, warm_env),
                "allyscope.assess('IRN', 'RUS') from Python, warm cache": (API, warm_env),
                "rank all dyads of 2023 (warm cache)": (RANK_ALL, warm_env),
            }
            for name, (cmd, env) in jobs.items():
                w, m = run(cmd, env)
                times.setdefault(name, []).append(w)
                rss.setdefault(name, []).append(m)
    floor = statistics.median(times["python + polars/duckdb/numpy imports (floor)"])
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"median of {args.repeat}"
    )
    print("| job | median s | peak RSS MB | x the floor |")
    print("|---|---|---|---|")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"| {name} | {med:.2f} | {statistics.median(rss[name]):.0f} | {med / floor:.1f} |")


if __name__ == "__main__":
    main()
