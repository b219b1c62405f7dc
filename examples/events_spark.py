"""Run the events aggregation on a Spark cluster: the driver program for spark-submit.

    spark-submit --master yarn --deploy-mode client \\
        --conf spark.executor.instances=16 --conf spark.executor.cores=4 \\
        --conf spark.executor.memory=8g --conf spark.driver.memory=4g \\
        --conf spark.sql.adaptive.enabled=true \\
        examples/events_spark.py 's3a://my-bucket/gdelt2/*.parquet' gdelt2 month out.parquet

Only the driver needs allyscope installed (``pip install 'allyscope[spark]'``): the
aggregation is one Spark SQL query plus small lookup tables shipped from the driver, so
the executors run no Python. The session is the one spark-submit configured; the result
(one row per directed dyad and period) is collected to the driver and written there with
its metadata. See docs/events.md and BENCHMARKS.md.
"""

from __future__ import annotations

import json
import sys

from pyspark.sql import SparkSession

from allyscope import events
from allyscope.events.engines import SparkEngine
from allyscope.panel.export import write_table


def main(source: str, input_format: str, by: str, output: str) -> None:
    SparkSession.builder.appName("allyscope-events").getOrCreate()  # spark-submit's settings
    agg = events.aggregate(source, input_format=input_format, by=by, engine=SparkEngine())
    write_table(agg.table, output, agg.metadata, events.COLUMNS)
    m = agg.metadata
    print(json.dumps({k: m[k] for k in ("rows_read", "events_counted", "skipped", "coverage")}))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
