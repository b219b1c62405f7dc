"""A plain Polars script of the benchmark job (no allyscope), as a second baseline.

    python benchmarks/naive_polars.py [OUT.parquet]

With an output path it also writes the frame as zstd Parquet through Polars: the floor of
the CLI job that writes the same panel (``allyscope panel ... -o p.parquet``).
"""

import sys

import polars as pl

from allyscope.sources.store import snapshot_path
from allyscope.states.table import cow_membership

m = (
    cow_membership()
    .with_columns(
        year=pl.int_ranges(pl.col("start").dt.year(), pl.col("end").dt.year() + 1, dtype=pl.Int16)
    )
    .explode("year")
    .filter(pl.col("year").is_between(1816, 2014))
)
d = (
    m.join(m, on="year", suffix="_b")
    .filter(
        (pl.col("ccode") != pl.col("ccode_b"))
        & (pl.col("start") <= pl.col("end_b"))
        & (pl.col("start_b") <= pl.col("end"))
    )
    .select(pl.col("ccode").alias("ccode1"), pl.col("ccode_b").alias("ccode2"), "year")
    .unique()
)
atop = pl.read_parquet(snapshot_path("atop"))
nmc = pl.read_parquet(snapshot_path("cow_nmc"))
igo = pl.read_parquet(snapshot_path("cow_igo_dyadic"))
d = d.join(atop, on=["ccode1", "ccode2", "year"], how="left").with_columns(
    pl.col("^atop_.*$").fill_null(0)
)
d = d.join(
    nmc.rename(lambda c: c if c in ("year",) else c + "1").rename({"ccode1": "ccode1"}),
    on=["ccode1", "year"],
    how="left",
)
d = d.join(
    nmc.rename(lambda c: c if c in ("year",) else c + "2"), on=["ccode2", "year"], how="left"
)
d = d.with_columns(
    lo=pl.min_horizontal("ccode1", "ccode2"), hi=pl.max_horizontal("ccode1", "ccode2")
)
d = d.join(igo.rename({"ccode1": "lo", "ccode2": "hi"}), on=["lo", "hi", "year"], how="left").drop(
    "lo", "hi"
)
print(d.shape)
if len(sys.argv) > 1:
    d.write_parquet(sys.argv[1], compression="zstd")
