"""Benchmark: the panel, timed as whole processes (interpreter start, imports, data reading
and, for the CLI jobs, the file written), side by side with R's peacesciencer when it is
installed, and with another allyscope install (``--against``) for a before/after.

    python benchmarks/panel.py [--repeat 3] [--against /path/to/other/venv/bin/python]
                               [--only "CLI, atop;naive Polars script, write;R peacesciencer atop"]

Jobs, all over every directed dyad-year 1816-2014 unless said otherwise:

- atop,nmc,igos and +trade,un_votes from Python (the jobs of the earlier benchmark);
- the CLI writing a Parquet file with the 11 dyadic variables of the earlier releases
  (atop ... milex): a job both installs can run;
- the CLI writing a Parquet file with every dyadic variable (31 families, 232 columns);
- the CLI writing every state-year variable for the state-years 1816-2024 and every
  leader-year variable for the Archigos leader-years;
- the CLI writing atop,nmc,igos (issue 26's job against peacesciencer's pipe);
- a naive Polars script (benchmarks/naive_polars.py), and the same writing zstd Parquet
  through Polars: the floor of the CLI write jobs.

R jobs, when Rscript and peacesciencer (benchmarks/setup_r.sh, ALLYSCOPE_R_LIB) exist:
peacesciencer_baseline.R (atop, nmc, igos) and peacesciencer_all.R (every dyadic verb that
runs offline, written to a file). Each allyscope install gets its own warm cache (the UN
vote similarity is computed once before timing). Jobs are interleaved so that machine
noise hits all alike; the table gives medians, their ratios to R (when it ran) and to the
other install.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from _process import compiled, run  # benchmarks/_process.py (the script's folder is on sys.path)

HERE = Path(__file__).parent
EARLIER = "atop,trade,nmc,igos,un_votes,idealpoints,contiguity,rivalries,mids,arms,milex"


def _variables(py: str, unit: str) -> str:
    """Every variable the install at ``py`` has for ``unit`` (comma-separated)."""
    import subprocess

    code = (
        "from allyscope.panel import FAMILIES; "
        f"print(','.join(n for n, f in FAMILIES.items() if {unit!r} in getattr(f, 'units', ('dyad-year',))))"
    )
    return subprocess.run(
        [py, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def jobs_for(py: str, out: Path) -> dict[str, list[str]]:
    cli = [py, "-m", "allyscope", "panel"]
    jobs = {
        "atop,nmc,igos (Python)": [
            py,
            "-c",
            "import allyscope; d = allyscope.panel(years=(1816, 2014), variables=['atop','nmc','igos']); print(d.shape)",
        ],
        "+trade,un_votes (Python)": [
            py,
            "-c",
            "import allyscope; d = allyscope.panel(years=(1816, 2014), variables=['atop','nmc','igos','trade','un_votes']); print(d.shape)",
        ],
        "CLI, atop,nmc,igos, write": [
            *cli,
            "--years",
            "1816-2014",
            "--variables",
            "atop,nmc,igos",
            "-o",
            str(out / "three.parquet"),
        ],
        "CLI, 11 earlier dyadic variables, write": [
            *cli,
            "--years",
            "1816-2014",
            "--variables",
            EARLIER,
            "-o",
            str(out / "earlier.parquet"),
        ],
    }
    every = _variables(py, "dyad-year")
    if every.count(",") + 1 > 11:  # an install with the peacesciencer variables
        jobs["CLI, every dyadic variable, write"] = [
            *cli,
            "--years",
            "1816-2014",
            "--variables",
            every,
            "-o",
            str(out / "every.parquet"),
        ]
        for unit, years in (("state-year", "1816-2024"), ("leader-year", "1840-2015")):
            jobs[f"CLI, {unit}s, every variable, write"] = [
                *cli,
                "--unit",
                unit,
                "--years",
                years,
                "--variables",
                _variables(py, unit),
                "-o",
                str(out / f"{unit}.parquet"),
            ]
    return jobs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--against", help="another Python with another allyscope installed")
    ap.add_argument("--only", help="';'-separated parts of job names: run only those jobs")
    args = ap.parse_args()
    only = [p.strip() for p in args.only.split(";")] if args.only else None

    def wanted(name: str) -> bool:
        return only is None or any(p in name for p in only)

    pythons = {"this": sys.executable} | ({"other": args.against} if args.against else {})
    compiled(*pythons.values())  # as installed by the README: bytecode at hand
    rlib = os.environ.get("ALLYSCOPE_R_LIB", "/work/rbench/lib")
    have_r = bool(shutil.which("Rscript")) and Path(rlib).is_dir()
    times: dict[tuple[str, str], list[float]] = {}
    rss: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        plans = {}
        for k, py in pythons.items():
            out = Path(tmp) / f"out-{k}"
            out.mkdir()
            env = {**os.environ, "ALLYSCOPE_CACHE": str(Path(tmp) / f"cache-{k}")}
            plans[k] = (jobs_for(py, out), env)
            run(plans[k][0]["+trade,un_votes (Python)"], env)  # warm each cache once
        if have_r:
            r_out = Path(tmp) / "r-all.rds"
            rjobs = {
                "R peacesciencer atop,nmc,igos": [
                    "Rscript",
                    str(HERE / "peacesciencer_baseline.R"),
                ],
                "R peacesciencer, every offline verb, write": [
                    "Rscript",
                    str(HERE / "peacesciencer_all.R"),
                    str(r_out),
                ],
            }
        else:
            rjobs = {}
            print(
                "R or peacesciencer not installed: the R jobs are skipped (see benchmarks/setup_r.sh)"
            )
        names = list(dict.fromkeys(n for jobs, _ in plans.values() for n in jobs))
        names += ["naive Polars script", "naive Polars script, write"]
        names = [n for n in names if wanted(n)]
        rjobs = {n: c for n, c in rjobs.items() if wanted(n)}
        for _ in range(args.repeat):  # interleave jobs so machine noise hits all alike
            for name in names:
                for k, (jobs, env) in plans.items():
                    cmd = jobs.get(name)
                    if name.startswith("naive Polars script") and k == "this":
                        cmd = [pythons[k], str(HERE / "naive_polars.py")]
                        if name.endswith("write"):
                            cmd.append(str(Path(tmp) / "naive.parquet"))
                    if cmd is None:
                        continue
                    w, m = run(cmd, env)
                    times.setdefault((k, name), []).append(w)
                    rss.setdefault((k, name), []).append(m)
            for name, cmd in rjobs.items():
                w, m = run(cmd)
                times.setdefault(("R", name), []).append(w)
                rss.setdefault(("R", name), []).append(m)
    cpu = _cpu_model()
    print(
        f"{dt.date.today()}, {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"median of {args.repeat}; load average at the end {os.getloadavg()[0]:.1f}"
    )
    r_base = {
        "atop,nmc,igos (Python)": ("R", "R peacesciencer atop,nmc,igos"),
        "CLI, atop,nmc,igos, write": ("R", "R peacesciencer atop,nmc,igos"),
        "CLI, every dyadic variable, write": ("R", "R peacesciencer, every offline verb, write"),
    }
    head = "| job | this s (min) | peak RSS MB |"
    if args.against:
        head += " other s (min) | this / other |"
    head += " x faster than R |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for name in names:
        if ("this", name) not in times:
            continue
        ts = times[("this", name)]
        a = statistics.median(ts)
        row = f"| {name} | {a:.2f} ({min(ts):.2f}) | {max(rss[('this', name)]):.0f} |"
        if args.against:
            if ("other", name) in times:
                ob = times[("other", name)]
                b = statistics.median(ob)
                row += f" {b:.2f} ({min(ob):.2f}) | {a / b:.2f} |"
            else:
                row += " - | - |"
        rb = r_base.get(name)
        row += f" {statistics.median(times[rb]) / a:.1f} |" if rb in times else " - |"
        print(row)
    for name in rjobs:
        ts = times[("R", name)]
        print(
            f"| {name} | {statistics.median(ts):.2f} ({min(ts):.2f}) | {max(rss[('R', name)]):.0f} |"
        )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


if __name__ == "__main__":
    main()
