"""Where a dataset's table lives: a user-cache copy of the official release, else the snapshot.

Cache layout (``ALLYSCOPE_CACHE`` or the platform cache folder, e.g. ``~/.cache/allyscope``)::

    <cache>/<dataset>/<version-or-sha>/<dataset>.parquet     parsed table, package schema
    <cache>/<dataset>/current.json                            which copy is in use, its sha256
    <cache>/downloads/                                        raw official files (pooch)

A cached table is used only when its recorded sha256 matches; a corrupt one is reported
with the command that repairs it.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import polars as pl

from allyscope.errors import DataError, OutputError
from allyscope.fileio import write_atomic
from allyscope.sources.registry import spec


def cache_dir() -> Path:
    """The user cache folder (``ALLYSCOPE_CACHE`` overrides the platform default)."""
    return _cache_dir(os.environ.get("ALLYSCOPE_CACHE") or "")


@cache
def _cache_dir(env: str) -> Path:
    if env:
        return Path(env).expanduser()
    import platformdirs  # what pooch.os_cache uses, without importing pooch

    return Path(platformdirs.user_cache_dir("allyscope"))


def snapshot_path(name: str) -> Path:
    """The bundled Parquet file of dataset ``name``."""
    spec(name)
    return Path(os.path.join(_snapshot_dir(), f"{name}.parquet"))


@cache
def _snapshot_dir() -> str:
    return str(resources.files("allyscope.sources") / "snapshot")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _stat_key(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns


@cache
def _checked_sha256(path: str, inode: int, size: int, mtime_ns: int) -> str:
    """The checksum of a cached table, computed once per version of the file (an assessment
    locates the tables in use hundreds of times)."""
    return file_sha256(Path(path))


@dataclass(frozen=True)
class Located:
    """A dataset table on disk and where it came from."""

    name: str
    path: Path
    origin: str  # "snapshot" or "cache"
    version: str


def current_record(name: str) -> dict[str, str] | None:
    """The cache record of dataset ``name`` (None if never updated).

    A record that cannot be read or does not have the form ``update`` writes (a JSON
    object whose ``path``, ``sha256`` and ``version`` are strings) is an error that says
    how to repair it: it is never used, and the snapshot is not used silently instead.
    """
    # plain strings, not pathlib: an assessment asks for records thousands of times
    rec = os.path.join(cache_dir_text(), name, "current.json")
    try:
        st = os.stat(rec)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    # read once per version of the file
    return dict(_record(name, rec, st.st_ino, st.st_size, st.st_mtime_ns))


def cache_dir_text() -> str:
    """:func:`cache_dir` as a string (the lookups that run per indicator and year use it)."""
    return _cache_dir_text(os.environ.get("ALLYSCOPE_CACHE") or "")


@cache
def _cache_dir_text(env: str) -> str:
    return str(_cache_dir(env))


@cache
def _record(name: str, path: str, inode: int, size: int, mtime_ns: int) -> dict[str, str]:
    rec = Path(path)
    fix = f"delete it, or run `allyscope data update {name}` or `allyscope data reset {name}`"
    try:
        data = json.loads(rec.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise DataError(f"cache record {rec} is corrupt ({type(exc).__name__}: {exc}); {fix}") from None
    fields = ("path", "sha256", "version")
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) and data[k] for k in fields):
        raise DataError(
            f"cache record {rec} is corrupt (it needs the strings {', '.join(fields)}); {fix}"
        )
    return data


def locate(name: str, verify: bool = True) -> Located:
    """The table to read for dataset ``name``: an updated cache copy if present, else the snapshot.

    A curated registry (``treaty_registry``, ``evidence_registry``) is located at its folder
    of CSV files inside the package (origin ``package``).
    """
    from allyscope.sources.registry import curated_specs

    if name in curated_specs():
        c = curated_specs()[name]
        folder = Path(str(resources.files("allyscope.sources") / "curated"))
        if name != "treaty_registry":
            folder = folder / "evidence"
        return Located(name, folder, "package", c.version)
    s = spec(name)
    rec = current_record(name)
    if rec is not None:
        path = Path(rec["path"])
        if not path.is_file():
            raise DataError(
                f"cached {name} table {path} is missing; run `allyscope data update {name}` "
                f"or `allyscope data reset {name}` to go back to the bundled snapshot"
            )
        if verify and _checked_sha256(str(path), *_stat_key(path)) != rec.get("sha256"):
            raise DataError(
                f"cached {name} table {path} is corrupt (checksum mismatch); run "
                f"`allyscope data update {name}` or `allyscope data reset {name}`"
            )
        return Located(name, path, "cache", rec.get("version", "?"))
    if s.cache_only:
        raise DataError(
            f"{name} is not bundled with allyscope: bring it in with `allyscope data update "
            f"{name}` (or `--file FILE` with a downloaded copy)"
        )
    path = snapshot_path(name)
    if not path.is_file():
        raise DataError(
            f"the bundled snapshot of {name} is missing from the installation ({path}); "
            "reinstall allyscope"
        )
    return Located(name, path, "snapshot", s.version)


def locate_optional(name: str) -> Located | None:
    """The table in use for a dataset that ships no snapshot (``cache_only``): None until the
    user brings it in with ``allyscope data update NAME``."""
    if spec(name).cache_only and current_record(name) is None:
        return None
    return locate(name)


def continuation_year(successor: str, start: int) -> int | None:
    """The first year a later source (``successor``, cache-only: the UN Digital Library's
    votes, the IMF's trade) is read from, continuing an earlier one from ``start``: its first
    year if later, or None when it is not in the cache or has no year from ``start`` on."""
    if locate_optional(successor) is None:
        return None
    first, last = years_in_use(successor)
    return max(start, first) if last >= start else None


def version_in_use(name: str) -> str:
    """The version of dataset ``name`` that is read: the user's updated copy, else the bundled."""
    rec = current_record(name)
    return rec["version"] if rec is not None else spec(name).version


@cache
def _year_span(path: str, size: int, mtime_ns: int) -> tuple[int, int] | None:
    """First and last value of the ``year`` column of a Parquet table (None without one)."""
    lf = pl.scan_parquet(path)
    if "year" not in lf.collect_schema().names():
        return None
    lo, hi = lf.select(lo=pl.col("year").min(), hi=pl.col("year").max()).collect().row(0)
    return None if lo is None else (int(lo), int(hi))


def years_in_use(name: str) -> tuple[int, int]:
    """The years dataset ``name`` covers in the table actually in use.

    For the bundled snapshot this is the spec's documented coverage; for a copy the user
    brought into the cache (``allyscope data update``)
    it is read from that table's ``year`` column, so a newer release extends the years
    without a code change. A table without a year column keeps the spec's coverage.
    """
    s = spec(name)
    if current_record(name) is None:  # the bundled snapshot, or a cache-only table not brought in
        return s.coverage
    loc = locate(name)
    st = loc.path.stat()
    span = _year_span(str(loc.path), st.st_size, st.st_mtime_ns)
    return span if span is not None else s.coverage


def read_located(loc: Located, columns: list[str] | None = None) -> pl.DataFrame:
    """Read a located dataset table; an unreadable file says how to repair it."""
    try:
        return pl.read_parquet(loc.path, columns=columns)
    except (OSError, pl.exceptions.PolarsError) as exc:
        fix = (
            f"run `allyscope data update {loc.name}` or `allyscope data reset {loc.name}`"
            if loc.origin == "cache"
            else "reinstall allyscope"
        )
        raise DataError(f"cannot read {loc.name} from {loc.path}: {exc}; {fix}") from exc


def load(name: str, columns: list[str] | None = None) -> pl.DataFrame:
    """Read dataset ``name`` as a Polars DataFrame (optionally only ``columns``)."""
    return read_located(locate(name), columns)


#: Key of the Parquet metadata that marks a derived table written by :func:`derived`.
DERIVED_META = b"allyscope_derived"


def _schema_text(table: pl.DataFrame) -> str:
    return json.dumps([[c, str(t)] for c, t in table.schema.items()])


def _trusted(path: Path, stamp: dict[str, object]) -> pl.DataFrame | None:
    """The cached table at ``path`` if it is the one :func:`derived` wrote for ``stamp``.

    Trusted only when its metadata names this allyscope version, table and key, and the
    file's own schema and row count are the ones recorded; anything else (an older
    version's table, a file put there by hand, a damaged one) is None: rebuild it.
    """
    try:
        meta = pl.read_parquet_metadata(path)  # the file's key-value metadata
        recorded = json.loads(meta[DERIVED_META.decode()])
        if not isinstance(recorded, dict) or any(recorded.get(k) != v for k, v in stamp.items()):
            return None
        table = pl.read_parquet(path)
    except (OSError, KeyError, ValueError, pl.exceptions.PolarsError):
        return None
    if recorded.get("schema") != _schema_text(table) or recorded.get("rows") != table.height:
        return None
    return table


def input_stamp(names: Sequence[str]) -> tuple[tuple[str, int, int], ...]:
    """The path, size and modification time of each dataset's table in use: a table memoised
    in the process on this stamp is computed again once the user updates or resets one."""
    return tuple(_file_stamp(locate(d, verify=False).path) for d in names)


def _file_stamp(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return str(path), st.st_size, st.st_mtime_ns


def derived(
    name: str,
    inputs: list[str],
    compute: Callable[[], pl.DataFrame],
    files: Sequence[Path] = (),
    salt: str = "",
) -> pl.DataFrame:
    """A table computed from datasets ``inputs``, cached as Parquet in ``<cache>/derived/``.

    The cache key is allyscope's version and the path, size and modification time of each
    input table and of each of ``files`` (other files the table is read from, such as a
    curated registry's CSV parts), plus ``salt`` (anything else the result depends on), so
    an upgrade, an update or reset of any input, or an edited file recomputes it. The file
    records its version, key, schema and row count; a file that does not match them is
    never used, but computed again and replaced. If the cache folder cannot be written,
    the table is computed and returned without caching.
    """
    from allyscope import __version__

    parts = [f"allyscope {__version__}", *([salt] if salt else [])]
    stamps = [*input_stamp(inputs), *(_file_stamp(f) for f in files)]
    parts += [f"{p}|{size}|{mtime}" for p, size, mtime in stamps]
    key = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
    path = cache_dir() / "derived" / f"{name}-{key}.parquet"
    stamp: dict[str, object] = {"version": __version__, "name": name, "key": key}
    if path.is_file():
        cached = _trusted(path, stamp)
        if cached is not None:
            return cached
    table = compute()
    record = json.dumps({**stamp, "schema": _schema_text(table), "rows": table.height})

    def write(p: Path) -> None:
        table.write_parquet(p, compression="zstd", metadata={DERIVED_META.decode(): record})

    def keep() -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, write)
        except (OSError, OutputError):
            pass

    # written beside the work that follows (the UN vote table's write was 0.12 s of a first
    # assessment); the thread is not a daemon, so the process ends only once it is written
    writer = threading.Thread(target=keep, name=f"allyscope cache: {path.name}")
    with _WRITERS_LOCK:
        _WRITERS[:] = [t for t in _WRITERS if t.is_alive()]
        _WRITERS.append(writer)
    writer.start()
    return table


_WRITERS: list[threading.Thread] = []
_WRITERS_LOCK = threading.Lock()


def wait_for_cache_writes() -> None:
    """Return once every derived table computed so far is written to the cache (or failed
    to be: the cache is optional)."""
    with _WRITERS_LOCK:
        pending = list(_WRITERS)
    for t in pending:
        t.join()
