"""Benchmark: `allyscope assess IRN RUS` start-up, and ranking all dyads of one year.

    python benchmarks/assess.py [--repeat 3] [--against /path/to/other/venv/bin/python]

Every job is a whole process (interpreter start, imports, data reading, output written), run
interleaved with a floor that only starts Python and imports the libraries allyscope stands
on (polars, duckdb, numpy): the ratio says how much the job costs above that floor.

- assess, empty cache: ALLYSCOPE_CACHE points at a fresh folder, so the UN vote similarity
  of all years (a derived table) is computed and cached; this is a user's very first run.
- assess, warm cache: the same command again with that cache (every later run).
- the same assessment from Python (no CLI).
- rank all dyads 2023: every pair of system members in 2023 classified and ranked.

With ``--against``, every job also runs, interleaved, under another interpreter that has
another allyscope installed (an earlier commit, installed with ``pip install -e`` from a
worktree); the table then gives both medians and their ratio, which is what a noisy machine
can measure.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

from _process import compiled, run  # benchmarks/_process.py (the script's folder is on sys.path)


def jobs_for(py: str) -> dict[str, list[str]]:
    cli = [py, "-m", "allyscope"]
    return {
        "assess": [*cli, "assess", "IRN", "RUS", "--format", "json"],
        "api": [py, "-c", "import allyscope; allyscope.assess('IRN', 'RUS').as_dict()"],
        "rank": [py, "-c", "import allyscope; r = allyscope.rank(None, 2023); print(r.shape)"],
    }


LABELS = {
    "floor": "python + polars/duckdb/numpy imports (floor)",
    "cold": "allyscope assess IRN RUS, empty cache",
    "warm": "allyscope assess IRN RUS, warm cache",
    "api": "allyscope.assess('IRN', 'RUS') from Python, warm cache",
    "rank": "rank all dyads of 2023 (warm cache)",
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--against", help="another Python with another allyscope installed")
    args = ap.parse_args()
    pythons = {"this": sys.executable} | ({"other": args.against} if args.against else {})
    times: dict[tuple[str, str], list[float]] = {}
    rss: dict[tuple[str, str], list[float]] = {}
    compiled(*pythons.values())  # as installed by the README: bytecode at hand
    floor_cmd = [sys.executable, "-c", "import polars, duckdb, numpy"]
    with tempfile.TemporaryDirectory() as tmp:
        warm = {k: {**os.environ, "ALLYSCOPE_CACHE": str(Path(tmp) / f"warm-{k}")} for k in pythons}
        for k, py in pythons.items():
            run(jobs_for(py)["assess"], warm[k])  # fill each warm cache once
        for i in range(args.repeat):
            plan: list[tuple[str, str, list[str], dict[str, str]]] = [
                ("this", "floor", floor_cmd, warm["this"])
            ]
            for job in ("cold", "warm", "api", "rank"):
                for k, py in pythons.items():
                    j = jobs_for(py)
                    cmd = j["assess"] if job in ("cold", "warm") else j[job]
                    env = warm[k]
                    if job == "cold":
                        env = {**os.environ, "ALLYSCOPE_CACHE": str(Path(tmp) / f"cold-{k}-{i}")}
                    plan.append((k, job, cmd, env))
            for k, job, cmd, env in plan:
                w, m = run(cmd, env)
                times.setdefault((k, job), []).append(w)
                rss.setdefault((k, job), []).append(m)
    floor = statistics.median(times[("this", "floor")])
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, median of {args.repeat}, floor {floor:.2f} s"
    )
    if not args.against:
        print("| job | median s | peak RSS MB | x the floor |")
        print("|---|---|---|---|")
        for (_, job), ts in times.items():
            med = statistics.median(ts)
            mb = statistics.median(rss[("this", job)])
            print(f"| {LABELS[job]} | {med:.2f} | {mb:.0f} | {med / floor:.1f} |")
        return
    def spread(ts: list[float]) -> str:
        return f"{statistics.median(ts):.2f} ({min(ts):.2f}-{max(ts):.2f})"

    print(
        "| job | this s (min-max) | other s (min-max) | this / other | this / floor "
        "| this peak RSS MB | other peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|")
    for job in ("cold", "warm", "api", "rank"):
        a = statistics.median(times[("this", job)])
        b = statistics.median(times[("other", job)])
        ma = statistics.median(rss[("this", job)])
        mb = statistics.median(rss[("other", job)])
        print(
            f"| {LABELS[job]} | {spread(times[('this', job)])} | {spread(times[('other', job)])} "
            f"| {a / b:.2f} | {a / floor:.1f} | {ma:.0f} | {mb:.0f} |"
        )
    print(f"floor {spread(times[('this', 'floor')])} s")
    for k in ("this", "other"):
        cold, warm = (statistics.median(times[(k, j)]) for j in ("cold", "warm"))
        print(f"{k}: empty cache / warm = {cold / warm:.2f}")


if __name__ == "__main__":
    main()
