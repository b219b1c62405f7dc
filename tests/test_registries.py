"""The evidence registries: every row sourced and valid, bad rows named by file and line,
the rules by which rows bear on years, and the `registry` listing (API and CLI)."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import allyscope
from allyscope.errors import DataError, InvalidInputError
from allyscope.indicators.registries import bearing_years, declared_from
from allyscope.sources import evidence as ev
from allyscope.sources.listing import registry_rows

HEADER = list(ev.COLUMNS)


def test_every_row_is_valid_and_cites_a_source():
    e = ev.evidence()
    assert set(e["kind"].unique()) == set(ev.TABLES)
    assert (e["source"].str.len_chars() >= 10).all()
    assert e["confidence"].is_in(list(ev.CONFIDENCE)).all()
    assert e.filter(pl.col("a_org").is_null())["a"].null_count() == 0
    assert e["b"].null_count() == 0 and e["id"].is_unique().all()
    # the sizes this release measured (docs/registries.md); a lost part fails here
    counts = e.group_by("kind").len()
    n = dict(zip(counts["kind"].to_list(), counts["len"].to_list(), strict=True))
    assert n["partnership"] >= 700 and n["defence"] >= 2_550 and n["friction"] >= 1_750
    recent = e.filter((pl.col("kind") == "friction") & (pl.col("start_date").dt.year() >= 2015))
    assert recent.height >= 540


SPOT_CHECKS = {  # docs/registry-spot-check.md: rows drawn at random, checked against sources
    Path(__file__).parent / "data" / "registry_spot_check.csv": 30,  # all three tables
    Path(__file__).parent / "data" / "registry_spot_check_round4.csv": 10,  # round-4 rows
}


@pytest.mark.parametrize("spot_check", list(SPOT_CHECKS), ids=lambda p: p.stem)
def test_the_spot_checked_rows_are_in_the_registry_as_checked(spot_check):
    """A confirmed row keeps its kind, pair and start year; a row found wrong
    carries the checked correction."""
    checked = pl.read_csv(spot_check, infer_schema=False)
    assert checked.height == SPOT_CHECKS[spot_check] and checked["id"].is_unique().all()
    assert set(checked["verdict"]) <= {
        "confirmed",
        "date differs",
        "partly",
        "not confirmed",
        "wrong",
    }
    rows = ev.evidence().join(checked, on="id", how="inner", suffix="_checked")
    assert rows.height == checked.height, "a spot-checked row was removed or renamed"
    assert (rows["kind"] == rows["table"]).all()
    assert (rows["subkind"] == rows["subkind_checked"]).all()
    assert ((rows["a_iso3"] == rows["a_checked"]) & (rows["b_iso3"] == rows["b_checked"])).all()
    confirmed = rows.filter(pl.col("verdict") == "confirmed")
    assert (confirmed["start"].str.slice(0, 4) == confirmed["start_checked"].str.slice(0, 4)).all()
    # the one dated differently by its source now carries the source's date
    differs = rows.filter(pl.col("verdict") == "date differs")
    for row in differs.iter_rows(named=True):
        assert str(row["start_date"]) != row["start_checked"]
        assert str(row["start_date"]) in row["note"]


def _part(tmp_path, table, rows):
    folder = tmp_path / table
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "part.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=HEADER, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: "" for k in HEADER} | r)
    return tmp_path


GOOD = {
    "id": "friction-IRN-USA-1980-test",
    "a": "USA",
    "b": "IRN",
    "subkind": "severed",
    "start": "1980-04-07",
    "label": "relations severed",
    "source": "Test source, 1980",
    "confidence": "high",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"b": "ATLANTIS"}, "state b is not resolvable"),
        ({"end": "1979-01-01"}, "end is before start"),
        ({"source": ""}, "column source is empty"),
        ({"subkind": "alliance"}, "subkind not in the table's vocabulary"),
        ({"start": "1980-13-01"}, "start is not a YYYY"),
        ({"end": "soon"}, "end is not empty, 'unknown' or a YYYY"),
        ({"a": "EU", "subkind": "severed"}, "organisation as a party"),
    ],
)
def test_a_bad_row_fails_with_its_file_and_line(tmp_path, change, message):
    root = _part(tmp_path, "friction", [GOOD, GOOD | {"id": "friction-x-2"} | change])
    with pytest.raises(DataError, match=rf"{message}.*friction/part.csv line 3"):
        ev.validate(ev.read_raw(root))


def test_a_part_with_wrong_columns_is_refused(tmp_path):
    folder = tmp_path / "defence"
    folder.mkdir()
    (folder / "part.csv").write_text("id,a,b\nx,USA,IRN\n")
    with pytest.raises(DataError, match="expected exactly"):
        ev.read_raw(tmp_path)


def _rows(*rows):
    frame = ev.validate(ev.read_raw(_part_rows(rows)))
    return frame.select(
        "kind",
        "subkind",
        "id",
        pl.col("a_cow").alias("a"),
        pl.col("b_cow").alias("b"),
        "a_org",
        "start",
        pl.when(pl.col("end") == "").then(None).otherwise(pl.col("end")).alias("end"),
        "start_date",
        "end_date",
        "end_unknown",
        "level",
        "actor",
    )


_TMP = {}


def _part_rows(rows):
    import tempfile
    from pathlib import Path

    root = Path(tempfile.mkdtemp())
    by_table = {}
    for r in rows:
        by_table.setdefault(r["id"].split("-", 1)[0], []).append(r)
    for table, rs in by_table.items():
        _part(root, table, rs)
    return root


def test_how_rows_bear_on_years():
    sanctions = GOOD | {"subkind": "sanctions", "start": "2006-12-23", "end": "2016-01-16"}
    severed = GOOD | {"id": "friction-b", "start": "2021-08-24"}
    unknown = GOOD | {"id": "friction-c", "start": "2010", "end": "unknown"}
    expel = GOOD | {"id": "friction-d", "subkind": "expulsion", "start": "2018-03-26"}
    dca = GOOD | {"id": "defence-e", "subkind": "dca", "start": "2001-05"}
    campaign = GOOD | {
        "id": "defence-f",
        "subkind": "joint_operation",
        "start": "1996-10",
        "end": "1997-05-16",
    }
    war = GOOD | {"id": "friction-g", "subkind": "war", "start": "1998-05-06", "end": "2000-06-18"}
    lease = GOOD | {"id": "defence-h", "subkind": "leased_facility", "start": "1993", "end": "2001-10"}
    rows = _rows(sanctions, severed, unknown, expel, dca, campaign, war, lease)
    years = bearing_years(rows, this_year=2025)
    by = {i: set(g["year"].to_list()) for (i,), g in years.group_by("id")}
    assert 2015 in by[GOOD["id"]] and 2016 not in by[GOOD["id"]]  # lifted on 16 January
    assert by["friction-b"] == set(range(2021, 2026))  # severed in August bears on 2021
    assert by["friction-c"] == {2010}  # ended at an unknown date: its start year only
    assert by["friction-d"] == {2018}  # a one-off event
    assert by["defence-e"] == set(range(2001, 2006))  # an agreement on paper: five years
    # fighting bears on every year it covers any part of, as COW and UCDP code a war year
    assert by["defence-f"] == {1996, 1997}  # a campaign that ended in May decided 1997
    assert by["friction-g"] == {1998, 1999, 2000}  # the war ended on 18 June 2000
    # a rented facility is level 1 (a market contract, not joint practice), yet unlike an
    # agreement on paper it bears on every year it is used
    assert by["defence-h"] == set(range(1993, 2002))
    assert years.filter(pl.col("id") == "defence-h")["level"].unique().to_list() == [1]


def test_a_later_declaration_does_not_lower_the_level_unless_it_is_a_downgrade():
    base = {"a": "CHN", "b": "PAK", "label": "x", "source": "Test source", "confidence": "high"}
    rows = [
        base | {"id": "partnership-1", "subkind": "comprehensive_strategic", "start": "2010"},
        base | {"id": "partnership-2", "subkind": "strategic", "start": "2012"},  # weaker words
        base | {"id": "partnership-3", "subkind": "downgrade", "level": "1", "start": "2015"},
    ]
    d = declared_from(_rows(*rows), this_year=2016)
    level = dict(zip(d["year"].to_list(), d["declared"].to_list(), strict=True))
    assert level[2011] == 3 and level[2013] == 3 and level[2016] == 1


def test_organisation_sanctions_bear_on_the_members_of_each_year():
    row = GOOD | {"a": "EU", "subkind": "sanctions", "start": "2014-03-17"}
    years = bearing_years(_rows(row), this_year=2022)
    members = years.group_by("year").agg(pl.col("lo").n_unique(), pl.col("hi").n_unique())
    gbr = years.filter((pl.col("lo") == 200) | (pl.col("hi") == 200))["year"].to_list()
    # the UK left the EU on 31 January 2020: a member in 2020 (membership years are whole
    # years), not after
    assert max(gbr) == 2020 and 2014 in gbr
    assert members.height == 9


def test_registry_listing_api_and_filters():
    r = allyscope.registry("IRN", "RUS", kind="partnership")
    assert "2025-01-17" in r["start"].to_list()
    assert set(r.columns) >= {"a", "b", "a_iso3", "b_iso3", "kind", "subkind", "start", "end"}
    r2 = registry_rows("DEU", "RUS", kind="friction", years="2022")
    assert (r2["kind"] == "friction").all() and "EU" in r2["a_iso3"].to_list()
    events = r2.filter(pl.col("subkind") == "expulsion")
    assert (events["start"].str.slice(0, 4) == "2022").all()  # one-off events of 2022 only
    with pytest.raises(InvalidInputError, match="unknown kind"):
        registry_rows("IRN", kind="alliance")
    m = registry_rows("FIN", kind="membership")
    assert "NATO" in m["subkind"].to_list() and m["b"].null_count() == m.height


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "allyscope", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ},
    )


def test_registry_cli_csv_json_and_data_commands():
    out = _cli("registry", "IRN", "RUS", "--kind", "friction", "--format", "csv")
    assert out.returncode == 0, out.stderr
    head = out.stdout.splitlines()[0].split(",")
    for col in (
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
    ):
        assert col in head
    js = _cli("registry", "USA", "IRN", "--years", "1980", "--format", "json")
    assert any(r["subkind"] == "severed" for r in json.loads(js.stdout))
    text = _cli("registry", "IRN", "RUS", "--kind", "partnership")
    assert "line" in text.stdout and "source:" in text.stdout
    bad = _cli("registry", "IRN", "--kind", "alliance")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    for name in ("treaty_registry", "evidence_registry"):
        info = _cli("data", "info", name)
        assert info.returncode == 0 and name in info.stdout
        cite = _cli("data", "cite", name)
        assert cite.returncode == 0 and cite.stdout.startswith("@Misc{allyscope_")
