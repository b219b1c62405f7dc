"""Download the full event datasets from their publishers into the user cache (pooch).

=========  =============================================================================
source     where the files come from
=========  =============================================================================
gdelt1     http://data.gdeltproject.org/events/: one zip per year 1979-2005, per month
           2006-01 to 2013-03, per day from 2013-04-01; checksums from ``md5sums``
gdelt2     http://data.gdeltproject.org/gdeltv2/: one zip per 15 minutes from
           2015-02-19; sizes and checksums from ``masterfilelist.txt``
icews      Harvard Dataverse doi:10.7910/DVN/28075 (ICEWS Coded Event Data), one file per
           year; checksums from the Dataverse file listing
polecat    Harvard Dataverse doi:10.7910/DVN/AJGVIT (POLECAT), yearly and weekly files
=========  =============================================================================

Files land in ``<cache>/events/<source>/`` (``ALLYSCOPE_CACHE`` or the platform cache),
are checked against the publisher's MD5 and unzipped; a file already there is not
fetched again. Dataverse may ask for an API token (set ``DATAVERSE_API_TOKEN``) and for
the dataset's terms to be accepted on its web page first. Offline, every function raises a
:class:`~allyscope.errors.DownloadError` that says where to get the files by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allyscope.errors import DownloadError, InvalidInputError

GDELT1_BASE = "http://data.gdeltproject.org/events/"
GDELT2_BASE = "http://data.gdeltproject.org/gdeltv2/"
DATAVERSE = "https://dataverse.harvard.edu"
DOIS = {"icews": "doi:10.7910/DVN/28075", "polecat": "doi:10.7910/DVN/AJGVIT"}
SOURCES = ("gdelt1", "gdelt2", "icews", "polecat")
HOMEPAGES = {
    "gdelt1": "http://data.gdeltproject.org/events/index.html",
    "gdelt2": "http://data.gdeltproject.org/gdeltv2/masterfilelist.txt",
    "icews": "https://doi.org/10.7910/DVN/28075",
    "polecat": "https://doi.org/10.7910/DVN/AJGVIT",
}


@dataclass(frozen=True)
class RemoteFile:
    """One file to fetch: URL, the name to keep, and the publisher's MD5 (if known)."""

    url: str
    name: str
    md5: str | None = None


def events_cache(source: str) -> Path:
    from allyscope.sources.store import cache_dir

    return cache_dir() / "events" / source


def gdelt1_names(first: dt.date, last: dt.date) -> list[str]:
    """The GDELT 1.0 zip names covering ``first``..``last`` (yearly, monthly, then daily files)."""
    if first > last:
        raise InvalidInputError(f"the first date {first} is after the last {last}")
    if first < dt.date(1979, 1, 1):
        raise InvalidInputError("GDELT 1.0 starts on 1979-01-01")
    names: list[str] = []
    d = first
    while d <= last:
        if d.year <= 2005:
            names.append(f"{d.year}.zip")
            d = dt.date(d.year + 1, 1, 1)
        elif d < dt.date(2013, 4, 1):
            names.append(f"{d.year}{d.month:02d}.zip")
            d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        else:
            names.append(f"{d:%Y%m%d}.export.CSV.zip")
            d += dt.timedelta(days=1)
    return names


def gdelt2_names(first: dt.date, last: dt.date) -> list[str]:
    """GDELT 2.0 export zips, one per 15 minutes, for the days ``first``..``last``."""
    if first > last:
        raise InvalidInputError(f"the first date {first} is after the last {last}")
    if first < dt.date(2015, 2, 19):
        raise InvalidInputError("GDELT 2.0 event exports start on 2015-02-19")
    out = []
    d = first
    while d <= last:
        for q in range(96):
            t = dt.datetime(d.year, d.month, d.day) + dt.timedelta(minutes=15 * q)
            out.append(f"{t:%Y%m%d%H%M%S}.export.CSV.zip")
        d += dt.timedelta(days=1)
    return out


def parse_md5sums(text: str) -> dict[str, str]:
    """``md5  filename`` lines (GDELT 1.0 ``md5sums``) -> {filename: md5}."""
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and re.fullmatch(r"[0-9a-fA-F]{32}", parts[0]):
            out[parts[1]] = parts[0].lower()
    return out


def parse_masterfilelist(text: str) -> dict[str, str]:
    """``size md5 url`` lines (GDELT 2.0 ``masterfilelist.txt``) -> {filename: md5}."""
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and re.fullmatch(r"[0-9a-fA-F]{32}", parts[1]):
            out[parts[2].rsplit("/", 1)[-1]] = parts[1].lower()
    return out


