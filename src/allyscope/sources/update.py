"""``allyscope data update NAME``: fetch an official release into the cache and use it.

The raw file is downloaded with pooch (checksummed against the spec's sha256 when it is
pinned; otherwise the checksum seen on first download is recorded), parsed into the
package schema, checked against the spec's columns, and written atomically as
``<cache>/<name>/<sha12>/<name>.parquet``; ``current.json`` then points at it. Offline,
the error says so and the bundled snapshot stays in use.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import polars as pl

from allyscope.errors import DataError, DownloadError
from allyscope.fileio import atomic_path, write_text_atomic
from allyscope.sources.parsers import PARSERS
from allyscope.sources.registry import DatasetSpec, spec
from allyscope.sources.store import Located, cache_dir, current_record, file_sha256


def fetch_release(s: DatasetSpec, progress: bool = False) -> Path:
    """Download the official file of ``s`` into the cache (or reuse a verified copy)."""
    import pooch

    if not s.url:
        raise DownloadError(
            f"{s.name} has no automatic download: get the release from "
            f"{s.homepage or 'its publisher'} and run `allyscope data update {s.name} --file FILE`"
        )
    known = f"sha256:{s.sha256}" if s.sha256 else None
    folder = cache_dir() / "downloads"
    fname = f"{s.name}-{Path(s.url.split('?')[0]).name or 'release'}"
    logger = pooch.get_logger()
    level = logger.level
    # the CLI says in one line what happened (offline: why it failed); pooch's "Downloading
    # data from ..." note stays quiet, its progress bar shows once bytes flow
    logger.setLevel("WARNING")
    # an API that answers in several formats is asked for the one the parser reads
    downloader = (
        pooch.HTTPDownloader(progressbar=progress, headers={"Accept": s.accept})
        if s.accept
        else None
    )
    try:
        path = pooch.retrieve(
            s.url,
            known_hash=known,
            fname=fname,
            path=folder,
            downloader=downloader,
            progressbar=progress,
        )
    except ValueError as exc:  # pooch: checksum mismatch
        raise DownloadError(
            f"the file downloaded from {s.url} does not match the recorded sha256 "
            f"({exc}); the publisher may have replaced it: keeping the current data"
        ) from exc
    except Exception as exc:  # requests/urllib errors: offline, DNS, HTTP status
        raise DownloadError(
            f"could not download {s.name} from {s.url} ({type(exc).__name__}: {exc}); "
            f"no network? allyscope keeps using the "
            f"{'cached' if current_record(s.name) else 'bundled snapshot'} version"
        ) from exc
    finally:
        logger.setLevel(level)
    return Path(path)


def refusal(s: DatasetSpec) -> str:
    """Why ``data update`` is not offered for ``s``, and what to do instead (the spec's
    notes, which describe the data, are for ``allyscope data info``)."""
    from allyscope.sources.registry import curated_specs

    if s.name in curated_specs():
        return (
            f"{s.name} cannot be updated automatically: it ships with allyscope, every row "
            "with its source; a newer allyscope brings a newer version (pip install -U "
            f"allyscope), and `allyscope registry` lists the rows"
        )
    what = s.instead or (
        f"allyscope keeps using the bundled version {s.version} "
        f"(`allyscope data info {s.name}` says where it comes from)"
    )
    return f"{s.name} cannot be updated automatically: {what}"


def update(name: str, file: str | Path | None = None, progress: bool = False) -> Located:
    """Bring dataset ``name`` up to its official release (or parse a local ``file`` of it)."""
    s = spec(name)
    if not s.parser:
        raise DownloadError(refusal(s))
    if file is not None:
        raw = Path(file)
        if not raw.is_file():
            raise DataError(f"no such file: {raw}")
    else:
        raw = fetch_release(s, progress)
    frame = PARSERS[s.parser](raw, s.member)
    missing = [c for c in s.columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"parsed {name} lacks column(s) {', '.join(missing)}; the release format may have changed"
        )
    frame = frame.select(list(s.columns))
    if frame.is_empty():
        raise DataError(f"parsed {name} has no rows; is {raw.name} the right file?")
    raw_sha = file_sha256(raw)
    # a downloaded release is the spec's; a file given with --file is named by itself
    version = (
        f"{s.url_version or s.version} (official release, sha256 {raw_sha[:12]})"
        if file is None
        else f"{raw.name} (given with --file, sha256 {raw_sha[:12]})"
    )
    source = {
        "source_url": s.url if file is None else None,
        "source_file": str(raw),
        "source_sha256": raw_sha,
    }
    return install(name, frame, version, raw_sha[:12], source)


def install(
    name: str, frame: pl.DataFrame, version: str, key: str, source: dict[str, object]
) -> Located:
    """Write ``frame`` as the cached table of dataset ``name`` and use it from now on.

    The table goes to ``<cache>/NAME/KEY/NAME.parquet`` (atomically) and ``current.json``
    records its version, sha256, row count and ``source`` (where it was made from)."""
    folder = cache_dir() / name / key
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.parquet"
    with atomic_path(target) as tmp:
        frame.write_parquet(tmp, compression="zstd")
    record = {
        "dataset": name,
        "version": version,
        "path": str(target),
        "sha256": file_sha256(target),
        "rows": frame.height,
        **source,
        "updated": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }
    write_text_atomic(cache_dir() / name / "current.json", json.dumps(record, indent=2) + "\n")
    return Located(name, target, "cache", version)


def reset(name: str) -> bool:
    """Go back to the bundled snapshot for ``name`` (the cached files are kept)."""
    spec(name)
    rec = cache_dir() / name / "current.json"
    if rec.exists():
        rec.unlink()
        return True
    return False
