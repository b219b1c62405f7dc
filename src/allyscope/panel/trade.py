"""Dyadic trade (``trade``): flows in current US$ millions, both directions.

COW dyadic trade 4.0 (1870-2014 bundled; a newer COW release from ``allyscope data update
cow_trade``), continued, once the user has brought it into the cache (``allyscope data update
imf_imts``), by the IMF's International Trade in Goods (IMTS) from the year after COW's last
year in use. For those years ``flow1`` (imports of ccode1 from ccode2) is ccode1's reported
imports from ccode2 or, where ccode1 does not report them, ccode2's reported exports to
ccode1 (the mirror flow); the smoothed flows are COW's own and stay null there. The two
sources differ (COW harmonises several sources, the IMF gives each reporter's figures), so
``trade_source`` marks the break, and docs/data.md describes it.
"""

from __future__ import annotations

import polars as pl

from allyscope.panel.family import Context, Family, Gathered, Join, Lookup, undirected_key_join
from allyscope.sources.store import continuation_year, load, years_in_use

FLOWS = ("flow1", "flow2", "smoothflow1", "smoothflow2")
#: ``trade_source`` codes: which source a dyad-year's flows come from
COW, IMTS = 1, 2
SOURCE_LABELS = {
    COW: "COW dyadic trade",
    IMTS: "IMF IMTS (importer's report, else partner's exports)",
}


def imts_from() -> int | None:
    """The first year read from the IMF's IMTS (``imf_imts``), or None when the user has
    not brought it into the cache or it adds no year after COW's last."""
    return continuation_year("imf_imts", years_in_use("cow_trade")[1] + 1)


def trade_years() -> tuple[int, int]:
    """The years of dyadic trade with the data in use: COW's, extended by the IMF's."""
    lo, hi = years_in_use("cow_trade")
    if imts_from() is not None:
        hi = max(hi, years_in_use("imf_imts")[1])
    return lo, hi


def trade_datasets(year: int) -> tuple[str, ...]:
    """The datasets a year's dyadic trade is read from."""
    cut = imts_from()
    return ("imf_imts",) if cut is not None and year >= cut else ("cow_trade",)


def _imts(start: int, ctx: Context | None) -> pl.DataFrame:
    t = (
        ctx.load("imf_imts", ["ccode", "partner", "year", "flow", "value"])
        if ctx is not None
        else load("imf_imts", ["ccode", "partner", "year", "flow", "value"])
    )
    return t.filter(pl.col("year") >= start)


def imts_dyadic(start: int, ctx: Context | None = None) -> pl.DataFrame:
    """IMTS flows from ``start`` as COW's non-directed layout: ccode1 < ccode2, year, flow1
    (imports of ccode1 from ccode2), flow2 (imports of ccode2 from ccode1)."""
    t = _imts(start, ctx).filter(pl.col("partner").is_not_null())
    key = ["importer", "exporter", "year"]
    reported = t.filter(pl.col("flow") == "imports").select(
        pl.col("ccode").alias("importer"), pl.col("partner").alias("exporter"), "year", "value"
    )
    mirror = t.filter(pl.col("flow") == "exports").select(
        pl.col("partner").alias("importer"),
        pl.col("ccode").alias("exporter"),
        "year",
        pl.col("value").alias("mirror"),
    )
    imports = reported.join(mirror, on=key, how="full", coalesce=True).select(
        *key, pl.coalesce("value", "mirror").alias("v")
    )
    lo, hi = pl.min_horizontal(*key[:2]), pl.max_horizontal(*key[:2])
    d = imports.with_columns(ccode1=lo, ccode2=hi)
    f1 = d.filter(pl.col("importer") == pl.col("ccode1")).select(
        "ccode1", "ccode2", "year", pl.col("v").alias("flow1")
    )
    f2 = d.filter(pl.col("importer") == pl.col("ccode2")).select(
        "ccode1", "ccode2", "year", pl.col("v").alias("flow2")
    )
    return f1.join(f2, on=["ccode1", "ccode2", "year"], how="full", coalesce=True)


