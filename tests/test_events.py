"""Event data: readers, the one aggregation, engine equality, bad rows, CLI, indicators.

Data: the bundled ICEWS 2014 sample (real) and the fixtures of tests/fixtures/events, which
hold real sample events written in the GDELT 1.0/2.0, ICEWS and POLECAT layouts (no raw
file of those datasets is available; see make_event_fixtures.py).
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from allyscope import events
from allyscope.cli import app
from allyscope.errors import DataError, DownloadError, InvalidInputError
from allyscope.events import download as dl
from allyscope.events.aggregate import COUNTS, REASONS, SHARES
from allyscope.events.cameo import QUAD_ROOTS, cameo_table, codes_for_labels, label_key
from allyscope.events.engines import DuckDBEngine, EngineMissingError, make_engine
from allyscope.sources.registry import spec
from allyscope.sources.store import load
from allyscope.states import assign_ccodes

FIX = Path(__file__).parent / "fixtures" / "events"
sys.path.insert(0, str(FIX.parent))
from make_event_fixtures import BAD_LINES  # noqa: E402

TEXT_FIXTURES = {
    "gdelt1": FIX / "20140101.export.CSV",
    "gdelt2": FIX / "20140101000000.export.CSV",
    "icews": FIX / "events.2014.sample.tab",
    "polecat": FIX / "ngecEvents.20140101.sample.txt",
}
SUBSET = FIX / "icews14_subset.parquet"
HAS_SPARK = importlib.util.find_spec("pyspark") is not None


@pytest.fixture(scope="module")
def sample_year() -> events.EventAggregate:
    return events.aggregate_sample(engine="duckdb")


@pytest.fixture(scope="module")
def spark_engine():
    if not HAS_SPARK:
        pytest.skip("pyspark is not installed (pip install 'allyscope[spark]')")
    eng = make_engine(
        "spark",
        master="local[2]",
        conf={"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "4"},
    )
    yield eng
    eng.spark.stop()


# ------------------------------------------------------------------ the sample


def test_sample_reads_every_row_and_accounts_for_it(sample_year):
    m = sample_year.metadata
    rows = pl.read_parquet(events.sample_path()).height
    assert rows == int(spec("icews_events").snapshot["rows"])
    assert m["rows_read"] == rows
    assert m["rows_read"] == m["events_counted"] + m["skipped_total"] + m["outside_dyads"]
    assert set(m["skipped"]) <= set(REASONS)
    # the sample has no malformed rows; what is not counted is persons/organisations and
    # domestic events, and every reason is reported with its count
    assert not {"wrong_column_count", "bad_date", "event_unknown"} & set(m["skipped"])
    assert m["skipped"]["same_state"] > 0 and m["skipped"]["source_unmatched"] > 0
    assert {"value": "Barack_Obama", "rows": m["unmatched_actor_values"]["source"][0]["rows"]} in (
        m["unmatched_actor_values"]["source"]
    )
    assert m["coverage"]["years"] == [2014] and m["coverage"]["partial_years"] == []
    assert m["source_dataset"]["citation"].startswith("@")


def test_sample_table_invariants(sample_year):
    t = sample_year.table
    assert t.columns[:3] == ["ccode1", "ccode2", "year"]
    assert t.schema["ccode1"] == pl.Int16 and t.schema["events"] == pl.Int64
    assert (t["events"] == t.select(pl.sum_horizontal(COUNTS)).to_series()).all()
    assert (t["events"] > 0).all() and (t["ccode1"] != t["ccode2"]).all()
    shares = t.select(pl.sum_horizontal(SHARES)).to_series()
    assert ((shares - 1.0).abs() < 1e-9).all()
    assert t["goldstein_mean"].is_between(-10, 10).all()
    assert t.select(pl.len()).item() == t.select("ccode1", "ccode2", "year").unique().height
    assert int(t["events"].sum()) == sample_year.metadata["events_counted"]


def test_sample_matches_a_plain_polars_reading(sample_year):
    """An independent row-by-row reading of the sample gives the same counts and sums."""
    s = load("icews_events").with_columns(year=pl.col("date").dt.year().cast(pl.Int16))
    s = s.with_columns(
        sc=pl.col("subject").map_elements(_country_reference, return_dtype=pl.String),
        tc=pl.col("object").map_elements(_country_reference, return_dtype=pl.String),
    )
    kinds = ("name", "alias", "iso3", "iso_former")
    s = assign_ccodes(s, "sc", "year", "c1", kinds)
    s = assign_ccodes(s, "tc", "year", "c2", kinds)
    codes = codes_for_labels(s["relation"]).rename({"label": "relation"})
    s = s.join(codes, on="relation", how="left").join(
        cameo_table().select("code", "quad", "goldstein"), on="code", how="left"
    )
    s = s.drop_nulls(["c1", "c2", "quad"]).filter(pl.col("c1") != pl.col("c2"))
    want = s.group_by(pl.col("c1").alias("ccode1"), pl.col("c2").alias("ccode2"), "year").agg(
        pl.len().cast(pl.Int64).alias("events"),
        *[
            (pl.col("quad") == q).sum().cast(pl.Int64).alias(n)
            for q, n in zip((1, 2, 3, 4), COUNTS, strict=True)
        ],
        pl.col("goldstein").sum().alias("goldstein_sum"),
    )
    got = sample_year.table.select(want.columns)
    assert_frame_equal(got, want.sort("ccode1", "ccode2", "year"), check_dtypes=False)


def test_sample_agrees_with_icews_quad_counts_of_2014(sample_year):
    """The sample is a subset of ICEWS 2014: per directed dyad its counts should not exceed
    ICEWS's own (netify slice), and the two should rank dyads alike."""
    from scipy.stats import spearmanr

    netify = load("icews_dyadic").filter(pl.col("year") == 2014)
    j = sample_year.table.join(netify, on=["ccode1", "ccode2", "year"], suffix="_icews")
    total = j.select(pl.sum_horizontal([f"{c}_icews" for c in COUNTS])).to_series()
    assert j.height > 1000
    assert (j["events"] <= total).mean() > 0.98
    assert spearmanr(j["events"], total).statistic > 0.4


