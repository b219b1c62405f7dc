"""Benchmark: event aggregation at 5M, 20M and 50M rows, five ways, side by side.

    python benchmarks/events.py [--sizes 5,20,50] [--repeat 3] [--no-spark] [--no-pandas]
                                [--workdir /tmp/allyscope-events-bench]

Data: the bundled ICEWS 2014 sample (90,730 real events, Parquet: date, subject, relation,
object) replicated to N million rows. Replica k is shifted back by k mod 30 years and
forward by k // 30 days, so the scaled file spans 1985 to January 2015 (about 1.7M events a year at
50M, the order of GDELT 1.0), and the rows are sorted by date as event files are. The
rows are otherwise the sample's own: same actors, same event texts. Files are written as
zstd Parquet (1M-row groups) under --workdir (default /tmp) and deleted at the end.

Jobs, each timed from the Parquet file to the final directed dyad-year table:

- ``allyscope duckdb``: ``allyscope.events.aggregate(path, engine="duckdb")`` (the table,
  every row accounted for by reason, coverage, unknown values)
- ``hand duckdb, same job``: one SQL query an analyst would write for the same table and
  the same skipped-row counts, joining the file to (name, year) -> COW code and event
  text -> quad/Goldstein lookups with LEFT JOINs; the lookups are prepared beforehand with
  allyscope's own state table and CAMEO table, and that preparation is not timed
- ``hand duckdb, events only``: the smallest query for the counted events alone (INNER
  JOINs drop unmatched rows early; no accounting). DuckDB's join reordering is switched
  off for it: left on, it joins the two actor lookups to each other on the year first and
  takes about ten times longer (57 s at 50M)
- ``allyscope polars``: the same aggregation on the Polars engine (streaming)
- ``pandas``: read_parquet + merges with the same lookups + groupby, counted events only
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
from polars.testing import assert_frame_equal

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
    """(name, year) -> ccode for every actor in 1984-2016 (the scaled files span 1985-2015),
    and event text -> quad, goldstein."""
    s = pl.read_parquet(sample)
    names = pl.concat([s["subject"], s["object"]]).unique()
    import re

    def country(n: str) -> str:
        t = n.replace("_", " ").strip()
        m = re.search(r"\(([^()]*)\)\s*$", t)
        return (m.group(1) if m else t).strip()

    grid = pl.DataFrame({"name": names}).join(
        pl.DataFrame({"year": list(range(1984, 2017))}, schema={"year": pl.Int32}), how="cross"
    )
    grid = grid.with_columns(country=pl.col("name").map_elements(country, return_dtype=pl.String))
    grid = assign_ccodes(grid, "country", "year", "ccode", ("name", "alias", "iso3", "iso_former"))
    actors = grid.drop_nulls("ccode").select("name", "year", "ccode")
    codes = codes_for_labels(s["relation"]).join(
        cameo_table().select("code", "quad", "goldstein"), on="code"
    )
    return actors, codes.select(pl.col("label").alias("relation"), "quad", "goldstein")


HAND_SAME_JOB = """
SELECT reason, ccode1, ccode2, year, quad, count(*) AS events, sum(goldstein) AS goldstein_sum
FROM (
    SELECT CASE WHEN s.ccode IS NULL THEN 'source_unmatched'
                WHEN t.ccode IS NULL THEN 'target_unmatched'
                WHEN c.quad IS NULL THEN 'event_unknown'
                WHEN s.ccode = t.ccode THEN 'same_state' END AS reason,
           CASE WHEN reason IS NULL THEN s.ccode END AS ccode1,
           CASE WHEN reason IS NULL THEN t.ccode END AS ccode2,
           e.year,
           CASE WHEN reason IS NULL THEN c.quad END AS quad,
           CASE WHEN reason IS NULL THEN c.goldstein END AS goldstein
    FROM (SELECT subject, object, relation, CAST(year(date) AS INTEGER) AS year
          FROM read_parquet('{path}')) e
    LEFT JOIN actors s ON e.subject = s.name AND e.year = s.year
    LEFT JOIN actors t ON e.object = t.name AND e.year = t.year
    LEFT JOIN codes c ON e.relation = c.relation
)
GROUP BY ALL
"""

HAND_EVENTS_ONLY = """
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


