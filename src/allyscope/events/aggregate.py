"""Directed dyad-year (or dyad-month) event counts by quad class, from any format and engine.

:func:`aggregate` builds the lookup tables (actor value -> COW state, event type -> quad
class and Goldstein score) from the package's state and CAMEO tables, runs the one query of
:mod:`allyscope.events.query` on the chosen engine, and sums its small grouped result into
the output table with the same Python code for every engine, so that the engines' outputs
are identical.

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
and unknown (null) outside it, which :meth:`EventAggregate.expand` applies.
"""

from __future__ import annotations

import datetime as dt
import glob
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from allyscope.errors import DataError, InvalidInputError
from allyscope.events.cameo import PLOVER_QUADS, QUAD_TITLES, QUADS, cameo_table, codes_for_labels
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
from allyscope.events.query import (
    FIRST_YEAR,
    REASON_CODES,
    Input,
    aggregate_sql,
    date_range_sql,
    pushdown,
    vocabulary_sql,
)
from allyscope.states import (
    assign_ccodes,
    ccodes_for_names,
    resolve_dyad,
    state_spellings,
    state_table,
)

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
#: What Python's ``str.strip()`` removes: Unicode whitespace and the separators \x1c-\x1f,
#: which Polars' (Rust's) whitespace leaves; spelled out so both read names alike.
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_WS_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _WHITESPACE) + "]"
#: A trailing bracket (the country of an ICEWS14 actor), as a Polars regex.
_BRACKETED = r"\(([^()]*)\)" + _WS_CLASS + "*$"
_REASON_CODE = {r: c for c, r in REASON_CODES.items()}
#: Reason codes of rows reported by their unknown value (the value's id or text): an actor
#: value (``lk_actor.vid``) or an event value (``lk_event.vid``).
_ACTOR_REASONS = (_REASON_CODE["source_unmatched"], _REASON_CODE["target_unmatched"])
_VALUE_REASONS = (*_ACTOR_REASONS, _REASON_CODE["event_unknown"])
_MISSING = {"", "none", "na", "n/a", "null", "---"}
#: Kinds of state key matched for code columns (GDELT, POLECAT) and for name columns.
CODE_KINDS = ("iso3", "iso_former")
NAME_KINDS = ("name", "alias", "iso3", "iso_former")


@dataclass
class EventAggregate:
    """The aggregated table and its metadata (provenance, skipped rows, coverage)."""

    table: pl.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)

    def expand(self, pairs: Iterable[tuple[int, int]], years: Iterable[int]) -> pl.DataFrame:
        """Directed dyad-years for ``pairs`` (both directions) and ``years``, panel-ready.

        Counts are 0 for a year inside the coverage with no event and null outside it;
        shares and the Goldstein mean are null without events. Yearly tables only.
        """
        if "month" in self.table.columns:
            raise InvalidInputError("expand() takes a yearly aggregation (by='year')")
        covered = set(self.metadata.get("coverage", {}).get("years", []))
        keys = pl.DataFrame(
            [(a, b, y) for x, z in pairs for a, b in ((x, z), (z, x)) for y in years],
            schema={"ccode1": pl.Int16, "ccode2": pl.Int16, "year": pl.Int16},
            orient="row",
        ).unique(maintain_order=True)
        out = keys.join(self.table, on=["ccode1", "ccode2", "year"], how="left")
        inside = pl.col("year").is_in(sorted(covered))
        counts = ["events", *COUNTS, "goldstein_events"]
        return out.with_columns(
            *[pl.when(inside).then(pl.col(c).fill_null(0)).alias(c) for c in counts],
        ).sort("ccode1", "ccode2", "year")

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
    """Files of a path, a glob or a list of them (remote URIs are passed on unexpanded).

    A path that names an existing file is that file, whatever characters its name holds
    (``it's[1].tab``, ``a*.tab``); only a path that names nothing is read as a glob. Each
    file is listed once, in the order first named; the engines read the list literally.
    """
    items = [source] if isinstance(source, str | Path) else list(source)
    if not items:
        raise InvalidInputError("no input given: pass a file, a folder, a glob or --sample")
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        s = str(item)
        if is_remote(s):
            hits = [s]
        else:
            p = Path(s).expanduser()
            if p.is_dir():
                hits = sorted(
                    str(f)
                    for f in p.iterdir()
                    if f.is_file() and not f.name.startswith(".") and not f.name.endswith(".json")
                )
            elif p.is_file():
                hits = [str(p)]
            elif any(ch in s for ch in "*?["):
                hits = sorted(h for h in glob.glob(str(p), recursive=True) if Path(h).is_file())
            else:
                hits = []
        if not hits:
            raise DataError(f"no event file matches {s}")
        for h in hits:
            key = h if is_remote(h) else str(Path(h).resolve())
            if key not in seen:
                seen.add(key)
                out.append(h)
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