def test_iran_russia_2014_in_both_directions(sample_year):
    t = sample_year.table.filter(
        pl.col("ccode1").is_in([365, 630]) & pl.col("ccode2").is_in([365, 630])
    )
    assert sorted(zip(t["ccode1"], t["ccode2"], strict=True)) == [(365, 630), (630, 365)]
    assert (t["verb_coop_share"] > 0.5).all()  # their 2014 events are mostly verbal cooperation


# ------------------------------------------------------------------ engines


def test_duckdb_and_polars_identical_on_the_sample_by_year_and_month():
    for by in ("year", "month"):
        a = events.aggregate_sample(engine="duckdb", by=by)
        b = events.aggregate_sample(engine="polars", by=by)
        assert_frame_equal(a.table, b.table, check_exact=False, rel_tol=1e-9)
        for key in ("rows_read", "skipped", "coverage", "unmatched_actor_values"):
            assert a.metadata[key] == b.metadata[key]


def test_spark_identical_to_duckdb_and_polars(spark_engine):
    for by in ("year", "month"):
        want = events.aggregate_sample(engine="duckdb", by=by)
        got = events.aggregate_sample(engine=spark_engine, by=by)
        assert got.metadata["engine"] == "spark"
        assert_frame_equal(got.table, want.table, check_exact=False, rel_tol=1e-9)
        assert got.metadata["skipped"] == want.metadata["skipped"]
        assert got.metadata["coverage"] == want.metadata["coverage"]
    for name, path in TEXT_FIXTURES.items():
        want = events.aggregate(path, engine="polars")
        got = events.aggregate(path, engine=spark_engine)
        assert_frame_equal(got.table, want.table, check_exact=False, rel_tol=1e-9)
        assert got.metadata["skipped"] == want.metadata["skipped"], name


def test_month_rows_sum_to_year_rows(sample_year):
    month = events.aggregate_sample(by="month").table
    summed = month.group_by("ccode1", "ccode2", "year").agg(
        pl.col("events", *COUNTS, "goldstein_events").sum(), pl.col("goldstein_sum").sum()
    )
    year = sample_year.table.select(summed.columns)
    assert_frame_equal(summed.sort("ccode1", "ccode2", "year"), year, check_exact=False)


