"""The atlas: every dyad-year typed in one pass, the same types as assess and rank."""

import json

import polars as pl
import pytest
from typer.testing import CliRunner

import allyscope
from allyscope.assessment.atlas import COLUMNS
from allyscope.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return allyscope.atlas(years=(2022, 2023))


def test_every_pair_of_members_once_a_year(world):
    assert world.columns == list(COLUMNS)
    assert (world["a"] < world["b"]).all()
    assert world.select("a", "b", "year").is_unique().all()
    n = world.group_by("year").len().sort("year")
    assert n["len"].to_list() == [18915, 18915]  # every pair of the 195 members
    assert set(world["type"].unique()) <= set(allyscope.assessment.LADDER)
    assert world["score"].is_between(0, 1).all() and world["confidence"].is_between(0, 1).all()


def test_the_atlas_types_a_dyad_as_assess_and_rank_do(world):
    by = allyscope.assess("IRN", "RUS", years=(2022, 2023)).by_year
    got = world.filter((pl.col("iso3_a") == "RUS") & (pl.col("iso3_b") == "IRN")).sort("year")
    assert got["type"].to_list() == by["type"].to_list()
    assert got["score"].to_list() == pytest.approx(by["score"].to_list())
    ranked = allyscope.rank("IRN", 2023).select("b", "type")
    mine = (
        world.filter((pl.col("year") == 2023) & ((pl.col("a") == 630) | (pl.col("b") == 630)))
        .select(pl.when(pl.col("a") == 630).then("b").otherwise("a").alias("b"), "type")
        .sort("b")
    )
    assert mine.equals(ranked.sort("b").select(pl.col("b").cast(mine["b"].dtype), "type"))


def test_cli_writes_the_atlas_with_its_provenance(tmp_path):
    out = tmp_path / "atlas.parquet"
    r = runner.invoke(app, ["atlas", "--years", "2023", "-o", str(out)])
    assert r.exit_code == 0, r.output
    df = pl.read_parquet(out)
    assert df.height == 18915 and df["year"].unique().to_list() == [2023]
    meta = json.loads(pl.read_parquet_metadata(out)["allyscope"])
    assert meta["query"] == {
        "command": "atlas",
        "years": "2023-2023",
        "third": "USA",
        "engine": "polars",
    }
    assert meta["rows"] == 18915 and set(meta["thresholds"]) >= {"convergence", "depth"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "{tmp}/atlas.txt"], "cannot tell the format"),
        (["--years", "1700-1800", "-o", "{tmp}/a.parquet"], "years must lie within"),
    ],
)
def test_cli_refuses_bad_input_at_once_in_one_line(tmp_path, args, message):
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "allyscope", "atlas", *[a.format(tmp=tmp_path) for a in args]]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())  # nothing written