def plan_inputs(paths: list[str], fmt: Format, engine: Engine | None = None) -> list[Input]:
    """Group the files into inputs read the same way (Parquet, or one text layout each).

    The Parquet schema is read from the first file, by the engine when it is remote (a
    Spark cluster reads ``s3a://`` or ``hdfs://`` paths that this process cannot).
    """
    parquet = [p for p in paths if is_parquet(p)]
    text = [p for p in paths if not is_parquet(p)]
    inputs: list[Input] = []
    if parquet:
        import pyarrow.parquet as pq

        try:
            if is_remote(parquet[0]) and engine is not None:
                schema = engine.parquet_schema(parquet[0])
            else:
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


# ---------------------------------------------------------------- lookups


def _lookup_frame(
    keys: pl.DataFrame, years: tuple[int, int], kinds: tuple[str, ...], keep_all: bool
) -> pl.DataFrame:
    """(v, lookup[, vid]) and the first and last year -> ``lk_actor``, one row per value.

    Columns: v, ccode, issue (0-3 as in :data:`~allyscope.events.query.ISSUES`), vid, and
    for values whose state changes with the year (``DEU``: 255 to 1945, 260 from the
    1950s, 255 again from 1990) the years it switches and the codes from then on
    (``y1, c1, y2, c2, ...``), so that the query needs no join on the year. ``keep_all``
    keeps unmatched values (issue 2, with their ``vid``); otherwise the query reads "not
    listed" as unmatched.
    """
    keys = keys.with_columns(
        missing=pl.col("v").str.strip_chars().str.to_lowercase().is_in(list(_MISSING)),
        several=pl.col("lookup").str.contains(";", literal=True).fill_null(False),
    )
    keys = keys.with_columns(
        lookup=pl.when(pl.col("missing") | pl.col("several")).then(None).otherwise(pl.col("lookup"))
    )
    if "vid" not in keys.columns:
        keys = keys.with_columns(vid=pl.lit(None, dtype=pl.Int32))
    # only values that name several states (DEU: 255 and 260) need the year to decide
    cands = ccodes_for_names(keys["lookup"].drop_nulls().unique(), kinds)
    several_states = cands.group_by("name").agg(pl.col("ccode").n_unique().alias("n"))
    several_states = several_states.filter(pl.col("n") > 1)["name"]
    single = cands.filter(~pl.col("name").is_in(several_states.to_list())).select(
        pl.col("name").alias("lookup"), "ccode"
    )
    fixed = keys.filter(
        ~pl.col("lookup").is_in(several_states.to_list()) | pl.col("lookup").is_null()
    )
    fixed = (
        fixed.unique("v")
        .with_columns(year=pl.lit(None, dtype=pl.Int32))
        .join(single, on="lookup", how="left")
    )
    # only these values are looked up year by year
    every_year = pl.DataFrame(
        {"year": list(range(years[0], years[1] + 1))}, schema={"year": pl.Int32}
    )
    varying = assign_ccodes(
        keys.filter(pl.col("lookup").is_in(several_states.to_list())).join(every_year, how="cross"),
        "lookup",
        "year",
        "ccode",
        kinds,
    )
    cols = [pl.col("year").cast(pl.Int32), pl.col("ccode").cast(pl.Int16)]
    keys = pl.concat(
        [fixed.select(varying.columns).with_columns(cols), varying.with_columns(cols)]
    ).sort("v", "year", nulls_last=False)
    switches = (
        keys.filter(pl.col("ccode").is_not_null())
        .with_columns(prev=pl.col("ccode").shift(1).over("v"))
        .filter(pl.col("prev").is_not_null() & (pl.col("ccode") != pl.col("prev")))
        .group_by("v", maintain_order=True)
        .agg(pl.col("year").alias("sy"), pl.col("ccode").alias("sc"))
    )
    per_value = keys.group_by("v", maintain_order=True).agg(
        pl.col("ccode").null_count().alias("nulls"),
        pl.col("ccode").drop_nulls().first().alias("ccode"),
        pl.col("missing").first(),
        pl.col("several").first(),
        pl.col("vid").first(),
    )
    static = per_value.join(switches, on="v", how="left").select(
        pl.col("v").cast(pl.String),
        pl.col("ccode").cast(pl.Int16),
        pl.when(pl.col("missing"))
        .then(1)
        .when(pl.col("several"))
        .then(3)
        .when(pl.col("nulls") > 0)
        .then(2)
        .otherwise(0)
        .cast(pl.Int8)
        .alias("issue"),
        pl.col("vid").cast(pl.Int32),
        "sy",
        "sc",
    )
    if not keep_all:
        static = static.filter(pl.col("issue") != 2)
    k = int(static["sy"].list.len().max() or 0) if static.height else 0
    static = static.with_columns(
        *[
            pl.col("sy").list.get(i, null_on_oob=True).cast(pl.Int32).alias(f"y{i + 1}")
            for i in range(k)
        ],
        *[
            pl.col("sc").list.get(i, null_on_oob=True).cast(pl.Int16).alias(f"c{i + 1}")
            for i in range(k)
        ],
    ).drop("sy", "sc")
    return static.sort("v")