def _same_aggregate(a: events.EventAggregate, b: events.EventAggregate) -> None:
    assert_frame_equal(a.table, b.table, check_exact=False, rel_tol=1e-9)
    for key in set(a.metadata) - {"seconds", "engine"}:
        assert a.metadata[key] == b.metadata[key], key


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
def test_preaggregation_equals_checking_every_row(tmp_path, engine):
    """Counting distinct combinations first gives the row-by-row table and accounting,
    also for actors whose state depends on the year (Germany: 260 in 1960, 255 in 1995),
    months, a missing date and an event text not in the tables."""
    s = load("icews_events")
    german = s.filter(
        pl.col("subject").str.ends_with("_(Germany)")
        & pl.col("object").is_in(["France", "Government_(France)", "Head_of_Government_(France)"])
    )
    assert german.height >= 4
    shifted = [
        german.with_columns(date=pl.date(y, 6, 1 + i % 28))
        for i, y in enumerate((1960, 1975, 1995))
    ]
    odd = german.head(3).with_columns(
        date=pl.Series([None, german["date"][1], german["date"][2]], dtype=pl.Date),
        relation=pl.Series(["x", "Not_a_CAMEO_event", "Not_a_CAMEO_event"]),
    )
    p = tmp_path / "years.parquet"
    pl.concat([s, *shifted, odd]).write_parquet(p)
    for by in ("year", "month"):
        pre = events.aggregate(p, input_format="icews14", engine=engine, by=by)
        rows = events.aggregate(p, input_format="icews14", engine=engine, by=by, preaggregate=False)
        _same_aggregate(pre, rows)
        m = pre.metadata
        assert m["skipped"]["bad_date"] == 1
        assert m["skipped"]["event_unknown"] == 2
        assert m["unknown_event_values"] == [{"value": "Not_a_CAMEO_event", "rows": 2}]
        obama = int((s["subject"] == "Barack_Obama").sum())  # a person: unmatched, by name
        assert m["unmatched_actor_values"]["source"][0] == {"value": "Barack_Obama", "rows": obama}
        t = pre.table.filter(pl.col("ccode2") == 220)
        assert set(t.filter(pl.col("year") == 1960)["ccode1"]) == {260}
        assert set(t.filter(pl.col("year") == 1995)["ccode1"]) == {255}
        counted = t.filter(pl.col("year").is_in([1960, 1975, 1995]))["events"].sum()
        assert counted == 3 * german.height


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
@pytest.mark.parametrize("name", list(TEXT_FIXTURES))
def test_preaggregation_equals_checking_every_row_in_every_format(name, engine):
    """Also where a missing or unmatched actor settles the row (its target and event are
    not kept apart then), for actor and event values no lookup lists (kept as text), the
    file's own quad class and score (GDELT, POLECAT) and POLECAT's COW columns."""
    pre = events.aggregate(TEXT_FIXTURES[name], engine=engine)
    rows = events.aggregate(TEXT_FIXTURES[name], engine=engine, preaggregate=False)
    _same_aggregate(pre, rows)
    m = pre.metadata
    assert m["skipped"].get("source_missing", 0) + m["skipped"].get("source_unmatched", 0) > 0


# ------------------------------------------------------------------ formats and bad rows


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
@pytest.mark.parametrize("name", list(TEXT_FIXTURES))
def test_formats_give_the_same_table_for_the_same_events(name, engine):
    ref = events.aggregate(SUBSET, engine=engine)
    agg = events.aggregate(TEXT_FIXTURES[name], engine=engine)
    assert agg.metadata["input"]["format"] == name  # detected from the file
    m = agg.metadata
    assert m["rows_read"] == m["events_counted"] + m["skipped_total"]
    for reason, n in BAD_LINES.get(name, {}).items():
        assert m["skipped"].get(reason, 0) >= n, (reason, m["skipped"])
    if name == "gdelt1":  # one extra valid line in the 57-column back-file layout
        assert m["events_counted"] == ref.metadata["events_counted"] + 1
        return
    assert_frame_equal(agg.table, ref.table, check_exact=False)


def test_bad_rows_are_counted_by_reason():
    gd = events.aggregate(TEXT_FIXTURES["gdelt1"]).metadata
    # the 25 events whose source is a person have no Actor1CountryCode in GDELT's layout
    assert gd["skipped"] == {
        "wrong_column_count": 1,
        "bad_date": 1,
        "source_missing": 25,
        "source_unmatched": 1,
        "event_unknown": 1,
    }
    assert gd["unmatched_actor_values"]["source"] == [{"value": "AFR", "rows": 1}]
    assert gd["unknown_event_values"] == [{"value": "999", "rows": 1}]
    ic = events.aggregate(TEXT_FIXTURES["icews"]).metadata
    assert ic["skipped"]["target_unmatched"] == 1 and ic["skipped"]["bad_date"] == 1
    assert ic["unmatched_actor_values"]["target"] == [{"value": "Atlantis", "rows": 1}]
    pc = events.aggregate(TEXT_FIXTURES["polecat"]).metadata
    assert pc["skipped"]["source_several"] == 1 and pc["skipped"]["wrong_column_count"] == 1
    assert pc["goldstein"].startswith("POLECAT Event Intensity")


def test_polecat_cow_column_is_used_and_iso3_is_the_fallback(tmp_path):
    lines = TEXT_FIXTURES["polecat"].read_text().splitlines()
    head = lines[0].split("\t")
    row = lines[1].split("\t")
    ac, acow = head.index("Actor Country"), head.index("Actor COW")
    no_cow = list(row)
    no_cow[acow] = "None"  # the ISO3 column still names the state
    bad_iso = list(row)
    bad_iso[ac] = "XXX"  # the COW column still names the state
    p = tmp_path / "ngecEvents.txt"
    p.write_text(
        "\n".join([lines[0], "\t".join(row), "\t".join(no_cow), "\t".join(bad_iso)]) + "\n"
    )
    m = events.aggregate(p).metadata
    assert m["events_counted"] == 3 and m["skipped_total"] == 0