def dyadic_trade(ctx: Context | None = None) -> pl.DataFrame:
    """Non-directed dyad-years (ccode1 < ccode2) with the four flows and ``trade_source``:
    COW's rows, then the IMF's from :func:`imts_from` (when in use)."""
    cols = ["ccode1", "ccode2", "year", *FLOWS]
    cow = ctx.load("cow_trade", cols) if ctx is not None else load("cow_trade", cols)
    cow = cow.with_columns(trade_source=pl.lit(COW, pl.Int8))
    cut = imts_from()
    if cut is None:
        return cow
    imf = imts_dyadic(cut, ctx).with_columns(
        smoothflow1=pl.lit(None), smoothflow2=pl.lit(None), trade_source=pl.lit(IMTS, pl.Int8)
    )
    return pl.concat([cow.filter(pl.col("year") < cut), imf.select(cow.columns).cast(cow.schema)])


def national_trade() -> pl.DataFrame:
    """ccode, year, imports, exports (US$ million): COW national totals, then, from
    :func:`imts_from`, each state's imports from and exports to the world as it reports them
    to the IMF."""
    nat = load("cow_trade_national", ["ccode", "year", "imports", "exports"])
    cut = imts_from()
    if cut is None:
        return nat
    world = (
        _imts(cut, None)
        .filter(pl.col("partner").is_null())
        .pivot("flow", index=["ccode", "year"], values="value", on_columns=["imports", "exports"])
    )
    return pl.concat(
        [nat.filter(pl.col("year") < cut), world.select(nat.columns).cast(nat.schema)]
    )


COLUMNS = (*FLOWS, "trade_source")


def _pick(a: str, b: str) -> pl.Expr:
    fwd = pl.col("ccode1") < pl.col("ccode2")
    return pl.when(fwd).then(pl.col(f"tr.{a}")).otherwise(pl.col(f"tr.{b}"))


def _build(ctx: Context) -> Join:
    flows = dyadic_trade(ctx)
    if ctx.ccodes is not None:  # a few dyads: DuckDB then hashes their rows, not all 670,000
        codes = pl.Series(sorted(ctx.ccodes)).cast(flows.schema["ccode1"]).implode()
        flows = flows.filter(pl.col("ccode1").is_in(codes) & pl.col("ccode2").is_in(codes))
    joins = undirected_key_join("tr", ctx.register("trade_flows", flows))
    fwd = "b.ccode1 < b.ccode2"
    return Join(
        joins,
        {
            "flow1": f"CASE WHEN {fwd} THEN tr.flow1 ELSE tr.flow2 END",
            "flow2": f"CASE WHEN {fwd} THEN tr.flow2 ELSE tr.flow1 END",
            "smoothflow1": f"CASE WHEN {fwd} THEN tr.smoothflow1 ELSE tr.smoothflow2 END",
            "smoothflow2": f"CASE WHEN {fwd} THEN tr.smoothflow2 ELSE tr.smoothflow1 END",
            "trade_source": "tr.trade_source",
        },
    )


def _gather(ctx: Context) -> Gathered:
    return Gathered(
        (Lookup(dyadic_trade(ctx), "pair", "tr."),),
        {
            "flow1": _pick("flow1", "flow2"),
            "flow2": _pick("flow2", "flow1"),
            "smoothflow1": _pick("smoothflow1", "smoothflow2"),
            "smoothflow2": _pick("smoothflow2", "smoothflow1"),
            "trade_source": pl.col("tr.trade_source"),
        },
    )


FAMILY = Family(
    name="trade",
    description="dyadic trade, current US$ millions: COW 4.0 (rounded by peacesciencer), "
    "continued by the IMF's IMTS when brought into the cache",
    datasets=("cow_trade",),
    columns={
        "flow1": "imports of ccode1 from ccode2, current US$ million",
        "flow2": "imports of ccode2 from ccode1, current US$ million",
        "smoothflow1": "COW smoothed flow1, current US$ million (COW years only)",
        "smoothflow2": "COW smoothed flow2, current US$ million (COW years only)",
        "trade_source": "source of the flows: 1 COW dyadic trade, 2 IMF IMTS",
    },
    coverage=(1870, 2014),
    build=_build,
    gather=_gather,
    value_labels={"trade_source": SOURCE_LABELS},
    years_in_use=trade_years,
    verb="add_cow_trade()",
    na_rule="from the first IMF year, smoothflow1/2 are null (COW's smoothing is not applied "
    "to the IMF's figures)",
)
