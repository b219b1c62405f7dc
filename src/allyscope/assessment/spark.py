"""The atlas on Spark: the pairs split into partitions, each typed by the same Polars code.

No indicator of a pair reads another pair's rows of the frame: system-wide quantities
(percentiles among all pairs, shared threats, third parties) come from the full source
tables, which every task reads for itself. So the pairs can be cut into any partitions and
each typed on its own with :func:`allyscope.assessment.engine.classified_frame`, and the
union is the atlas, row for row (``tests/test_atlas_spark.py`` checks it). Spark only
distributes the pairs and gathers the rows: each task runs allyscope's own code in the
executor's Python (``mapInArrow``), so every executor needs allyscope installed and, for data
updated into the user cache, the same ``ALLYSCOPE_CACHE`` readable.

Local mode (the default, ``local[*]``) uses the machine's cores; ``master`` (or the
``ALLYSCOPE_SPARK_MASTER`` environment variable, or the session ``spark-submit`` created)
sends the tasks to a cluster.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import polars as pl

from allyscope.assessment.typology import Thresholds

if TYPE_CHECKING:
    import pyarrow as pa

#: Pairs per Spark task when the caller does not say: about a second and a half of fixed cost
#: per task (each reads the source tables) against about 20 s for all 19,000 pairs of 1946-2025
PAIRS_PER_TASK = 2500


def pairs_of(first: int, last: int) -> pl.DataFrame:
    """Every pair (a < b) of states that were both system members in some year of the range
    the atlas reads (the lookback years included), as the all-pairs frame has them."""
    from allyscope.indicators.context import FIRST_YEAR, LOOKBACK
    from allyscope.panel import panel

    start = max(FIRST_YEAR, first - LOOKBACK)
    base = panel(years=(start, last), variables=[], directed=False)
    return base.select(a="ccode1", b="ccode2").unique().sort("a", "b")


def classify_partition(
    batches: Iterator[pa.RecordBatch],
    first: int,
    last: int,
    third: int | None,
    th: Thresholds,
    columns: list[str],
) -> Iterator[pa.RecordBatch]:
    """One Spark task: the pairs of its partition typed, as Arrow record batches."""
    from allyscope.assessment.engine import classified_frame

    pairs = [
        (int(a), int(b))
        for batch in batches
        for a, b in zip(batch.column("a").to_pylist(), batch.column("b").to_pylist(), strict=True)
    ]
    if not pairs:  # a partition the round-robin left empty
        return
    out = classified_frame(pairs, first, last, third, th, history=True).select(columns)
    yield from out.to_arrow().to_batches()


def atlas_on_spark(
    first: int,
    last: int,
    third: int | None,
    th: Thresholds,
    master: str | None = None,
    partitions: int | None = None,
    pairs: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The atlas frame (``a``, ``b``, ``year`` and the typed columns) computed by Spark tasks
    over partitions of the pairs (``pairs``: a, b; default every pair of the range)."""
    from allyscope.assessment.engine import classified_frame
    from allyscope.events.engines import SparkEngine

    if not (master or os.environ.get("ALLYSCOPE_SPARK_MASTER") or os.environ.get("PYSPARK_PYTHON")):
        # local mode: the Python workers run this interpreter, which has allyscope (PySpark
        # reads the variable when its context starts; otherwise it runs `python3`)
        os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = SparkEngine(master=master, conf={"spark.ui.enabled": "false"}).spark
    wanted = pairs_of(first, last) if pairs is None else pairs.select("a", "b")
    if wanted.is_empty():
        return classified_frame([], first, last, third, th).head(0)
    n = partitions or max(1, min(wanted.height // PAIRS_PER_TASK + 1, 64))
    from allyscope.assessment.atlas import COLUMNS

    columns = ["a", "b", "year", *COLUMNS[5:]]
    # the output schema, from the same code on one pair
    one = wanted.head(1).rows()
    example = classified_frame(one, first, last, third, th, history=True).select(columns)
    from pyspark.sql.pandas.types import from_arrow_schema

    schema = from_arrow_schema(example.to_arrow().schema)
    keyed = wanted.with_columns(part=(pl.int_range(pl.len()) % n).cast(pl.Int32))
    df = spark.createDataFrame(keyed.to_arrow()).repartition(n, "part").select("a", "b")

    def task(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return classify_partition(batches, first, last, third, th, columns)

    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, module="pyspark")
        table = df.mapInArrow(task, schema).toArrow()
    out = pl.from_arrow(table)
    assert isinstance(out, pl.DataFrame)
    return out.cast(example.schema).sort("a", "b", "year")