def test_header_layout_is_read_by_name(tmp_path):
    """An ICEWS file with its columns in another order (and one more) reads the same."""
    lines = TEXT_FIXTURES["icews"].read_text().splitlines()
    rows = [ln.split("\t") for ln in lines[:200]]
    order = list(reversed(range(len(rows[0]))))
    out = ["\t".join([r[i] for i in order] + ["extra"]) for r in rows]
    p = tmp_path / "events.tab"
    p.write_text("\n".join(out) + "\n")
    q = tmp_path / "events_orig.tab"
    q.write_text("\n".join(lines[:200]) + "\n")
    assert_frame_equal(events.aggregate(p).table, events.aggregate(q).table)


def test_gzip_text_is_read(tmp_path):
    import gzip

    p = tmp_path / "20140101.export.CSV.gz"
    p.write_bytes(gzip.compress(TEXT_FIXTURES["gdelt2"].read_bytes()))
    want = events.aggregate(TEXT_FIXTURES["gdelt2"]).table
    for engine in ("duckdb", "polars"):
        assert_frame_equal(events.aggregate(p, engine=engine).table, want)


def test_a_glob_and_a_folder_read_all_files(tmp_path):
    for i in range(3):
        (tmp_path / f"2014010{i}.export.CSV").write_bytes(TEXT_FIXTURES["gdelt2"].read_bytes())
    one = events.aggregate(TEXT_FIXTURES["gdelt2"])
    three = events.aggregate(str(tmp_path / "*.CSV"))
    assert three.metadata["input"]["files"] == 3
    assert three.metadata["rows_read"] == 3 * one.metadata["rows_read"]
    assert (three.table["events"] == 3 * one.table["events"]).all()
    assert events.aggregate(tmp_path).metadata["rows_read"] == three.metadata["rows_read"]


def test_clear_errors_for_bad_input(tmp_path):
    with pytest.raises(DataError, match="no event file matches"):
        events.aggregate(str(tmp_path / "*.CSV"))
    z = tmp_path / "20140101.export.CSV.zip"
    z.write_bytes(b"PK\x03\x04")
    with pytest.raises(InvalidInputError, match="unzip"):
        events.aggregate(z)
    odd = tmp_path / "odd.txt"
    odd.write_text("a\tb\tc\n")
    with pytest.raises(InvalidInputError, match="--input-format"):
        events.aggregate(odd)
    with pytest.raises(InvalidInputError, match="unknown event data format"):
        events.aggregate(odd, input_format="acled")
    noc = tmp_path / "events.tab"
    noc.write_text("Event ID\tEvent Date\tSource Name\tTarget Country\n1\t2014-01-01\tx\tIran\n")
    with pytest.raises(DataError, match="Source Country"):
        events.aggregate(noc, input_format="icews")
    with pytest.raises(InvalidInputError, match="year or month"):
        events.aggregate_sample(by="week")
    with pytest.raises(InvalidInputError, match="IRN-RUS"):
        events.aggregate_sample(dyads="IRN")
    with pytest.raises(InvalidInputError, match="unknown engine"):
        events.aggregate_sample(engine="dask")


def test_spark_engine_missing_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(EngineMissingError, match=r"allyscope\[spark\]"):
        make_engine("spark")


# ------------------------------------------------------------------ dyad filter push-down


def test_dyad_filter_equals_filtering_the_full_table(sample_year):
    got = events.aggregate_sample(dyads="IRN-RUS,USA-CHN")
    full = sample_year.table
    want = full.filter(
        (pl.col("ccode1").is_in([365, 630]) & pl.col("ccode2").is_in([365, 630]))
        | (pl.col("ccode1").is_in([2, 710]) & pl.col("ccode2").is_in([2, 710]))
    )
    assert_frame_equal(got.table, want)
    m = got.metadata
    assert m["dyads"] == [[2, 710], [365, 630]]
    assert m["rows_read"] < sample_year.metadata["rows_read"]  # the scan kept fewer rows
    assert m["rows_read"] == m["events_counted"] + m["skipped_total"] + m["outside_dyads"]
    g = events.aggregate(TEXT_FIXTURES["gdelt2"], dyads="IRN-RUS")
    full = events.aggregate(TEXT_FIXTURES["gdelt2"]).table
    assert_frame_equal(
        g.table,
        full.filter(pl.col("ccode1").is_in([365, 630]) & pl.col("ccode2").is_in([365, 630])),
    )