def parse_dataverse_files(listing: dict[str, Any], years: Iterable[int] | None) -> list[RemoteFile]:
    """Files of a Dataverse dataset JSON (``/api/datasets/:persistentId``) for ``years``.

    A file is kept when a four-digit year in its name is one of ``years`` (all data files
    when None); documentation files (pdf, docx, txt readme) are kept only then.
    """
    try:
        files = listing["data"]["latestVersion"]["files"]
    except (KeyError, TypeError) as exc:
        raise DownloadError(
            f"unexpected Dataverse answer (no data.latestVersion.files): {exc}"
        ) from exc
    wanted = set(years) if years is not None else None
    out = []
    for f in files:
        df = f.get("dataFile", {})
        name = df.get("originalFileName") or df.get("filename") or ""
        fid = df.get("id")
        if not name or fid is None:
            continue
        found = {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", name)}
        if wanted is not None and not (found & wanted):
            continue
        md5 = df.get("md5") or (df.get("checksum") or {}).get("value")
        original = "?format=original" if df.get("originalFileName") else ""
        out.append(RemoteFile(f"{DATAVERSE}/api/access/datafile/{fid}{original}", name, md5))
    return out


def _headers() -> dict[str, str]:
    token = os.environ.get("DATAVERSE_API_TOKEN")
    return {"X-Dataverse-key": token} if token else {}


def _fetch_text(url: str, source: str, headers: dict[str, str] | None = None) -> str:
    import urllib.request

    req = urllib.request.Request(url, headers={"User-Agent": "allyscope", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.read().decode("utf-8", errors="replace")
    except Exception as exc:  # URLError, HTTPError, timeouts: offline or moved
        raise DownloadError(_offline(source, url, exc)) from exc


def _offline(source: str, url: str, exc: BaseException) -> str:
    return (
        f"could not download {source} from {url} ({type(exc).__name__}: {exc}); no network? "
        f"Get the files by hand from {HOMEPAGES[source]}, unzip them and run "
        "`allyscope events aggregate FILES`"
    )


def retrieve(files: list[RemoteFile], source: str, progress: bool = False) -> list[Path]:
    """Fetch ``files`` with pooch into the cache, check MD5, unzip; returns the data files."""
    import pooch

    folder = events_cache(source)
    folder.mkdir(parents=True, exist_ok=True)
    downloader = pooch.HTTPDownloader(headers=_headers() or None, progressbar=progress)
    out: list[Path] = []
    for f in files:
        known = f"md5:{f.md5}" if f.md5 else None
        processor = pooch.Unzip(extract_dir=f.name + ".d") if f.name.endswith(".zip") else None
        try:
            got = pooch.retrieve(
                f.url,
                known_hash=known,
                fname=f.name,
                path=folder,
                processor=processor,
                downloader=downloader,
                progressbar=progress,
            )
        except ValueError as exc:  # checksum mismatch
            raise DownloadError(
                f"{f.name} from {f.url} does not match the publisher's MD5 ({exc}); it was not kept"
            ) from exc
        except Exception as exc:
            raise DownloadError(_offline(source, f.url, exc)) from exc
        out.extend(Path(p) for p in (got if isinstance(got, list) else [got]))
    return sorted(out)


def download(
    source: str,
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
    years: Iterable[int] | None = None,
    progress: bool = False,
) -> list[Path]:
    """Fetch a dataset's files for a date range (GDELT) or years (ICEWS, POLECAT)."""
    key = source.strip().lower()
    if key not in SOURCES:
        raise InvalidInputError(
            f"unknown event source {source!r}; use one of: {', '.join(SOURCES)}"
        )
    if key in ("gdelt1", "gdelt2"):
        if first is None:
            raise InvalidInputError(f"{key} needs dates: --dates 2014-01-01:2014-01-31")
        last = last or first
        if key == "gdelt1":
            names = gdelt1_names(first, last)
            md5 = parse_md5sums(_fetch_text(GDELT1_BASE + "md5sums", key))
            base = GDELT1_BASE
        else:
            names = gdelt2_names(first, last)
            md5 = parse_masterfilelist(_fetch_text(GDELT2_BASE + "masterfilelist.txt", key))
            base = GDELT2_BASE
        missing = [n for n in names if n not in md5]
        if len(missing) == len(names):
            raise DownloadError(f"{key} lists none of the files for {first}..{last}")
        files = [RemoteFile(base + n, n, md5[n]) for n in names if n in md5]
        return retrieve(files, key, progress)
    doi = DOIS[key]
    url = f"{DATAVERSE}/api/datasets/:persistentId/?persistentId={doi}"
    listing = json.loads(_fetch_text(url, key, _headers()))
    files = parse_dataverse_files(listing, list(years) if years is not None else None)
    if not files:
        raise DownloadError(f"the Dataverse listing of {doi} has no file for years {years}")
    return retrieve(files, key, progress)
