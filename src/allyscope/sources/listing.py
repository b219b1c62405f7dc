"""One listing of every curated registry row: evidence (partnership, defence, friction),
bilateral treaties and organisation memberships, one fact a row with its source.

Schema of :func:`registry_rows` (Polars): ``a``, ``b`` (COW codes, Int16; ``b`` null for a
membership; ``a`` null for sanctions an organisation imposes), ``a_iso3``, ``b_iso3``
(``a_iso3`` is the organisation's code when an organisation acts), ``kind`` (partnership |
defence | friction | treaty | membership), ``subkind``, ``start``, ``end`` (as written;
null while in force), ``level`` (Int8; see docs/registries.md; treaties: 3 a mutual-defence
or offence clause, 2 a named strategic partnership, 1 otherwise), ``label``, ``source``,
``url``, ``confidence``, ``end_source`` (the source of the end date, evidence rows only),
``notes`` (the compiler's notes, null when none), ``id``, ``file``, ``line``.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from allyscope.errors import InvalidInputError
from allyscope.sources import curated, evidence
from allyscope.yearrange import parse_year_range

KINDS = ("partnership", "defence", "friction", "treaty", "membership")
COLUMNS = (
    "a",
    "b",
    "a_iso3",
    "b_iso3",
    "kind",
    "subkind",
    "start",
    "end",
    "level",
    "label",
    "source",
    "url",
    "confidence",
    "end_source",
    "notes",
    "id",
    "file",
    "line",
)


def _iso3() -> pl.DataFrame:
    from allyscope.states.table import state_table

    return state_table().select(
        pl.col("ccode").cast(pl.Int16), pl.coalesce("iso3", "stateabb").alias("iso3")
    )


def _evidence_rows() -> pl.DataFrame:
    e = evidence.evidence()
    return e.select(
        "a",
        "b",
        pl.coalesce("a_iso3", "a_org").alias("a_iso3"),
        "b_iso3",
        "kind",
        "subkind",
        "start",
        "end",
        "level",
        "label",
        "source",
        "url",
        "confidence",
        pl.col("end_source").replace("", None),
        pl.col("notes").replace("", None),
        "id",
        pl.format("evidence/{}", "file").alias("file"),
        "line",
        pl.col("start_date").dt.year().cast(pl.Int16).alias("y0"),
        # an end written 'unknown', or a one-off event, covers its start year only
        pl.when(
            pl.col("end_unknown") | (pl.col("end").is_null() & pl.col("subkind").is_in(evidence.EVENT_SUBKINDS))
        )
        .then(pl.col("start_date").dt.year())
        .otherwise(pl.col("end_date").dt.year())
        .cast(pl.Int16)
        .alias("y1"),
        "a_org",
    )


def _treaty_rows() -> pl.DataFrame:
    t = curated.bilateral()
    iso = _iso3()
    level = (
        pl.when((pl.col("defence") + pl.col("offence")) > 0)
        .then(3)
        .when(pl.col("partnership_level") >= 2)
        .then(2)
        .otherwise(1)
        .cast(pl.Int8)
    )
    out = t.select(
        pl.col("ccode_a").alias("a"),
        pl.col("ccode_b").alias("b"),
        pl.lit("treaty").alias("kind"),
        pl.col("kind").alias("subkind"),
        pl.col("signed").alias("start"),
        pl.col("ended").replace("", None).alias("end"),
        level.alias("level"),
        pl.col("name").alias("label"),
        "source",
        pl.col("url").replace("", None),
        pl.lit("high").alias("confidence"),
        pl.lit(None, dtype=pl.String).alias("end_source"),
        pl.col("notes").replace("", None),
        "id",
        pl.lit("bilateral.csv").alias("file"),
        pl.col("line").cast(pl.Int32),
        pl.col("start_year").alias("y0"),
        pl.col("end_year").alias("y1"),
    )
    out = out.join(iso.rename({"ccode": "a", "iso3": "a_iso3"}), on="a", how="left").join(
        iso.rename({"ccode": "b", "iso3": "b_iso3"}), on="b", how="left"
    )
    return out.with_columns(a_org=pl.lit(None, dtype=pl.String))


def _membership_rows() -> pl.DataFrame:
    m = curated.memberships()
    orgs = curated.organisations().select("org", pl.col("name").alias("org_name"))
    m = m.join(orgs, on="org", how="left")
    from allyscope.states.resolve import assign_ccodes

    keyed = assign_ccodes(
        m.select("state", pl.col("start_year").alias("year")).unique(), "state", "year", "ccode"
    )
    m = m.join(
        keyed.rename({"year": "start_year"}), on=["state", "start_year"], how="left"
    ).with_columns(pl.col("ccode").cast(pl.Int16))
    out = m.select(
        pl.col("ccode").alias("a"),
        pl.lit(None, dtype=pl.Int16).alias("b"),
        pl.col("state").alias("a_iso3"),
        pl.lit(None, dtype=pl.String).alias("b_iso3"),
        pl.lit("membership").alias("kind"),
        pl.col("org").alias("subkind"),
        pl.col("joined").alias("start"),
        pl.col("left").replace("", None).alias("end"),
        pl.lit(None, dtype=pl.Int8).alias("level"),
        pl.format("member of {}", "org_name").alias("label"),
        "source",
        pl.col("url").replace("", None),
        pl.lit("high").alias("confidence"),
        pl.lit(None, dtype=pl.String).alias("end_source"),
        pl.col("notes").replace("", None),
        pl.format("membership-{}-{}-{}", "org", "state", "joined").alias("id"),
        pl.lit("memberships.csv").alias("file"),
        pl.col("line").cast(pl.Int32),
        pl.col("start_year").alias("y0"),
        pl.col("end_year").alias("y1"),
        pl.lit(None, dtype=pl.String).alias("a_org"),
    )
    return out


def registry_rows(
    a: Any = None,
    b: Any = None,
    kind: str | None = None,
    years: Any = None,
) -> pl.DataFrame:
    """Registry rows, one fact a row with its source (schema in the module docstring).

    a, b: states (any name or code); with ``a`` only, every row naming it; with both, the
    rows of the pair (and, for memberships, each side's memberships). kind: one of
    :data:`KINDS`. years: a year or a range such as ``"2010-2025"``; rows whose span overlaps it.
    """
    from allyscope.states import resolve

    if kind is not None and kind not in KINDS:
        raise InvalidInputError(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")
    if b is not None and a is None:
        raise InvalidInputError("give the first state before the second")
    first, last = _years(years)
    parts = {
        "partnership": lambda: _evidence_rows().filter(pl.col("kind") == "partnership"),
        "defence": lambda: _evidence_rows().filter(pl.col("kind") == "defence"),
        "friction": lambda: _evidence_rows().filter(pl.col("kind") == "friction"),
        "treaty": _treaty_rows,
        "membership": _membership_rows,
    }
    if kind is None:
        ev = _evidence_rows()
        frames = [ev, _treaty_rows(), _membership_rows()]
    else:
        frames = [parts[kind]()]
    rows = pl.concat([f.select(*COLUMNS, "y0", "y1", "a_org") for f in frames], how="vertical")
    if first is not None:
        rows = rows.filter(
            (pl.col("y0") <= last) & (pl.col("y1").is_null() | (pl.col("y1") >= first))
        )
    if a is not None:
        sa = resolve(a, year=last) if last else resolve(a)
        members = _org_members(sa.cow)
        names_a = (pl.col("a") == sa.cow) | (pl.col("b") == sa.cow)
        via_org = pl.col("a_org").is_in(members)
        if b is None:
            rows = rows.filter(names_a | via_org)
        else:
            sb = resolve(b, year=last) if last else resolve(b)
            members_b = _org_members(sb.cow)
            pair = ((pl.col("a") == sa.cow) & (pl.col("b") == sb.cow)) | (
                (pl.col("a") == sb.cow) & (pl.col("b") == sa.cow)
            )
            org_pair = (via_org & (pl.col("b") == sb.cow)) | (
                pl.col("a_org").is_in(members_b) & (pl.col("b") == sa.cow)
            )
            own = (pl.col("kind") == "membership") & pl.col("a").is_in([sa.cow, sb.cow])
            rows = rows.filter(pair | org_pair | own)
    return rows.sort("start", "kind", "id").select(COLUMNS)


def _org_members(ccode: int) -> list[str]:
    m = curated.membership_years()
    return m.filter(pl.col("ccode") == ccode)["org"].unique().to_list()


def _years(years: Any) -> tuple[int | None, int | None]:
    if years is None:
        return None, None
    return parse_year_range(years)
