"""Directed dyad-year (or dyad-month) event counts by quad class, from any format and engine.

:func:`aggregate` runs the one query of :mod:`allyscope.events.query` on the chosen engine,
then maps its small result to COW states, quad classes and Goldstein scores here, the same
way for every engine, so that the engines' outputs are identical.

Output table (one row per directed dyad and period with at least one counted event):

=================  ======  ===========================================================
column             type    meaning
=================  ======  ===========================================================
ccode1, ccode2     Int16   COW codes of the source and the target state
year (, month)     Int16   period (month, Int8, with ``by="month"``)
events             Int64   events counted (= the four quad counts summed)
verb_coop ...      Int64   verb_coop, matl_coop, verb_conf, matl_conf: events per quad class
goldstein_sum      Float64 sum of the Goldstein-type score over the events that have one
goldstein_mean     Float64 goldstein_sum / goldstein_events (null if none has a score)
goldstein_events   Int64   events with a score
*_share            Float64 verb_coop_share ... matl_conf_share: quad count / events
=================  ======  ===========================================================

Every input row is accounted for: ``rows_read = events summed + skipped rows (by reason)
+ rows outside the dyad filter`` (metadata ``accounting``). A dyad-period absent from the
table had no counted event; it is 0 inside the source's coverage (metadata ``coverage``)
and unknown (null) outside it, which :func:`expand` applies.
"""

from __future__ import annotations

import glob
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from allyscope.errors import DataError, InvalidInputError
from allyscope.events.cameo import (
    QUAD_TITLES,
    QUADS,
    cameo_table,
    codes_for_labels,
    normalise_codes,
    quad_from_text,
)
from allyscope.events.engines import Engine, make_engine
from allyscope.events.formats import (
    FORMATS,
    Format,
    detect,
    first_line,
    get_format,
    is_parquet,
    is_remote,
)
from allyscope.events.query import TEXT_ROLES, Input, pushdown, stage_one
from allyscope.states import assign_ccodes, resolve_dyad, state_spellings, state_table

BY = ("year", "month")
COUNTS = tuple(QUADS.values())
SHARES = tuple(f"{q}_share" for q in COUNTS)
#: The output columns and what they mean (the docs and file metadata repeat this).
COLUMNS: dict[str, str] = {
    "ccode1": "COW code of the source state (who acts)",
    "ccode2": "COW code of the target state (who is acted on)",
    "year": "year of the events",
    "month": "month of the events (by month only)",
    "events": "events counted from ccode1 to ccode2 in the period (the four quad counts summed)",
    "verb_coop": "verbal cooperation events (CAMEO roots 01-05; GDELT QuadClass 1)",
    "matl_coop": "material cooperation events (CAMEO roots 06-08; GDELT QuadClass 2)",
    "verb_conf": "verbal conflict events (CAMEO roots 09-13; GDELT QuadClass 3)",
    "matl_conf": "material conflict events (CAMEO roots 14-20; GDELT QuadClass 4)",
    "goldstein_sum": "sum of the Goldstein-type score (-10 conflict .. +10 cooperation)",
    "goldstein_mean": "mean Goldstein-type score per scored event (null if none is scored)",
    "goldstein_events": "events with a Goldstein-type score",
    "verb_coop_share": "verb_coop / events",
    "matl_coop_share": "matl_coop / events",
    "verb_conf_share": "verb_conf / events",
    "matl_conf_share": "matl_conf / events",
}
#: Why a row was not counted (metadata ``skipped``), in the order the checks apply.
REASONS: dict[str, str] = {
    "wrong_column_count": "a text line with a number of tab-separated fields the format does not have",
    "bad_date": "a date that is empty or not a calendar date in the format's layout",
    "source_missing": "no source country (empty actor country code or name)",
    "source_unmatched": "a source actor value that is not a COW state (region, organisation, person, unknown code)",
    "source_several": "a source actor coded with several countries (POLECAT '; ' lists)",
    "target_missing": "no target country",
    "target_unmatched": "a target actor value that is not a COW state",
    "target_several": "a target actor coded with several countries",
    "event_unknown": "an event type with no CAMEO code or quad class in the tables",
    "same_state": "source and target are the same state (domestic events)",
}
_BRACKETED = re.compile(r"\(([^()]*)\)\s*$")
_MISSING = {"", "none", "na", "n/a", "null", "---"}


