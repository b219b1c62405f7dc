"""Stata (.dta) output: whole numbers stay whole (byte/int/long), labels survive, size bounded."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allyscope.panel import panel
from allyscope.panel.export import STATA_INTS, write_table

pd = pytest.importorskip("pandas")

#: Stata 118 type codes of the numeric storage types
TYPE_NAMES = {65530: "byte", 65529: "int", 65528: "long", 65527: "float", 65526: "double"}


def stata_types(path: Path) -> dict[str, str]:
    """Storage type of each variable, read from the file's header (format 118)."""
    raw = path.read_bytes()
    k_at = raw.index(b"<K>") + 3
    (k,) = struct.unpack("<H", raw[k_at : k_at + 2])
    t_at = raw.index(b"<variable_types>") + len(b"<variable_types>")
    codes = struct.unpack(f"<{k}H", raw[t_at : t_at + 2 * k])
    with pd.io.stata.StataReader(path) as r:
        names = list(r.variable_labels())
    return {n: TYPE_NAMES.get(c, str(c)) for n, c in zip(names, codes, strict=True)}


def same_values(df: pl.DataFrame, path: Path) -> None:
    back = pd.read_stata(path, convert_categoricals=False)
    assert list(back.columns) == df.columns
    for c in df.columns:
        a = df[c].cast(pl.Float64).to_numpy()
        b = back[c].to_numpy(dtype="float64")
        assert np.array_equal(a, b, equal_nan=True), c


@pytest.fixture(scope="module")
def coded() -> pl.DataFrame:
    return panel(
        years="2010-2014", dyads="IRN-RUS,USA-GBR,IND-PAK", variables="atop,nmc,mids,contiguity"
    )


def test_whole_numbers_are_stored_as_stata_integers(tmp_path, coded):
    out = tmp_path / "p.dta"
    write_table(coded, out)
    types = stata_types(out)
    assert types["ccode1"] == types["year"] == "int"
    assert types["atop_defense"] == "byte" and types["conttype"] == "byte"
    assert coded["cowmid_hostlev1"].null_count() > 0  # nulls, yet a byte with Stata's '.'
    assert types["cowmid_hostlev1"] == "byte"
    assert types["milex1"] == "long"  # US military spending needs more than an int
    assert types["cinc1"] == "double"  # fractions stay floating point
    same_values(coded, out)


def test_cli_dta_keeps_variable_and_value_labels(tmp_path):
    from typer.testing import CliRunner

    from allyscope.cli import app

    out = tmp_path / "p.dta"
    r = CliRunner().invoke(
        app,
        [
            "panel",
            "--years",
            "2012",
            "--dyads",
            "IND-PAK,IRN-RUS",
            "-v",
            "mids,contiguity",
            "-o",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    with pd.io.stata.StataReader(out) as rd:
        var = rd.variable_labels()
        codes = rd.value_labels()
        assert rd.data_label == "allyscope panel 2012-2012"
    assert var["ccode1"] == "COW code of the first state"
    assert var["conttype"].startswith("closest contiguity")
    assert codes["conttype"][1] == "land or river"
    assert codes["cowmid_hostlev1"][5] == "war"
    assert codes["cowmid_fatality"][-9] == "unknown"
    back = pd.read_stata(out)  # labelled columns read as categories
    assert set(back["conttype"].astype(str)) <= set(codes["conttype"].values())


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.integers(-(2**40), 2**40)), min_size=1, max_size=30).flatmap(
        lambda xs: st.tuples(st.just(xs), st.sampled_from([pl.Int8, pl.Int16, pl.Int32, pl.Int64]))
    )
)
def test_integer_columns_round_trip_in_the_smallest_type(tmp_path_factory, case):
    values, dtype = case
    lo_hi = {pl.Int8: 2**7, pl.Int16: 2**15, pl.Int32: 2**31, pl.Int64: 2**40}[dtype]
    values = [None if v is None else max(-lo_hi, min(lo_hi - 1, v)) for v in values]
    df = pl.DataFrame({"x": values}, schema={"x": dtype})
    out = tmp_path_factory.mktemp("dta") / "x.dta"
    write_table(df, out)
    nonnull = [v for v in values if v is not None]
    want = next(
        (
            {"int8": "byte", "int16": "int", "int32": "long"}[t]
            for t, a, b in STATA_INTS
            if not nonnull or (a <= min(nonnull) and max(nonnull) <= b)
        ),
        "double",
    )
    assert stata_types(out)["x"] == want
    same_values(df, out)


def test_the_full_panel_fits_in_90_mb(tmp_path):
    """918,315 undirected dyad-years 1816-2014 with atop, nmc and igos: 169 MB before
    integers were kept (every column a double), about 82 MB after."""
    from typer.testing import CliRunner

    from allyscope.cli import app

    out = tmp_path / "p.dta"
    r = CliRunner().invoke(
        app,
        [
            "panel",
            "--years",
            "1816-2014",
            "--variables",
            "atop,nmc,igos",
            "--undirected",
            "--output",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "918,315 rows" in r.output
    assert out.stat().st_size <= 90e6
    with pd.io.stata.StataReader(out) as rd:
        assert rd.variable_labels()["igos"]
