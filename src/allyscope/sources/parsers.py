"""Parsers: an official release file -> the package's table schema for that dataset.

Columns are found by name (case-insensitive), never by position, so a release that
reorders its columns still parses. COW's missing-value code -9 becomes null. Each parser
takes the downloaded file (a zip or a plain file) and the spec's ``member`` (the file
inside the archive; ``a.zip/b.csv`` for a zip inside the zip).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import polars as pl

from allyscope.errors import DataError


def read_member(path: Path, member: str) -> bytes:
    """Bytes of ``member`` inside ``path`` (zips may nest); a plain file is returned whole."""
    data = path.read_bytes()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return data
    for part in [p for p in member.split("/") if p] if member else []:
        if not zipfile.is_zipfile(io.BytesIO(data)):
            break
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            match = [n for n in names if n == part or n.endswith("/" + part)] or [
                n for n in names if Path(n).name == Path(part).name
            ]
            if not match:
                # the member path may include folders; try the full remaining path
                continue
            data = zf.read(match[0])
    if zipfile.is_zipfile(io.BytesIO(data)):
        raise DataError(f"{path.name}: could not find {member!r} in the archive")
    return data


def _csv(data: bytes, **kw: object) -> pl.DataFrame:
    try:
        return pl.read_csv(io.BytesIO(data), infer_schema_length=10000, encoding="utf8-lossy", **kw)
    except pl.exceptions.PolarsError as exc:
        raise DataError(f"cannot parse the release as CSV: {exc}") from exc


def _pick(df: pl.DataFrame, wanted: dict[str, str], what: str) -> pl.DataFrame:
    """Select ``{source column: new name}`` by case-insensitive name."""
    lower = {c.lower(): c for c in df.columns}
    missing = [w for w in wanted if w.lower() not in lower]
    if missing:
        raise DataError(
            f"{what}: the release lacks column(s) {', '.join(missing)} "
            f"(has {', '.join(df.columns[:12])}{'...' if df.width > 12 else ''}); "
            "the official format may have changed"
        )
    return df.select([pl.col(lower[k.lower()]).alias(v) for k, v in wanted.items()])


def _na9(df: pl.DataFrame, cols: list[str]) -> pl.DataFrame:
    return df.with_columns(
        [pl.when(pl.col(c) == -9).then(None).otherwise(pl.col(c)).alias(c) for c in cols]
    )


def atop_ddyr(path: Path, member: str) -> pl.DataFrame:
    df = _csv(read_member(path, member))
    out = _pick(
        df,
        {
            "stateA": "ccode1",
            "stateB": "ccode2",
            "year": "year",
            "defense": "atop_defense",
            "offense": "atop_offense",
            "neutral": "atop_neutral",
            "nonagg": "atop_nonagg",
            "consul": "atop_consul",
        },
        "ATOP ddyr",
    )
    flags = ["atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"]
    return out.cast(
        {"ccode1": pl.Int16, "ccode2": pl.Int16, "year": pl.Int16} | dict.fromkeys(flags, pl.Int8)
    )


def cow_trade_dyadic(path: Path, member: str) -> pl.DataFrame:
    df = _csv(read_member(path, member))
    flows = ["flow1", "flow2", "smoothflow1", "smoothflow2"]
    out = _pick(df, {c: c for c in ["ccode1", "ccode2", "year", *flows]}, "COW dyadic trade")
    out = _na9(out.cast(dict.fromkeys(flows, pl.Float64)), flows)
    return out.filter(~pl.all_horizontal(pl.col(flows).is_null())).cast(
        {"ccode1": pl.Int16, "ccode2": pl.Int16, "year": pl.Int16}
    )


def cow_trade_national(path: Path, member: str) -> pl.DataFrame:
    df = _csv(read_member(path, member), encoding="utf8-lossy")
    out = _pick(
        df,
        {"ccode": "ccode", "year": "year", "imports": "imports", "exports": "exports"},
        "COW national trade",
    )
    out = _na9(out.cast({"imports": pl.Float64, "exports": pl.Float64}), ["imports", "exports"])
    return out.cast({"ccode": pl.Int16, "year": pl.Int16})


def cow_nmc_abridged(path: Path, member: str) -> pl.DataFrame:
    df = _csv(read_member(path, member))
    comps = ["milex", "milper", "irst", "pec", "tpop", "upop", "cinc"]
    out = _pick(df, {c: c for c in ["ccode", "year", *comps]}, "COW NMC")
    out = _na9(out.cast(dict.fromkeys(comps, pl.Float64)), comps)
    # the four counts are whole thousands, stored as Int32 like the bundled snapshot
    counts = ["milex", "milper", "irst", "pec"]
    odd = [c for c in counts if (out[c].round() != out[c]).any()]
    if odd:
        raise DataError(
            f"COW NMC: {', '.join(odd)} has values that are not whole numbers; this release's "
            "layout differs from NMC 7.0, which allyscope reads (report it to the project)"
        )
    return out.cast({"ccode": pl.Int16, "year": pl.Int16, **dict.fromkeys(counts, pl.Int32)})


def cow_igo_dyadic(path: Path, member: str) -> pl.DataFrame:
    """Sum the per-IGO joint-full-membership indicators (1) of the official dyadic file."""
    df = _csv(read_member(path, member))
    lower = {c.lower(): c for c in df.columns}
    c1 = lower.get("ccode1") or lower.get("state1")
    c2 = lower.get("ccode2") or lower.get("state2")
    if c1 is None or c2 is None or "year" not in lower:
        raise DataError("COW IGO dyadic: the release lacks ccode1/ccode2 (state1/state2) or year")
    skip = {c1.lower(), c2.lower(), "year", "dyadid", "version", "country1", "country2"}
    igos = [c for c in df.columns if c.lower() not in skip and df[c].dtype.is_integer()]
    return df.select(
        pl.col(c1).cast(pl.Int16).alias("ccode1"),
        pl.col(c2).cast(pl.Int16).alias("ccode2"),
        pl.col(lower["year"]).cast(pl.Int16).alias("year"),
        pl.sum_horizontal([(pl.col(c) == 1).cast(pl.Int16) for c in igos])
        .cast(pl.Int16)
        .alias("dyadigos"),
    )


def cow_igo_state(path: Path, member: str) -> pl.DataFrame:
    df = _csv(read_member(path, member))
    lower = {c.lower(): c for c in df.columns}
    skip = {"ccode", "year", "state", "country", "version"}
    igos = [c for c in df.columns if c.lower() not in skip and df[c].dtype.is_integer()]
    cnt = lambda v: pl.sum_horizontal([(pl.col(c) == v).cast(pl.Int16) for c in igos])  # noqa: E731
    return df.select(
        pl.col(lower["ccode"]).cast(pl.Int16).alias("ccode"),
        pl.col(lower["year"]).cast(pl.Int16).alias("year"),
        cnt(1).cast(pl.Float64).alias("sum_igo_full"),
        cnt(2).alias("sum_igo_associate"),
        cnt(3).alias("sum_igo_observer"),
        (cnt(1) + cnt(2) + cnt(3)).cast(pl.Float64).alias("sum_igo_anytype"),
    )


def cow_contdir(path: Path, member: str) -> pl.DataFrame:
    """Master record (begin/end as YYYYMM) -> directed spells with first/last day dates."""
    df = _csv(read_member(path, member))
    out = _pick(
        df,
        {"statelno": "a", "statehno": "b", "conttype": "conttype", "begin": "begin", "end": "end"},
        "COW contiguity",
    )
    out = out.with_columns(
        stdate=pl.date(pl.col("begin") // 100, pl.col("begin") % 100, 1),
        enddate=pl.date(pl.col("end") // 100, pl.col("end") % 100, 1).dt.month_end(),
    )
    fwd = out.select(
        pl.col("a").alias("ccode1"), pl.col("b").alias("ccode2"), "conttype", "stdate", "enddate"
    )
    rev = out.select(
        pl.col("b").alias("ccode1"), pl.col("a").alias("ccode2"), "conttype", "stdate", "enddate"
    )
    return (
        pl.concat([fwd, rev])
        .cast({"ccode1": pl.Int16, "ccode2": pl.Int16, "conttype": pl.Int16})
        .sort("ccode1", "ccode2", "stdate")
    )


def unvotes_raw_votes(path: Path, member: str) -> pl.DataFrame:
    """Voeten's raw votes: keep yes (1), abstain (2), no (3); drop absent (8) and non-member (9)."""
    df = _csv(read_member(path, member))
    name_col = next((c for c in df.columns if c.lower() == "countryname"), None)
    code_col = next((c for c in df.columns if c.lower() == "country"), None)
    out = _pick(df, {"rcid": "rcid", "ccode": "ccode", "vote": "vote"}, "UN votes")
    out = out.with_columns(
        country=df[name_col].cast(pl.String) if name_col else pl.lit(None, pl.String),
        country_code=df[code_col].cast(pl.String) if code_col else pl.lit(None, pl.String),
    )
    return (
        out.filter(pl.col("vote").is_in([1, 2, 3]))
        .cast({"rcid": pl.Int32, "ccode": pl.Int16, "vote": pl.Int8})
        .sort("rcid", "ccode")
    )


