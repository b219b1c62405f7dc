"""Engines that run the one aggregation query: DuckDB (default), Polars (lazy, streaming), PySpark.

Each engine does three things only: expose the input files as a table named ``events``
(Parquet by column, text as one ``line`` column), quote identifiers and literals in its SQL
dialect, and run the SQL text built by :mod:`allyscope.events.query` into an Arrow table.
The query itself is the same text for all three; so is everything done with its result.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import tempfile
import threading
import warnings
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from allyscope.errors import AllyscopeError, DataError, InvalidInputError

if TYPE_CHECKING:
    import pyarrow as pa

ENGINES = ("duckdb", "polars", "spark")
SPARK_INSTALL = "pip install 'allyscope[spark]'"


class EngineMissingError(AllyscopeError):
    """An engine whose package is not installed."""

    exit_code = 7


class Engine(ABC):
    """Interface: ``scan`` registers the input, ``run`` executes a query into Arrow."""

    name = ""
    text_type = "VARCHAR"
    #: sum the checked combinations by reason and output key inside the engine; worth it
    #: where the result travels (Spark's executors to the driver); the local engines hand
    #: their rows to Polars as they are (the summing up groups them anyway)
    groups_result = False

    def ident(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def literal(self, value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    @abstractmethod
    def run(
        self,
        sql: str,
        kind: str,
        paths: Sequence[str],
        tables: Mapping[str, pa.Table] | None = None,
    ) -> pa.Table:
        """Run ``sql`` over the input (as ``events``) and the small ``tables`` (by name)."""

    def parquet_schema(self, path: str) -> pa.Schema:
        """The Arrow schema of a Parquet file (remote paths: the engine's own reader)."""
        import pyarrow.parquet as pq

        return pq.read_schema(path)

    def close(self) -> None:
        return None


def _literal_glob(path: str) -> str:
    """``path`` as a glob pattern that matches only itself (remote URIs are left as they are)."""
    from allyscope.events.formats import is_remote

    return path if is_remote(path) else glob.escape(path)


_SHARED: Any = None
_SHARED_LOCK = threading.Lock()


_SPILL: Path | None = None
_SPILL_LOCK = threading.Lock()  # not _SHARED_LOCK: _shared_database holds it when calling here


def spill_directory() -> Path:
    """This process's private folder for DuckDB's spill files (mode 0700, made by mkdtemp
    in the system temp folder, removed at exit). A fixed shared path such as
    ``/tmp/allyscope-duckdb`` let another user read the spilled event rows, or plant a
    symlink there before the first run."""
    global _SPILL
    with _SPILL_LOCK:
        if _SPILL is None or not _SPILL.is_dir():
            _SPILL = Path(tempfile.mkdtemp(prefix="allyscope-duckdb-"))
            atexit.register(shutil.rmtree, _SPILL, True)
        return _SPILL


def _new_database() -> Any:
    """An in-memory DuckDB database that spills to a private temp folder (out-of-core
    aggregation), not the working folder."""
    import duckdb

    con = duckdb.connect()
    spill = spill_directory()
    con.execute(f"SET temp_directory = '{str(spill).replace(chr(39), chr(39) * 2)}'")
    return con


def _shared_database() -> Any:
    """The process's in-memory database for engines with default settings (made once)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = _new_database()
        return _SHARED


class DuckDBEngine(Engine):
    """DuckDB: reads Parquet/CSV globs out of core; filters on Parquet columns are pushed down."""

    name = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str | None = None) -> None:
        if threads or memory_limit:  # database-wide settings: a database of its own
            self.con = _new_database()
            if threads:
                self.con.execute(f"SET threads = {int(threads)}")
            if memory_limit:
                self.con.execute(f"SET memory_limit = {self.literal(memory_limit)}")
        else:
            # a connection of its own (its temp views and tables are private) to the
            # process's shared in-memory database: starting a database costs 25-40 ms
            self.con = _shared_database().cursor()

    def source_sql(self, kind: str, paths: Sequence[str]) -> str:
        # DuckDB reads every path as a glob: escape local names so that each is read as
        # itself (``a*.tab`` is not also ``ab.tab``; ``it's[1].tab`` is found)
        files = "[" + ", ".join(self.literal(_literal_glob(p)) for p in paths) + "]"
        if kind == "parquet":
            return f"read_parquet({files}, union_by_name = true)"
        # one VARCHAR column per line: the tab split and its checks happen in the query
        return (
            f"read_csv({files}, columns = {{'line': 'VARCHAR'}}, delim = {self.literal(chr(31))}, "
            "header = false, quote = '', escape = '', auto_detect = false, strict_mode = false, "
            "new_line = '\\n')"
        )

    def _register(
        self, kind: str, paths: Sequence[str], tables: Mapping[str, pa.Table] | None
    ) -> None:
        self.con.execute(
            f"CREATE OR REPLACE TEMP VIEW events AS SELECT * FROM {self.source_sql(kind, paths)}"
        )
        for name, table in (tables or {}).items():
            # copied into DuckDB's own storage: joins on Arrow views plan and probe slower
            self.con.register(f"_arrow_{name}", table)
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _arrow_{name}")
            self.con.unregister(f"_arrow_{name}")

    def run(
        self,
        sql: str,
        kind: str,
        paths: Sequence[str],
        tables: Mapping[str, pa.Table] | None = None,
    ) -> pa.Table:
        import duckdb

        self._register(kind, paths, tables)
        try:
            return self.con.sql(sql).to_arrow_table()
        except duckdb.IOException as exc:
            raise DataError(f"DuckDB could not read the input: {exc}") from exc
        except duckdb.InvalidInputException as exc:
            raise DataError(f"DuckDB could not parse the input: {exc}") from exc

    def explain(
        self,
        sql: str,
        kind: str,
        paths: Sequence[str],
        tables: Mapping[str, pa.Table] | None = None,
    ) -> str:
        """The physical plan (to check that a dyad filter reaches the Parquet scan)."""
        self._register(kind, paths, tables)
        return "\n".join(str(r[-1]) for r in self.con.sql("EXPLAIN " + sql).fetchall())

    def close(self) -> None:
        self.con.close()


class PolarsEngine(Engine):
    """Polars: lazy scans and its SQL interface, collected with the streaming engine."""

    name = "polars"

    def frame(self, kind: str, paths: Sequence[str]):  # type: ignore[no-untyped-def]
        import polars as pl

        if kind == "parquet":  # paths are files already expanded: no glob again
            return pl.scan_parquet(list(paths), missing_columns="insert", glob=False)
        return pl.scan_csv(
            list(paths),
            glob=False,
            has_header=False,
            separator=chr(31),
            quote_char=None,
            schema={"line": pl.String},
            truncate_ragged_lines=True,
        )

    def run(
        self,
        sql: str,
        kind: str,
        paths: Sequence[str],
        tables: Mapping[str, pa.Table] | None = None,
    ) -> pa.Table:
        import polars as pl

        frames = {name: pl.from_arrow(t).lazy() for name, t in (tables or {}).items()}
        ctx = pl.SQLContext(events=self.frame(kind, paths), **frames)
        try:
            return ctx.execute(sql).collect(engine="streaming").to_arrow()
        except (pl.exceptions.ComputeError, OSError) as exc:
            raise DataError(f"Polars could not read the input: {exc}") from exc


class SparkEngine(Engine):
    """PySpark: local mode by default, or the cluster of the session spark-submit created."""

    name = "spark"
    text_type = "STRING"
    groups_result = True

    def __init__(self, master: str | None = None, conf: dict[str, str] | None = None) -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:
            raise EngineMissingError(
                f"the spark engine needs PySpark (and Java 17+): {SPARK_INSTALL}"
            ) from exc
        active = SparkSession.getActiveSession()
        if active is not None and master is None:
            self.spark = active
        else:
            b = SparkSession.builder.appName("allyscope-events")
            master = master or os.environ.get("ALLYSCOPE_SPARK_MASTER")
            if master:
                b = b.master(master)
            settings = {
                "spark.sql.session.timeZone": "UTC",
                "spark.ui.showConsoleProgress": "false",
                "spark.sql.execution.arrow.pyspark.enabled": "true",
                **(conf or {}),
            }
            for k, v in settings.items():
                b = b.config(k, v)
            try:
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", category=FutureWarning, module="pyspark")
                    self.spark = b.getOrCreate()
            except Exception as exc:  # Java missing or the JVM failed to start
                raise EngineMissingError(
                    f"could not start Spark ({type(exc).__name__}: {str(exc)[:200]}); "
                    "the spark engine needs Java 17+ on PATH or JAVA_HOME"
                ) from exc
            self.spark.sparkContext.setLogLevel("ERROR")

    def parquet_schema(self, path: str) -> pa.Schema:
        return self.spark.read.parquet(path).limit(0).toArrow().schema

    def ident(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def literal(self, value: str) -> str:
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"

    def run(
        self,
        sql: str,
        kind: str,
        paths: Sequence[str],
        tables: Mapping[str, pa.Table] | None = None,
    ) -> pa.Table:
        for name, table in (tables or {}).items():
            self.spark.createDataFrame(table).createOrReplaceTempView(name)
        reader = self.spark.read
        if kind == "parquet":
            df = reader.option("mergeSchema", "true").parquet(*paths)
        else:
            df = reader.text(list(paths)).withColumnRenamed("value", "line")
        df.createOrReplaceTempView("events")
        try:
            with warnings.catch_warnings():
                # PySpark 4.x warns about pandas 3 on import paths toArrow() never uses
                warnings.filterwarnings("ignore", category=FutureWarning, module="pyspark")
                return self.spark.sql(sql).toArrow()
        except Exception as exc:
            if "PATH_NOT_FOUND" in str(exc) or "FileNotFound" in str(exc):
                raise DataError(f"Spark could not read the input: {str(exc)[:300]}") from exc
            raise


def make_engine(name: str, **options: object) -> Engine:
    """An engine by name; an engine whose package is missing says how to install it."""
    key = name.strip().lower()
    if key == "duckdb":
        return DuckDBEngine(**options)  # type: ignore[arg-type]
    if key == "polars":
        return PolarsEngine()
    if key in ("spark", "pyspark"):
        return SparkEngine(**options)  # type: ignore[arg-type]
    raise InvalidInputError(f"unknown engine {name!r}; use one of: {', '.join(ENGINES)}")
