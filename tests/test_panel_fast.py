"""The fast panel path (sorted base + keyed lookups) against the DuckDB join path."""

import json

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from allyscope.panel import FAMILIES, panel
from allyscope.panel.build import _build_fast, _build_sql, _gw_pairs, parse_dyads
from allyscope.panel.dyads import base_frame
from allyscope.panel.gather import Base, DuplicateKeys
from allyscope.sources.store import file_sha256, load

DYADS = ["IRN-RUS", "RUS-IRN", "USA-GBR", "ISR-EGY", "IND-PAK", "GFR-GDR", "SRB-CRO"]


def both_paths(years, variables, directed, system, dyads):
    fams = [FAMILIES[v] for v in variables]
    pairs = parse_dyads(dyads)
    codes = {c for p in pairs for c in p} if pairs is not None else None
    if system == "gw" and pairs is not None:
        pairs = _gw_pairs(pairs)
    fast, prov_fast = _build_fast(system, years, pairs, directed, fams, codes)
    sql, prov_sql = _build_sql(system, years, pairs, directed, fams, codes)
    return fast, sql, prov_fast, prov_sql


#: columns computed with trigonometry: Polars and DuckDB call different sin/cos, which can
#: differ in the last bit (Athens-Ankara: 1.1e-13 km); every other column is exact
TRIG = ["capdist"]


def assert_same(fast, sql):
    trig = [c for c in TRIG if c in fast.columns]
    assert_frame_equal(fast.drop(trig), sql.drop(trig), check_exact=True)
    if trig:
        assert_frame_equal(
            fast.select(trig), sql.select(trig), check_exact=False, rel_tol=1e-12, abs_tol=0
        )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    years=st.lists(st.integers(1816, 2024), min_size=1, max_size=3, unique=True).map(sorted),
    variables=st.lists(st.sampled_from(sorted(FAMILIES)), min_size=0, max_size=4, unique=True),
    directed=st.booleans(),
    system=st.sampled_from(["cow", "gw"]),
    dyads=st.none() | st.lists(st.sampled_from(DYADS), min_size=1, max_size=3).map(",".join),
)
def test_fast_path_equals_sql_path(years, variables, directed, system, dyads):
    fast, sql, prov_fast, prov_sql = both_paths(years, variables, directed, system, dyads)
    assert_same(fast, sql)
    assert prov_fast == prov_sql


@pytest.mark.parametrize("system", ["cow", "gw"])
def test_fast_path_equals_sql_path_every_family_over_a_span(system):
    fast, sql, _, _ = both_paths(list(range(2005, 2016)), sorted(FAMILIES), True, system, None)
    assert_same(fast, sql)


# --- the lookup primitive against a plain LEFT JOIN on random small tables -----------

YEARS = [1816, 1817, 1830, 1831]  # 1816-17 and 1830-31: a few states, some spells change
CODES = [2, 200, 210, 211, 220, 230, 240, 245, 255, 267, 269, 300, 325, 365, 640, 999]
KEYS = {"dyad": ("ccode1", "ccode2"), "reverse": ("ccode1", "ccode2"), "pair": ("ccode1", "ccode2")}
JOIN_ON = {
    "dyad": "t.ccode1 = b.ccode1 AND t.ccode2 = b.ccode2",
    "reverse": "t.ccode1 = b.ccode2 AND t.ccode2 = b.ccode1",
    "pair": "t.ccode1 = least(b.ccode1, b.ccode2) AND t.ccode2 = greatest(b.ccode1, b.ccode2)",
    "state1": "t.ccode = b.ccode1",
    "state2": "t.ccode = b.ccode2",
}


def reference_join(frame, table, on):
    con = duckdb.connect()
    try:
        con.register("bf", frame.with_row_index("rn"))
        con.register("t", table)
        values = [c for c in table.columns if c not in ("year", "ccode", "ccode1", "ccode2")]
        sel = ", ".join(f't."{c}" AS "x.{c}"' for c in values)
        return (
            con.sql(
                f"SELECT {sel} FROM bf b LEFT JOIN t ON {JOIN_ON[on]} AND t.year = b.year "
                "ORDER BY b.rn"
            )
            .pl()
            .cast(table.select(values).rename(lambda c: "x." + c).schema)  # type: ignore[arg-type]
        )
    finally:
        con.close()


