"""Build the package's bundled data snapshot from the project's staged public datasets.

Usage:  python tools/build_snapshot.py DATA_DIR [DATASET ...]

DATA_DIR is the folder of staged Parquet files described in the project's shared data
README (peacesciencer, unvotes, Voeten and SIPRI copies with their MANIFEST.csv). The
script writes ``src/allyscope/sources/snapshot/<dataset>.parquet`` (zstd) and
``snapshot/manifest.csv`` (rows, sha256, the staged file it came from and that file's
sha256 and upstream commit). Values are never edited: the script selects columns,
drops rows that are not states (SIPRI's rebel groups and organisations, listed in the
manifest's ``dropped`` column), and adds COW codes resolved from names by the package's
own state table. Run it again whenever the state table or a staged file changes. Given
DATASET names, only those are rebuilt and their manifest rows replaced; the others stay.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
from snapshot_transforms import BYTE_STREAM_SPLIT, TRANSFORMS

OUT = Path(__file__).resolve().parents[1] / "src" / "allyscope" / "sources" / "snapshot"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(data_dir: str, only: list[str] | None = None) -> None:
    src = Path(data_dir)
    unknown = sorted(set(only or []) - set(TRANSFORMS))
    if unknown:
        sys.exit(f"unknown dataset(s): {', '.join(unknown)}; known: {', '.join(TRANSFORMS)}")
    with open(src / "MANIFEST.csv", newline="") as fh:
        manifest = {r["file"]: r for r in csv.DictReader(fh)}
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    con = duckdb.connect()
    for name, (files, transform) in TRANSFORMS.items():
        if only and name not in only:
            continue
        frames = {f: pl.read_parquet(src / f) for f in files}
        df, dropped = transform(frames)
        target = OUT / f"{name}.parquet"
        if name in BYTE_STREAM_SPLIT:
            floats = [c for c, t in df.schema.items() if t.is_float()]
            pq.write_table(
                df.to_arrow(),
                target,
                compression="zstd",
                compression_level=19,
                use_byte_stream_split=floats,
                use_dictionary=[c for c in df.columns if c not in floats],
            )
        else:
            df.write_parquet(target, compression="zstd", compression_level=19, statistics=True)
        n = con.sql(f"select count(*) from '{target}'").fetchall()[0][0]
        rows.append(
            {
                "dataset": name,
                "file": target.name,
                "rows": n,
                "bytes": target.stat().st_size,
                "sha256": sha256(target),
                "built_from": ";".join(files),
                "source_sha256": ";".join(manifest[f]["sha256"] for f in files),
                "source_commit": ";".join(
                    f"{manifest[f]['source_repo']}@{manifest[f]['commit']}:{manifest[f]['source_path']}"
                    for f in files
                ),
                "dropped": dropped,
            }
        )
        print(f"{name:24s} {n:>9,d} rows {target.stat().st_size:>10,d} bytes  {dropped}")
    if only:  # keep the other datasets' rows, in TRANSFORMS order
        with open(OUT / "manifest.csv", newline="") as fh:
            old = {r["dataset"]: r for r in csv.DictReader(fh)}
        new = {r["dataset"]: r for r in rows}
        rows = [new.get(n) or old[n] for n in TRANSFORMS if n in new or n in old]
        # rows of datasets built by other tools (tools/build_ungd_mentions.py) stay too
        rows += [r for n, r in old.items() if n not in TRANSFORMS]
    with open(OUT / "manifest.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    total = sum(int(r["bytes"]) for r in rows)
    print(f"total {total:,d} bytes in {len(rows)} files")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