def test_dyad_filter_reaches_the_parquet_scan(tmp_path):
    """On Parquet the filter runs on the raw column, where DuckDB applies it in the scan."""
    from allyscope.events.aggregate import _spellings, lookups, plan_inputs
    from allyscope.events.formats import get_format
    from allyscope.events.query import aggregate_sql, pushdown

    # a Parquet file in the ICEWS layout (column names as in the .tab header)
    lines = TEXT_FIXTURES["icews"].read_text().splitlines()
    head = lines[0].split("\t")
    rows = [ln.split("\t") for ln in lines[1:] if ln.count("\t") == len(head) - 1]
    p = tmp_path / "icews.parquet"
    pl.DataFrame(rows, schema=head, orient="row").write_parquet(p)
    fmt = get_format("icews")
    inp = plan_inputs([str(p)], fmt)[0]
    eng = DuckDBEngine()
    where = pushdown(eng, inp, _spellings(fmt, {365, 630}), like=False)
    tables = {k: v.to_arrow() for k, v in lookups(eng, inp, fmt, where, 2030).tables.items()}
    sql = aggregate_sql(eng, inp, fmt, False, where, 2030)
    plan = eng.explain(sql, inp.kind, inp.paths, tables)
    assert re.search(r"READ_PARQUET.*Filters:.*Source Country IN \(.*'Iran'", plan, re.S), plan
    csv_like = events.aggregate(TEXT_FIXTURES["icews"], dyads="IRN-RUS").table
    assert_frame_equal(events.aggregate(p, dyads="IRN-RUS").table, csv_like)


# ------------------------------------------------------------------ properties


def _subset(tmp_path: Path, name: str, rows: list[int]) -> Path:
    p = tmp_path / f"{name}.parquet"
    load("icews_events")[rows].write_parquet(p)
    return p


_N = int(spec("icews_events").snapshot["rows"])


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    a=st.lists(st.integers(0, _N - 1), min_size=1, max_size=400, unique=True),
    b=st.lists(st.integers(0, _N - 1), min_size=1, max_size=400, unique=True),
)
def test_aggregation_is_additive_and_engines_agree(tmp_path, a, b):
    b = [i for i in b if i not in set(a)] or [i for i in range(_N) if i not in set(a)][:1]
    pa, pb = _subset(tmp_path, "a", a), _subset(tmp_path, "b", b)
    both = events.aggregate([pa, pb], input_format="icews14")
    for m in (both.metadata,):
        assert m["rows_read"] == len(a) + len(b)
        assert m["rows_read"] == m["events_counted"] + m["skipped_total"]
    assert_frame_equal(
        both.table, events.aggregate([pa, pb], input_format="icews14", engine="polars").table
    )
    parts = (
        pl.concat([events.aggregate(p, input_format="icews14").table for p in (pa, pb)])
        .group_by("ccode1", "ccode2", "year")
        .agg(pl.col("events", *COUNTS).sum())
    )
    assert_frame_equal(
        both.table.select(parts.columns), parts.sort("ccode1", "ccode2", "year"), check_dtypes=False
    )


def test_engines_in_threads_share_the_database_but_not_their_tables(tmp_path):
    """DuckDB engines with default settings are connections to one in-memory database;
    each has its own ``events`` view and lookups, so aggregations in parallel threads
    give what each gives alone."""
    from concurrent.futures import ThreadPoolExecutor

    paths = [
        _subset(tmp_path, f"p{k}", list(range(k * 3000, k * 3000 + 2000 + 500 * k)))
        for k in range(4)
    ]
    alone = [events.aggregate(p, input_format="icews14") for p in paths]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda p: events.aggregate(p, input_format="icews14"), paths * 2))
    for k, got in enumerate(together):
        want = alone[k % 4]
        assert_frame_equal(got.table, want.table)
        assert got.metadata["rows_read"] == want.metadata["rows_read"] == 2000 + 500 * (k % 4)
    own = DuckDBEngine(threads=1)  # settings of its own: a database of its own
    try:
        assert own.con.sql("SELECT current_setting('threads')").fetchall()[0][0] == 1
    finally:
        own.close()
    shared = DuckDBEngine()
    try:
        assert shared.con.sql("SELECT current_setting('threads')").fetchall()[0][0] != 1
    finally:
        shared.close()


# ------------------------------------------------------------------ CAMEO table