def unvotes_raw_rollcalls(path: Path, member: str) -> pl.DataFrame:
    df = _csv(read_member(path, member), try_parse_dates=True)
    out = _pick(df, {"rcid": "rcid", "session": "session", "date": "date"}, "UN roll calls")
    lower = {c.lower(): c for c in df.columns}
    extra = {
        k: (pl.col(lower[k]) if k in lower else pl.lit(None))
        for k in ("importantvote", "unres", "amend", "para", "short", "descr")
    }
    full = df.select(pl.col(lower["rcid"]).alias("rcid"), *[e.alias(k) for k, e in extra.items()])
    rc = (
        out.with_columns(pl.col("date").cast(pl.Date))
        .join(full, on="rcid", how="left")
        .unique("rcid")
    )
    return rc.select(
        pl.col("rcid").cast(pl.Int32),
        pl.col("session").cast(pl.Int16),
        pl.col("importantvote").cast(pl.Int16),
        "date",
        pl.col("date").dt.year().cast(pl.Int16).alias("year"),
        pl.col("unres").cast(pl.String),
        pl.col("amend").cast(pl.Int16),
        pl.col("para").cast(pl.Int16),
        pl.col("short").cast(pl.String),
        pl.col("descr").cast(pl.String),
    ).sort("rcid")


