"""The evidence registries: declared partnerships, defence cooperation and friction, 1946-2025.

Three curated tables ship with the package, each as one or more CSV parts under
``sources/curated/evidence/<table>/`` (a part per compiler or per source family), all with
the same columns (docs/registries.md has the coding rules):

``id``          unique row id, ``<table>-<A>-<B>-<year>-<slug>``
``a``, ``b``    the two states: ISO3 code or COW abbreviation (resolved, for the row's start
                year, to COW codes by :mod:`allyscope.states`); ``a`` may be an organisation
                code of ``organisations.csv`` (e.g. ``EU``) for sanctions an organisation
                imposes, which bear on every member of the year
``subkind``     what the row records, from the table's vocabulary (:data:`SUBKINDS`)
``start``       ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``: the day the fact began
``end``         the same, empty while in force (or for a one-off event), ``unknown`` when
                the source says it ended but not when
``level``       the normalised level (:data:`LEVELS`); empty = the subkind's default
``label``       the original wording ("comprehensive strategic cooperative partnership")
``actor``       ``a``, ``b`` or ``both``: who acts (the sender of sanctions, the state
                whose forces deploy to the other, the state that severs relations)
``source``      title, issuer, date (and publication) of the source that states the fact
``url``         the source's address where there is one
``confidence``  ``high`` (official text or record), ``medium`` (reliable secondary
                source), ``low`` (a single secondary report)
``end_source``  the source of the end date when it is not the row's source (a government
                falls, a treaty is abrogated, an embassy closes)
``notes``       anything a reader needs: clauses, caveats, precision

:func:`evidence` returns all rows of the three tables with COW codes, parsed dates and
the file and line of each row; a row that fails validation stops the load with the file
and line named (the package's data tests run the same checks), so nothing ships
half-valid.
"""

from __future__ import annotations

import datetime as _dt
from importlib import resources
from pathlib import Path

import polars as pl

from allyscope.errors import DataError
from allyscope.memo import once

TABLES = ("partnership", "defence", "friction")
VERSION = "2026.1"
NAME = "evidence_registry"
CITATION = (
    "allyscope evidence registries: declared partnerships, defence cooperation and friction "
    "(curated from official texts, public datasets and the sources cited row by row in "
    "sources/curated/evidence/)"
)
COLUMNS = (
    "id",
    "a",
    "b",
    "subkind",
    "start",
    "end",
    "level",
    "label",
    "actor",
    "source",
    "url",
    "confidence",
    "end_source",
    "notes",
)
#: Each table's subkinds and their default normalised level.
SUBKINDS: dict[str, dict[str, int]] = {
    "partnership": {
        # a declared relationship; a later declaration of the same dyad supersedes it
        "partnership": 1,
        "comprehensive_partnership": 1,
        "strategic_dialogue": 1,
        "strategic": 2,
        "comprehensive_strategic": 3,
        "top_tier": 4,
        "downgrade": 0,
        # instruments and designations that run in parallel with the declared label
        "friendship_treaty": 1,
        "normalisation": 1,
        "cooperation_council": 2,
        "designated_ally": 2,
        "defense_partner": 2,
    },
    "defence": {
        "dca": 1,
        "sectoral": 1,
        "military_technical": 1,
        # a facility the user rents from the host for payment: a market contract (Cooley,
        # Base Politics, 2008), in force while it is used, not joint practice
        "leased_facility": 1,
        "coproduction": 2,
        "exercise": 2,
        "training_mission": 2,
        "sofa": 2,
        "basing": 3,
        "deployment": 3,
        "joint_operation": 3,
    },
    "friction": {
        "expulsion": 1,
        "recall": 1,
        "downgraded": 2,
        "sanctions": 2,
        "embargo": 2,
        "border_closure": 2,
        "hostile_designation": 2,
        "severed": 3,
        "clash": 3,
        "war": 4,
    },
}
#: Friction and defence subkinds that are one-off events when they have no end.
EVENT_SUBKINDS = ("expulsion", "recall", "clash")
#: Declared-label subkinds: the latest of a dyad's rows is its declared level.
DECLARED = (
    "partnership",
    "comprehensive_partnership",
    "strategic_dialogue",
    "strategic",
    "comprehensive_strategic",
    "top_tier",
    "downgrade",
)
LEVELS = {
    "partnership": "0 no longer a partnership, 1 partnership or friendship, 2 strategic, "
    "3 comprehensive strategic, 4 the highest tier (all-weather, coordination, "
    "special and privileged)",
    "defence": "1 agreement on paper or a facility leased for rent, 2 joint practice (exercises, training, co-production, "
    "status of forces), 3 forces on the other's territory or in joint operations",
    "friction": "1 diplomatic (expulsions, recalls), 2 coercion (sanctions, embargoes, "
    "border closures, hostile designations, downgraded relations), 3 rupture or armed clash, "
    "4 war",
}
CONFIDENCE = ("high", "medium", "low")
ACTORS = ("a", "b", "both")
_DATE = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"


