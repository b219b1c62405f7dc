"""Event data formats: each one's documented column layout and which columns the aggregation reads.

A format is data, not code: the columns holding the date, the two actors, the event type,
the dataset's own quad class and Goldstein-type score, and how actor values are read
(``cameo``: CAMEO/ISO country codes; ``name``: country names; ``tkg``: ICEWS actor names
with the country in brackets; ``polecat``: ISO3 plus POLECAT's own COW code column).

Text files are read line by line and split on tabs by the engine, so a line with the
wrong number of fields is counted (``wrong_column_count``), never silently padded or
dropped. Files with a header line (ICEWS, POLECAT) are matched by column name, so a
release that adds or reorders columns still reads; headerless files (GDELT) by position.
Parquet files are read by column name.

Layouts (checked against the publishers' documentation, see ``docs/events.md``):

- GDELT 1.0 event exports: 57 columns (1979 - March 2013 back files), 58 from
  1 April 2013 (``SOURCEURL`` added); no header; http://data.gdeltproject.org/events/
- GDELT 2.0 event exports: 61 columns (``ADM2Code`` for the three locations); no header;
  http://data.gdeltproject.org/gdeltv2/
- ICEWS Coded Event Data (Harvard Dataverse doi:10.7910/DVN/28075): tab-separated with a
  header of 20 columns (``Event ID`` ... ``Longitude``); countries by name.
- POLECAT (Harvard Dataverse doi:10.7910/DVN/AJGVIT): tab-separated with a header;
  PLOVER event types, ``Quad Code`` as text, ``Event Intensity`` (``Intensity`` in early
  files), ISO3 ``Actor Country`` and COW ``Actor COW`` (several codes ``; ``-separated).
- ``icews14``: the bundled sample (Parquet: ``date``, ``subject``, ``relation``, ``object``).
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from allyscope.errors import DataError, InvalidInputError

_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "Lat", "Long", "FeatureID")
_GEO2 = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
_ACTOR = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
_GDELT_HEAD = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *[f"Actor1{c}" for c in _ACTOR],
    *[f"Actor2{c}" for c in _ACTOR],
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
)
#: GDELT 1.0 daily files (from 1 April 2013): 58 columns; the back files lack SOURCEURL (57).
GDELT1_COLUMNS = (
    *_GDELT_HEAD,
    *[f"{who}Geo_{c}" for who in ("Actor1", "Actor2", "Action") for c in _GEO],
    "DATEADDED",
    "SOURCEURL",
)
#: GDELT 2.0 event exports: 61 columns.
GDELT2_COLUMNS = (
    *_GDELT_HEAD,
    *[f"{who}Geo_{c}" for who in ("Actor1", "Actor2", "Action") for c in _GEO2],
    "DATEADDED",
    "SOURCEURL",
)
#: The header of the ICEWS Coded Event Data .tab files.
ICEWS_COLUMNS = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Publisher",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
)
#: The header of the POLECAT weekly/yearly .txt files (Dataverse release of 2023-2024).
POLECAT_COLUMNS = (
    "Event ID",
    "Event Date",
    "Event Type",
    "Event Mode",
    "Event Intensity",
    "Quad Code",
    "Contexts",
    "Actor Name",
    "Actor Country",
    "Actor COW",
    "Primary Actor Sector",
    "Actor Sectors",
    "Actor Title",
    "Actor Name Raw",
    "Wikipedia Actor ID",
    "Recipient Name",
    "Recipient Country",
    "Recipient COW",
    "Primary Recipient Sector",
    "Recipient Sectors",
    "Recipient Title",
    "Recipient Name Raw",
    "Wikipedia Recipient ID",
    "Placename",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
    "GeoNames ID",
    "Raw Placename",
    "Feature Type",
    "Source",
    "Publication Date",
    "Story People",
    "Story Organizations",
    "Story Locations",
    "Language",
    "Version",
)


#: Roles a file may lack (the score then comes from the CAMEO table, or is missing).
OPTIONAL_ROLES = ("goldstein", "source_cow", "target_cow")


@dataclass(frozen=True)
class Format:
    """One event data format: layout and the columns each role is read from."""

    name: str
    title: str
    #: role -> candidate column names (first present wins): date, source, target, and
    #: optionally event (CAMEO code or label), quad, goldstein, source_cow, target_cow
    roles: dict[str, tuple[str, ...]]
    date_kind: str  # "yyyymmdd" (GDELT SQLDATE) or "iso" (YYYY-MM-DD)
    actor_kind: str  # "cameo", "name", "tkg" or "polecat"
    event_kind: str  # "code" (CAMEO code), "label" (CAMEO event text) or "plover"
    header: bool  # text files start with a header line
    layouts: tuple[tuple[str, ...], ...] = ()  # headerless text: the valid column layouts
    goldstein_name: str = "Goldstein score"
    documentation: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def role_columns(self, columns: Sequence[str], where: str) -> dict[str, str]:
        """The column of each role among ``columns``; a missing required one is a DataError."""
        present = set(columns)
        out = {}
        for role, candidates in self.roles.items():
            hit = next((c for c in candidates if c in present), None)
            if hit is not None:
                out[role] = hit
            elif role not in OPTIONAL_ROLES:
                raise DataError(
                    f"{where} has no column {' or '.join(repr(c) for c in candidates)} "
                    f"needed for {role} in the {self.name} format ({self.title}); "
                    f"it has {', '.join(list(columns)[:12])}{'...' if len(columns) > 12 else ''}"
                )
        return out


FORMATS: dict[str, Format] = {
    "gdelt1": Format(
        name="gdelt1",
        title="GDELT 1.0 event export (tab-separated, no header, 57 or 58 columns)",
        roles={
            "date": ("SQLDATE",),
            "source": ("Actor1CountryCode",),
            "target": ("Actor2CountryCode",),
            "event": ("EventCode",),
            "quad": ("QuadClass",),
            "goldstein": ("GoldsteinScale",),
        },
        date_kind="yyyymmdd",
        actor_kind="cameo",
        event_kind="code",
        header=False,
        layouts=(GDELT1_COLUMNS[:-1], GDELT1_COLUMNS),
        documentation="http://data.gdeltproject.org/documentation/GDELT-Data_Format_Codebook.pdf",
    ),
    "gdelt2": Format(
        name="gdelt2",
        title="GDELT 2.0 event export (tab-separated, no header, 61 columns)",
        roles={
            "date": ("SQLDATE",),
            "source": ("Actor1CountryCode",),
            "target": ("Actor2CountryCode",),
            "event": ("EventCode",),
            "quad": ("QuadClass",),
            "goldstein": ("GoldsteinScale",),
        },
        date_kind="yyyymmdd",
        actor_kind="cameo",
        event_kind="code",
        header=False,
        layouts=(GDELT2_COLUMNS,),
        documentation="http://data.gdeltproject.org/documentation/GDELT-Event_Codebook-V2.0.pdf",
    ),
    "icews": Format(
        name="icews",
        title="ICEWS Coded Event Data (.tab with a header; countries by name)",
        roles={
            "date": ("Event Date",),
            "source": ("Source Country",),
            "target": ("Target Country",),
            "event": ("CAMEO Code",),
            "goldstein": ("Intensity",),
        },
        date_kind="iso",
        actor_kind="name",
        event_kind="code",
        header=True,
        goldstein_name="ICEWS Intensity (CAMEO Goldstein-type score)",
        documentation="https://doi.org/10.7910/DVN/28075",
    ),
    "polecat": Format(
        name="polecat",
        title="POLECAT (PLOVER ontology; .txt with a header)",
        roles={
            "date": ("Event Date",),
            "source": ("Actor Country",),
            "target": ("Recipient Country",),
            "source_cow": ("Actor COW",),
            "target_cow": ("Recipient COW",),
            "quad": ("Quad Code",),
            "goldstein": ("Event Intensity", "Intensity"),
        },
        date_kind="iso",
        actor_kind="polecat",
        event_kind="plover",
        header=True,
        goldstein_name="POLECAT Event Intensity (PLOVER, -10 to 10)",
        documentation="https://doi.org/10.7910/DVN/AJGVIT",
    ),
    "icews14": Format(
        name="icews14",
        title="ICEWS14 quadruples (the bundled sample: date, subject, relation, object)",
        roles={
            "date": ("date",),
            "source": ("subject",),
            "target": ("object",),
            "event": ("relation",),
        },
        date_kind="iso",
        actor_kind="tkg",
        event_kind="label",
        header=True,
        goldstein_name="Goldstein score of the CAMEO code (GDELT lookup)",
        documentation="https://github.com/nec-research/TKG-Forecasting-Evaluation",
    ),
}


def get_format(name: str) -> Format:
    key = name.strip().lower().replace("-", "").replace("_", "")
    aliases = {"gdelt": "gdelt1", "gdelt10": "gdelt1", "gdelt20": "gdelt2", "sample": "icews14"}
    key = aliases.get(key, key)
    if key not in FORMATS:
        raise InvalidInputError(
            f"unknown event data format {name!r}; use one of: {', '.join(FORMATS)}"
        )
    return FORMATS[key]


def is_remote(path: str) -> bool:
    return "://" in path


def open_text(path: str | Path):  # type: ignore[no-untyped-def]
    p = str(path)
    if p.endswith(".gz"):
        return gzip.open(p, "rt", encoding="utf-8", errors="replace", newline="")
    return open(p, encoding="utf-8", errors="replace", newline="")


def first_line(path: str | Path) -> str:
    """The first line of a (possibly gzipped) text file, without its line break."""
    try:
        with open_text(path) as fh:
            return fh.readline().rstrip("\r\n")
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc}") from exc


def is_parquet(path: str) -> bool:
    return path.lower().endswith((".parquet", ".pq"))


def detect(path: str) -> Format:
    """Guess the format of one file from its columns or first line."""
    if is_parquet(path):
        import pyarrow.parquet as pq

        try:
            cols = set(pq.read_schema(path).names)
        except (OSError, ValueError) as exc:
            raise DataError(f"cannot read the Parquet schema of {path}: {exc}") from exc
        if {"SQLDATE", "Actor1CountryCode"} <= cols:
            return FORMATS["gdelt2" if "Actor1Geo_ADM2Code" in cols else "gdelt1"]
        if {"Event Date", "Source Country"} <= cols:
            return FORMATS["icews"]
        if {"Event Date", "Actor Country"} <= cols:
            return FORMATS["polecat"]
        if {"date", "subject", "relation", "object"} <= cols:
            return FORMATS["icews14"]
        raise InvalidInputError(
            f"cannot tell the event format of {path} from its columns; pass --input-format "
            f"({', '.join(FORMATS)})"
        )
    if path.lower().endswith(".zip"):
        raise InvalidInputError(
            f"{path} is a zip archive; unzip it first (the engines read plain or .gz text and "
            "Parquet)"
        )
    line = first_line(path)
    fields = line.split("\t")
    if {"Event Date", "Source Country"} <= set(fields):
        return FORMATS["icews"]
    if {"Event Date", "Actor Country"} <= set(fields):
        return FORMATS["polecat"]
    if len(fields) in (57, 58) and fields[1].isdigit():
        return FORMATS["gdelt1"]
    if len(fields) == 61 and fields[1].isdigit():
        return FORMATS["gdelt2"]
    raise InvalidInputError(
        f"cannot tell the event format of {path} (first line has {len(fields)} tab-separated "
        f"fields); pass --input-format ({', '.join(FORMATS)})"
    )