@cache
def _code_actor_lookup(last_year: int) -> pl.DataFrame:
    """ISO3 (and withdrawn ISO) codes of every state for every plausible year (GDELT, POLECAT)."""
    codes = sorted(
        {v.upper() for v in state_spellings(state_table()["ccode"].to_list(), CODE_KINDS)}
        | {"", "NONE", "None", "NA", "N/A", "NULL", "null", "---"}
    )
    keys = pl.DataFrame({"v": codes}).with_columns(lookup=pl.col("v"))
    return _lookup_frame(keys, (FIRST_YEAR, last_year), CODE_KINDS, keep_all=False)


def actor_country(name: pl.Expr) -> pl.Expr:
    """ICEWS actor name -> its country: ``Police_(Iran)`` -> ``Iran``; ``Iran`` -> ``Iran``
    (underscores read as spaces; a trailing bracket gives the country)."""
    text = name.str.replace_all("_", " ", literal=True).str.strip_chars(_WHITESPACE)
    inner = text.str.extract(_BRACKETED, 1)
    return pl.when(inner.is_not_null()).then(inner).otherwise(text).str.strip_chars(_WHITESPACE)


def _vocab_actor_lookup(
    values: list[str], years: tuple[int, int], fmt: Format
) -> tuple[pl.DataFrame, list[str]]:
    """Distinct actor values of the data (and its first and last year) -> lk_actor, values by vid."""
    base = pl.DataFrame(
        {"v": values, "vid": list(range(len(values)))},
        schema={"v": pl.String, "vid": pl.Int32},
    )
    if fmt.actor_kind == "tkg":
        lookup = actor_country(pl.col("v"))
    else:
        lookup = pl.col("v").str.strip_chars()
    keys = base.with_columns(lookup=lookup).select("v", "lookup", "vid")
    return _lookup_frame(keys, years, NAME_KINDS, keep_all=True), values


@cache
def _cow_lookup() -> pl.DataFrame:
    cc = state_table()["ccode"].to_list()
    return pl.DataFrame(
        {"v": [str(c) for c in cc], "ccode": cc}, schema={"v": pl.String, "ccode": pl.Int16}
    )


_EVENT_SCHEMA = {"v": pl.String, "quad": pl.Int8, "goldstein": pl.Float64, "vid": pl.Int32}


@cache
def _code_event_lookup() -> pl.DataFrame:
    """CAMEO codes (and codes that lost a leading zero) -> quad, goldstein."""
    t = cameo_table().select(pl.col("code").alias("v"), "quad", "goldstein")
    known = set(t["v"].to_list())
    extra = t.filter(pl.col("v").str.starts_with("0")).with_columns(pl.col("v").str.slice(1))
    extra = extra.filter(~pl.col("v").is_in(list(known)))
    return pl.concat([t, extra]).with_columns(vid=pl.lit(None)).cast(_EVENT_SCHEMA)  # type: ignore[arg-type]


