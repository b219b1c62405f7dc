"""Benchmark: `allyscope --help` as a whole process (issue 26: <= 0.15 s).

    python benchmarks/help.py [--repeat 9] [--against /path/to/other/python]

Interleaved with two floors: the bare interpreter (``python -c pass``) and ``import typer``
(what any Typer command line pays before it prints anything). With ``--against`` the same
command runs, interleaved, under another interpreter that has another allyscope installed (an
earlier commit): the table then gives both and their ratio, which a noisy machine can measure.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys

from _process import compiled, run  # benchmarks/_process.py (the script's folder is on sys.path)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--against", help="another Python with another allyscope installed")
    args = ap.parse_args()
    compiled(sys.executable, *([args.against] if args.against else []))  # as installed
    jobs = {
        "python -c pass (floor)": [sys.executable, "-c", "pass"],
        "python -c 'import typer'": [sys.executable, "-c", "import typer"],
        "allyscope --help": [sys.executable, "-m", "allyscope", "--help"],
        "allyscope panel --help": [sys.executable, "-m", "allyscope", "panel", "--help"],
    }
    if args.against:
        jobs["allyscope --help (other)"] = [args.against, "-m", "allyscope", "--help"]
        jobs["allyscope panel --help (other)"] = [args.against, "-m", "allyscope", "panel", "--help"]
    times: dict[str, list[float]] = {k: [] for k in jobs}
    for _ in range(args.repeat):
        for name, cmd in jobs.items():
            times[name].append(run(cmd, dict(os.environ))[0])
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, median (min-max) of {args.repeat}, interleaved"
    )
    print("| job | median s | min-max s |")
    print("|---|---|---|")
    for name, ts in times.items():
        print(f"| {name} | {statistics.median(ts):.3f} | {min(ts):.3f}-{max(ts):.3f} |")
    if args.against:
        for job in ("allyscope --help", "allyscope panel --help"):
            ratio = statistics.median(times[job]) / statistics.median(times[f"{job} (other)"])
            print(f"\n{job}: this / other = {ratio:.2f}")


if __name__ == "__main__":
    main()