def test_cameo_table_is_consistent():
    t = cameo_table()
    assert t["code"].is_unique().all()
    assert sorted({int(r) for r in t["root"]}) == list(range(1, 21))
    for q, (lo, hi) in QUAD_ROOTS.items():
        roots = t.filter(pl.col("quad") == q)["root"].cast(pl.Int32)
        assert roots.min() == lo and roots.max() == hi
    assert (t["code"].str.slice(0, 2) == t["root"]).all()
    assert t["goldstein"].is_between(-10, 10).all() and t["goldstein"].null_count() == 0
    labels = load("icews_events")["relation"].unique()
    assert codes_for_labels(labels)["code"].null_count() == 0  # every ICEWS text of the sample
    assert label_key("Make_a_visit") == label_key("Make a visit")
    assert codes_for_labels(pl.Series(["Make_a_visit"]))["code"].item() == "042"


# ------------------------------------------------------------------ CLI


runner = CliRunner()


def test_cli_sample_json_prints_the_aggregates():
    r = runner.invoke(
        app, ["events", "aggregate", "--sample", "--engine", "duckdb", "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["metadata"]["engine"] == "duckdb" and d["metadata"]["rows_read"] == _N
    assert len(d["rows"]) > 1000 and set(d["columns"]) == set(d["rows"][0])


def test_cli_writes_files_with_metadata(tmp_path):
    out = tmp_path / "ev.parquet"
    r = runner.invoke(
        app,
        ["events", "aggregate", str(TEXT_FIXTURES["icews"]), "--by", "month", "-o", str(out)],
    )
    assert r.exit_code == 0, r.output
    import pyarrow.parquet as pq

    t = pq.read_table(out)
    meta = json.loads(pq.read_metadata(out).metadata[b"allyscope"])
    assert meta["skipped"]["bad_date"] == 1 and "month" in t.column_names
    csv = tmp_path / "ev.csv"
    r = runner.invoke(app, ["events", "aggregate", "--sample", "-o", str(csv), "--format", "json"])
    assert r.exit_code == 0
    assert json.loads((tmp_path / "ev.csv.json").read_text())["rows_read"] == _N


def test_cli_errors_are_one_line(monkeypatch, capsys):
    from allyscope.cli import main

    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    for argv, code, text in (
        (["events", "aggregate", "--sample", "--engine", "spark"], 7, "allyscope[spark]"),
        (["events", "aggregate"], 2, "--sample"),
        (["events", "aggregate", "--sample", "-o", "x.xlsx"], 2, ".parquet"),
    ):
        monkeypatch.setattr(sys, "argv", ["allyscope", *argv])
        with pytest.raises(SystemExit) as exc:
            main()
        assert exc.value.code == code
        err = capsys.readouterr().err
        assert err.startswith("allyscope: error:") and text in err and "Traceback" not in err


# ------------------------------------------------------------------ downloads


def test_download_offline_says_what_to_do(monkeypatch):
    import urllib.request

    def offline(*a, **k):
        raise OSError("Name or service not known")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(DownloadError, match=r"no network.*events aggregate"):
        dl.download("gdelt1", first=dl.dt.date(2014, 1, 1))
    with pytest.raises(DownloadError, match=r"10\.7910/DVN/28075"):
        dl.download("icews", years=[2014])


def test_download_retrieve_checks_and_reports(monkeypatch, tmp_path):
    import pooch

    def broken(*a, **k):
        raise ValueError("SHA256 hash of downloaded file (x) does not match the known hash")

    monkeypatch.setattr(pooch, "retrieve", broken)
    with pytest.raises(DownloadError, match="MD5"):
        dl.retrieve([dl.RemoteFile("http://example.invalid/a.zip", "a.zip", "0" * 32)], "gdelt1")


def test_gdelt_file_names_and_checksum_lists():
    d = dl.dt.date
    assert dl.gdelt1_names(d(2005, 12, 30), d(2006, 2, 3)) == [
        "2005.zip",
        "200601.zip",
        "200602.zip",
    ]
    assert dl.gdelt1_names(d(2013, 3, 31), d(2013, 4, 2)) == [
        "201303.zip",
        "20130401.export.CSV.zip",
        "20130402.export.CSV.zip",
    ]
    names = dl.gdelt2_names(d(2016, 1, 1), d(2016, 1, 1))
    assert len(names) == 96 and names[1] == "20160101001500.export.CSV.zip"
    assert dl.parse_md5sums("0123456789abcdef0123456789abcdef  20130401.export.CSV.zip\n") == {
        "20130401.export.CSV.zip": "0123456789abcdef0123456789abcdef"
    }
    ml = "150383 297a16b493de7cf6ca809a7cc31d0b93 http://data.gdeltproject.org/gdeltv2/20150218230000.export.CSV.zip\n"
    assert dl.parse_masterfilelist(ml) == {
        "20150218230000.export.CSV.zip": "297a16b493de7cf6ca809a7cc31d0b93"
    }
    with pytest.raises(InvalidInputError):
        dl.gdelt2_names(d(2014, 1, 1), d(2014, 1, 2))


def test_dataverse_listing_picks_years():
    listing = {
        "data": {
            "latestVersion": {
                "files": [
                    {
                        "dataFile": {
                            "id": 1,
                            "filename": "events.2013.20150313083959.tab.zip",
                            "md5": "a" * 32,
                        }
                    },
                    {
                        "dataFile": {
                            "id": 2,
                            "filename": "events.2014.20160121105408.tab",
                            "originalFileName": "events.2014.20160121105408.tab.zip",
                            "checksum": {"type": "MD5", "value": "b" * 32},
                        }
                    },
                    {"dataFile": {"id": 3, "filename": "ICEWS_codebook.pdf"}},
                ]
            }
        }
    }
    files = dl.parse_dataverse_files(listing, [2014])
    assert [f.name for f in files] == ["events.2014.20160121105408.tab.zip"]
    assert files[0].url.endswith("/api/access/datafile/2?format=original")
    assert files[0].md5 == "b" * 32
    assert len(dl.parse_dataverse_files(listing, None)) == 3
    with pytest.raises(DownloadError):
        dl.parse_dataverse_files({"status": "ERROR"}, [2014])


# ------------------------------------------------------------------ indicators


def test_event_indicators_in_the_assessment(sample_year):
    import allyscope

    d = allyscope.assess("IRN", "RUS", years=(2013, 2014)).as_dict()
    by = {y["year"]: y for y in d["by_year"]}
    soc14 = by[2014]["dimensions"]["societal"]["indicators"]
    sec14 = by[2014]["dimensions"]["security"]["indicators"]
    t = sample_year.table
    ab = t.filter((pl.col("ccode1") == 630) & (pl.col("ccode2") == 365)).row(0, named=True)
    ba = t.filter((pl.col("ccode1") == 365) & (pl.col("ccode2") == 630)).row(0, named=True)
    assert soc14["ev_events"] == ab["events"] + ba["events"]
    assert soc14["ev_goldstein_ab"] == round(ab["goldstein_mean"], 4)
    assert soc14["ev_goldstein_ba"] == round(ba["goldstein_mean"], 4)
    assert sec14["ev_matl_coop"] == ab["matl_coop"] + ba["matl_coop"]
    # 2013 lies outside the sample's coverage: unknown, not zero
    assert by[2013]["dimensions"]["societal"]["indicators"]["ev_events"] is None
    assert any("icews_events" in s for s in by[2013]["missing_sources"])
    assert "ev_matl_conf_share" in {i["name"] for i in d["indicators"]}


def test_no_events_inside_coverage_is_zero_not_null():
    from allyscope.indicators import indicator_frame

    # Iceland (395) and Bhutan (760): both states in 2014, no event between them in the sample
    t = events.aggregate_sample().table
    assert t.filter(
        pl.col("ccode1").is_in([395, 760]) & pl.col("ccode2").is_in([395, 760])
    ).is_empty()
    f = indicator_frame([(395, 760)], 2014, 2014).filter(pl.col("year") == 2014)
    assert f["ev_events"].item() == 0.0 and f["ev_matl_coop"].item() == 0.0
    assert f["ev_verb_coop_share"].item() is None and f["ev_goldstein_ab"].item() is None


def test_expand_gives_zero_inside_coverage_and_null_outside(sample_year):
    e = sample_year.expand([(630, 365), (395, 760)], [2013, 2014])
    assert e.height == 8  # both directions, two years
    row = e.filter((pl.col("ccode1") == 630) & (pl.col("ccode2") == 365) & (pl.col("year") == 2014))
    want = sample_year.table.filter((pl.col("ccode1") == 630) & (pl.col("ccode2") == 365))
    assert row["events"].item() == want["events"].item() > 0
    quiet = e.filter(pl.col("ccode1").is_in([395, 760]) & (pl.col("year") == 2014))
    assert (quiet["events"] == 0).all() and quiet["goldstein_mean"].is_null().all()
    assert e.filter(pl.col("year") == 2013)["events"].is_null().all()


# --- the actor lookups, built without a value x year cross join -----------------------


def _country_reference(name: str) -> str:
    """The one-value-at-a-time rule the vectorised ``actor_country`` must follow."""
    text = name.replace("_", " ").strip()
    m = re.search(r"\(([^()]*)\)\s*$", text)
    return (m.group(1) if m else text).strip()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet="Iran_Police ()\t(Rusia)x\x1c\x1f\x85\u3000", max_size=25), max_size=15
    )
)
def test_actor_country_equals_the_value_by_value_rule(names):
    from allyscope.events.aggregate import actor_country

    got = pl.DataFrame({"v": names}, schema={"v": pl.String}).select(actor_country(pl.col("v")))
    assert got.to_series().to_list() == [_country_reference(n) for n in names]