def hand_duckdb(
    path: Path, actors: pl.DataFrame, codes: pl.DataFrame, sql: str, join_order: bool = True
) -> Callable[[], pl.DataFrame]:
    """A hand-written query, with the lookups loaded as DuckDB tables beforehand."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    if not join_order:
        con.execute("SET disabled_optimizers = 'join_order'")
    con.register("actors_arrow", actors.to_arrow())
    con.register("codes_arrow", codes.to_arrow())
    con.execute(
        "CREATE TABLE actors AS SELECT name, CAST(year AS INTEGER) AS year, ccode FROM actors_arrow"
    )
    con.execute("CREATE TABLE codes AS SELECT * FROM codes_arrow")

    def job() -> pl.DataFrame:
        return con.sql(sql.format(path=path)).pl()

    return job


def pandas_job(path: Path, actors: pl.DataFrame, codes: pl.DataFrame) -> Callable[[], object]:
    import pandas as pd

    a = actors.to_pandas()
    c = codes.to_pandas()

    def job() -> object:
        df = pd.read_parquet(path)
        df["year"] = pd.to_datetime(df["date"]).dt.year.astype("int32")
        df = df.merge(
            a.rename(columns={"name": "subject", "ccode": "ccode1"}), on=["subject", "year"]
        )
        df = df.merge(
            a.rename(columns={"name": "object", "ccode": "ccode2"}), on=["object", "year"]
        )
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
                "allyscope duckdb": lambda p=path: events.aggregate(p, input_format="icews14"),
                "hand duckdb, same job": hand_duckdb(path, actors, codes, HAND_SAME_JOB),
                "hand duckdb, events only": hand_duckdb(
                    path, actors, codes, HAND_EVENTS_ONLY, join_order=False
                ),
                "allyscope polars": lambda p=path: events.aggregate(
                    p, input_format="icews14", engine="polars"
                ),
            }
            if not args.no_pandas:
                jobs["pandas"] = pandas_job(path, actors, codes)
            if spark is not None:
                jobs["allyscope spark local[2]"] = lambda p=path: events.aggregate(
                    p, input_format="icews14", engine=spark
                )
            times: dict[str, list[float]] = {k: [] for k in jobs}
            outputs: dict[str, object] = {}
            for _ in range(args.repeat):
                for name, job in jobs.items():
                    secs, out = timed(job)
                    times[name].append(secs)
                    outputs[name] = out
            # the jobs computed the same thing: compare with allyscope's table and accounting
            ref = outputs["allyscope duckdb"]
            total = int(ref.table["events"].sum())
            for name, out in outputs.items():
                if isinstance(out, events.EventAggregate):
                    assert_frame_equal(out.table, ref.table, check_exact=False, rel_tol=1e-9)
                    assert out.metadata["skipped"] == ref.metadata["skipped"], name
                    continue
                frame = pl.from_pandas(out) if not isinstance(out, pl.DataFrame) else out
                if "reason" in frame.columns:  # the same-job query: its skipped counts too
                    counted = frame.filter(pl.col("reason").is_null())
                    skipped = dict(
                        frame.filter(pl.col("reason").is_not_null())
                        .group_by("reason")
                        .agg(pl.col("events").sum())
                        .iter_rows()
                    )
                    assert skipped == ref.metadata["skipped"], (name, skipped)
                    frame = counted
                got = int(frame["events"].sum())
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
    sizes = list(results)
    med = {s: {k: statistics.median(v) for k, v in t.items()} for s, t in results.items()}
    head = f"{'job':28s}" + "".join(f"{f'{s}M s':>9s}" for s in sizes)
    print(head + "   / same-job hand query   / events-only hand query")
    for name in names:
        cells = "".join(f"{med[s][name]:9.2f}" for s in sizes)
        r1 = " ".join(f"{med[s][name] / med[s]['hand duckdb, same job']:5.2f}" for s in sizes)
        r2 = " ".join(f"{med[s][name] / med[s]['hand duckdb, events only']:5.2f}" for s in sizes)
        print(f"{name:28s}{cells}   {r1}   {r2}")
    if "pandas" in names:
        speed = " / ".join(f"{med[s]['pandas'] / med[s]['allyscope duckdb']:.1f}x" for s in sizes)
        print(f"allyscope duckdb faster than pandas: {speed}")
    for s in sizes:
        spread = {k: f"{min(v):.2f}-{max(v):.2f}" for k, v in results[s].items()}
        print(f"{s}M min-max: {spread}")
    if spark is not None:
        spark.spark.stop()


if __name__ == "__main__":
    sys.exit(main())
