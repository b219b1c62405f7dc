"""Write a panel to Parquet, CSV or Stata, atomically, with its provenance.

Parquet files carry the provenance as schema metadata under the key ``allyscope``
(JSON: allyscope version, query, and per dataset its version, origin and citation key);
CSV files get it in a sidecar ``FILE.csv.json``; Stata files as the data label and
variable labels (column descriptions).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from allyscope.errors import InvalidInputError, OutputError
from allyscope.fileio import atomic_path, atomic_paths
from allyscope.jsonout import dumps

FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".dta": "stata"}


def output_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInputError(
            f"cannot tell the format of {path}: use a .parquet, .csv or .dta file name"
        )
    return FORMATS[suffix]


def write_table(
    df: pl.DataFrame,
    path: str | Path,
    metadata: dict[str, Any] | None = None,
    labels: dict[str, str] | None = None,
) -> Path:
    """Write ``df`` to ``path`` (format from the suffix); nothing is left behind on failure."""
    fmt = output_format(path)
    path = Path(path)
    meta = dumps(metadata or {})
    if fmt == "parquet":
        import pyarrow.parquet as pq

        table = df.to_arrow()
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"allyscope": meta})
        with atomic_path(path) as tmp:
            pq.write_table(table, tmp, compression="zstd")
    elif fmt == "csv":  # the table and its sidecar: both or neither
        with atomic_paths(path, path.with_name(path.name + ".json")) as (tmp, side):
            df.write_csv(tmp, null_value="")
            side.write_text(meta + "\n", encoding="utf-8")
    else:
        _write_stata(df, path, labels or {}, metadata or {})
    return path


def _write_stata(
    df: pl.DataFrame, path: Path, labels: dict[str, str], metadata: dict[str, Any]
) -> None:
    try:
        import pandas  # noqa: F401
    except ImportError as exc:
        raise OutputError(
            "writing Stata files needs pandas: pip install 'allyscope[stata]'"
        ) from exc
    # Stata has no 8-bit nullable type distinct from its own missing values: widen
    # small integers and let pandas map nulls to Stata's missing '.'
    pdf = df.with_columns(
        pl.col(pl.Int8, pl.Int16, pl.Int32, pl.Int64).cast(pl.Float64)
    ).to_pandas()
    var_labels = {c: labels[c][:80] for c in pdf.columns if c in labels}
    title = f"allyscope panel {metadata.get('years', '')}"[:80]
    with atomic_path(path) as tmp:
        pdf.to_stata(
            tmp, write_index=False, version=118, data_label=title, variable_labels=var_labels
        )
