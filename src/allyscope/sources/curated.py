"""The curated treaty and alignment registry shipped with the package (``sources/curated/``).

Three CSV files, each row with a citable source (see ``sources/curated/SOURCES.md``):

``organisations.csv``  org, name, kind, mutual_defence (0/1), founded, source, url
``memberships.csv``    org, state (ISO3), joined, left (empty = still a member), source, url, notes
``bilateral.csv``      id, a, b (ISO3), kind (treaty | declaration), name, signed, in_force,
                       ended, defence, offence, nonaggression, consultation (0/1),
                       partnership ("" | partnership | strategic_partnership |
                       comprehensive_strategic_partnership), dimensions (";"-separated),
                       direction (+1 cooperative, -1 hostile), source, url, notes

Dates are ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``. The loaders add COW codes (resolved for
the year of the row, so DEU before 1990 is the GFR, 260), integer years and the CSV line
of each row (``line``) so that every figure built on a row can cite it.
"""

from __future__ import annotations

import datetime as _dt
from functools import cache
from importlib import resources

import polars as pl

from allyscope.errors import DataError

REGISTRY_NAME = "treaty_registry"
REGISTRY_VERSION = "2025.1"
REGISTRY_CITATION = (
    "allyscope treaty and alignment registry (curated from the official texts and "
    "organisation membership records cited row by row in sources/curated/*.csv)"
)
#: Ruptures, sanctions, conflicts and military cooperation live in the evidence registries
#: (``sources/curated/evidence/``, :mod:`allyscope.sources.evidence`).
KINDS = ("treaty", "declaration")
PARTNERSHIP_LEVEL = {
    "": 0,
    "partnership": 1,
    "strategic_partnership": 2,
    "comprehensive_strategic_partnership": 2,
}
_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def _read(name: str) -> pl.DataFrame:
    path = resources.files("allyscope.sources") / "curated" / name
    try:
        with resources.as_file(path) as p:
            df = pl.read_csv(p, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise DataError(
            f"cannot read the curated registry file {name}: {exc}; reinstall allyscope"
        ) from exc
    return df.with_columns(pl.col(pl.String).fill_null("").str.strip_chars()).with_row_index(
        "line", offset=2
    )


def _fail(name: str, df: pl.DataFrame, bad: pl.Series, what: str) -> None:
    if bad.any():
        lines = df.filter(bad)["line"].to_list()[:5]
        raise DataError(f"sources/curated/{name}: {what} on line(s) {', '.join(map(str, lines))}")


def _year(col: str) -> pl.Expr:
    return (
        pl.when(pl.col(col) == "").then(None).otherwise(pl.col(col).str.slice(0, 4).cast(pl.Int16))
    )


def _check_dates(
    name: str, df: pl.DataFrame, cols: tuple[str, ...], required: tuple[str, ...]
) -> None:
    for c in cols:
        ok = pl.col(c).str.contains(_DATE) | (pl.col(c) == "")
        _fail(name, df, ~df.select(ok).to_series(), f"column {c} is not a YYYY[-MM[-DD]] date")
    for c in required:
        _fail(name, df, df[c] == "", f"column {c} is empty")


def _ccode_for(iso3: pl.Series, year: pl.Series, name: str, df: pl.DataFrame) -> pl.Series:
    """COW code of each (ISO3, year), by the state table's year-aware matching."""
    from allyscope.states.resolve import assign_ccodes

    keyed = assign_ccodes(pl.DataFrame({"iso3": iso3, "year": year}), "iso3", "year", "ccode")
    _fail(name, df, keyed["ccode"].is_null(), "a state is not a known ISO3 code")
    return keyed["ccode"].cast(pl.Int16)


@cache
def organisations() -> pl.DataFrame:
    """Organisations with their kind and whether their treaty carries a mutual-defence clause."""
    df = _read("organisations.csv")
    _fail("organisations.csv", df, df["source"] == "", "empty source")
    return df.with_columns(pl.col("mutual_defence").cast(pl.Int8))


@cache
def memberships() -> pl.DataFrame:
    """Membership spells with ``start_year``/``end_year`` (null = still a member)."""
    df = _read("memberships.csv")
    _check_dates("memberships.csv", df, ("joined", "left"), ("joined", "source"))
    unknown = ~df["org"].is_in(organisations()["org"].implode())
    _fail("memberships.csv", df, unknown, "org not listed in organisations.csv")
    return df.with_columns(start_year=_year("joined"), end_year=_year("left"))


@cache
def membership_years() -> pl.DataFrame:
    """One row per organisation, member state and year: org, ccode, year, mutual_defence, line."""
    last = _dt.date.today().year
    m = memberships().with_columns(pl.col("end_year").fill_null(last))
    exp = m.select(
        "org", "state", "line", pl.int_ranges("start_year", pl.col("end_year") + 1).alias("year")
    ).explode("year")
    exp = exp.with_columns(pl.col("year").cast(pl.Int16))
    exp = exp.with_columns(ccode=_ccode_for(exp["state"], exp["year"], "memberships.csv", exp))
    return exp.join(organisations().select("org", "mutual_defence", "kind"), on="org", how="left")


@cache
def bilateral() -> pl.DataFrame:
    """Bilateral rows with COW codes ``ccode_a``/``ccode_b`` (for the row's start year) and years."""
    name = "bilateral.csv"
    df = _read(name)
    _check_dates(
        name, df, ("signed", "in_force", "ended"), ("id", "a", "b", "kind", "signed", "source")
    )
    _fail(name, df, ~df["kind"].is_in(list(KINDS)), f"kind not one of {', '.join(KINDS)}")
    _fail(name, df, ~df["partnership"].is_in(list(PARTNERSHIP_LEVEL)), "unknown partnership level")
    _fail(name, df, df["id"].is_duplicated(), "duplicate id")
    flags = ("defence", "offence", "nonaggression", "consultation")
    for c in flags:
        _fail(name, df, ~df[c].is_in(["0", "1", ""]), f"column {c} is not 0/1")
    _fail(name, df, ~df["direction"].is_in(["1", "+1", "-1"]), "direction is not +1/-1")
    df = df.with_columns(
        *[pl.col(c).replace("", "0").cast(pl.Int8) for c in flags],
        pl.col("direction").str.replace("+", "", literal=True).cast(pl.Int8),
        signed_year=_year("signed"),
        in_force_year=_year("in_force"),
        end_year=_year("ended"),
        partnership_level=pl.col("partnership").replace_strict(
            PARTNERSHIP_LEVEL, return_dtype=pl.Int8
        ),
    ).with_columns(start_year=pl.coalesce("in_force_year", "signed_year"))
    return df.with_columns(
        ccode_a=_ccode_for(df["a"], df["start_year"], name, df),
        ccode_b=_ccode_for(df["b"], df["start_year"], name, df),
    )
