import http.server
import json
import re
import shutil
import threading
from pathlib import Path

import polars as pl
import pytest

from allyscope.errors import DataError, DownloadError, InvalidInputError
from allyscope.sources import registry, spec
from allyscope.sources.store import cache_dir, file_sha256, load, locate, snapshot_path
from allyscope.sources.update import reset, update

FIXTURES = Path(__file__).parent / "fixtures"


def test_every_spec_matches_its_snapshot():
    reg = registry()
    assert len(reg) == 53
    # not bundled: used once the user brings them in (data update; events aggregate --into-cache)
    assert {n for n, s in reg.items() if s.cache_only} == {
        "unga_undl",
        "unsc_undl",
        "imf_imts",
        "event_dyad_years",
    }
    for name, s in reg.items():
        if s.cache_only:
            assert not snapshot_path(name).exists() and not s.snapshot, name
            continue
        path = snapshot_path(name)
        assert list(pl.read_parquet_schema(path)) == list(s.columns), name
        assert s.snapshot["sha256"] == file_sha256(path), name
        assert int(s.snapshot["rows"]) == pl.scan_parquet(path).select(pl.len()).collect().item()
        assert re.match(r"@\w+\{[\w:-]+,", s.citation), name
        assert s.licence and s.version and s.coverage[0] <= s.coverage[1]


def test_snapshot_is_compact():
    # 15.5 MB, of which the UN General Debate texts are 7.5 MB and the 25 peacesciencer tables
    # of issue 27 2.6 MB; the wheel must stay well under 50 MB
    total = sum(snapshot_path(n).stat().st_size for n, s in registry().items() if not s.cache_only)
    assert total < 16_500_000


def test_unknown_dataset_suggests():
    with pytest.raises(InvalidInputError, match="atop"):
        spec("atopp")


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    shutil.copy(FIXTURES / "atop_release.zip", root / "atop.zip")
    handler = lambda *a, **k: _Handler(*a, directory=str(root), **k)  # noqa: E731
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _with_url(monkeypatch, name, url, sha256=""):
    from dataclasses import replace

    import allyscope.sources.update as upd

    patched = replace(spec(name), url=url, sha256=sha256)
    monkeypatch.setattr(upd, "spec", lambda n: patched if n == name else spec(n))


def test_update_downloads_parses_and_is_used(server, monkeypatch):
    sha = file_sha256(FIXTURES / "atop_release.zip")
    _with_url(monkeypatch, "atop", f"{server}/atop.zip", sha)
    loc = update("atop")
    assert loc.origin == "cache"
    assert locate("atop").origin == "cache"
    df = load("atop")
    assert df.height == 24
    snap = pl.read_parquet(snapshot_path("atop")).join(
        df, on=["ccode1", "ccode2", "year"], how="semi"
    )
    assert df.sort("ccode1", "ccode2", "year").equals(snap.sort("ccode1", "ccode2", "year"))
    rec = json.loads((cache_dir() / "atop" / "current.json").read_text())
    assert rec["source_sha256"] == sha
    assert reset("atop") is True
    assert locate("atop").origin == "snapshot"


def test_checksum_mismatch_keeps_the_snapshot(server, monkeypatch):
    _with_url(monkeypatch, "atop", f"{server}/atop.zip", "0" * 64)
    with pytest.raises(DownloadError, match="does not match"):
        update("atop")
    assert locate("atop").origin == "snapshot"


def test_offline_download_says_so(monkeypatch):
    _with_url(monkeypatch, "atop", "http://127.0.0.1:9/atop.zip")
    with pytest.raises(DownloadError, match="no network"):
        update("atop")
    assert locate("atop").origin == "snapshot"


def test_update_from_a_local_release_file():
    loc = update("cow_trade", file=FIXTURES / "cow_trade_release.zip")
    df = load("cow_trade")
    assert loc.origin == "cache" and df.height == 30
    ir = df.filter((pl.col("ccode1") == 365) & (pl.col("ccode2") == 630) & (pl.col("year") == 2011))
    assert ir.select("flow1", "flow2").row(0) == (342, 3599)