def evidence_dir() -> Path:
    return Path(str(resources.files("allyscope.sources") / "curated" / "evidence"))


def _parts(table: str, root: Path | None = None) -> list[Path]:
    folder = (root or evidence_dir()) / table
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


def _fail(df: pl.DataFrame, bad: pl.Series | pl.Expr, what: str) -> None:
    mask = df.select(bad).to_series() if isinstance(bad, pl.Expr) else bad
    mask = mask.fill_null(False)
    if mask.any():
        rows = df.filter(mask).select("file", "line").head(5).rows()
        where = "; ".join(f"{f} line {n}" for f, n in rows)
        more = f" (and {int(mask.sum()) - len(rows)} more)" if mask.sum() > len(rows) else ""
        raise DataError(f"evidence registry: {what}: {where}{more}; fix the row(s)")


def _read_part(path: Path, table: str) -> pl.DataFrame:
    try:
        df = pl.read_csv(path, infer_schema=False, encoding="utf8")
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise DataError(f"evidence registry: cannot read {path}: {exc}") from exc
    missing = [c for c in COLUMNS if c not in df.columns]
    extra = [c for c in df.columns if c not in COLUMNS]
    if missing or extra:
        raise DataError(
            f"evidence registry: {path.name} has columns {df.columns}; expected exactly "
            f"{', '.join(COLUMNS)} (missing {missing}, unexpected {extra})"
        )
    return (
        df.select(COLUMNS)
        .with_columns(pl.col(COLUMNS).fill_null("").str.strip_chars())
        .with_row_index("line", offset=2)
        .with_columns(
            pl.col("line").cast(pl.Int32),
            file=pl.lit(f"{table}/{path.name}"),
            kind=pl.lit(table),
        )
    )


def _first_day(col: str) -> pl.Expr:
    """The first day a date of any precision can mean."""
    c = pl.col(col)
    return (
        pl.when(c.str.len_chars() == 4)
        .then(c + "-01-01")
        .when(c.str.len_chars() == 7)
        .then(c + "-01")
        .otherwise(c)
        .str.to_date("%Y-%m-%d", strict=False)
    )


def _last_day(col: str) -> pl.Expr:
    """The last day a date of any precision can mean."""
    c = pl.col(col)
    first = _first_day(col)
    return (
        pl.when(c.str.len_chars() == 4)
        .then(first.dt.offset_by("1y").dt.offset_by("-1d"))
        .when(c.str.len_chars() == 7)
        .then(first.dt.month_end())
        .otherwise(first)
    )


def _mid_day(col: str) -> pl.Expr:
    """The day used to split a year: the date itself, the 15th of a month, 1 July of a year."""
    c = pl.col(col)
    first = _first_day(col)
    return (
        pl.when(c.str.len_chars() == 4)
        .then(first.dt.offset_by("181d"))
        .when(c.str.len_chars() == 7)
        .then(first.dt.offset_by("14d"))
        .otherwise(first)
    )


