"""Validate evidence-registry CSV parts and print their counts (docs/registries.md).

Usage:  python tools/check_evidence.py [PART.csv ...]

Without arguments, checks every part shipped under
``src/allyscope/sources/curated/evidence/``; with file arguments, checks those files
together with every shipped part (so ids must be unique across all of them) and prints
the counts of the files given. The checks are the package's own (unresolvable states,
dates, end before start, subkinds, levels, empty sources, duplicate ids); the first
failure is printed with its file and line and the exit status is 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from allyscope.errors import DataError
from allyscope.sources import evidence as ev


def main(files: list[str]) -> int:
    shipped = ev.read_raw()
    extra = []
    for f in files:
        p = Path(f).resolve()
        table = p.parent.name
        if table not in ev.TABLES:
            print(f"{f}: its folder must be one of {', '.join(ev.TABLES)}", file=sys.stderr)
            return 1
        extra.append(ev._read_part(p, table))
    if extra:
        names = {e["file"][0] for e in extra}
        shipped = shipped.filter(~pl.col("file").is_in(list(names)))
    raw = pl.concat([shipped, *extra], how="vertical")
    try:
        checked = ev.validate(raw)
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    shown = (
        checked.filter(pl.col("file").is_in([e["file"][0] for e in extra])) if extra else checked
    )
    # a pair of parties: two states, or an organisation (sanctions the EU imposes) and a state
    a = pl.coalesce(pl.col("a_cow").cast(pl.String), pl.col("a_org"))
    b = pl.col("b_cow").cast(pl.String)
    dyads = shown.select(
        pl.min_horizontal(a, b).alias("lo"), pl.max_horizontal(a, b).alias("hi")
    ).unique()
    print(f"{shown.height} rows, {dyads.height} distinct pairs of parties, all valid")
    with pl.Config(tbl_rows=60):
        print(shown.group_by("kind", "subkind").len().sort("kind", "subkind"))
        print(
            shown.with_columns(decade=(pl.col("year") // 10 * 10))
            .group_by("kind", "decade")
            .len()
            .sort("kind", "decade")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