#: UN Digital Library vote codes (the bulk file's ``ms_vote``); non-voting (``X``, ``NV`` or
#: empty) is dropped, as Voeten's data drop absences.
UNDL_VOTES = {"Y": 1, "A": 2, "N": 3}


def undl_ga_votes(path: Path, member: str) -> pl.DataFrame:
    """The UN Digital Library's General Assembly voting data (Dag Hammarskjöld Library, one
    row per Member State and adopted resolution) -> one row per state and resolution voted
    yes, abstain or no, with the COW code of the ISO3 ``ms_code`` in the year of the vote.

    The column names of the 2024-2026 bulk files are read singular or plural (``ms_code`` or
    ``ms_codes``...); a file without them is refused with its header.
    """
    return _undl_votes(
        path,
        member,
        "General Assembly voting data (record 4060887)",
        ("session",),
        {"session": pl.col("session").cast(pl.String)},
    )


def undl_sc_votes(path: Path, member: str) -> pl.DataFrame:
    """The UN Digital Library's Security Council voting data (Dag Hammarskjöld Library, record
    4055387: one row per Council member and adopted resolution) -> one row per member and
    resolution voted yes, abstain or no, with its COW code and whether it sat as a permanent
    member (``permanent_member``, True/False in the file). A resolution adopted without a vote
    is recorded by the Library as a yes of every member."""
    return _undl_votes(
        path,
        member,
        "Security Council voting data (record 4055387)",
        ("permanent_member",),
        {
            "permanent": pl.col("permanent_member")
            .str.strip_chars()
            .str.to_lowercase()
            .replace_strict({"true": True, "false": False}, default=None, return_dtype=pl.Boolean)
        },
    )