def validate(df: pl.DataFrame) -> pl.DataFrame:
    """Check raw rows (all tables) and return them with parsed dates, levels and COW codes."""
    from allyscope.sources.curated import organisations
    from allyscope.states.resolve import assign_ccodes

    for c in ("id", "a", "b", "subkind", "start", "label", "source", "confidence"):
        _fail(df, pl.col(c) == "", f"column {c} is empty")
    _fail(df, pl.col("id").is_duplicated(), "duplicate id")
    sub_ok = pl.lit(False)
    for table, subs in SUBKINDS.items():
        sub_ok = sub_ok | ((pl.col("kind") == table) & pl.col("subkind").is_in(list(subs)))
    _fail(df, ~sub_ok, "subkind not in the table's vocabulary (docs/registries.md)")
    _fail(df, ~pl.col("start").str.contains(_DATE), "start is not a YYYY[-MM[-DD]] date")
    end_ok = (
        (pl.col("end") == "") | (pl.col("end") == "unknown") | pl.col("end").str.contains(_DATE)
    )
    _fail(df, ~end_ok, "end is not empty, 'unknown' or a YYYY[-MM[-DD]] date")
    _fail(df, ~pl.col("confidence").is_in(list(CONFIDENCE)), "confidence not high/medium/low")
    _fail(df, ~pl.col("actor").is_in([*ACTORS, ""]), "actor not a, b or both")
    _fail(df, ~pl.col("level").str.contains(r"^(\d)?$"), "level is not a digit")
    _fail(df, pl.col("a") == pl.col("b"), "a and b are the same state")
    df = df.with_columns(
        start_date=_first_day("start"),
        start_mid=_mid_day("start"),
        end_date=pl.when(pl.col("end").is_in(["", "unknown"]))
        .then(None)
        .otherwise(_last_day("end")),
        end_mid=pl.when(pl.col("end").is_in(["", "unknown"])).then(None).otherwise(_mid_day("end")),
        end_unknown=pl.col("end") == "unknown",
    )
    _fail(df, pl.col("start_date").is_null(), "start is not a real date")
    _fail(
        df,
        (pl.col("end") != "") & (pl.col("end") != "unknown") & pl.col("end_date").is_null(),
        "end is not a real date",
    )
    _fail(df, pl.col("end_date") < pl.col("start_date"), "end is before start")
    today = _dt.date.today()
    _fail(df, pl.col("start_date") > pl.lit(today), "start lies in the future")
    default_level = pl.lit(None, dtype=pl.Int8)
    for table, subs in SUBKINDS.items():
        for sub, lvl in subs.items():
            default_level = (
                pl.when((pl.col("kind") == table) & (pl.col("subkind") == sub))
                .then(pl.lit(lvl, dtype=pl.Int8))
                .otherwise(default_level)
            )
    df = df.with_columns(
        level=pl.when(pl.col("level") == "")
        .then(default_level)
        .otherwise(pl.col("level").cast(pl.Int8, strict=False)),
        actor=pl.when(pl.col("actor") == "").then(pl.lit("both")).otherwise(pl.col("actor")),
        year=pl.col("start_date").dt.year().cast(pl.Int16),
    )
    _fail(df, (pl.col("level") < 0) | (pl.col("level") > 4), "level outside 0-4")
    orgs = organisations()["org"].to_list()
    is_org = pl.col("a").is_in(orgs)
    _fail(
        df,
        is_org
        & ~((pl.col("kind") == "friction") & pl.col("subkind").is_in(["sanctions", "embargo"])),
        "an organisation as a party is allowed only for friction sanctions or embargoes",
    )
    df = df.with_columns(a_org=pl.when(is_org).then(pl.col("a")).otherwise(None))
    states = pl.concat(
        [
            df.filter(pl.col("a_org").is_null()).select(pl.col("a").alias("party"), "year"),
            df.select(pl.col("b").alias("party"), "year"),
        ]
    ).unique()
    keyed = assign_ccodes(states, "party", "year", "ccode").select("party", "year", "ccode")
    df = df.join(
        keyed.rename({"party": "a", "ccode": "a_cow"}),
        on=["a", "year"],
        how="left",
        maintain_order="left",
    ).join(
        keyed.rename({"party": "b", "ccode": "b_cow"}),
        on=["b", "year"],
        how="left",
        maintain_order="left",
    )
    _fail(df, pl.col("a_org").is_null() & pl.col("a_cow").is_null(), "state a is not resolvable")
    _fail(df, pl.col("b_cow").is_null(), "state b is not resolvable")
    _fail(df, pl.col("a_cow") == pl.col("b_cow"), "a and b resolve to the same state")
    return df