@dataclass
class EventAggregate:
    """The aggregated table and its metadata (provenance, skipped rows, coverage)."""

    table: pl.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)

    def as_dict(self, rows: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"metadata": self.metadata}
        out["columns"] = {c: COLUMNS[c] for c in self.table.columns}
        if rows:
            out["rows"] = [
                {k: (round(v, 6) if isinstance(v, float) else v) for k, v in r.items()}
                for r in self.table.iter_rows(named=True)
            ]
        return out


# ---------------------------------------------------------------- inputs


def expand_paths(source: str | Path | Sequence[str | Path]) -> list[str]:
    """Files of a path, a glob or a list of them (remote URIs are passed on unexpanded)."""
    items = [source] if isinstance(source, str | Path) else list(source)
    if not items:
        raise InvalidInputError("no input given: pass a file, a folder, a glob or --sample")
    out: list[str] = []
    for item in items:
        s = str(item)
        if is_remote(s):
            out.append(s)
            continue
        p = Path(s).expanduser()
        if p.is_dir():
            hits = sorted(
                str(f)
                for f in p.iterdir()
                if f.is_file() and not f.name.startswith(".") and not f.name.endswith(".json")
            )
        elif any(ch in s for ch in "*?["):
            hits = sorted(glob.glob(str(p), recursive=True))
            hits = [h for h in hits if Path(h).is_file()]
        else:
            hits = [str(p)] if p.is_file() else []
        if not hits:
            raise DataError(f"no event file matches {s}")
        out.extend(hits)
    return out


def _arrow_kind(t: Any) -> str:
    import pyarrow as pa

    if pa.types.is_date(t) or pa.types.is_timestamp(t):
        return "date"
    if pa.types.is_integer(t):
        return "int"
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "float"
    return "string"


def plan_inputs(paths: list[str], fmt: Format) -> list[Input]:
    """Group the files into inputs read the same way (Parquet, or one text layout each)."""
    parquet = [p for p in paths if is_parquet(p)]
    text = [p for p in paths if not is_parquet(p)]
    inputs: list[Input] = []
    if parquet:
        import pyarrow.parquet as pq

        try:
            schema = pq.read_schema(parquet[0])
        except (OSError, ValueError) as exc:
            raise DataError(f"cannot read the Parquet schema of {parquet[0]}: {exc}") from exc
        cols = fmt.role_columns(schema.names, parquet[0])
        types = {role: _arrow_kind(schema.field(c).type) for role, c in cols.items()}
        inputs.append(Input("parquet", tuple(parquet), dict(cols), types=types))
    if not text:
        return inputs
    if any(p.lower().endswith(".zip") for p in text):
        raise InvalidInputError(
            "zip archives cannot be read directly: unzip them first (plain or .gz text, or Parquet)"
        )
    if fmt.header:
        if any(is_remote(p) for p in text):
            raise InvalidInputError(
                f"{fmt.name} text files carry a header that is read locally; give local paths "
                "or convert the files to Parquet for a cluster"
            )
        layouts: dict[str, list[str]] = {}
        for p in text:
            layouts.setdefault(first_line(p), []).append(p)
        for header, files in layouts.items():
            names = header.split("\t")
            cols = fmt.role_columns(names, files[0])
            pos = {role: names.index(c) + 1 for role, c in cols.items()}
            inputs.append(Input("lines", tuple(files), pos, (len(names),), header_first=names[0]))
    else:
        layout = fmt.layouts[-1]
        cols = fmt.role_columns(layout, fmt.name)
        pos = {role: layout.index(c) + 1 for role, c in cols.items()}
        for other in fmt.layouts:
            assert all(other.index(c) + 1 == pos[r] for r, c in cols.items())
        expected = tuple(sorted({len(lay) for lay in fmt.layouts}))
        inputs.append(Input("lines", tuple(text), pos, expected))
    return inputs


