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
    from allyscope.indicators import diplomatic, eventdata, registries, societal
    from allyscope.sources import evidence

    # memoised in the process: read the files again
    eventdata._directed_for.cache_clear()
    diplomatic._un_similarity_for.cache_clear()
    societal._icews_for.cache_clear()
    evidence.evidence.cache_clear()
    registries.row_years.cache_clear()
    from allyscope.sources.store import wait_for_cache_writes

    result = assess("IRN", "RUS", years=(2012, 2016)).as_dict()
    wait_for_cache_writes()  # derived tables are written beside the work that follows
    return result


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
        meta = json.loads(pq.read_metadata(path).metadata[b"allyscope_derived"])
        t = good.head(5).to_arrow()
        meta.update(version="0.0.1", rows=5)
        pq.write_table(t.replace_schema_metadata({b"allyscope_derived": json.dumps(meta)}), path)
    elif how == "stamp that lies about its rows":
        meta = pq.read_metadata(path).metadata[b"allyscope_derived"]
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


DERIVED = ["un_similarity", "icews_undirected", "event_dyad_year", "evidence_registry"]
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


# ---------------------------------------------------------------- output files


def _panel(monkeypatch, capsys, out, *extra):
    from _hostile import cli

    return cli(monkeypatch, capsys, "panel", "--years", "2010", "--dyads", "IRN-RUS",
               "--variables", "atop", "--output", str(out), *extra)


def test_sigterm_during_a_dta_write_leaves_no_partial_file(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "big.dta"
    proc = subprocess.Popen(
        [sys.executable, "-m", "allyscope", "panel", "--years", "1816-2014",
         "--variables", "atop,nmc", "--output", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob("*.part")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert list(tmp_path.glob("*.part")), "the write did not start"
    proc.send_signal(signal.SIGTERM)
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "stopped by SIGTERM" in err and "Traceback" not in err
    assert not out.exists()
    no_partial_files(tmp_path)


def test_a_failed_sidecar_replaces_neither_file(tmp_path, monkeypatch, capsys):
    out = tmp_path / "p.csv"
    out.write_text("old table\n")
    (tmp_path / "p.csv.json").mkdir()  # the sidecar cannot be written
    r = _panel(monkeypatch, capsys, out)
    r.ok_or_clean_error()
    assert r.code == 6 and out.read_text() == "old table\n"
    no_partial_files(tmp_path)


def test_a_sidecar_rename_that_fails_puts_the_table_back(tmp_path, monkeypatch):
    import os

    from allyscope import fileio
    from allyscope.errors import OutputError

    table, side = tmp_path / "p.csv", tmp_path / "p.csv.json"
    table.write_text("old table\n")
    side.write_text("old sidecar\n")
    real = os.replace

    def failing(src, dst):
        if str(dst) == str(side):
            raise OSError(5, "Input/output error")
        return real(src, dst)

    monkeypatch.setattr(fileio.os, "replace", failing)
    with pytest.raises(OutputError), fileio.atomic_paths(table, side) as (t, s):
        t.write_text("new table\n")
        s.write_text("new sidecar\n")
    assert table.read_text() == "old table\n" and side.read_text() == "old sidecar\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.csv", "p.csv.json"]


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002, 0o027])
@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".dta"])
def test_new_outputs_follow_the_umask(tmp_path, monkeypatch, capsys, umask, suffix):
    import os
    import stat

    out = tmp_path / f"p{suffix}"
    old = os.umask(umask)
    try:
        r = _panel(monkeypatch, capsys, out)
    finally:
        os.umask(old)
    assert r.code == 0, r.err
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize("mode", [0o640, 0o644, 0o600, 0o664])
def test_an_overwritten_output_keeps_its_mode(tmp_path, monkeypatch, capsys, mode):
    import os
    import stat

    out = tmp_path / "p.parquet"
    out.write_bytes(b"old")
    os.chmod(out, mode)
    r = _panel(monkeypatch, capsys, out)
    assert r.code == 0, r.err
    assert stat.S_IMODE(out.stat().st_mode) == mode and out.read_bytes()[:4] == b"PAR1"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("x" * 300 + ".csv", 6),  # was an internal error (exit 70)
        ("é" * 130 + ".csv", 6),  # 260 bytes in UTF-8
        ("x" * 245 + ".csv", 0),  # a legal name (its sidecar too): the temporary names must fit
        ("nofolder/p.csv", 6),
        ("p.xlsx", 2),
        ("p", 2),
        (".", 2),
    ],
)
def test_output_names(tmp_path, monkeypatch, capsys, name, code):
    r = _panel(monkeypatch, capsys, tmp_path / name)
    r.ok_or_clean_error()
    assert r.code == code, r.err
    no_partial_files(tmp_path)