code = st.sampled_from(CODES)
year = st.sampled_from([*YEARS, 1815, 1900])
value = st.none() | st.integers(-5, 5)


@settings(max_examples=60, deadline=None)
@given(
    on=st.sampled_from(list(JOIN_ON)),
    rows=st.lists(st.tuples(year, code, code, value, value), max_size=60),
    directed=st.booleans(),
    gw=st.booleans(),
)
def test_gather_equals_left_join(on, rows, directed, gw):
    frame, grid = base_frame("gw" if gw else "cow", YEARS, None, directed)
    if gw:
        frame = frame.drop("gwcode1", "gwcode2")  # its COW codes may be null
    dyadic = on in ("dyad", "reverse", "pair")
    cols = ["year", "ccode1", "ccode2"] if dyadic else ["year", "ccode"]
    table = pl.DataFrame(
        [(r[0], r[1], r[2], r[3], r[4]) if dyadic else (r[0], r[1], r[3], r[4]) for r in rows],
        schema={**dict.fromkeys(cols, pl.Int16), "v": pl.Int8, "w": pl.Float64},
        orient="row",
    )
    table = table.unique(cols, keep="first", maintain_order=True)
    expected = reference_join(frame, table, on)
    for base in [Base(frame)] if gw else [Base(frame), Base(frame, grid)]:
        assert_frame_equal(base.gather(table, on, "x."), expected, check_exact=True)


@pytest.mark.parametrize("on", ["dyad", "pair", "state1"])
def test_gather_refuses_a_repeated_key_that_a_base_row_matches(on):
    frame, grid = base_frame("cow", [2011], None, True)
    if on == "state1":
        table = pl.DataFrame({"year": [2011, 2011], "ccode": [2, 2], "v": [1, 2]})
    else:
        table = pl.DataFrame(
            {"year": [2011] * 2, "ccode1": [2, 2], "ccode2": [200] * 2, "v": [1, 2]}
        )
    for base in (Base(frame), Base(frame, grid)):
        with pytest.raises(DuplicateKeys):
            base.gather(table, on, "x.")


def test_a_repeated_source_key_repeats_rows_as_the_join_does(tmp_path, monkeypatch):
    """An updated ATOP copy with one row twice: the panel falls back to the SQL join."""
    atop = load("atop")
    dup = atop.filter(
        (pl.col("ccode1") == 2) & (pl.col("ccode2") == 200) & (pl.col("year") == 2011)
    )
    path = tmp_path / "atop-dup.parquet"
    pl.concat([atop, dup]).write_parquet(path)
    cache = tmp_path / "cache"
    (cache / "atop").mkdir(parents=True)
    record = {"path": str(path), "sha256": file_sha256(path), "version": "test"}
    (cache / "atop" / "current.json").write_text(json.dumps(record), encoding="utf-8")
    monkeypatch.setenv("ALLYSCOPE_CACHE", str(cache))
    df = panel(years=2011, variables="atop")
    assert df.height == 37_830 + 1
    assert df.filter((pl.col("ccode1") == 2) & (pl.col("ccode2") == 200)).height == 2
    assert df.select("year", "ccode1", "ccode2").equals(
        df.select("year", "ccode1", "ccode2").sort(pl.all())
    )


def test_a_cow_panel_without_un_votes_does_not_import_numpy():
    """numpy's import is about a tenth of a whole 1816-2014 panel run; only the vote
    similarity (BLAS), the arms family (a DuckDB aggregation, and DuckDB's result
    conversion imports pyarrow and numpy) and the G-W key path need it."""
    import subprocess
    import sys

    code = (
        "import sys, allyscope; from allyscope.panel import FAMILIES; "
        "allyscope.panel(years=(2010, 2012), variables=[f for f in FAMILIES if f not in ('un_votes', 'arms')]); "
        "print('numpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