def resolve_format(paths: list[str], input_format: str | None) -> Format:
    if input_format:
        return get_format(input_format)
    local = [p for p in paths if not is_remote(p)]
    if not local:
        raise InvalidInputError("remote inputs need --input-format (the format cannot be detected)")
    found = {detect(p).name for p in local[:50]}
    if len(found) > 1:
        raise InvalidInputError(
            f"the inputs mix event formats ({', '.join(sorted(found))}); aggregate them separately"
        )
    return FORMATS[found.pop()]


# ---------------------------------------------------------------- dyads


def parse_dyads(dyads: str | Iterable[Any] | None) -> list[tuple[int, int]] | None:
    """``IRN-RUS,USA-GBR`` or [("IRN", "RUS"), (630, 2)] -> unordered COW code pairs."""
    if dyads is None:
        return None
    items: list[Any]
    items = [d for d in dyads.split(",") if d.strip()] if isinstance(dyads, str) else list(dyads)
    out = []
    for d in items:
        if isinstance(d, str):
            parts = [x.strip() for x in d.split("-") if x.strip()] if "-" in d else d.split()
            if len(parts) != 2:
                raise InvalidInputError(f"dyad {d!r} is not two states like IRN-RUS")
        else:
            parts = list(d)
        a, b = resolve_dyad(parts[0], parts[1])
        out.append((min(a.cow, b.cow), max(a.cow, b.cow)))
    if not out:
        raise InvalidInputError("--dyads is empty; give pairs like IRN-RUS,USA-GBR")
    return sorted(set(out))


def _spellings(fmt: Format, ccodes: set[int]) -> dict[str, list[str]]:
    if fmt.actor_kind in ("cameo", "polecat"):
        names = [v.upper() for v in state_spellings(ccodes, ("iso3", "iso_former")) if len(v) == 3]
    else:
        kinds = ("name", "alias", "iso3", "iso_former")
        base = state_spellings(ccodes, kinds)
        variants = {f(v) for v in base for f in (str, str.upper, str.lower, str.title)}
        if fmt.actor_kind == "tkg":
            variants |= {v.replace(" ", "_") for v in variants}
        names = sorted(variants)
    return {"names": sorted(set(names)), "cow": sorted(str(c) for c in ccodes)}


# ---------------------------------------------------------------- mapping (stage two)


def _map_side(df: pl.DataFrame, side: str, fmt: Format) -> pl.DataFrame:
    """Add ``{side}_cc`` (COW code) and ``{side}_issue`` (missing/unmatched/several or null)."""
    keys = df.select(pl.col(side).alias("v"), pl.col(f"{side}_cow").alias("cow"), "year").unique()
    v = pl.col("v")
    lowered = v.str.strip_chars().str.to_lowercase()
    missing_v = v.is_null() | lowered.is_in(list(_MISSING))
    if fmt.actor_kind == "tkg":
        distinct = keys["v"].drop_nulls().unique().to_list()
        country = {}
        for name in distinct:
            text = name.replace("_", " ").strip()
            m = _BRACKETED.search(text)
            country[name] = (m.group(1) if m else text).strip()
        keys = keys.with_columns(
            lookup=v.replace_strict(country, default=None, return_dtype=pl.String)
        )
    else:
        keys = keys.with_columns(lookup=v.str.strip_chars())
    if fmt.actor_kind in ("cameo", "polecat"):
        kinds: tuple[str, ...] = ("iso3", "iso_former")
        keys = keys.with_columns(pl.col("lookup").str.to_uppercase())
    else:
        kinds = ("name", "alias", "iso3", "iso_former")
    several = pl.col("lookup").str.contains(";", literal=True).fill_null(False)
    keys = assign_ccodes(
        keys.with_columns(pl.when(several).then(None).otherwise(pl.col("lookup")).alias("lookup")),
        "lookup",
        "year",
        "cc",
        kinds,
    )
    issue = (
        pl.when(missing_v)
        .then(pl.lit("missing"))
        .when(v.str.contains(";", literal=True))
        .then(pl.lit("several"))
        .when(pl.col("cc").is_null())
        .then(pl.lit("unmatched"))
    )
    if fmt.actor_kind == "polecat":
        # POLECAT's own COW column first: one code that is a COW state is used as given
        known = set(state_table()["ccode"].to_list())
        cow = pl.col("cow").str.strip_chars()
        cow_missing = pl.col("cow").is_null() | cow.str.to_lowercase().is_in(list(_MISSING))
        cow_int = cow.cast(pl.Int32, strict=False)
        keys = keys.with_columns(
            cc=pl.when(~cow_missing & cow_int.is_in(list(known)))
            .then(cow_int.cast(pl.Int16))
            .otherwise(pl.col("cc")),
            cow_several=cow.str.contains(";", literal=True).fill_null(False),
        )
        issue = (
            pl.when(pl.col("cow_several"))
            .then(pl.lit("several"))
            .when(pl.col("cc").is_not_null())
            .then(None)
            .otherwise(issue)
        )
    keys = keys.with_columns(issue.alias("issue")).select(
        pl.col("v").alias(side),
        pl.col("cow").alias(f"{side}_cow"),
        "year",
        pl.when(pl.col("issue").is_null()).then(pl.col("cc")).alias(f"{side}_cc"),
        pl.col("issue").alias(f"{side}_issue"),
    )
    return df.join(keys, on=[side, f"{side}_cow", "year"], how="left", nulls_equal=True)