def _iso3(codes: pl.Series) -> pl.Series:
    from allyscope.states.table import state_table

    st = state_table().select(pl.col("ccode").cast(pl.Int16), "iso3", "stateabb")
    look = dict(
        zip(
            st["ccode"].to_list(),
            [i or s for i, s in zip(st["iso3"].to_list(), st["stateabb"].to_list(), strict=True)],
            strict=True,
        )
    )
    return codes.replace_strict(look, default=None, return_dtype=pl.String)


def read_raw(root: Path | None = None) -> pl.DataFrame:
    """All rows of every part of the three tables, unvalidated (strings), with file and line."""
    frames = [_read_part(p, t) for t in TABLES for p in _parts(t, root)]
    if not frames:
        raise DataError(
            f"evidence registry: no CSV parts under {root or evidence_dir()}; reinstall allyscope"
        )
    return pl.concat(frames, how="vertical")


@once
def evidence() -> pl.DataFrame:
    """Every evidence row, validated (kept in the user cache: reading and checking the 5,000
    rows took 0.24 s of every assessment). Schema (one row per fact):

    ``kind`` (partnership | defence | friction), ``subkind``, ``id``, ``a``, ``b`` (COW codes,
    Int16; ``a`` null when ``a_org`` names an organisation), ``a_iso3``, ``b_iso3``,
    ``a_org``, ``start``/``end`` (as written), ``start_date`` (Date, the first day the
    start can mean), ``start_mid`` (the day used to split a year), ``end_date`` (the last
    day the end can mean; null while in force or unknown), ``end_mid``, ``end_unknown``,
    ``level`` (Int8), ``label``, ``actor``, ``source``, ``url``, ``confidence``,
    ``end_source``, ``notes``, ``file``, ``line``.
    """
    from allyscope.sources.store import derived

    # what the checked table depends on: the parts, the registries and state tables the
    # checks read, and the day (a start date may not lie in the future)
    here = Path(str(resources.files("allyscope.sources") / "curated"))
    states = Path(str(resources.files("allyscope.states") / "data"))
    files = sorted({*here.rglob("*.csv"), *evidence_dir().rglob("*.csv"), *states.glob("*.csv")})
    return derived(NAME, [], _checked, files=files, salt=f"today {_dt.date.today()}")


def _checked() -> pl.DataFrame:
    df = validate(read_raw())
    return df.select(
        "kind",
        "subkind",
        "id",
        pl.col("a_cow").cast(pl.Int16).alias("a"),
        pl.col("b_cow").cast(pl.Int16).alias("b"),
        _iso3(df["a_cow"].cast(pl.Int16)).alias("a_iso3"),
        _iso3(df["b_cow"].cast(pl.Int16)).alias("b_iso3"),
        "a_org",
        "start",
        pl.when(pl.col("end") == "").then(None).otherwise(pl.col("end")).alias("end"),
        "start_date",
        "start_mid",
        "end_date",
        "end_mid",
        "end_unknown",
        "level",
        "label",
        "actor",
        "source",
        pl.col("url").replace("", None),
        "confidence",
        pl.col("end_source").replace("", None),
        pl.col("notes").replace("", None),
        "file",
        "line",
    )
