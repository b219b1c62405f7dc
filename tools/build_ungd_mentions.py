"""Build the bundled ``ungd_mentions`` table: how often each speaker names each state.

Usage:  python tools/build_ungd_mentions.py

For every speech of the bundled ``ungd_speeches`` (20 states, 1946-2024) the script cuts
the text into passages exactly as ``allyscope read`` does (``allyscope.documents.segment``)
and finds the states each passage names (``allyscope.documents.mentions.states_mentioned``:
names, adjectives and capitals in EN/FA/RU from ``state_terms.csv``). It writes one row
per speaker, year and state that was a member of the COW state system that year (other
than the speaker): the number of passages in the speech and the number naming the state
(0 when none does). Speaker-years without a speech in the corpus have no rows, so their
values are missing, not 0.

Output: ``src/allyscope/sources/snapshot/ungd_mentions.parquet`` (zstd) and its row in
``snapshot/manifest.csv`` (rows, bytes, sha256, built from ``ungd_speeches.parquet`` and
the sha256 of it and of ``state_terms.csv``). Run it again whenever the speeches, the
segmentation or the state terms change; a test recomputes a sample of rows.
About three minutes on 2 cores.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from importlib import resources
from pathlib import Path

import polars as pl

from allyscope.documents.ingest import document_from_text
from allyscope.documents.mentions import states_mentioned
from allyscope.documents.segment import segment
from allyscope.sources.store import load, snapshot_path
from allyscope.states.table import cow_membership

OUT = Path(__file__).resolve().parents[1] / "src" / "allyscope" / "sources" / "snapshot"
SCHEMA = {
    "ccode1": pl.Int16,
    "ccode2": pl.Int16,
    "year": pl.Int16,
    "passages": pl.Int16,
    "mentions": pl.Int16,
}


def speech_counts(text: str, name: str) -> tuple[int, Counter[int]]:
    """(passages in the speech, passages naming each state)."""
    passages = segment(document_from_text(text, name=name))
    named: Counter[int] = Counter()
    for p in passages:
        named.update(states_mentioned(p.text))
    return len(passages), named


def members_by_year() -> pl.DataFrame:
    """COW system members per year (a member at any time of the year): ``year, ccode2``."""
    m = cow_membership().select("ccode", "start", "end")
    return (
        m.with_columns(
            year=pl.int_ranges(
                pl.col("start").dt.year(), pl.col("end").dt.year() + 1, dtype=pl.Int16
            )
        )
        .explode("year")
        .select("year", pl.col("ccode").cast(pl.Int16).alias("ccode2"))
        .unique()
    )


def build() -> pl.DataFrame:
    speeches = load("ungd_speeches").select("ccode", "year", "iso3", "text")
    counted = []
    for ccode, year, iso3, text in speeches.iter_rows():
        n, named = speech_counts(text, f"ungd:{iso3}:{year}")
        counted.append((ccode, year, n, dict(named)))
    head = pl.DataFrame(
        [(c, y, n) for c, y, n, _ in counted],
        schema={"ccode1": pl.Int16, "year": pl.Int16, "passages": pl.Int16},
        orient="row",
    )
    hits = pl.DataFrame(
        [(c, y, t, k) for c, y, _, named in counted for t, k in named.items()],
        schema={"ccode1": pl.Int16, "year": pl.Int16, "ccode2": pl.Int16, "mentions": pl.Int16},
        orient="row",
    )
    dense = head.join(members_by_year(), on="year").filter(pl.col("ccode1") != pl.col("ccode2"))
    out = dense.join(hits, on=["ccode1", "year", "ccode2"], how="left").with_columns(
        pl.col("mentions").fill_null(0)
    )
    return out.select(list(SCHEMA)).cast(SCHEMA).sort("ccode1", "year", "ccode2")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    terms = resources.files("allyscope.documents") / "data" / "state_terms.csv"
    with resources.as_file(terms) as tp:
        terms_sha = _sha256(Path(tp))
    df = build()
    target = OUT / "ungd_mentions.parquet"
    tmp = target.with_suffix(".parquet.tmp")
    df.write_parquet(tmp, compression="zstd", compression_level=19, statistics=True)
    tmp.replace(target)
    row = {
        "dataset": "ungd_mentions",
        "file": target.name,
        "rows": str(df.height),
        "bytes": str(target.stat().st_size),
        "sha256": _sha256(target),
        "built_from": "ungd_speeches.parquet;allyscope/documents/data/state_terms.csv",
        "source_sha256": f"{_sha256(snapshot_path('ungd_speeches'))};{terms_sha}",
        "source_commit": "tools/build_ungd_mentions.py (allyscope segment + states_mentioned)",
        "dropped": "",
    }
    manifest = OUT / "manifest.csv"
    with open(manifest, newline="") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        rows = [r for r in reader if r["dataset"] != "ungd_mentions"]
    rows.append(row)
    with open(manifest, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {target} ({df.height} rows, {target.stat().st_size / 1e3:.0f} KB)")


if __name__ == "__main__":
    main()