def test_actor_country_on_the_sample_names():
    from allyscope.events.aggregate import actor_country

    names = (
        pl.concat([load("icews_events")["subject"], load("icews_events")["object"]]).unique().sort()
    )
    got = names.to_frame("v").select(actor_country(pl.col("v"))).to_series().to_list()
    assert got == [_country_reference(n) for n in names.to_list()]
    assert _country_reference("Police_(Iran)") == "Iran"


def test_actor_lookup_gives_each_years_state_as_a_cross_join_would():
    """Values whose state changes with the year are expanded year by year inside the lookup,
    the others looked up once; the (value, year) -> ccode mapping is the same as resolving
    every value in every year."""
    from allyscope.events.aggregate import NAME_KINDS, _lookup_frame

    values = ["Germany", "West Germany", "Yemen", "USSR", "Russia", "Serbia", "Iran", "Vietnam"]
    values += ["Police (Iran)", "Somewhere Else", "N/A"]
    years = (1940, 2014)
    keys = pl.DataFrame({"v": values}).with_columns(lookup=pl.col("v"))
    lk = _lookup_frame(keys, years, NAME_KINDS, keep_all=True)
    switch = sorted(int(c[1:]) for c in lk.columns if re.fullmatch(r"y\d+", c))
    every = keys.join(
        pl.DataFrame({"year": list(range(years[0], years[1] + 1))}, schema={"year": pl.Int32}),
        how="cross",
    )
    want = assign_ccodes(every, "lookup", "year", "ccode", NAME_KINDS)
    resolved = 0
    for row in lk.filter(pl.col("issue") == 0).iter_rows(named=True):
        for y, c in want.filter(pl.col("v") == row["v"]).select("year", "ccode").iter_rows():
            got = row["ccode"]
            for k in switch:  # the code from the last switch at or before the year
                if row[f"y{k}"] is not None and y >= row[f"y{k}"]:
                    got = row[f"c{k}"]
            assert got == c, (row["v"], y)
            resolved += 1
    assert resolved >= 7 * 75  # most values resolve in every year
    assert lk.filter(pl.col("v") == "Germany")["y1"].item() is not None  # 255 -> 260 -> 255
    issues = dict(lk.select("v", "issue").iter_rows())
    assert issues["Somewhere Else"] == 2 and issues["N/A"] == 1