def _map_events(df: pl.DataFrame, fmt: Format) -> pl.DataFrame:
    """Add ``quad`` (1-4, null if unknown), ``g_sum``/``g_n`` from the table where the data has no score."""
    table = cameo_table().select("code", "quad", pl.col("goldstein").alias("g_table"))
    df = df.rename({"quad": "quad_raw"})
    if fmt.event_kind == "label":
        codes = codes_for_labels(df["event"]).rename({"label": "event"})
    elif fmt.event_kind == "code":
        codes = normalise_codes(df["event"]).rename({"raw": "event"})
    else:
        codes = pl.DataFrame(schema={"event": pl.String, "code": pl.String})
    df = df.join(codes, on="event", how="left").join(table, on="code", how="left")
    if "quad" in fmt.roles:  # the dataset's own quad class wins (GDELT QuadClass, POLECAT)
        quads = quad_from_text(df["quad_raw"]).rename({"raw": "quad_raw", "quad": "q_data"})
        df = df.join(quads, on="quad_raw", how="left").with_columns(quad=pl.col("q_data"))
        df = df.drop("q_data")
    df = df.drop("quad_raw")
    if "goldstein" not in fmt.roles:
        df = df.with_columns(
            g_sum=pl.col("g_table") * pl.col("n"),
            g_n=pl.when(pl.col("g_table").is_not_null()).then(pl.col("n")).otherwise(0),
        )
    return df.drop("g_table")


