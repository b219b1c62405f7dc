"""Dataset specs: one per dataset, kept as data in ``datasets.toml``.

A spec names the dataset, its version, coverage, unit and columns, where the official
release is downloaded from (URL, checksum, the parser that turns it into the package's
schema), its licence and its citation (BibTeX). The snapshot manifest
(``snapshot/manifest.csv``) records the bundled file's rows and sha256 and the upstream
file it was built from.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from allyscope.errors import InvalidInputError


@dataclass(frozen=True)
class DatasetSpec:
    """Everything known about one dataset."""

    name: str
    title: str
    version: str
    coverage: tuple[int, int]
    unit: str
    columns: dict[str, str]
    licence: str
    citation: str
    snapshot_from: str
    url: str = ""
    sha256: str = ""
    parser: str = ""
    member: str = ""
    homepage: str = ""
    notes: str = ""
    #: what to do instead of ``allyscope data update NAME`` when that is not offered
    instead: str = ""
    snapshot: dict[str, str] = field(default_factory=dict)
    #: no bundled snapshot: the dataset is used only once the user has updated it
    cache_only: bool = False
    #: the release at ``url`` when it is newer than the bundled ``version``
    url_version: str = ""
    #: the media type to ask the download URL for (an API that answers in several formats)
    accept: str = ""

    @property
    def bibtex_key(self) -> str:
        head = self.citation.split("{", 1)[1] if "{" in self.citation else ""
        return head.split(",", 1)[0].strip()

    @property
    def updatable(self) -> bool:
        return bool(self.url and self.parser)

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "version": self.version,
            "coverage": list(self.coverage),
            "unit": self.unit,
            "columns": self.columns,
            "url": self.url or None,
            "sha256": self.sha256 or None,
            "homepage": self.homepage or None,
            "licence": self.licence,
            "citation": self.citation,
            "snapshot_from": self.snapshot_from,
            "snapshot": self.snapshot,
            "notes": self.notes or None,
            "cache_only": self.cache_only,
        }


@cache
def _manifest() -> dict[str, dict[str, str]]:
    path = resources.files("allyscope.sources") / "snapshot" / "manifest.csv"
    with path.open(encoding="utf-8") as fh:
        return {row["dataset"]: row for row in csv.DictReader(fh)}


@cache
def registry() -> dict[str, DatasetSpec]:
    """All dataset specs by name, in the order of ``datasets.toml``."""
    text = (resources.files("allyscope.sources") / "datasets.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    manifest = _manifest()
    out = {}
    for name, d in raw.items():
        out[name] = DatasetSpec(
            name=name,
            title=d["title"],
            version=str(d["version"]),
            coverage=(int(d["coverage"][0]), int(d["coverage"][1])),
            unit=d["unit"],
            columns=dict(d["columns"]),
            licence=d["licence"],
            citation=d["citation"].strip(),
            snapshot_from=d["snapshot_from"],
            url=d.get("url", ""),
            sha256=d.get("sha256", ""),
            parser=d.get("parser", ""),
            member=d.get("member", ""),
            homepage=d.get("homepage", ""),
            notes=d.get("notes", ""),
            instead=d.get("instead", ""),
            snapshot=manifest.get(name, {}),
            cache_only=bool(d.get("cache_only", False)),
            url_version=d.get("url_version", ""),
            accept=d.get("accept", ""),
        )
    return out


@cache
def curated_specs() -> dict[str, DatasetSpec]:
    """Specs of the curated registries shipped as CSV with the package (no download)."""
    import datetime as _dt

    from allyscope.sources import curated, evidence

    year = _dt.date.today().year
    return {
        curated.REGISTRY_NAME: DatasetSpec(
            name=curated.REGISTRY_NAME,
            title="allyscope treaty and alignment registry (bilateral treaties and declarations, "
            "organisations and membership spells)",
            version=curated.REGISTRY_VERSION,
            coverage=(1816, year),
            unit="a bilateral treaty or declaration; an organisation membership spell",
            columns={
                "bilateral.csv": "id, a, b, kind (treaty | declaration), name, signed, in_force, "
                "ended, defence, offence, nonaggression, consultation, partnership, dimensions, "
                "direction, source, url, notes",
                "organisations.csv": "org, name, kind, mutual_defence, founded, source, url",
                "memberships.csv": "org, state, joined, left, source, url, notes",
            },
            licence="compiled for allyscope (MIT licence); every row cites its public source",
            citation=(
                "@Misc{allyscope_treaty_registry,\n  title  = {allyscope treaty and alignment "
                f"registry, version {curated.REGISTRY_VERSION}}},\n  note   = {{Curated from "
                "the official texts and membership records cited row by row in "
                "sources/curated/*.csv},\n}"
            ),
            snapshot_from="sources/curated/{bilateral,organisations,memberships}.csv "
            "(hand-curated, shipped with the package; sources/curated/SOURCES.md)",
            notes="Not downloaded: the rows ship with the package and cite their sources.",
        ),
        evidence.NAME: DatasetSpec(
            name=evidence.NAME,
            title="allyscope evidence registries: declared partnerships, defence cooperation, "
            "friction",
            version=evidence.VERSION,
            coverage=(1946, year),
            unit="one sourced fact: a partnership declaration or treaty, a defence cooperation "
            "agreement or practice, a friction event or spell",
            columns={c: "" for c in evidence.COLUMNS},
            licence="compiled for allyscope (MIT licence); every row cites its public source; "
            "rows converted from DCAD (Kinne 2020) cite it",
            citation=(
                "@Misc{allyscope_evidence_registry,\n  title  = {allyscope evidence registries, "
                f"version {evidence.VERSION}}},\n  note   = {{Curated from official texts, "
                "public datasets and the sources cited row by row in "
                "sources/curated/evidence/},\n}\n@Article{kinne2020dcad,\n  author  = "
                "{Brandon J. Kinne},\n  title   = {The Defense Cooperation Agreement Dataset "
                "({DCAD})},\n  journal = {Journal of Conflict Resolution},\n  year    = "
                "{2020},\n  volume  = {64},\n  number  = {4},\n  pages   = {729--755},\n}"
            ),
            snapshot_from="sources/curated/evidence/{partnership,defence,friction}/*.csv "
            "(curated, shipped with the package; docs/registries.md)",
            notes="Not downloaded: the rows ship with the package and cite their sources.",
        ),
    }


def spec(name: str) -> DatasetSpec:
    """The spec of dataset ``name``; unknown names fail with the list of known ones."""
    if name in curated_specs():
        return curated_specs()[name]
    reg = registry() | curated_specs()
    if name not in reg:
        from rapidfuzz import process

        close = [m for m, score, _ in process.extract(name, list(reg), limit=3) if score > 60]
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise InvalidInputError(
            f"unknown dataset {name!r}; {hint}run `allyscope data list` to see all "
            f"({len(reg)} datasets)"
        )
    return registry()[name]