@pytest.mark.parametrize(
    ("name", "fixture", "key"),
    [
        ("atop", "atop_release.zip", ["ccode1", "ccode2", "year"]),
        ("cow_trade", "cow_trade_release.zip", ["ccode1", "ccode2", "year"]),
        ("cow_nmc", "nmc_release.zip", ["ccode", "year"]),
    ],
)
def test_a_parsed_release_has_the_snapshots_schema_and_values(name, fixture, key):
    snap = pl.read_parquet(snapshot_path(name))
    update(name, file=FIXTURES / fixture)
    try:
        got = load(name)
    finally:
        reset(name)
    assert got.schema == snap.schema  # same dtypes: whole-number counts stay integers
    want = snap.join(got.select(key), on=key, how="semi")
    assert want.height == got.height > 0
    assert got.sort(key).equals(want.sort(key))  # -9 read back as null, values unchanged


def test_nmc_release_with_fractional_counts_is_refused(tmp_path):
    import io
    import zipfile

    csv = "ccode,year,milex,milper,irst,pec,tpop,upop,cinc\n2,1913,1.5,3,4,5,6,7,0.1\n"
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("NMC-70-abridged.csv", csv)
    with zipfile.ZipFile(tmp_path / "nmc.zip", "w") as zf:
        zf.writestr("NMC-v7-abridged.zip", inner.getvalue())
    with pytest.raises(DataError, match="milex has values that are not whole numbers"):
        update("cow_nmc", file=tmp_path / "nmc.zip")
    assert locate("cow_nmc").origin == "snapshot"


def test_datasets_without_release_parser_explain():
    with pytest.raises(DownloadError, match="cannot be updated"):
        update("cow_mid")
    with pytest.raises(DownloadError, match="--file"):
        update("sipri_transfers")


def test_corrupt_cache_is_reported():
    update("cow_trade", file=FIXTURES / "cow_trade_release.zip")
    path = Path(locate("cow_trade").path)
    path.write_bytes(b"not a parquet file")
    with pytest.raises(DataError, match="corrupt"):
        load("cow_trade")
    (cache_dir() / "cow_trade" / "current.json").write_text("{broken")
    with pytest.raises(DataError, match="corrupt"):
        locate("cow_trade")
    reset("cow_trade")
    assert load("cow_trade").height == 673_654


def test_a_derived_table_is_kept_once_written_and_keyed_on_its_files(tmp_path, monkeypatch):
    """The table is returned at once and written beside the work that follows; once written
    it is read back instead of computed, until a file it is keyed on changes."""
    from allyscope.sources.store import derived, wait_for_cache_writes

    monkeypatch.setenv("ALLYSCOPE_CACHE", str(tmp_path / "cache"))
    part = tmp_path / "part.csv"
    part.write_text("a\n1\n")
    calls = []

    def compute() -> pl.DataFrame:
        calls.append(1)
        return pl.read_csv(part)

    first = derived("t", ["atop"], compute, files=[part], salt="s")
    wait_for_cache_writes()
    (kept,) = (tmp_path / "cache" / "derived").glob("t-*.parquet")
    assert derived("t", ["atop"], compute, files=[part], salt="s").equals(first)
    assert len(calls) == 1
    derived("t", ["atop"], compute, files=[part], salt="another day")
    part.write_text("a\n1\n2\n")
    assert derived("t", ["atop"], compute, files=[part], salt="s").height == 2
    wait_for_cache_writes()
    assert len(calls) == 3 and len(list(kept.parent.glob("t-*.parquet"))) == 3
    assert not list(kept.parent.glob("*.part"))


def test_once_computes_a_value_once_across_threads_and_never_keeps_a_failure():
    import time

    from allyscope.memo import once

    calls: list[int] = []

    @once
    def slow(x: int) -> int:
        calls.append(x)
        time.sleep(0.05)
        if x < 0:
            raise ValueError(x)
        return x * 2

    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(slow(3))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [6] * 4 and calls == [3]
    for _ in range(2):
        with pytest.raises(ValueError):
            slow(-1)
    assert calls == [3, -1, -1]
    slow.cache_clear()
    assert slow(3) == 6 and calls == [3, -1, -1, 3]
