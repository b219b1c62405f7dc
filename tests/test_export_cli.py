import json
import os
import subprocess
import sys

import polars as pl
import pyarrow.parquet as pq
import pytest

from allyscope.errors import InvalidInputError, OutputError
from allyscope.panel import panel
from allyscope.panel.export import write_table


def run(*args, env=None):
    e = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "allyscope", *args],
        capture_output=True,
        text=True,
        env=e,
        timeout=120,
    )


@pytest.fixture(scope="module")
def small():
    return panel(years="2010-2011", dyads="IRN-RUS,USA-GBR", variables="atop,trade")


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".dta"])
def test_write_formats_round_trip(tmp_path, small, suffix):
    path = write_table(small, tmp_path / f"p{suffix}", {"years": "2010-2011"}, {"flow1": "imports"})
    if suffix == ".parquet":
        back = pl.read_parquet(path)
        assert back.equals(small)
        assert json.loads(pq.read_metadata(path).metadata[b"allyscope"])["years"] == "2010-2011"
        assert json.loads(pl.read_parquet_metadata(path)["allyscope"]) == {"years": "2010-2011"}
        assert pq.read_table(path).schema.equals(small.to_arrow().schema)  # types as in memory
    elif suffix == ".csv":
        back = pl.read_csv(path, schema=small.schema)
        assert back.equals(small)
        assert (tmp_path / "p.csv.json").exists()
    else:
        import pandas as pd

        back = pd.read_stata(path)
        assert list(back.columns) == small.columns
        assert back["flow1"].tolist() == small["flow1"].to_list()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_write_errors(tmp_path, small):
    with pytest.raises(InvalidInputError):
        write_table(small, tmp_path / "p.xlsx")
    with pytest.raises(OutputError):
        write_table(small, tmp_path / "missing" / "p.parquet")


def test_cli_states_json():
    r = run("states", "Islamic Republic of Iran", "USSR", "DPRK", "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [(d["input"], d["cow"], d["iso3"]) for d in out] == [
        ("Islamic Republic of Iran", 630, "IRN"),
        ("USSR", 365, "RUS"),
        ("DPRK", 731, "PRK"),
    ]
    assert all({"input", "cow", "iso3", "name"} <= set(d) for d in out)


def test_cli_panel_writes_parquet(tmp_path):
    out = tmp_path / "p.parquet"
    r = run(
        "panel", "--years", "2011", "--variables", "atop,trade,un_votes,nmc", "--output", str(out)
    )
    assert r.returncode == 0, r.stderr
    df = pl.read_parquet(out)
    assert df.height == 37_830
    ir = df.filter((pl.col("ccode1") == 630) & (pl.col("ccode2") == 365))
    assert ir.select("atop_defense", "flow1", "flow2").row(0) == (0, 3599, 342)


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["states", "Atlantis"], 2, "unknown state"),
        (["panel", "--years", "2014-2011"], 2, "reversed"),
        (["panel", "--years", "20x1"], 2, "cannot read years"),
        (["panel", "--years", "2020-2024", "--variables", "trade"], 3, "no requested variable"),
        (["panel", "--years", "2011", "--dyads", "IRN-IRN"], 2, "same state"),
        (["panel", "--years", "2011", "--variables", "atopp"], 2, "unknown variable"),
        (["panel", "--years", "2011", "--output", "/nonexistent/x/p.parquet"], 6, "does not exist"),
        (["data", "info", "nosuch"], 2, "unknown dataset"),
    ],
)
def test_cli_bad_input_is_one_line(args, code, words, tmp_path):
    r = run(*args)
    assert r.returncode == code
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in r.stderr


def test_cli_no_partial_output_on_failure(tmp_path):
    target = tmp_path / "p.parquet"
    r = run("panel", "--years", "2020-2024", "--variables", "trade", "--output", str(target))
    assert r.returncode != 0 and not target.exists() and list(tmp_path.iterdir()) == []


def test_cli_data_list_info_cite():
    r = run("data", "list", "--format", "json")
    assert r.returncode == 0, r.stderr
    names = {d["name"] for d in json.loads(r.stdout)}
    assert {"atop", "cow_trade", "cow_nmc", "un_votes", "sipri_transfers"} <= names
    r = run("data", "info", "atop", "--format", "json")
    assert json.loads(r.stdout)["version"] == "5.1"
    r = run("data", "cite", "atop", "cow_trade")
    assert "@Article{leedsetal2002atop," in r.stdout and "barbierietal2009td" in r.stdout


def test_cli_update_offline_keeps_snapshot(tmp_path):
    r = run("data", "update", "cow_mid")
    assert r.returncode == 5 and "cannot be updated" in r.stderr