def _undl_votes(
    path: Path, member: str, what: str, sources: tuple[str, ...], extra: dict[str, pl.Expr]
) -> pl.DataFrame:
    """The columns the Library's voting files share, plus ``extra`` (output name ->
    expression over the file's ``sources`` columns, read by their singular or plural name)."""
    df = _csv(read_member(path, member), infer_schema=False)
    lower = {c.lower(): c for c in df.columns}

    def col(*names: str) -> str:
        for n in names:
            if n in lower:
                return lower[n]
        raise DataError(
            f"UN Digital Library votes: the file lacks a column {' or '.join(names)} (has "
            f"{', '.join(df.columns[:12])}); is it the {what}?"
        )

    needed = ["resolution", "date", "ms_code", "ms_vote", *sources]
    df = df.select(pl.col(col(n, f"{n}s")).alias(n) for n in needed)
    out = df.select(
        pl.col("resolution").str.strip_chars(),
        pl.col("date").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False),
        pl.col("ms_code").str.strip_chars().str.to_uppercase(),
        pl.col("ms_vote")
        .str.strip_chars()
        .str.to_uppercase()
        .replace_strict(UNDL_VOTES, default=None, return_dtype=pl.Int8)
        .alias("vote"),
        *[e.alias(n) for n, e in extra.items()],
    )
    bad = out.filter(pl.col("date").is_null() | pl.col("resolution").is_null())
    if bad.height:
        raise DataError(
            f"UN Digital Library votes: {bad.height} row(s) without a resolution symbol or a "
            "YYYY-MM-DD date; the official format may have changed"
        )
    out = out.filter(pl.col("vote").is_not_null()).with_columns(
        year=pl.col("date").dt.year().cast(pl.Int16)
    )
    from allyscope.states import assign_ccodes

    out = assign_ccodes(out, "ms_code", "year", "ccode", kinds=("iso3", "iso_former"))
    return (
        out.filter(pl.col("ccode").is_not_null())
        .select(
            "resolution",
            "date",
            "year",
            *[n for n in extra if n == "session"],
            pl.col("ccode").cast(pl.Int16),
            "ms_code",
            *[n for n in extra if n != "session"],
            "vote",
        )
        .unique(["resolution", "ccode"], keep="first")
        .sort("date", "resolution", "ccode")
    )


#: The regions of SIPRI's country sheets; any other header row names a subregion.
SIPRI_REGIONS = ("Africa", "Americas", "Asia & Oceania", "Europe", "Middle East")


def _milex_indicator(sheet: str) -> str | None:
    """The package's indicator name of a SIPRI sheet (None: a sheet not converted)."""
    import re

    m = re.fullmatch(r"Constant \((\d{4})\) US\$", sheet.strip())
    if m:
        return f"constant_{m[1]}_usd_m"
    return {
        "Current US$": "current_usd_m",
        "Share of GDP": "share_of_gdp",
        "Per capita": "per_capita_current_usd",
        "Share of Govt. spending": "share_of_govt_spending",
    }.get(sheet.strip())


def sipri_milex_xlsx(path: Path, member: str) -> pl.DataFrame:
    """SIPRI's Military Expenditure Database workbook -> one row per sheet, country and year.

    Each country sheet (constant US$ of the release's base year, current US$, share of GDP,
    per capita, share of government spending) is found by name, its header row by the cell
    ``Country``, its year columns by their headers; region and subregion header rows (a name
    without values) become columns. Values are read as numbers at full precision; a cell that
    is not a number keeps its text (``...`` unavailable, ``xxx`` not independent) in
    ``value_text``. Local-currency, regional-total and footnote sheets are not converted.
    """
    try:
        import fastexcel
    except ImportError as exc:
        raise DataError(
            "reading SIPRI's workbook needs fastexcel: pip install 'allyscope[xlsx]'"
        ) from exc
    try:
        # an .xlsx is itself a zip: read a member only when the release wraps the workbook
        book = fastexcel.read_excel(read_member(path, member) if member else path.read_bytes())
    except Exception as exc:  # fastexcel raises its own error types for a file it cannot read
        raise DataError(f"{path.name} is not a readable Excel workbook ({exc})") from exc
    parts = []
    for sheet in book.sheet_names:
        indicator = _milex_indicator(sheet)
        if indicator is not None:
            parts.append(_milex_sheet(book, sheet, indicator))
    if not parts:
        raise DataError(
            f"{path.name}: no SIPRI country sheet (such as 'Current US$' or 'Share of GDP'); "
            f"its sheets are {', '.join(book.sheet_names[:10])}"
        )
    from allyscope.states import assign_ccodes

    out = pl.concat(parts, how="vertical")
    out = assign_ccodes(out, "country", "year", "ccode")
    return out.with_columns(pl.col("ccode").cast(pl.Int16))