def test_report_and_exports_follow_the_umask(tmp_path, monkeypatch, capsys):
    import os
    import stat

    from _hostile import cli

    old = os.umask(0o022)
    try:
        r = cli(monkeypatch, capsys, "report", "IRN", "RUS", "--years", "2012-2014", "-o",
                str(tmp_path / "r.html"))
    finally:
        os.umask(old)
    assert r.code == 0, r.err
    assert stat.S_IMODE((tmp_path / "r.html").stat().st_mode) == 0o644


# ---------------------------------------------------------------- embedding cache


class _FakeModel:
    def passage(self, texts):
        import numpy as np

        rng = np.random.default_rng(abs(hash(tuple(texts))) % 2**32)
        v = rng.normal(size=(len(texts), 384)).astype("float32")
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    query = passage


def _cached_keys(path: Path) -> list[str]:
    return pl.read_parquet(path)["key"].to_list()


@pytest.fixture
def fake_model(monkeypatch):
    from allyscope.documents import embeddings

    monkeypatch.setattr(embeddings, "_model", lambda: _FakeModel())


def test_two_reads_keep_each_others_embeddings(tmp_path, fake_model):
    from allyscope.documents.embeddings import EmbeddingStore, text_key

    path = tmp_path / "emb.parquet"
    a, b = EmbeddingStore(path), EmbeddingStore(path)  # both start from the same file
    a.embed(["text read by a"])
    b.embed(["text read by b"])
    a.save()
    b.save()  # wrote its own entries over a's (last writer won)
    keys = set(_cached_keys(path))
    assert {text_key("text read by a"), text_key("text read by b")} <= keys


def test_concurrent_saves_lose_nothing(tmp_path, fake_model):
    import threading

    from allyscope.documents.embeddings import EmbeddingStore, text_key

    path = tmp_path / "emb.parquet"
    texts = [[f"thread {i} text {j}" for j in range(5)] for i in range(8)]
    stores = [EmbeddingStore(path) for _ in texts]
    barrier = threading.Barrier(len(stores))

    def work(store, mine):
        store.embed(mine)
        barrier.wait()
        store.save()

    threads = [threading.Thread(target=work, args=(s, t)) for s, t in zip(stores, texts, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {text_key(x) for t in texts for x in t} <= set(_cached_keys(path))
    no_partial_files(tmp_path)


@pytest.mark.parametrize("content", [b"", b"PAR1garbage", b"\x00" * 100])
def test_a_corrupt_embedding_cache_is_rebuilt(tmp_path, fake_model, content):
    from allyscope.documents.embeddings import EmbeddingStore

    path = tmp_path / "emb.parquet"
    path.write_bytes(content)
    s = EmbeddingStore(path)
    s.embed(["a text"])
    s.save()
    assert len(_cached_keys(path)) == 1


# ---------------------------------------------------------------- DuckDB spill folder


def test_duckdb_spills_to_a_private_folder():
    import os
    import stat
    import tempfile

    from allyscope.events.engines import DuckDBEngine

    con = DuckDBEngine(threads=1).con
    spill = Path(con.execute("SELECT current_setting('temp_directory')").fetchone()[0])
    assert spill != Path(tempfile.gettempdir()) / "allyscope-duckdb"  # was shared by every user
    st = spill.stat()
    assert st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) == 0o700
    assert not spill.is_symlink()


def test_a_planted_shared_spill_folder_is_not_used(tmp_path, monkeypatch):
    import tempfile

    from allyscope.events import engines

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(engines, "_SPILL", None)
    (tmp_path / "allyscope-duckdb").symlink_to(tmp_path / "elsewhere")  # planted by someone
    con = engines.DuckDBEngine(threads=1).con
    spill = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
    assert Path(spill).parent == tmp_path and Path(spill).name != "allyscope-duckdb"


def test_the_shared_database_starts(monkeypatch):
    # _shared_database holds its lock while it makes the database and its spill folder
    import threading

    from allyscope.events import engines

    monkeypatch.setattr(engines, "_SHARED", None)
    t = threading.Thread(target=lambda: engines.DuckDBEngine().con.execute("SELECT 1"), daemon=True)
    t.start()
    t.join(timeout=30)
    assert not t.is_alive(), "DuckDBEngine() deadlocked"