def _finish(
    raw: pl.DataFrame,
    fmt: Format,
    by: str,
    pairs: list[tuple[int, int]] | None,
) -> tuple[pl.DataFrame, dict[str, Any]]:
    keys = ["year", *(["month"] if by == "month" else [])]
    raw = raw.with_columns(
        pl.col("year").cast(pl.Int16),
        *([pl.col("month").cast(pl.Int8)] if by == "month" else []),
        pl.col("n").cast(pl.Int64),
        pl.col("g_n").cast(pl.Int64),
        pl.col("g_sum").cast(pl.Float64),
        *[pl.col(r).cast(pl.String) for r in TEXT_ROLES],
    )
    rows_read = int(raw["n"].sum() or 0)
    stage1_bad = (
        raw.filter(pl.col("reason").is_not_null()).group_by("reason").agg(pl.col("n").sum())
    )
    ok = raw.filter(pl.col("reason").is_null())
    cov = ok.select(
        pl.col("first_day").min().alias("first"),
        pl.col("last_day").max().alias("last"),
    ).row(0)
    coverage_keys = ok.select(keys).unique().sort(keys)
    ok = _map_side(ok, "source", fmt)
    ok = _map_side(ok, "target", fmt)
    ok = _map_events(ok, fmt)
    reason = (
        pl.when(pl.col("source_issue").is_not_null())
        .then(pl.lit("source_") + pl.col("source_issue"))
        .when(pl.col("target_issue").is_not_null())
        .then(pl.lit("target_") + pl.col("target_issue"))
        .when(pl.col("quad").is_null())
        .then(pl.lit("event_unknown"))
        .when(pl.col("source_cc") == pl.col("target_cc"))
        .then(pl.lit("same_state"))
    )
    ok = ok.with_columns(reason=reason)
    skipped: dict[str, int] = {r: 0 for r in REASONS}
    for r, n in stage1_bad.iter_rows():
        skipped[r] += int(n)
    for r, n in (
        ok.filter(pl.col("reason").is_not_null())
        .group_by("reason")
        .agg(pl.col("n").sum())
        .iter_rows()
    ):
        skipped[r] += int(n)
    unmatched = {
        side: _top(ok.filter(pl.col("reason") == f"{side}_unmatched"), side)
        for side in ("source", "target")
    }
    unknown_events = _top(ok.filter(pl.col("reason") == "event_unknown"), "event")
    good = ok.filter(pl.col("reason").is_null()).select(
        pl.col("source_cc").alias("ccode1"),
        pl.col("target_cc").alias("ccode2"),
        *keys,
        "quad",
        "n",
        "g_sum",
        "g_n",
    )
    outside = 0
    if pairs is not None:
        want = pl.DataFrame(
            {"lo": [a for a, _ in pairs], "hi": [b for _, b in pairs]},
            schema={"lo": pl.Int16, "hi": pl.Int16},
        )
        tagged = good.with_columns(
            lo=pl.min_horizontal("ccode1", "ccode2").cast(pl.Int16),
            hi=pl.max_horizontal("ccode1", "ccode2").cast(pl.Int16),
        )
        kept = tagged.join(want, on=["lo", "hi"], how="semi")
        outside = int(good["n"].sum() or 0) - int(kept["n"].sum() or 0)
        good = kept.drop("lo", "hi")
    table = good.group_by("ccode1", "ccode2", *keys).agg(
        pl.col("n").sum().alias("events"),
        *[pl.col("n").filter(pl.col("quad") == q).sum().alias(name) for q, name in QUADS.items()],
        pl.col("g_sum").sum().alias("goldstein_sum"),
        pl.col("g_n").sum().alias("goldstein_events"),
    )
    table = table.with_columns(
        goldstein_mean=pl.when(pl.col("goldstein_events") > 0).then(
            pl.col("goldstein_sum") / pl.col("goldstein_events")
        ),
        goldstein_sum=pl.when(pl.col("goldstein_events") > 0).then(pl.col("goldstein_sum")),
        **{
            f"{c}_share": pl.when(pl.col("events") > 0).then(pl.col(c) / pl.col("events"))
            for c in COUNTS
        },
    )
    table = table.select(
        pl.col("ccode1").cast(pl.Int16),
        pl.col("ccode2").cast(pl.Int16),
        *keys,
        pl.col("events").cast(pl.Int64),
        *[pl.col(c).cast(pl.Int64) for c in COUNTS],
        pl.col("goldstein_sum").cast(pl.Float64),
        pl.col("goldstein_mean").cast(pl.Float64),
        pl.col("goldstein_events").cast(pl.Int64),
        *[pl.col(c).cast(pl.Float64) for c in SHARES],
    ).sort("ccode1", "ccode2", *keys)
    counted = int(table["events"].sum() or 0)
    first, last = cov
    years = sorted({int(y) for y in coverage_keys["year"].to_list()})
    partial = set()
    if first is not None and (first.month, first.day) != (1, 1):
        partial.add(first.year)
    if last is not None and (last.month, last.day) != (12, 31):
        partial.add(last.year)
    coverage: dict[str, Any] = {
        "first_date": str(first) if first is not None else None,
        "last_date": str(last) if last is not None else None,
        "years": years,
        "partial_years": sorted(partial),
    }
    if by == "month":
        coverage["months"] = [f"{y:04d}-{m:02d}" for y, m in coverage_keys.iter_rows()]
    meta = {
        "rows_read": rows_read,
        "events_counted": counted,
        "skipped": {k: v for k, v in skipped.items() if v},
        "skipped_total": sum(skipped.values()),
        "outside_dyads": outside,
        "accounting": "rows_read = events_counted + skipped_total + outside_dyads",
        "unmatched_actor_values": unmatched,
        "unknown_event_values": unknown_events,
        "coverage": coverage,
    }
    assert rows_read == counted + meta["skipped_total"] + outside, meta
    return table, meta