def _milex_sheet(book: object, sheet: str, indicator: str) -> pl.DataFrame:
    text = book.load_sheet(sheet, header_row=None, dtypes="string").to_polars()  # type: ignore[attr-defined]
    first = text.columns[0]
    names = text[first].to_list()
    if "Country" not in names:
        raise DataError(f"SIPRI sheet {sheet!r} has no 'Country' header row")
    hdr = names.index("Country")
    header = text.row(hdr)
    years: dict[str, int] = {}
    for col, cell in zip(text.columns, header, strict=True):
        try:
            y = int(float(cell)) if cell is not None else None
        except ValueError:
            y = None
        if y is not None and 1900 <= y <= 2100:
            years[col] = y
    notes = next((c for c, v in zip(text.columns, header, strict=True) if v == "Notes"), None)
    if not years:
        raise DataError(f"SIPRI sheet {sheet!r} has no year columns in its header row")
    index = {c: i for i, c in enumerate(text.columns)}
    # the same cells as numbers, at full precision (text cells become null)
    numbers = book.load_sheet(  # type: ignore[attr-defined]
        sheet,
        header_row=None,
        dtypes={i: ("float" if c in years else "string") for c, i in index.items()},
        dtype_coercion="coerce",
    ).to_polars()
    body = pl.DataFrame(
        {
            "country": text[first].str.strip_chars(),
            "notes": text[notes] if notes else pl.Series([None] * text.height, dtype=pl.String),
            **{f"t{y}": text[c] for c, y in years.items()},
            **{f"v{y}": numbers[c] for c, y in years.items()},
        }
    ).slice(hdr + 1)
    has_value = pl.any_horizontal([pl.col(f"t{y}").is_not_null() for y in years.values()])
    header_row = pl.col("country").is_not_null() & ~has_value
    is_region = header_row & pl.col("country").is_in(SIPRI_REGIONS)
    body = body.with_columns(
        region=pl.when(is_region).then("country").forward_fill(),
        # a subregion holds until the next header row of either kind (a region has none)
        subregion=pl.when(is_region)
        .then(pl.lit(""))
        .when(header_row)
        .then("country")
        .forward_fill(),
    ).filter(pl.col("country").is_not_null() & has_value)
    body = body.with_columns(subregion=pl.when(pl.col("subregion") != "").then("subregion"))
    long = [
        body.select(
            pl.lit(indicator).alias("indicator"),
            "country",
            "region",
            "subregion",
            "notes",
            pl.lit(y, pl.Int16).alias("year"),
            pl.col(f"v{y}").cast(pl.Float64).alias("value"),
            pl.when(pl.col(f"v{y}").is_null()).then(pl.col(f"t{y}")).alias("value_text"),
        )
        for y in years.values()
    ]
    return pl.concat(long, how="vertical")


def voeten_jun2024(path: Path, member: str) -> pl.DataFrame:
    df = _csv(read_member(path, member), null_values=["NA", ""])
    out = _pick(
        df,
        {
            "ccode": "ccode",
            "session": "session",
            "USAgree": "usagree",
            "RUSSAgree": "russagree",
            "BrazilAgree": "brazilagree",
            "ChinaAgree": "chinaagree",
            "IndiaAgree": "indiaagree",
            "IsraelAgree": "israelagree",
        },
        "Voeten ideal points Jun2024",
    )
    out = out.with_columns((pl.col("session") + 1945).alias("year"))
    return out.select(
        pl.col("ccode").cast(pl.Int16),
        pl.col("session").cast(pl.Int16),
        pl.col("year").cast(pl.Int16),
        *[
            pl.col(c).cast(pl.Float64)
            for c in (
                "usagree",
                "russagree",
                "brazilagree",
                "chinaagree",
                "indiaagree",
                "israelagree",
            )
        ],
    )


