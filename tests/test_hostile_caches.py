"""Corrupted caches and interrupted writes: a cache that cannot be trusted is rebuilt or
reported, never used; outputs are written whole or not at all, with the user's modes."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from _hostile import no_partial_files

from allyscope.sources.store import cache_dir


def _assess() -> dict:
    from allyscope.assessment import assess
    from allyscope.indicators import eventdata

    eventdata._directed_for.cache_clear()  # memoised in the process: read the file again
    return assess("IRN", "RUS", years=(2012, 2016)).as_dict()


def _forge(path: Path, how: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    good = pl.read_parquet(path)
    if how == "wrong schema":
        pl.DataFrame({"x": [1, 2, 3]}).write_parquet(path)
    elif how == "same schema, rows dropped, no stamp":
        good.head(10).write_parquet(path)
    elif how == "columns renamed":
        good.rename({good.columns[-1]: "something_else"}).write_parquet(path)
    elif how == "types changed":
        good.with_columns(pl.col("year").cast(pl.String)).write_parquet(path)
    elif how == "stamp of another version":
        meta = json.loads(pq.read_schema(path).metadata[b"allyscope_derived"])
        t = good.head(5).to_arrow()
        meta.update(version="0.0.1", rows=5)
        pq.write_table(t.replace_schema_metadata({b"allyscope_derived": json.dumps(meta)}), path)
    elif how == "stamp that lies about its rows":
        meta = pq.read_schema(path).metadata[b"allyscope_derived"]
        t = good.head(5).to_arrow()
        pq.write_table(t.replace_schema_metadata({b"allyscope_derived": meta}), path)
    elif how == "stamp that is not JSON":
        pq.write_table(
            pa.Table.from_pylist([{"x": 1}]).replace_schema_metadata({b"allyscope_derived": b"{"}),
            path,
        )
    elif how == "garbage bytes":
        path.write_bytes(b"PAR1" + b"\x00garbage" * 100)
    elif how == "empty file":
        path.write_bytes(b"")
    else:
        raise AssertionError(how)


DERIVED = ["un_similarity", "icews_undirected", "event_dyad_year"]
FORGERIES = [
    "wrong schema",
    "same schema, rows dropped, no stamp",
    "columns renamed",
    "types changed",
    "stamp of another version",
    "stamp that lies about its rows",
    "stamp that is not JSON",
    "garbage bytes",
    "empty file",
]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The assessment computed on a fresh cache, and the derived files it leaves."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLYSCOPE_CACHE", str(tmp_path_factory.mktemp("cache")))
        return _assess()


@pytest.mark.parametrize(
    ("table", "how"),
    [("un_similarity", how) for how in FORGERIES]
    + [(t, how) for t in DERIVED[1:] for how in FORGERIES[:2] + FORGERIES[4:5]],
)
def test_an_untrusted_derived_cache_is_rebuilt(reference, table, how):
    _assess()  # fills this test's own cache
    (path,) = (cache_dir() / "derived").glob(f"{table}-*.parquet")
    _forge(path, how)
    assert _assess() == reference
    rebuilt = pl.read_parquet(path)  # replaced by a trusted table
    assert rebuilt.height > 10 and "x" not in rebuilt.columns
    no_partial_files(cache_dir())


# ---------------------------------------------------------------- current.json


@pytest.mark.parametrize(
    "record",
    [
        b"{",
        b"null",
        b"[]",
        b'"a string"',
        b'{"path": 42, "sha256": "x", "version": "v"}',
        b'{"path": ["/etc/passwd"], "sha256": "x", "version": "v"}',
        b'{"path": "/nonexistent/atop.parquet"}',
        b'{"path": "", "sha256": "", "version": ""}',
        b"\xff\xfe\x00garbage",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"path": "/nonexistent/atop.parquet", "sha256": "ab", "version": "v"}',
        b'{"path": "/etc/hostname", "sha256": "ab", "version": "v"}',
    ],
)
def test_a_corrupt_current_json_is_a_clear_error_never_used(monkeypatch, capsys, record):
    from _hostile import cli

    rec = cache_dir() / "atop" / "current.json"
    rec.parent.mkdir(parents=True)
    rec.write_bytes(record)
    r = cli(monkeypatch, capsys, "assess", "IRN", "RUS", "--years", "2010")
    r.ok_or_clean_error()
    assert r.code == 4, r.err  # a data file problem, with the repair
    assert "atop" in r.err and ("data reset atop" in r.err or "data update atop" in r.err)
    r = cli(monkeypatch, capsys, "data", "reset", "atop")  # the repair works
    assert r.code == 0 and not rec.exists()


# ---------------------------------------------------------------- change-point cache


@pytest.fixture(scope="module")
def periods_reference(tmp_path_factory):
    from allyscope.assessment import assess

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLYSCOPE_CACHE", str(tmp_path_factory.mktemp("cache")))
        return assess("IRN", "RUS", years=(2000, 2016)).periods


@pytest.mark.parametrize(
    "content",
    [b"null", b'"abc"', b"[1e999]", b"[true, 17]", b"[99999]", b"{}", b"[]", b"[17, 5, 10]",
     b"[5, 5, 17]", b"[0, 17]", b"[-3, 17]", b"[5.5, 17]", b"[5]", b"\xff\xfe", b"[" * 50_000],
)
def test_a_corrupt_change_point_cache_is_rebuilt(periods_reference, content):
    from allyscope.assessment import assess

    assess("IRN", "RUS", years=(2000, 2016))
    files = list((cache_dir() / "derived" / "changepoints").glob("*.json"))
    assert files
    for f in files:
        f.write_bytes(content)
    assert assess("IRN", "RUS", years=(2000, 2016)).periods == periods_reference
    assert all(json.loads(f.read_text())[-1] == 17 for f in files)  # rebuilt
