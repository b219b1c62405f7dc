"""Convert the Defense Cooperation Agreement Dataset (Kinne 2020) into evidence-registry rows.

Usage:  python tools/build_dcad_defence.py DATA_DIR

Reads ``DATA_DIR/dcad_v1_main.parquet`` (DCAD v1.0, 1,871 bilateral agreements signed
1980-2010; staged from GitHub QiqiNerd/dcad_mining, DCAD-v1.0-main.csv) and writes
``src/allyscope/sources/curated/evidence/defence/dcad_v1.csv`` in the registry's columns
(docs/registries.md). One row per agreement; nothing is invented:

- ``a``/``b``: the dataset's COW codes written as the package's ISO3 (or COW abbreviation)
  and checked to resolve back to the same codes for the signature year;
- ``subkind``: ``dca`` for general framework agreements, ``sectoral`` for sector-specific
  ones (the DCAD ``type``), the sector named in ``label``;
- ``start``: the signature date at the precision DCAD gives (day, month or year);
- ``end``: empty unless DCAD records the agreement as terminated with its actual
  duration (then signature year + duration, year precision), or gives an estimated end
  year before its 2010 window closes (then that year, noted as DCAD's estimate);
- ``source``: DCAD's id and the agreement's own source (treaty series, UNTS number,
  ministry, or news wires searched in Factiva); ``confidence``: high for treaty texts,
  medium for news reports.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from allyscope.states.resolve import assign_ccodes
from allyscope.states.table import state_table

OUT = (
    Path(__file__).resolve().parents[1]
    / "src/allyscope/sources/curated/evidence/defence/dcad_v1.csv"
)
CITE = "Kinne, B. J. 2020. The Defense Cooperation Agreement Dataset (DCAD), J. Conflict Resolution 64(4): 729-755"
CATEGORY = {
    "DCA": "general defence cooperation agreement",
    "DIC": "defence-industrial cooperation",
    "TREX": "training and exercises",
    "PROCUREMENT": "procurement",
    "COMMISSION": "joint defence commission",
    "RESEARCH": "defence research and development",
}


def main(data_dir: str) -> None:
    d = pl.read_parquet(Path(data_dir) / "dcad_v1_main.parquet")
    # three agreements carry the same COW code on both sides (DCADv1.0-0297 names VEN as
    # the second party but codes it 145; -1625 and -1847 name one state twice): dropped,
    # not repaired, and listed in docs/registries.md
    same = d.filter(pl.col("ccode1") == pl.col("ccode2"))
    print("dropped (ccode1 == ccode2):", ", ".join(same["DCAid"].to_list()))
    d = d.filter(pl.col("ccode1") != pl.col("ccode2"))
    st = state_table().select(
        pl.col("ccode").cast(pl.Int32), pl.coalesce("iso3", "stateabb").alias("code")
    )
    d = d.join(st.rename({"ccode": "ccode1", "code": "a"}), on="ccode1", how="left").join(
        st.rename({"ccode": "ccode2", "code": "b"}), on="ccode2", how="left"
    )
    if d["a"].is_null().any() or d["b"].is_null().any():
        sys.exit("a DCAD code has no state in the package's table")
    for side, cc in (("a", "ccode1"), ("b", "ccode2")):
        back = assign_ccodes(
            d.select(side, pl.col("signYear").alias("year")), side, "year", "back"
        )["back"]
        bad = d.filter(back != pl.col(cc))
        if bad.height:
            sys.exit(f"{bad.height} codes of column {side} resolve to another state: {bad.head(3)}")
    two = lambda c: pl.col(c).cast(pl.String).str.zfill(2)  # noqa: E731
    start = (
        pl.when(pl.col("signMonth").is_null())
        .then(pl.col("signYear").cast(pl.String))
        .when(pl.col("signDay").is_null())
        .then(pl.format("{}-{}", "signYear", two("signMonth")))
        .otherwise(pl.format("{}-{}-{}", "signYear", two("signMonth"), two("signDay")))
    )
    terminated = (pl.col("terminated") == 1) & pl.col("durationActual").is_not_null()
    end = (
        pl.when(terminated)
        .then((pl.col("signYear") + pl.col("durationActual")).cast(pl.String))
        .when(pl.col("endYearEstimate") < 2010)
        .then(pl.col("endYearEstimate").cast(pl.String))
        .otherwise(pl.lit(""))
    )
    cats = pl.concat_str(
        [
            pl.col(c).replace_strict(CATEGORY, default=pl.col(c))
            for c in ("category1", "category2", "category3")
        ],
        separator="; ",
        ignore_nulls=True,
    )
    origin = (
        pl.when(pl.col("UNTS").is_not_null())
        .then(pl.format("UNTS registration {}", "UNTS"))
        .when(pl.col("sourceType") == "factiva")
        .then(pl.format("news reports in Factiva ({})", pl.col("source").fill_null("wires")))
        .otherwise(pl.col("source").fill_null("treaty text"))
    )
    notes = pl.concat_str(
        [
            pl.when(terminated).then(pl.lit("DCAD: terminated after its actual duration")),
            pl.when(~terminated & (pl.col("endYearEstimate") < 2010)).then(
                pl.lit("end year is DCAD's estimate from the agreement's term and renewal")
            ),
            pl.when(pl.col("EIFYear").is_not_null()).then(
                pl.format("entry into force {}", pl.col("EIFYear").cast(pl.String))
            ),
            pl.when(pl.col("asymmetry") == 1).then(pl.lit("DCAD codes it asymmetric")),
        ],
        separator="; ",
        ignore_nulls=True,
    )
    slug = pl.col("DCAid").str.replace("DCADv1.0-", "dcad", literal=True)
    out = d.select(
        id=pl.format("defence-{}-{}-{}-{}", "a", "b", "signYear", slug),
        a="a",
        b="b",
        subkind=pl.when(pl.col("type") == "general").then(pl.lit("dca")).otherwise(
            pl.lit("sectoral")
        ),
        start=start,
        end=end,
        level=pl.lit(""),
        label=pl.format("defence cooperation agreement ({})", cats),
        actor=pl.lit("both"),
        source=pl.format("{}, agreement {}; original source: {}", pl.lit(CITE), "DCAid", origin),
        url=pl.lit("https://github.com/QiqiNerd/dcad_mining"),
        confidence=pl.when(pl.col("sourceType") == "treaty")
        .then(pl.lit("high"))
        .otherwise(pl.lit("medium")),
        end_source=pl.lit(""),
        notes=notes.fill_null(""),
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    out.write_csv(OUT)
    print(f"{out.height} rows -> {OUT}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