def add_register_ccodes(df: pl.DataFrame) -> pl.DataFrame:
    """Add ``supplier_ccode``/``recipient_ccode`` from SIPRI's names in the order year
    (null for non-state actors). Shared by this parser and the snapshot build."""
    from allyscope.states import assign_ccodes

    df = df.with_columns(pl.col("year_of_order").alias("_y"))
    df = assign_ccodes(df, "supplier", "_y", "supplier_ccode")
    return assign_ccodes(df, "recipient", "_y", "recipient_ccode").drop("_y")


def sipri_register(path: Path, member: str) -> pl.DataFrame:
    """SIPRI trade-register CSV export (11 preamble lines, latin-1) -> the register schema."""
    raw = read_member(path, member).decode("latin-1")
    lines = raw.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.startswith("Recipient,")), None)
    if start is None:
        raise DataError(
            "SIPRI register: no header line starting with 'Recipient,' (export the 'trade register' as CSV)"
        )
    df = pl.read_csv(io.StringIO("\n".join(lines[start:])), infer_schema_length=0, has_header=True)
    cols = df.columns

    # the register repeats an unnamed '?' column after order year, numbers ordered and delivered
    def after(name: str) -> str:
        return cols[cols.index(name) + 1]

    def num(c: str, t: pl.DataType) -> pl.Expr:
        return pl.col(c).str.strip_chars().replace("", None).cast(t, strict=False)

    out = df.select(
        pl.col("Recipient").alias("recipient"),
        pl.col("Supplier").alias("supplier"),
        num("Year of order", pl.Int16).alias("year_of_order"),
        (pl.col(after("Year of order")).str.strip_chars() == "?").alias("year_of_order_uncertain"),
        num("Number ordered", pl.Int32).alias("number_ordered"),
        (pl.col(after("Number ordered")).str.strip_chars() == "?").alias(
            "number_ordered_uncertain"
        ),
        pl.col("Weapon designation").alias("weapon_designation"),
        pl.col("Weapon description").alias("weapon_description"),
        num("Number delivered", pl.Int32).alias("number_delivered"),
        (pl.col(after("Number delivered")).str.strip_chars() == "?").alias(
            "number_delivered_uncertain"
        ),
        pl.col("Year(s) of delivery")
        .str.strip_chars()
        .replace("", None)
        .alias("years_of_delivery"),
        pl.col("status").alias("status") if "status" in cols else pl.col("Status").alias("status"),
        pl.col("Comments").alias("comments"),
        num("SIPRI TIV per unit", pl.Float64).alias("sipri_tiv_per_unit"),
        num("SIPRI TIV for total order", pl.Float64).alias("sipri_tiv_for_total_order"),
        num("SIPRI TIV of delivered weapons", pl.Float64).alias("sipri_tiv_of_delivered_weapons"),
    )
    return add_register_ccodes(out)