def _label_event_lookup(values: list[str]) -> pl.DataFrame:
    """Every event text of the input -> quad, goldstein (null for texts not in the table), vid."""
    codes = codes_for_labels(pl.Series(values, dtype=pl.String))
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String}).with_row_index("vid")
    t = cameo_table().select("code", "quad", "goldstein")
    out = frame.join(codes.rename({"label": "v"}), on="v", how="left").join(
        t, on="code", how="left"
    )
    return out.select("v", "quad", "goldstein", "vid").cast(_EVENT_SCHEMA)  # type: ignore[arg-type]


@cache
def _quad_lookup() -> pl.DataFrame:
    """'1'..'4' (GDELT QuadClass) and the four class names in common spellings (POLECAT)."""
    rows: dict[str, int] = {str(q): q for q in QUADS}
    for name, q in PLOVER_QUADS.items():
        for form in (name, name.upper(), name.title(), name.capitalize()):
            rows[form] = q
            rows[form.replace(" ", "_")] = q
    return pl.DataFrame(
        {"v": list(rows), "quad": list(rows.values())}, schema={"v": pl.String, "quad": pl.Int8}
    )


@dataclass
class Lookups:
    """The lookup tables of one input, and the values behind the ids the query returns."""

    tables: dict[str, pl.DataFrame]
    actor_values: list[str] = field(default_factory=list)
    event_values: list[str] = field(default_factory=list)
    switches: int = 0  # year switches per actor value (columns y1, c1, ... of lk_actor)
    days: tuple[Any, Any] | None = None  # first and last day, when the vocabulary pass ran
    raw_details: bool = True  # some unknown values may be absent from the lookups
    listed: tuple[str, ...] = ()  # roles whose lookup lists every value of the input


def lookups(eng: Engine, inp: Input, fmt: Format, where: str | None, last_year: int) -> Lookups:
    """The lookup tables of one input: from the tables, or from its vocabulary (one pass)."""
    free_actors = fmt.actor_kind in ("name", "tkg")
    free_events = fmt.event_kind == "label"
    vocab = pl.DataFrame(
        schema={
            "role": pl.String,
            "v": pl.String,
            "y0": pl.Int32,
            "y1": pl.Int32,
            "d0": pl.Date,
            "d1": pl.Date,
        }
    )
    if free_actors or free_events:
        # a Parquet DATE column gives its range from statistics; used when all dates are
        # plausible (the full pass below would drop the others), else the pass finds it
        span = None
        quick = date_range_sql(eng, inp) if where is None else None
        if quick is not None:
            d0, d1 = pl.from_arrow(eng.run(quick, inp.kind, inp.paths)).row(0)
            if d0 is not None and d0.year >= FIRST_YEAR and d1.year <= last_year:
                span = (d0, d1)
        sql = vocabulary_sql(
            eng, inp, fmt, where, free_actors, free_events, last_year, years=span is None
        )
        vocab = pl.from_arrow(eng.run(sql, inp.kind, inp.paths)).cast(vocab.schema)  # type: ignore[arg-type]
        vocab = vocab.sort("role", "v")  # ids independent of the engine's row order
    out = Lookups({"lk_cow": _cow_lookup(), "lk_quad": _quad_lookup()})
    if free_actors or free_events:
        if span is not None:
            out.days = span
        else:
            y = vocab.filter(pl.col("role") == "years").row(0, named=True)
            out.days = (y["d0"], y["d1"])
    if free_actors:
        d0, d1 = out.days
        years = (d0.year, d1.year) if d0 is not None else (last_year, last_year)
        values = vocab.filter(pl.col("role") == "actor")["v"].to_list()
        actor, out.actor_values = _vocab_actor_lookup(values, years, fmt)
    else:
        actor = _code_actor_lookup(last_year)
    if free_events:
        out.event_values = vocab.filter(pl.col("role") == "event")["v"].to_list()
        event = _label_event_lookup(out.event_values)
    elif fmt.event_kind == "code":
        event = _code_event_lookup()
    else:
        event = pl.DataFrame(schema=_EVENT_SCHEMA)
    out.tables |= {"lk_actor": actor, "lk_event": event}
    switch = [c for c in actor.columns if c.startswith("y") and c[1:].isdigit()]
    alike = {  # lookup -> (columns that must agree, which values may share an id)
        "lk_actor": (
            ["ccode"],
            (pl.col("issue") == 0)
            & pl.all_horizontal([pl.col(c).is_null() for c in switch] or [pl.lit(True)]),
        ),
        "lk_cow": (["ccode"], pl.lit(True)),
        # event types share an id only if each has a score: every row of a combination
        # then has a score or none (keyed_sql counts them so)
        "lk_event": (["quad"], pl.col("quad").is_not_null() & pl.col("goldstein").is_not_null()),
        "lk_quad": (["quad"], pl.lit(True)),
    }
    carry = {"lk_actor": ["issue"], "lk_event": ["goldstein"]}  # read per row as well
    for name, (same, merge) in alike.items():
        out.tables[f"{name}_ids"], out.tables[name] = _ids(
            out.tables[name], same, merge, carry.get(name, [])
        )
    # the event type's score is summed per combination, not read per group
    out.tables["lk_event"] = out.tables["lk_event"].drop("goldstein")
    out.switches = len(switch)
    out.raw_details = not free_actors or not free_events
    out.listed = (("source", "target") if free_actors else ()) + (("event",) if free_events else ())
    return out


