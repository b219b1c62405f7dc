"""Write a panel to Parquet, CSV or Stata, atomically, with its provenance.

Parquet files carry the provenance in the file's key-value metadata under the key
``allyscope`` (JSON: allyscope version, query, and per dataset its version, origin and
citation key; read it with ``polars.read_parquet_metadata(path)["allyscope"]``,
``pyarrow.parquet.read_metadata(path).metadata[b"allyscope"]`` or DuckDB's
``parquet_kv_metadata``);
CSV files get it in a sidecar ``FILE.csv.json``; Stata files as the data label,
variable labels (column descriptions) and value labels (coded columns such as
``conttype``).

Stata files keep whole-number columns whole: each integer column is stored in the
smallest Stata type that holds its values (byte, int or long; a null is Stata's missing
``.``), floating-point columns as float or double, as they are in the panel.
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
    value_labels: dict[str, dict[int, str]] | None = None,
) -> Path:
    """Write ``df`` to ``path`` (format from the suffix); nothing is left behind on failure.

    ``labels`` (column descriptions) and ``value_labels`` (code -> meaning, for integer
    columns) are written to Stata files only.
    """
    fmt = output_format(path)
    path = Path(path)
    meta = dumps(metadata or {})
    if fmt == "parquet":  # Polars' own writer: no pyarrow import, a smaller file
        with atomic_path(path) as tmp:
            df.write_parquet(tmp, compression="zstd", metadata={"allyscope": meta})
    elif fmt == "csv":  # the table and its sidecar: both or neither
        with atomic_paths(path, path.with_name(path.name + ".json")) as (tmp, side):
            df.write_csv(tmp, null_value="")
            side.write_text(meta + "\n", encoding="utf-8")
    else:
        _write_stata(df, path, labels or {}, metadata or {}, value_labels or {})
    return path


#: Stata's integer types with the values each holds (the codes above are its missing values).
STATA_INTS = (("int8", -127, 100), ("int16", -32767, 32740), ("int32", -2147483647, 2147483620))


def stata_frame(df: pl.DataFrame) -> Any:
    """``df`` as a pandas frame whose dtypes ``DataFrame.to_stata`` stores compactly.

    An integer column gets the smallest of Stata's byte, int and long that holds its
    values, as a nullable pandas integer when it has nulls (pandas writes Stata's missing
    ``.`` for them); beyond long it becomes double. Floats stay float or double.
    """
    import numpy as np
    import pandas as pd

    cols: dict[str, Any] = {}
    for s in df.iter_columns():
        if s.dtype == pl.Boolean:
            s = s.cast(pl.Int8)
        if s.dtype.is_integer():
            lo, hi = s.min(), s.max()
            kind = next(
                (t for t, a, b in STATA_INTS if lo is None or (a <= lo and hi <= b)),  # type: ignore[operator]
                None,
            )
            if kind is None:
                cols[s.name] = s.cast(pl.Float64).to_numpy()
            elif s.null_count():
                cols[s.name] = pd.arrays.IntegerArray(
                    s.fill_null(0).to_numpy().astype(kind), s.is_null().to_numpy()
                )
            else:
                cols[s.name] = s.to_numpy().astype(np.dtype(kind))
        elif s.dtype.is_float():
            cols[s.name] = s.to_numpy()  # nulls become NaN, Stata's missing
        else:
            cols[s.name] = s.to_pandas()
    return pd.DataFrame(cols)


def _write_stata(
    df: pl.DataFrame,
    path: Path,
    labels: dict[str, str],
    metadata: dict[str, Any],
    value_labels: dict[str, dict[int, str]],
) -> None:
    try:
        import pandas  # noqa: F401
    except ImportError as exc:
        raise OutputError(
            "writing Stata files needs pandas: pip install 'allyscope[stata]'"
        ) from exc
    pdf = stata_frame(df)
    var_labels = {c: labels[c][:80] for c in pdf.columns if c in labels}
    codes = {
        c: {k: v[:32000] for k, v in value_labels[c].items()}
        for c in pdf.columns
        if c in value_labels and df[c].dtype.is_integer()
    }
    title = f"allyscope panel {metadata.get('years', '')}"[:80]
    with atomic_path(path) as tmp:
        pdf.to_stata(
            tmp,
            write_index=False,
            version=118,
            data_label=title,
            variable_labels=var_labels,
            value_labels=codes or None,
        )