def _top(df: pl.DataFrame, col: str, k: int = 15) -> list[dict[str, Any]]:
    if df.is_empty():
        return []
    t = (
        df.group_by(col)
        .agg(pl.col("n").sum().alias("rows"))
        .sort(["rows", col], descending=[True, False])
        .head(k)
    )
    return [{"value": v, "rows": int(n)} for v, n in t.iter_rows()]


# ---------------------------------------------------------------- the API


def aggregate(
    source: str | Path | Sequence[str | Path],
    *,
    input_format: str | None = None,
    engine: str | Engine = "duckdb",
    by: str = "year",
    dyads: str | Iterable[Any] | None = None,
    engine_options: dict[str, Any] | None = None,
) -> EventAggregate:
    """Aggregate event files (a path, a folder, a glob or a list) into directed dyad-periods.

    ``input_format``: gdelt1, gdelt2, icews, polecat or icews14 (detected when omitted);
    ``engine``: duckdb (default), polars or spark (or an :class:`Engine`); ``by``: year or
    month; ``dyads``: ``"IRN-RUS,USA-GBR"`` or pairs of states, filtered at the scan.
    """
    if by not in BY:
        raise InvalidInputError(f"--by must be year or month, not {by!r}")
    t0 = time.perf_counter()
    paths = expand_paths(source)
    fmt = resolve_format(paths, input_format)
    inputs = plan_inputs(paths, fmt)
    pairs = parse_dyads(dyads)
    eng = engine if isinstance(engine, Engine) else make_engine(engine, **(engine_options or {}))
    parts = []
    try:
        for inp in inputs:
            where = None
            if pairs is not None:
                spell = _spellings(fmt, {c for p in pairs for c in p})
                where = pushdown(eng, inp, spell, like=fmt.actor_kind == "tkg")
            sql = stage_one(eng, inp, fmt.date_kind, by == "month", where)
            parts.append(pl.from_arrow(eng.run(sql, inp.kind, inp.paths)))
    finally:
        if not isinstance(engine, Engine):
            eng.close()
    raw = pl.concat([_conform(p, by) for p in parts], how="vertical")
    table, meta = _finish(raw, fmt, by, pairs)
    from allyscope import __version__

    meta = {
        "allyscope": __version__,
        "input": {
            "files": len(paths),
            "paths": paths[:20] + (["..."] if len(paths) > 20 else []),
            "format": fmt.name,
            "format_title": fmt.title,
            "documentation": fmt.documentation,
        },
        "engine": eng.name,
        "by": by,
        "dyads": [list(p) for p in pairs] if pairs is not None else None,
        **meta,
        "skipped_reasons": {k: REASONS[k] for k in meta["skipped"]},
        "quad_classes": {QUADS[q]: QUAD_TITLES[q] for q in QUADS},
        "quad_source": "the dataset's own quad class"
        if "quad" in fmt.roles
        else "CAMEO root code (allyscope/events/data/cameo.csv)",
        "goldstein": fmt.goldstein_name,
        "seconds": round(time.perf_counter() - t0, 3),
    }
    return EventAggregate(table, meta)


def _conform(df: pl.DataFrame, by: str) -> pl.DataFrame:
    cols = ["reason", *TEXT_ROLES, "year", *(["month"] if by == "month" else [])]
    return df.select(
        *[pl.col(c).cast(pl.String) for c in ["reason", *TEXT_ROLES]],
        pl.col("year").cast(pl.Int16),
        *([pl.col("month").cast(pl.Int8)] if by == "month" else []),
        pl.col("n").cast(pl.Int64),
        pl.col("g_sum").cast(pl.Float64),
        pl.col("g_n").cast(pl.Int64),
        pl.col("first_day").cast(pl.Date),
        pl.col("last_day").cast(pl.Date),
    ).select(*cols, "n", "g_sum", "g_n", "first_day", "last_day")
