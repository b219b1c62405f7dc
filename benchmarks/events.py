"""Benchmark: event aggregation at 5M, 20M and 50M rows, five ways, side by side.

    python benchmarks/events.py [--sizes 5,20,50] [--repeat 3] [--no-spark] [--no-pandas]
                                [--workdir /tmp/allyscope-events-bench]

Data: the bundled ICEWS 2014 sample (90,730 real events, Parquet: date, subject, relation,
object) replicated to N million rows. Replica k is shifted back by k mod 30 years and
forward by k // 30 days, so the scaled file spans 1985-2014 (about 1.7M events a year at
50M, the order of GDELT 1.0), and the rows are sorted by date as event files are. The
rows are otherwise the sample's own: same actors, same event texts. Files are written as
zstd Parquet (1M-row groups) under --workdir (default /tmp) and deleted at the end.

Jobs, each timed from the Parquet file to the final directed dyad-year table:

- ``allyscope duckdb``: ``allyscope.events.aggregate(path, engine="duckdb")``
- ``hand-written duckdb``: one SQL query joining the file to (name, year) -> COW code and
  event text -> quad/Goldstein lookups, prepared beforehand and not timed
- ``allyscope polars``: the same aggregation on the Polars engine (streaming)
- ``pandas``: read_parquet + merges with the same lookups + groupby
- ``allyscope spark local[2]``: the same aggregation on PySpark, local mode, 2 cores; the
  session start (JVM) is timed once, separately

Each round runs every job once, in turn, so machine noise falls on all of them alike; the
table gives medians over the rounds and the ratios the targets are about.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl

from allyscope import events
from allyscope.events.cameo import cameo_table, codes_for_labels
from allyscope.states import assign_ccodes

SAMPLE_ROWS = 90_730


def scale(sample: Path, target: Path, rows: int) -> int:
    """Write ``rows`` rows (rounded up to whole replicas, then cut) of the shifted sample."""
    replicas = -(-rows // SAMPLE_ROWS)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(
        f"""COPY (
            SELECT * FROM (
                SELECT CAST(date - to_years(CAST(k % 30 AS INTEGER))
                            + to_days(CAST(k // 30 AS INTEGER)) AS DATE) AS date,
                       subject, relation, object
                FROM read_parquet('{sample}'), range({replicas}) t(k)
                LIMIT {rows}
            ) ORDER BY date
        ) TO '{target}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)"""
    )
    n = con.sql(f"SELECT count(*) FROM read_parquet('{target}')").fetchall()[0][0]
    con.close()
    return int(n)


def lookups(sample: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(name, year) -> ccode for every actor in 1985-2014, and event text -> quad, goldstein."""
    s = pl.read_parquet(sample)
    names = pl.concat([s["subject"], s["object"]]).unique()
    import re

    def country(n: str) -> str:
        t = n.replace("_", " ").strip()
        m = re.search(r"\(([^()]*)\)\s*$", t)
        return (m.group(1) if m else t).strip()

    grid = pl.DataFrame({"name": names}).join(
        pl.DataFrame({"year": list(range(1985, 2015))}, schema={"year": pl.Int32}), how="cross"
    )
    grid = grid.with_columns(country=pl.col("name").map_elements(country, return_dtype=pl.String))
    grid = assign_ccodes(grid, "country", "year", "ccode", ("name", "alias", "iso3", "iso_former"))
    actors = grid.drop_nulls("ccode").select("name", "year", "ccode")
    codes = codes_for_labels(s["relation"]).join(
        cameo_table().select("code", "quad", "goldstein"), on="code"
    )
    return actors, codes.select(pl.col("label").alias("relation"), "quad", "goldstein")


HAND_SQL = """
SELECT s.ccode AS ccode1, t.ccode AS ccode2, e.year,
       count(*) AS events,
       count(*) FILTER (WHERE c.quad = 1) AS verb_coop,
       count(*) FILTER (WHERE c.quad = 2) AS matl_coop,
       count(*) FILTER (WHERE c.quad = 3) AS verb_conf,
       count(*) FILTER (WHERE c.quad = 4) AS matl_conf,
       sum(c.goldstein) AS goldstein_sum, avg(c.goldstein) AS goldstein_mean
FROM (SELECT subject, object, relation, CAST(year(date) AS INTEGER) AS year
      FROM read_parquet('{path}')) e
JOIN actors s ON e.subject = s.name AND e.year = s.year
JOIN actors t ON e.object = t.name AND e.year = t.year
JOIN codes c ON e.relation = c.relation
WHERE s.ccode <> t.ccode
GROUP BY ALL
"""


def hand_duckdb(path: Path, actors: pl.DataFrame, codes: pl.DataFrame) -> Callable[[], pl.DataFrame]:
    """The query an analyst would write, with the lookups loaded as DuckDB tables beforehand."""
    con = duckdb.connect()
    con.register("actors_arrow", actors.to_arrow())
    con.register("codes_arrow", codes.to_arrow())
    con.execute(
        "CREATE TABLE actors AS SELECT name, CAST(year AS INTEGER) AS year, ccode FROM actors_arrow"
    )
    con.execute("CREATE TABLE codes AS SELECT * FROM codes_arrow")

    def job() -> pl.DataFrame:
        return con.sql(HAND_SQL.format(path=path)).pl()

    return job


def pandas_job(path: Path, actors: pl.DataFrame, codes: pl.DataFrame) -> Callable[[], object]:
    import pandas as pd

    a = actors.to_pandas()
    c = codes.to_pandas()

    def job() -> object:
        df = pd.read_parquet(path)
        df["year"] = pd.to_datetime(df["date"]).dt.year.astype("int32")
        df = df.merge(a.rename(columns={"name": "subject", "ccode": "ccode1"}), on=["subject", "year"])
        df = df.merge(a.rename(columns={"name": "object", "ccode": "ccode2"}), on=["object", "year"])
        df = df.merge(c, on="relation")
        df = df[df["ccode1"] != df["ccode2"]]
        for q, name in ((1, "verb_coop"), (2, "matl_coop"), (3, "verb_conf"), (4, "matl_conf")):
            df[name] = (df["quad"] == q).astype("int64")
        return df.groupby(["ccode1", "ccode2", "year"], as_index=False).agg(
            events=("quad", "size"),
            verb_coop=("verb_coop", "sum"),
            matl_coop=("matl_coop", "sum"),
            verb_conf=("verb_conf", "sum"),
            matl_conf=("matl_conf", "sum"),
            goldstein_sum=("goldstein", "sum"),
            goldstein_mean=("goldstein", "mean"),
        )

    return job


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="5,20,50", help="millions of rows, comma-separated")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-spark", action="store_true")
    ap.add_argument("--no-pandas", action="store_true")
    ap.add_argument("--workdir", default="/tmp/allyscope-events-bench")
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    sample = events.sample_path()
    actors, codes = lookups(sample)
    spark = None
    spark_start = None
    if not args.no_spark:
        try:
            t0 = time.perf_counter()
            spark = events.make_engine(
                "spark",
                master="local[2]",
                conf={"spark.ui.enabled": "false", "spark.driver.memory": "6g"},
            )
            spark_start = time.perf_counter() - t0
        except events.EngineMissingError as exc:
            print(f"spark skipped: {exc}")
    results: dict[int, dict[str, list[float]]] = {}
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            path = work / f"events_{size}M.parquet"
            n = scale(sample, path, size * 1_000_000)
            jobs: dict[str, Callable[[], object]] = {
                "allyscope duckdb": lambda p=path: events.aggregate(p, input_format="icews14").table,
                "hand-written duckdb": hand_duckdb(path, actors, codes),
                "allyscope polars": lambda p=path: events.aggregate(
                    p, input_format="icews14", engine="polars"
                ).table,
            }
            if not args.no_pandas:
                jobs["pandas"] = pandas_job(path, actors, codes)
            if spark is not None:
                jobs["allyscope spark local[2]"] = lambda p=path: events.aggregate(
                    p, input_format="icews14", engine=spark
                ).table
            times: dict[str, list[float]] = {k: [] for k in jobs}
            outputs: dict[str, object] = {}
            for _ in range(args.repeat):
                for name, job in jobs.items():
                    secs, out = timed(job)
                    times[name].append(secs)
                    outputs[name] = out
            # the jobs computed the same thing: compare event totals with allyscope's
            total = int(outputs["allyscope duckdb"]["events"].sum())
            for name, out in outputs.items():
                got = int(out["events"].sum())
                assert got == total, f"{name}: {got} events, allyscope duckdb {total}"
            results[size] = times
            print(f"{size}M rows ({n:,}) done: {total:,} events counted", flush=True)
            path.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"\nmachine: {platform.machine()}, {os.cpu_count()} cores; python {platform.python_version()}; "
        f"duckdb {duckdb.__version__}, polars {pl.__version__}; median of {args.repeat} rounds"
    )
    if spark_start is not None:
        print(f"spark session start (once): {spark_start:.1f} s")
    names = list(next(iter(results.values())))
    head = f"{'job':28s}" + "".join(f"{f'{s}M s':>10s}" for s in results)
    print(head + "   ratio to hand-written duckdb (5M/20M/50M)")
    med = {s: {k: statistics.median(v) for k, v in t.items()} for s, t in results.items()}
    for name in names:
        cells = "".join(f"{med[s][name]:10.2f}" for s in results)
        ratios = " / ".join(f"{med[s][name] / med[s]['hand-written duckdb']:.2f}" for s in results)
        print(f"{name:28s}{cells}   {ratios}")
    if "pandas" in names:
        speed = " / ".join(f"{med[s]['pandas'] / med[s]['allyscope duckdb']:.1f}x" for s in results)
        print(f"allyscope duckdb faster than pandas: {speed}")
    if spark is not None:
        spark.spark.stop()


if __name__ == "__main__":
    sys.exit(main())
