import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import allyscope
from allyscope.errors import CoverageError, InvalidInputError, UnknownStateError
from allyscope.panel import FAMILIES, coverage, panel, parse_years
from allyscope.sources.store import load


def row(df, a, b, year):
    out = df.filter((pl.col("ccode1") == a) & (pl.col("ccode2") == b) & (pl.col("year") == year))
    assert out.height == 1, (a, b, year, out.height)
    return out.row(0, named=True)


@pytest.fixture(scope="module")
def p2011():
    return panel(years=2011, variables=["atop", "trade", "un_votes", "nmc"])


def test_2011_has_every_directed_pair_of_members(p2011):
    assert p2011.height == 37_830  # 195 members x 194
    assert p2011.select(pl.struct("ccode1", "ccode2").n_unique()).item() == 37_830


def test_atop_values_2011(p2011):
    assert row(p2011, 2, 200, 2011)["atop_defense"] == 1
    iran_russia = row(p2011, 630, 365, 2011)
    assert iran_russia["atop_defense"] == 0
    assert (
        iran_russia["atop_neutral"],
        iran_russia["atop_nonagg"],
        iran_russia["atop_consul"],
    ) == (1, 1, 1)


def test_cow_trade_iran_russia_both_directions(p2011):
    # data README sanity figure 3: Russia's imports from Iran 342, Iran's from Russia 3599
    assert row(p2011, 365, 630, 2011)["flow1"] == 342
    assert row(p2011, 365, 630, 2011)["flow2"] == 3599
    assert row(p2011, 630, 365, 2011)["flow1"] == 3599
    assert row(p2011, 630, 365, 2011)["flow2"] == 342


@pytest.mark.parametrize(
    ("year", "rus_from_irn", "irn_from_rus"),
    [(2010, 272, 1150), (2012, 428, 2090), (2014, 352, 1460)],
)
def test_cow_trade_neighbouring_years(year, rus_from_irn, irn_from_rus):
    df = panel(years=year, dyads=[("RUS", "IRN")], variables="trade")
    assert (df["flow1"].item(), df["flow2"].item()) == (rus_from_irn, irn_from_rus)


def test_atop_iran_russia_after_1991():
    # data README sanity figure 2: rows only for 2001-2018, all neutral/nonagg/consul
    df = panel(years="1992-2018", dyads="IRN-RUS,RUS-IRN", variables="atop")
    assert df.height == 54
    allied = df.filter(pl.col("year") >= 2001)
    assert allied.height == 36
    assert allied.select(pl.col("atop_neutral", "atop_nonagg", "atop_consul").min()).row(0) == (
        1,
        1,
        1,
    )
    assert allied.select(pl.col("atop_defense", "atop_offense").max()).row(0) == (0, 0)
    assert (
        df.filter(pl.col("year") < 2001)
        .select(pl.sum_horizontal(pl.all().exclude("ccode1", "ccode2", "year")).max())
        .item()
        == 0
    )


@pytest.mark.parametrize(
    ("year", "joint", "same"), [(1995, 75, 32), (2005, 92, 59), (2015, 74, 48), (2019, 83, 57)]
)
def test_un_agreement_matches_data_readme(year, joint, same):
    df = panel(years=year, dyads="IRN-RUS", variables="un_votes")
    assert df["un_joint"].item() == joint
    assert df["un_agree"].item() == pytest.approx(same / joint)


def _slow_reference(year, a, b):
    """Loop over roll calls one by one: agreement, S (yes=1, abstain=.5, no=0) and kappa."""
    rc = load("un_roll_calls", ["rcid", "year"]).filter(pl.col("year") == year)["rcid"].to_list()
    votes = load("un_votes", ["rcid", "ccode", "vote"])
    va = dict(votes.filter(pl.col("ccode") == a).select("rcid", "vote").iter_rows())
    vb = dict(votes.filter(pl.col("ccode") == b).select("rcid", "vote").iter_rows())
    pairs = [(va[r], vb[r]) for r in rc if r in va and r in vb]
    n = len(pairs)
    same = sum(x == y for x, y in pairs)
    score = {1: 1.0, 2: 0.5, 3: 0.0}
    s = 1 - 2 * sum(abs(score[x] - score[y]) for x, y in pairs) / n
    pe = sum(
        (sum(x == k for x, _ in pairs) / n) * (sum(y == k for _, y in pairs) / n) for k in (1, 2, 3)
    )
    return n, same / n, s, (same / n - pe) / (1 - pe)