#: IMTS indicators read: goods imports (CIF) and exports (FOB) in US dollars.
IMTS_FLOWS = {"MG_CIF_USD": "imports", "XG_FOB_USD": "exports"}
#: The IMF's code for the world as counterpart: the reporter's total trade.
IMTS_WORLD = "G001"
#: IMF country codes that are not ISO 3166 codes, with their COW codes.
IMTS_CODES = {"KOS": 347, "YAR": 678}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def imf_imts_sdmx(path: Path, member: str) -> pl.DataFrame:
    """The IMF's International Trade in Goods (IMTS, formerly DOTS) as SDMX-ML 3.0
    structure-specific data (what ``api.imf.org/external/sdmx/3.0/data/dataflow/IMF.STA/IMTS``
    returns for ``Accept: application/xml``) -> one row per reporter, counterpart, year and
    flow: annual goods imports (CIF) or exports (FOB), US$ million.

    The series key is ``COUNTRY.INDICATOR.COUNTERPART_COUNTRY.FREQUENCY``; ``OBS_VALUE`` is in
    whole US dollars (the series' ``SCALE`` attribute says how the IMF displays it, not how it
    is stored). The world (``G001``) is kept as ``partner`` null: the reporter's total trade;
    other aggregates (``G...``, ``GX...``, ``TX...``) and non-annual series are dropped. The
    ISO3 codes become COW codes in the year of the observation; a value the IMF leaves ``NaN``
    is null. The file is read as a stream (one series at a time), so a download of every
    reporter stays small in memory.
    """
    import xml.etree.ElementTree as ET

    rows: dict[str, list[object]] = {k: [] for k in ("country", "counterpart", "flow", "year", "v")}
    seen_series = 0
    try:
        source = io.BytesIO(read_member(path, member))
        for _event, el in ET.iterparse(source, events=("end",)):
            if _local(el.tag) != "Series":
                continue
            seen_series += 1
            a = el.attrib
            flow = IMTS_FLOWS.get(a.get("INDICATOR", ""))
            if flow is not None and a.get("FREQUENCY") == "A":
                for obs in el:
                    if _local(obs.tag) != "Obs":
                        continue
                    rows["country"].append(a.get("COUNTRY"))
                    rows["counterpart"].append(a.get("COUNTERPART_COUNTRY"))
                    rows["flow"].append(flow)
                    rows["year"].append(obs.get("TIME_PERIOD"))
                    rows["v"].append(obs.get("OBS_VALUE"))
            el.clear()
    except ET.ParseError as exc:
        raise DataError(
            f"{path.name} is not SDMX-ML (XML) data: {exc}; download the IMTS data with "
            "`allyscope data update imf_imts` or save the API's XML response"
        ) from exc
    if not seen_series:
        raise DataError(
            f"{path.name}: no SDMX <Series> found; is it the IMF's IMTS data in SDMX-ML 3.0 "
            "structure-specific form (Accept: application/xml)?"
        )
    df = pl.DataFrame(rows, schema={k: pl.String for k in rows}).with_columns(
        year=pl.col("year").str.slice(0, 4).cast(pl.Int16, strict=False),
        value=pl.col("v").cast(pl.Float64, strict=False) / 1e6,
    )
    df = df.with_columns(value=pl.when(pl.col("value").is_nan()).then(None).otherwise("value"))
    from allyscope.states import assign_ccodes

    special = pl.DataFrame(
        {"code": list(IMTS_CODES), "cc": list(IMTS_CODES.values())},
        schema={"code": pl.String, "cc": pl.Int16},
    )

    def cow(col: str, out: str) -> pl.DataFrame:
        keys = assign_ccodes(
            df.select(col, "year").unique(), col, "year", out, kinds=("iso3", "iso_former")
        ).join(special, left_on=col, right_on="code", how="left")
        keys = keys.with_columns(pl.coalesce(pl.col(out).cast(pl.Int16), "cc").alias(out))
        return df.join(keys.drop("cc"), on=[col, "year"], how="left", nulls_equal=True)

    df = cow("country", "ccode")
    df = cow("counterpart", "partner")
    world = pl.col("counterpart") == IMTS_WORLD
    out = df.filter(
        pl.col("ccode").is_not_null()
        & pl.col("year").is_not_null()
        & (world | pl.col("partner").is_not_null())
        & (pl.col("ccode") != pl.col("partner")).fill_null(True)
    ).with_columns(partner=pl.when(world).then(None).otherwise("partner"))
    # a former code (SUN, YUG, ...) and its successor's can name one COW state in one year:
    # the successor's report is kept
    return (
        out.sort(pl.col("country").is_in(["SUN", "YUG", "SCG", "CSK", "DDR", "YMD", "YAR"]))
        .unique(["ccode", "partner", "year", "flow"], keep="first", maintain_order=True)
        .select("ccode", "partner", "year", "flow", "value", "country", "counterpart")
        .sort("ccode", "partner", "year", "flow", nulls_last=False)
    )


PARSERS: dict[str, Callable[[Path, str], pl.DataFrame]] = {
    f.__name__: f
    for f in (
        atop_ddyr,
        cow_trade_dyadic,
        cow_trade_national,
        cow_nmc_abridged,
        cow_igo_dyadic,
        cow_igo_state,
        cow_contdir,
        unvotes_raw_votes,
        unvotes_raw_rollcalls,
        undl_ga_votes,
        undl_sc_votes,
        sipri_milex_xlsx,
        voeten_jun2024,
        sipri_register,
        imf_imts_sdmx,
    )
}