def _state_in_year(lk: pl.DataFrame) -> pl.DataFrame:
    """(v, year) -> ccode as the query reads ``lk_actor``: the code from the last switch at
    or before the year, else the value's first code (issue-0 values only)."""
    switch = sorted(int(c[1:]) for c in lk.columns if re.fullmatch(r"y\d+", c))
    from allyscope.events.query import FIRST_YEAR

    years = pl.DataFrame({"year": list(range(FIRST_YEAR, 2028))}, schema={"year": pl.Int32})
    rows = lk.filter(pl.col("issue") == 0).join(years, how="cross")
    code = pl.col("ccode")
    for k in switch:  # later switches override earlier ones
        since = pl.col(f"y{k}").is_not_null() & (pl.col("year") >= pl.col(f"y{k}"))
        code = pl.when(since).then(pl.col(f"c{k}")).otherwise(code)
    return rows.select("v", "year", code.alias("ccode"))


def test_code_lookup_gives_each_years_state_as_a_cross_join_would():
    """GDELT's and POLECAT's ISO3 lookup, built once for every year since 1800, resolves
    every code in every year as looking the code up in that year would (DEU: 255 -> 260
    -> 255; YEM: 678 -> 679); empty and "NONE"-like values are missing."""
    from allyscope.events.aggregate import CODE_KINDS, _code_actor_lookup

    lk = _code_actor_lookup(2027)
    got = _state_in_year(lk)
    want = assign_ccodes(
        got.select("v", "year").with_columns(lookup=pl.col("v")),
        "lookup",
        "year",
        "ccode",
        CODE_KINDS,
    ).select("v", "year", "ccode")
    both = got.join(want, on=["v", "year"], suffix="_cross")
    assert both.height == got.height > 200 * 200
    diff = both.filter(pl.col("ccode").cast(pl.Int32) != pl.col("ccode_cross").cast(pl.Int32))
    assert diff.height == 0, diff.head()
    assert both.filter(pl.col("ccode_cross").is_null()).height == 0
    issues = dict(lk.select("v", "issue").iter_rows())
    assert issues["NONE"] == 1 and issues[""] == 1
    deu = got.filter(pl.col("v") == "DEU").sort("year")
    assert dict(deu.select("year", "ccode").iter_rows())[1970] == 260
    assert dict(deu.select("year", "ccode").iter_rows())[2000] == 255