def _ids(
    t: pl.DataFrame, same: list[str], merge: pl.Expr, carry: list[str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A lookup as (value -> ``id``), read per row, and (``id`` -> its columns), read per group.

    Values the checks treat alike share an id: those ``merge`` selects, with the same
    ``same`` columns (Police_(Iran) and Iran: a state in every year, 630), which never
    need their own text in the metadata; every other value has its own id. Fewer ids, fewer
    distinct combinations for :func:`~allyscope.events.query.keyed_sql` to count. Ids are
    numbered in sorted order, the same for every engine. ``carry``: columns read per row
    too (the actor's issue, the event type's score).
    """
    t = t.with_row_index("_row").with_columns(_m=merge.fill_null(False))
    keys = [pl.when(pl.col("_m")).then(pl.col(c)).alias(f"_k_{c}") for c in same]
    keys.append(pl.when(pl.col("_m")).then(None).otherwise(pl.col("_row")).alias("_k_row"))
    t = t.with_columns(keys)
    names = [f"_k_{c}" for c in same] + ["_k_row"]
    ids = t.select(names).unique().sort(names, nulls_last=True).with_row_index("id")
    t = t.join(ids, on=names, how="left", nulls_equal=True).with_columns(
        pl.col("id").cast(pl.Int32)
    )
    scan = t.select("v", "id", *carry).sort("v")
    shared = [c for c in ("v", "vid") if c in t.columns]
    by_id = (
        t.sort("_row")
        .unique("id", keep="first", maintain_order=True)
        .with_columns(
            [pl.when(pl.col("_m")).then(None).otherwise(pl.col(c)).alias(c) for c in shared]
        )
        .drop("_row", "_m", *names)
        .sort("id")
    )
    return scan, by_id


# ---------------------------------------------------------------- summing up


def _finish(
    raw: pl.LazyFrame, values: pl.LazyFrame, by: str, pairs: list[tuple[int, int]] | None
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """The dyad-period table and the metadata from :func:`_conform`'s two frames."""
    keys = ["year", *(["month"] if by == "month" else [])]
    # every part below is one lazy query over ``raw``, all collected at once (in parallel)
    lf = raw.cache()  # read by every part
    n = pl.col("n")
    bad = lf.filter(pl.col("reason") != 0)
    dated = lf.filter(pl.col("year").is_not_null())
    good = lf.filter(pl.col("reason") == 0)
    kept = good
    if pairs is not None:
        want = pl.LazyFrame(
            {"lo": [a for a, _ in pairs], "hi": [b for _, b in pairs]},
            schema={"lo": pl.Int16, "hi": pl.Int16},
        )
        kept = (
            good.with_columns(
                lo=pl.min_horizontal("ccode1", "ccode2").cast(pl.Int16),
                hi=pl.max_horizontal("ccode1", "ccode2").cast(pl.Int16),
            )
            .join(want, on=["lo", "hi"], how="semi")
            .drop("lo", "hi")
        )
    table_q = (
        kept.group_by("ccode1", "ccode2", *keys)
        .agg(
            n.sum().alias("events"),
            *[pl.when(pl.col("quad") == q).then(n).sum().alias(name) for q, name in QUADS.items()],
            pl.col("g_sum").sum().alias("goldstein_sum"),
            pl.col("g_n").sum().alias("goldstein_events"),
        )
        .with_columns(
            goldstein_mean=pl.when(pl.col("goldstein_events") > 0).then(
                pl.col("goldstein_sum") / pl.col("goldstein_events")
            ),
            goldstein_sum=pl.when(pl.col("goldstein_events") > 0).then(pl.col("goldstein_sum")),
            **{
                f"{c}_share": pl.when(pl.col("events") > 0).then(pl.col(c) / pl.col("events"))
                for c in COUNTS
            },
        )
        .select(
            *_dyad_period(by),
            pl.col("events").cast(pl.Int64),
            *[pl.col(c).cast(pl.Int64) for c in COUNTS],
            pl.col("goldstein_sum").cast(pl.Float64),
            pl.col("goldstein_mean").cast(pl.Float64),
            pl.col("goldstein_events").cast(pl.Int64),
            *[pl.col(c).cast(pl.Float64) for c in SHARES],
        )
        .sort("ccode1", "ccode2", *keys)
    )
    totals_q = pl.concat(
        [
            lf.select(pl.lit("read").alias("what"), n.sum().alias("rows")),
            good.select(pl.lit("good").alias("what"), n.sum().alias("rows")),
            kept.select(pl.lit("kept").alias("what"), n.sum().alias("rows")),
        ]
    )
    table, totals, skipped_rows, days, coverage_keys, by_value = pl.collect_all(
        [
            table_q,
            totals_q,
            bad.group_by("reason").agg(n.sum()),
            dated.select(pl.col("first_day").min(), pl.col("last_day").max()),
            dated.select(keys).unique().sort(keys),
            # rows per unknown value (one value may come from several inputs)
            values.group_by("reason", "detail").agg(pl.col("rows").sum()),
        ]
    )
    total = {w: int(r or 0) for w, r in totals.iter_rows()}
    rows_read, outside = total["read"], total["good"] - total["kept"]
    skipped: dict[str, int] = {r: 0 for r in REASONS}
    for code, k in skipped_rows.iter_rows():
        skipped[REASON_CODES[code]] += int(k)
    first, last = days.row(0)
    unmatched = {side: _top(by_value, f"{side}_unmatched") for side in ("source", "target")}
    unknown_events = _top(by_value, "event_unknown")
    counted = int(table["events"].sum() or 0)
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
    if rows_read != counted + meta["skipped_total"] + outside:  # a bug, not a data problem
        raise RuntimeError(f"event accounting does not add up: {meta}")
    return table, meta


def _top(by_value: pl.DataFrame, reason: str, k: int = 15) -> list[dict[str, Any]]:
    """The ``k`` values with most rows for ``reason`` (``by_value``: reason, detail, rows)."""
    t = (
        by_value.filter(pl.col("reason") == reason)
        .sort(["rows", "detail"], descending=[True, False], nulls_last=True)
        .head(k)
    )
    return [{"value": v, "rows": int(n)} for v, n in t.select("detail", "rows").iter_rows()]


# ---------------------------------------------------------------- the API


def aggregate(
    source: str | Path | Sequence[str | Path],
    *,
    input_format: str | None = None,
    engine: str | Engine = "duckdb",
    by: str = "year",
    dyads: str | Iterable[Any] | None = None,
    engine_options: dict[str, Any] | None = None,
    preaggregate: bool = True,
) -> EventAggregate:
    """Aggregate event files (a path, a folder, a glob or a list) into directed dyad-periods.

    ``input_format``: gdelt1, gdelt2, icews, polecat or icews14 (detected when omitted);
    ``engine``: duckdb (default), polars or spark (or an :class:`Engine`); ``by``: year or
    month; ``dyads``: ``"IRN-RUS,USA-GBR"`` or pairs of states, filtered at the scan.
    ``preaggregate`` False checks every row on its own instead of every distinct
    combination of values once (the same result, slower; for testing).
    """
    if by not in BY:
        raise InvalidInputError(f"--by must be year or month, not {by!r}")
    t0 = time.perf_counter()
    paths = expand_paths(source)
    fmt = resolve_format(paths, input_format)
    pairs = parse_dyads(dyads)
    last_year = dt.date.today().year + 1
    eng = engine if isinstance(engine, Engine) else make_engine(engine, **(engine_options or {}))
    parts = []
    try:
        inputs = plan_inputs(paths, fmt, eng)
        for inp in inputs:
            where = None
            if pairs is not None:
                spell = _spellings(fmt, {c for p in pairs for c in p})
                where = pushdown(eng, inp, spell, like=fmt.actor_kind == "tkg")
            lk = lookups(eng, inp, fmt, where, last_year)
            sql = aggregate_sql(
                eng,
                inp,
                fmt,
                by == "month",
                where,
                last_year,
                lk.switches,
                lk.raw_details,
                dates=lk.days is None,
                preaggregate=preaggregate,
                listed=lk.listed,
            )
            # only the lookups the query reads are handed to the engine (copying one costs
            # DuckDB a few milliseconds; ICEWS14 needs no COW or quad-class lookup)
            tables = {k: v.to_arrow() for k, v in lk.tables.items() if re.search(rf"\b{k}\b", sql)}
            result = pl.from_arrow(eng.run(sql, inp.kind, inp.paths, tables))
            if lk.days is not None:
                result = result.with_columns(
                    first_day=pl.lit(lk.days[0], dtype=pl.Date),
                    last_day=pl.lit(lk.days[1], dtype=pl.Date),
                )
            parts.append(_conform(result, by, lk))
    finally:
        if not isinstance(engine, Engine):
            eng.close()
    table, meta = _finish(
        pl.concat([rows for rows, _ in parts], how="vertical"),
        pl.concat([values for _, values in parts], how="vertical"),
        by,
        pairs,
    )
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


def _dyad_period(by: str) -> list[pl.Expr]:
    """The key columns of raw and output rows in the output's types."""
    keys = [pl.col("ccode1").cast(pl.Int16), pl.col("ccode2").cast(pl.Int16)]
    keys.append(pl.col("year").cast(pl.Int16))
    return keys + ([pl.col("month").cast(pl.Int8)] if by == "month" else [])


def _conform(df: pl.DataFrame, by: str, lk: Lookups) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """One schema for every engine's raw output (lazy: collected with the summing up).

    Two frames: the combinations (``reason`` stays the query's code, 0 for counted rows),
    and the skipped rows per unknown value (``reason`` name, ``detail`` text, ``rows``).
    The values behind the ids are looked up after grouping by id, so each distinct value
    is turned into text once, not once per combination.
    """
    df = df.lazy().with_columns(pl.col("reason").cast(pl.Int8), pl.col("detail_id").cast(pl.Int64))
    rows = df.select(
        "reason",
        *_dyad_period(by),
        pl.col("quad").cast(pl.Int8),
        pl.col("n").cast(pl.Int64),
        pl.col("g_sum").cast(pl.Float64),
        pl.col("g_n").cast(pl.Int64),
        pl.col("first_day").cast(pl.Date),
        pl.col("last_day").cast(pl.Date),
    )
    # reason codes 0-10 and value ids index these lists directly
    names = pl.Series([REASON_CODES.get(c) for c in range(max(REASON_CODES) + 1)], dtype=pl.String)
    actor = pl.Series(lk.actor_values, dtype=pl.String)
    event = pl.Series(lk.event_values, dtype=pl.String)
    ids, reason = pl.col("detail_id"), pl.col("reason")
    values = (
        df.filter(reason.is_in(list(_VALUE_REASONS)))
        .group_by("reason", "detail_id", "detail")
        .agg(pl.col("n").cast(pl.Int64).sum().alias("rows"))
        .select(
            pl.lit(names).gather(reason).alias("reason"),
            pl.coalesce(
                pl.col("detail").cast(pl.String),
                pl.lit(actor).gather(pl.when(reason.is_in(list(_ACTOR_REASONS))).then(ids)),
                pl.lit(event).gather(pl.when(reason == _REASON_CODE["event_unknown"]).then(ids)),
            ).alias("detail"),
            "rows",
        )
    )
    return rows, values