@pytest.mark.parametrize(("year", "a", "b"), [(2005, 630, 365), (1980, 2, 365), (2011, 2, 200)])
def test_un_similarity_equals_slow_reference(year, a, b):
    df = panel(years=year, dyads=[(a, b)], variables="un_votes")
    n, agree, s, kappa = _slow_reference(year, a, b)
    assert df["un_joint"].item() == n
    assert df["un_agree"].item() == pytest.approx(agree, abs=1e-12)
    assert df["un_sscore"].item() == pytest.approx(s, abs=1e-12)
    assert df["un_kappa"].item() == pytest.approx(kappa, abs=1e-12)


def test_un_similarity_same_for_one_dyad_and_all_dyads():
    alone = panel(years=2005, dyads="IRN-RUS", variables="un_votes")
    everyone = panel(years=2005, variables="un_votes")
    assert row(everyone, 630, 365, 2005) == alone.row(0, named=True)


def test_missing_is_null_never_zero():
    df = panel(years="2014-2020", dyads="IRN-RUS", variables="atop,trade,un_votes,igos")
    by_year = {r["year"]: r for r in df.iter_rows(named=True)}
    assert by_year[2018]["atop_defense"] == 0 and by_year[2019]["atop_defense"] is None
    assert by_year[2014]["flow1"] is not None and by_year[2015]["flow1"] is None
    assert by_year[2014]["igos"] is not None and by_year[2015]["igos"] is None
    assert by_year[2019]["un_agree"] is not None and by_year[2020]["un_agree"] is not None
    later = panel(years=2021, dyads="IRN-RUS", variables="un_votes,idealpoints")
    assert later["un_agree"].item() is None
    assert later["idealpoint_dist"].item() is not None


def test_voeten_ideal_points_match_data_readme():
    """The data README's figures, with Iran and Russia the right way round: its prose swaps
    them (the source rows say countryname Russia, ccode 365: 0.952 in 1995)."""
    df = panel(years="1995,2005,2015,2023,2024", dyads="RUS-IRN", variables="idealpoints")
    ip = {r["year"]: (r["idealpoint1"], r["idealpoint2"]) for r in df.iter_rows(named=True)}
    assert ip[1995] == pytest.approx((0.952, -1.785), abs=5e-4)
    assert ip[2005] == pytest.approx((0.052, -1.622), abs=5e-4)
    assert ip[2015] == pytest.approx((-0.095, -1.833), abs=5e-4)
    assert ip[2023] == pytest.approx((-1.272, -1.543), abs=5e-4)
    assert ip[2024] == (None, None)  # 2024 has final-passage estimates only
    fp = df.filter(pl.col("year") == 2024)["idealpointfp_dist"].item()
    assert fp == pytest.approx(abs(-0.598 - -1.275), abs=1e-3)


def test_voeten_agreement_snapshot_matches_data_readme():
    v = load("voeten_agreement").filter(pl.col("ccode") == 630)
    agree = dict(v.select("year", "russagree").iter_rows())
    assert agree[1995] == pytest.approx(0.428571, abs=1e-6)
    assert agree[2005] == pytest.approx(0.732394, abs=1e-6)
    assert agree[2023] == pytest.approx(0.682927, abs=1e-6)


def test_all_directed_dyads_1816_2014_match_peacesciencer():
    """Row count and null counts equal peacesciencer 1.2.9's create_dyadyears() |>
    add_atop_alliance() |> add_nmc() |> add_igos() (run in R on the same data)."""
    df = panel(years="1816-2014", variables="atop,nmc,igos")
    assert df.height == 1_836_630
    nulls = df.null_count().row(0, named=True)
    expected = {
        "milex1": 167_343,
        "milper1": 39_438,
        "irst1": 1_152,
        "pec1": 19_409,
        "upop1": 2_829,
        "tpop1": 0,
        "cinc1": 0,
        "igos": 1_284,
        "atop_defense": 0,
    }
    for col, n in expected.items():
        assert nulls[col] == n, col
        if col.endswith("1"):
            assert nulls[col[:-1] + "2"] == n


