"""The atlas on Spark (issue 26): the pairs cut into partitions, each typed by the same code.

What makes it valid is that no indicator of a pair reads another pair's rows: the test below
types a sample of pairs on their own and finds every column of every dyad-year equal to the
all-pairs run. The Spark test then runs the partitions as Spark tasks in local mode.
"""

import importlib.util
import sys

import polars as pl
import pytest

from allyscope.assessment.atlas import COLUMNS, atlas
from allyscope.assessment.calibration import load_calibration
from allyscope.assessment.engine import classified_frame
from allyscope.errors import InvalidInputError

HAS_SPARK = importlib.util.find_spec("pyspark") is not None
USA = 2


def test_a_pair_is_typed_the_same_alone_as_among_all_pairs():
    th = load_calibration()
    # a one-year ranking frame: every pair of 2023 with the twelve years before
    every = classified_frame(None, 2023, 2023, USA, th, history=False)
    sample = every.select("a", "b").unique().sort("a", "b").sample(150, seed=26)
    alone = classified_frame(sample.rows(), 2023, 2023, USA, th, history=False)
    want = every.join(sample, on=["a", "b"]).sort("a", "b", "year")
    got = alone.sort("a", "b", "year").select(want.columns)
    assert got.height == 150
    for col in want.columns:
        assert got[col].equals(want[col]), col


def test_an_unknown_engine_is_refused_before_any_work():
    with pytest.raises(InvalidInputError, match="polars or spark"):
        atlas(2023, engine="dask")


@pytest.mark.skipif(not HAS_SPARK, reason="pyspark is not installed (pip install 'allyscope[spark]')")
def test_spark_tasks_give_the_polars_rows(monkeypatch):
    from allyscope.assessment.spark import atlas_on_spark, pairs_of

    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)
    th = load_calibration()
    pairs = pairs_of(2020, 2023)
    assert pairs.height > 15_000 and pairs.filter(pl.col("a") >= pl.col("b")).is_empty()
    some = pairs.sample(30, seed=7).sort("a", "b")
    try:
        got = atlas_on_spark(2020, 2023, USA, th, partitions=3, pairs=some)
    finally:
        from pyspark.sql import SparkSession

        active = SparkSession.getActiveSession()
        if active is not None:
            active.stop()
    want = (
        classified_frame(some.rows(), 2020, 2023, USA, th, history=True)
        .select("a", "b", "year", *COLUMNS[5:])
        .sort("a", "b", "year")
    )
    assert got.height == want.height > 0
    assert got.equals(want)