def test_gw_system_matches_peacesciencer_gw_ddy_count():
    df = panel(years="1816-2024", system="gw")
    assert df.height == 2_599_466
    assert {"gwcode1", "gwcode2", "ccode1", "ccode2", "year"} <= set(df.columns)


@settings(max_examples=8, deadline=None)
@given(
    st.integers(1950, 2014),
    st.lists(st.sampled_from(sorted(FAMILIES)), min_size=1, max_size=4, unique=True),
)
def test_directed_and_undirected_agree(year, variables):
    # a year no requested variable covers is refused (CoverageError, tested elsewhere)
    assume(
        any(
            lo <= year <= hi
            for lo, hi in (FAMILIES[v].unit_coverage("dyad-year") for v in variables)
        )
    )
    d = panel(years=year, variables=variables)
    u = panel(years=year, variables=variables, directed=False)
    assert u.height * 2 == d.height
    assert u.equals(d.filter(pl.col("ccode1") < pl.col("ccode2")))


def test_dyads_follow_the_order_given():
    d = panel(years=2011, dyads="RUS-IRN", variables="trade")
    assert (d["ccode1"].item(), d["ccode2"].item()) == (365, 630)
    u = panel(years=2011, dyads="RUS-IRN", variables="trade", directed=False)
    assert (u["ccode1"].item(), u["ccode2"].item()) == (365, 630)
    assert panel(years=2011, dyads=[("Iran", "Russia")], variables="trade").height == 1


def test_coverage_is_queryable():
    cov = coverage()
    trade = cov.filter(pl.col("column") == "flow1").row(0, named=True)
    assert (trade["first_year"], trade["last_year"], trade["datasets"]) == (1870, 2014, "cow_trade")
    assert set(cov["variable"]) == set(FAMILIES)


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        (2011, [2011]),
        ("1990-1992", [1990, 1991, 1992]),
        ("1990,1995-1996", [1990, 1995, 1996]),
        ((2000, 2001), [2000, 2001]),
    ],
)
def test_parse_years(years, expected):
    assert parse_years(years) == expected


@pytest.mark.parametrize("bad", ["2014-2011", "20x1", "1700", (2014, 2011), "1816-3000", ""])
def test_bad_years(bad):
    with pytest.raises(InvalidInputError):
        parse_years(bad)


def test_bad_panel_requests():
    with pytest.raises(CoverageError):
        panel(years="2020-2024", variables="trade")
    with pytest.raises(InvalidInputError, match="unknown variable"):
        panel(years=2011, variables="atopp")
    with pytest.raises(UnknownStateError):
        panel(years=2011, dyads="IRN-XYZ")
    with pytest.raises(InvalidInputError, match="same state"):
        panel(years=2011, dyads="IRN-Persia")
    with pytest.raises(InvalidInputError):
        panel(years=2011, dyads="IRN")
    with pytest.raises(CoverageError):
        panel(years=1900, dyads="IRN-UKR")
    with pytest.raises(InvalidInputError):
        panel(years=2011, system="xyz")


def test_panel_function_is_not_shadowed_by_its_subpackage():
    # Importing a submodule of the package allyscope.panel must not replace the public
    # function allyscope.panel; calling it twice is the regression this guards.
    import importlib

    import allyscope.panel.build as build_module  # the `import a.b.c as x` form must work too

    importlib.import_module("allyscope.panel.trade")
    assert callable(allyscope.panel) and callable(build_module.panel)
    first = allyscope.panel(years=2010, dyads=[("IRN", "RUS")], variables=["atop"])
    second = allyscope.panel(years=2010, dyads=[("IRN", "RUS")], variables=["atop"])
    assert first.equals(second)
