"""The assessment engine: JSON contract, typology rules, calibration, periods, bad input."""

import itertools
import json
import os
import subprocess
import sys

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import allyscope
from allyscope.assessment import LADDER, Thresholds
from allyscope.assessment.calibration import load_calibration, reference_dyads, validate
from allyscope.assessment.typology import classify, smooth
from allyscope.errors import DataError, InvalidInputError, UnknownStateError
from allyscope.indicators import DIMENSIONS, catalog
from allyscope.indicators.system import PairwiseDistance, YearDistribution
from allyscope.sources import curated


@pytest.fixture(scope="module")
def module_cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLYSCOPE_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="module")
def iran_russia(module_cache):
    return allyscope.assess("IRN", "RUS", years=(1992, 2025))


@pytest.fixture(scope="module")
def contract(iran_russia):
    # the JSON contract must survive a JSON round trip unchanged
    return json.loads(json.dumps(iran_russia.as_dict()))


@pytest.fixture(scope="module")
def validation(module_cache):
    return validate()


def test_json_contract_keys(contract):
    assert set(contract["dyad"]["a"]) == {"cow", "iso3", "name"}
    assert contract["dyad"]["a"]["iso3"] == "IRN" and contract["dyad"]["b"]["cow"] == 365
    years = [y["year"] for y in contract["by_year"]]
    assert years == list(range(1992, 2026))
    for y in contract["by_year"]:
        assert {"year", "type", "score", "confidence", "criteria", "dimensions"} <= set(y)
        assert y["type"] in LADDER
        assert 0 <= y["score"] < 1 and 0 <= y["confidence"] <= 1 and 0 <= y["robustness"] <= 1
        for name, c in y["criteria"].items():
            assert {"value", "met", "evidence"} <= set(c), name
        assert set(y["dimensions"]) == set(DIMENSIONS)
    for p in contract["periods"]:
        assert {"start", "end", "type", "confidence"} <= set(p)
    assert contract["asymmetry"]["more_dependent"] in ("IRN", "RUS", None)
    assert set(contract["asymmetry"]["by_dimension"]) >= {"economic", "security"}
    assert isinstance(contract["drivers"], list) and isinstance(contract["obstacles"], list)
    for s in contract["sources"]:
        assert {"dataset", "version", "citation"} <= set(s) and s["citation"]


def test_periods_tile_the_years(contract):
    ps = contract["periods"]
    assert ps[0]["start"] == 1992 and ps[-1]["end"] == 2025
    for prev, nxt in itertools.pairwise(ps):
        assert nxt["start"] == prev["end"] + 1
        assert nxt["type"] != prev["type"]  # neighbours of one type are merged


def test_every_number_traces_to_a_source(contract):
    known = {s["dataset"] for s in contract["sources"]}
    for y in contract["by_year"]:
        for c in y["criteria"].values():
            for ev in c["evidence"]:
                assert {d.split(" ")[0] for d in ev["datasets"]} <= known
                assert ev["row"]["year"] == y["year"]
    reg_ids = set(curated.bilateral()["id"].to_list())
    for item in contract["drivers"] + contract["obstacles"]:
        if str(item["indicator"]).startswith("registry:"):
            assert item["indicator"].split(":", 1)[1] in reg_ids
        else:
            assert item["source"]


def test_missing_is_null_not_zero_and_lowers_confidence(contract):
    by = {y["year"]: y for y in contract["by_year"]}
    # COW trade ends in 2014: economic indicators are null afterwards, never 0
    assert by[2010]["dimensions"]["economic"]["indicators"]["trade_total"] > 0
    assert by[2020]["dimensions"]["economic"]["indicators"]["trade_total"] is None
    assert any(m.startswith("cow_trade ") for m in by[2020]["missing_sources"])
    # ICEWS event counts cover 2002-2014 only
    assert by[2010]["dimensions"]["societal"]["indicators"]["icews_events"] > 0
    assert by[2020]["dimensions"]["societal"]["indicators"]["icews_events"] is None
    assert by[2025]["confidence"] < by[2010]["confidence"]
    # ATOP (to 2018) is carried forward and says so
    ev = {e["indicator"]: e for e in by[2020]["criteria"]["commitment"]["evidence"]}
    assert ev["atop_nonagg"]["carried_from"] == 2018


def test_iran_russia_registry_events_drive_the_latest_years(iran_russia):
    f = iran_russia.frame
    row = f.filter(pl.col("year") == 2025).row(0, named=True)
    assert "IRN-RUS-2025-csp" in row["reg_ids"]
    assert (
        row["c_commitment"] == 2
    )  # a named comprehensive strategic partnership, no defence clause
    assert row["type"] == "strategic_partnership"
    assert iran_russia.asymmetry["more_dependent"] == "IRN"


def test_reference_dyad_years_and_leave_one_dyad_out(validation):
    d = validation.as_dict()
    assert d["reference_dyads_check_year"] == "10/10"
    assert validation.n_cases == 80 and validation.n_middle == 59
    # measured for this release (docs/assessment.md); a regression fails here
    assert validation.exact >= 70 and validation.acceptable >= 76
    assert validation.middle_exact >= 50
    assert validation.loo_exact >= 67 and validation.loo_acceptable >= 74
    assert d["flicker"]["blips_per_100_dyad_years"] <= 1.0
    conf = {r["expected"]: r for r in d["confusion"]}
    assert sum(r[r["expected"]] for r in conf.values()) == validation.exact
    assert {c["dyad"] for c in d["dyad_years"]} >= {"IND-FRA", "CUB-RUS", "SYR-TUR"}


def test_shipped_calibration_is_the_fit(validation):
    assert load_calibration() == validation.thresholds
    assert validation.shipped_matches


RULE_DEFAULTS = {
    "a": 1,
    "b": 2,
    "year": 2000,
    "c_commitment": 0,
    "c_convergence": 0.2,
    "c_shared_threat": 0.0,
    "c_depth": 0.0,
    "c_breadth": 1,
    "c_durability": 0,
    "c_symmetry": None,
    "c_friction": 0.0,
    "formal_pledge": False,
    "short_pledge": False,
    "collective_pledge": False,
    "shared_defence_org": 0,
    "declared_level": 0,
    "declared_fresh": False,
    "reg_normalised": 0,
    "hostile_level": 0,
    "hostile_2y": 0.0,
    "reg_friction_2y": 0.0,
    "hostile_years_3": 0.0,
    "force_years_3": 0.0,
    "mid_years_3": 0.0,
    "severed": False,
    "strain": False,
    "strain_direct": False,
    "friction_political": 0,
    "opposite_sides": 0,
    "friction_starts": False,
    "rivalry_c": 0,
    "mids_10y": 0.0,
    "armed_10y": 0.0,
    "trade_last": 0.0,
    "trade_last_from": 2000,
    "unsettled_war": False,
    "security_coop": False,
    "reg_defence_coop": 0,
    "defence_recent": 0.0,
    "defence_2y": 0.0,
    "defence_practice_years": 0.0,
    "forces_or_training": False,
    "forces": False,
    "war": False,
    "cobelligerent": 0,
    "cobelligerent_recent": 0.0,
    "arms_dep": 0.0,
    "arms_flow_years": 0,
    "arms_now": False,
    "arms_2y": False,
    "trade_dep": 0.0,
    "shared_orgs": 0,
}


def _rule_row(**kw):
    base = RULE_DEFAULTS | kw
    row = pl.DataFrame([base], schema_overrides={"c_symmetry": pl.Float64})
    crit = ("commitment", "convergence", "shared_threat", "depth", "breadth", "durability")
    avail = {f"a_{c}": 1.0 for c in (*crit, "symmetry", "friction")}
    return row.with_columns(**{k: pl.lit(v) for k, v in avail.items()})


TH = Thresholds(convergence=0.8, depth=0.2, durability=5, breadth=2, practice_years=3)


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({}, "transactional"),
        ({"c_convergence": 0.9}, "convergence"),
        ({"declared_level": 1}, "convergence"),  # a declared friendship, no practice
        ({"shared_orgs": 1}, "convergence"),  # an issue-specific grouping
        ({"reg_normalised": 1}, "transactional"),  # a peace accord is not a partnership
        (
            {"declared_level": 1, "strain": True, "strain_direct": True},
            "transactional",
        ),  # friction blocks it
        # backing opposite sides in a third state's war does not: convergence is issue-specific
        ({"declared_level": 1, "strain": True, "opposite_sides": 1}, "convergence"),
        ({"forces_or_training": True}, "tactical_alignment"),
        ({"cobelligerent": 1}, "tactical_alignment"),
        ({"forces_or_training": True, "hostile_level": 2}, "tactical_alignment"),  # coalition
        ({"forces_or_training": True, "friction_starts": True}, "transactional"),  # host turns
        ({"arms_dep": 0.3, "arms_flow_years": 3}, "tactical_alignment"),
        ({"declared_level": 2}, "convergence"),  # declared, not practised
        ({"declared_level": 2, "defence_2y": 2.0}, "strategic_partnership"),
        ({"declared_level": 2, "declared_fresh": True}, "strategic_partnership"),  # upgrade
        # practice after the trade data end: the last observed trade share (flagged)
        ({"declared_level": 2, "trade_last": 0.1}, "strategic_partnership"),
        ({"declared_level": 2, "trade_last": 0.01}, "convergence"),
        ({"declared_level": 2, "defence_2y": 2.0, "rivalry_c": 1}, "convergence"),  # rivals
        # friction last year (an ambassador expelled): no partnership on old practice this year
        ({"declared_level": 2, "defence_2y": 2.0, "reg_friction_2y": 1.0}, "convergence"),
        (
            {
                "defence_2y": 2.0,
                "defence_practice_years": 4.0,
                "c_durability": 6,
                "c_breadth": 2,
                "security_coop": True,
            },
            "strategic_partnership",  # de facto: several years of practice, no label
        ),
        (
            {
                "trade_dep": 0.1,
                "defence_practice_years": 3.0,
                "c_durability": 10,
                "c_breadth": 3,
                "security_coop": True,
            },
            "transactional",  # de facto, but the security practice ended two years ago
        ),
        (
            {
                "trade_dep": 0.1,
                "arms_2y": True,
                "defence_practice_years": 3.0,
                "c_durability": 10,
                "c_breadth": 3,
                "security_coop": True,
            },
            "strategic_partnership",  # ... or goes on in arms deliveries
        ),
        ({"formal_pledge": True}, "convergence"),  # a pledge not practised: typed by practice
        ({"formal_pledge": True, "shared_defence_org": 1}, "alliance"),
        ({"formal_pledge": True, "arms_dep": 0.05, "c_convergence": 0.9}, "alliance"),
        (
            {"formal_pledge": True, "arms_dep": 0.05, "strain": True, "strain_direct": True},
            "alliance",
        ),  # a trade war
        (
            {
                "formal_pledge": True,
                "arms_dep": 0.05,
                "strain": True,
                "strain_direct": True,
                "friction_political": 1,
            },
            "transactional",  # an ambassador recalled: the pledge is not practised
        ),
        ({"formal_pledge": True, "short_pledge": True, "arms_dep": 0.05}, "tactical_alignment"),
        # a pledge only a collective-security pact carries is not made an alliance by arms
        ({"formal_pledge": True, "collective_pledge": True, "arms_dep": 0.05}, "convergence"),
        ({"formal_pledge": True, "hostile_level": 4, "war": True}, "rivalry"),
        ({"formal_pledge": True, "shared_defence_org": 1, "severed": True}, "rivalry"),
        # one armed incident between partners is not a change of relationship ...
        ({"declared_level": 2, "defence_2y": 2.0, "hostile_level": 3}, "strategic_partnership"),
        # ... force used again is
        (
            {
                "declared_level": 2,
                "hostile_level": 3,
                "force_years_3": 2.0,
                "strain": True,
                "strain_direct": True,
            },
            "rivalry",
        ),
        ({"rivalry_c": 1, "hostile_2y": 1.0}, "rivalry"),  # a listed rival acting hostile
        ({"rivalry_c": 1}, "transactional"),  # listed, nothing hostile lately
        # a listed rival coercing, whatever words they exchange
        (
            {
                "rivalry_c": 1,
                "declared_level": 1,
                "reg_friction_2y": 2.0,
                "strain": True,
                "strain_direct": True,
            },
            "rivalry",
        ),
        ({"mids_10y": 2.0, "hostile_years_3": 2.0}, "rivalry"),
        # militarised history after COW-MID ends: a registry clash, or a war never settled
        ({"armed_10y": 1.0, "hostile_years_3": 2.0}, "rivalry"),
        ({"unsettled_war": True, "hostile_years_3": 3.0}, "rivalry"),
        ({"unsettled_war": True, "hostile_years_3": 3.0, "declared_level": 1}, "convergence"),
    ],
)
def test_ladder_rules(kw, expected):
    if "c_convergence" not in kw and kw.get("formal_pledge") and not kw.get("shared_defence_org"):
        kw = kw | {"c_convergence": 0.9}
    assert classify(_rule_row(**kw), TH)["type"][0] == expected


def test_missing_data_lower_confidence_not_score():
    full = classify(_rule_row(c_convergence=0.9), TH)
    gap = classify(_rule_row(c_convergence=0.9).with_columns(a_depth=pl.lit(0.0)), TH)
    assert gap["confidence"][0] < full["confidence"][0]
    assert gap["type"][0] == full["type"][0]


def _series(types, events=()):
    rows = [
        RULE_DEFAULTS | {"year": 2000 + i, "raw_type": t, "friction_starts": i in events}
        for i, t in enumerate(types)
    ]
    return pl.DataFrame(rows, schema_overrides={"c_symmetry": pl.Float64})


def test_smoothing_removes_unexplained_blips_and_keeps_record_changes():
    conv, tran = "convergence", "transactional"
    s = smooth(_series([conv, conv, conv, tran, conv, conv, conv]))
    assert s["type"].to_list() == [conv] * 7  # a one-year blip nothing in the record explains
    s = smooth(_series([conv, conv, conv, tran, conv, conv, conv], events=(3,)))
    assert s["type"][3] == tran  # a friction row that begins that year explains it
    alt = smooth(_series([conv, conv, tran, conv, tran, conv, conv, tran, conv, conv]))
    changes = sum(a != b for a, b in itertools.pairwise(alt["type"].to_list()))
    assert changes == 0  # scattered one-year dips collapse to the type around them


@settings(max_examples=40, deadline=None)
@given(
    series=st.lists(
        st.lists(st.sampled_from(LADDER), min_size=1, max_size=12), min_size=1, max_size=4
    ),
    events=st.sets(st.integers(0, 11), max_size=3),
    seed=st.integers(0, 1000),
)
def test_smoothing_is_per_series_whatever_the_row_order(series, events, seed):
    """smooth() reads windows as shifts over the rows sorted by series and year (issue 26):
    several series in one frame, in any row order, are each smoothed as if alone."""
    frames = [
        _series(types, events=tuple(events)).with_columns(a=pl.lit(i), b=pl.lit(100 + i))
        for i, types in enumerate(series)
    ]
    alone = pl.concat([smooth(f) for f in frames], how="vertical")
    mixed = pl.concat(frames, how="vertical").sample(fraction=1.0, shuffle=True, seed=seed)
    together = smooth(mixed).sort("a", "b", "year")
    assert together.select(alone.columns).equals(alone.sort("a", "b", "year"))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-3, 3, allow_nan=False), min_size=2, max_size=25),
    st.lists(st.floats(0, 6, allow_nan=False), min_size=1, max_size=5),
)
def test_pairwise_distance_percentile_matches_brute_force(xs, qs):
    x = np.array(xs)
    t = pl.DataFrame({"year": [2000] * len(x), "v": x})
    got = PairwiseDistance(t, "v").percentile(pl.Series([2000] * len(qs)), pl.Series(qs)).to_numpy()
    iu, ju = np.triu_indices(len(x), 1)
    dist = np.abs(x[iu] - x[ju])
    for g, q in zip(got, qs, strict=True):
        lo, hi = (dist < q - 1e-9).mean(), (dist <= q + 1e-9).mean()
        assert lo - 1e-12 <= g <= hi + 1e-12


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 50), min_size=1, max_size=30), st.integers(0, 60))
def test_year_distribution_counts_implicit_zeros(values, q):
    from allyscope.indicators.system import n_pairs

    t = pl.DataFrame({"year": [2000] * len(values), "v": values})
    got = YearDistribution(t, "v", implicit_zeros=True).percentile(
        pl.Series([2000]), pl.Series([q])
    )[0]
    full = np.concatenate([np.zeros(n_pairs(2000) - len(values)), np.array(values, dtype=float)])
    expected = ((full < q).sum() + (full <= q).sum()) / 2 / len(full)
    assert got == pytest.approx(expected)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(2000, 2003), st.integers(0, 9)), min_size=0, max_size=60),
    st.lists(
        st.tuples(st.integers(1999, 2001), st.one_of(st.none(), st.integers(0, 10))),
        min_size=0,
        max_size=120,
    ),
)
def test_year_distribution_matches_brute_force_in_any_row_order(table, queries):
    """Many queries a year (the sorted path), few (the direct count), null values, years the
    table lacks and no query at all: each row gets its own year's mid-rank, in its own place."""
    t = pl.DataFrame(table, schema={"year": pl.Int16, "v": pl.Float64}, orient="row")
    q = pl.DataFrame(queries, schema={"year": pl.Int16, "q": pl.Float64}, orient="row")
    got = YearDistribution(t, "v").percentile(q["year"], q["q"]).to_list()
    for g, (year, value) in zip(got, queries, strict=True):
        ref = np.array([v for y, v in table if y == year], dtype=float)
        if value is None or len(ref) == 0:
            assert g is None
        else:
            assert g == pytest.approx(((ref < value).sum() + (ref <= value).sum()) / 2 / len(ref))


def test_catalogue_order_does_not_depend_on_which_module_is_imported_first():
    """The order is the computation order and the JSON's: a module imported first elsewhere
    (the system tables' reader imports some in a thread) must not move its indicators."""
    import subprocess
    import sys

    code = (
        "import allyscope.indicators.societal, allyscope.indicators.security\n"
        "from allyscope.indicators import catalog\n"
        "print(','.join(i.name for i in catalog()))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ",".join(i.name for i in catalog())
    assert [i.dimension for i in catalog()][:3] == ["diplomatic"] * 3


def test_catalogue_declares_every_indicator():
    names = [i.name for i in catalog()]
    assert len(names) == len(set(names)) >= 40
    for i in catalog():
        assert i.dimension in DIMENSIONS and i.direction in (-1, 0, 1)
        assert i.coverage[0] <= i.coverage[1] and i.datasets and i.description


def test_registry_rows_cite_sources_and_cover_the_reference_dyads():
    b = curated.bilateral()
    assert (b["source"].str.len_chars() > 10).all()
    ids = set(b["id"].to_list())
    assert {"IRN-RUS-2001-basis", "IRN-RUS-2025-csp"} <= ids
    csp = b.filter(pl.col("id") == "IRN-RUS-2025-csp").row(0, named=True)
    assert csp["signed"] == "2025-01-17" and csp["defence"] == 0
    pairs = {frozenset(p) for p in b.select("ccode_a", "ccode_b").iter_rows()}
    m = curated.membership_years()
    for r in reference_dyads().iter_rows(named=True):
        a, c = r["ccode_a"], r["ccode_b"]
        shared = m.filter(pl.col("ccode") == a).join(
            m.filter(pl.col("ccode") == c), on=["org", "year"]
        )
        assert frozenset((a, c)) in pairs or shared.height > 0, r["dyad"]


def test_registry_validation_names_the_line(monkeypatch):
    bad = (
        pl.DataFrame(
            {
                c: ["x"]
                for c in (
                    "id",
                    "a",
                    "b",
                    "name",
                    "source",
                    "url",
                    "notes",
                    "dimensions",
                    "partnership",
                )
            }
            | {
                "kind": ["alliance"],
                "signed": ["2001-03-12"],
                "in_force": [""],
                "ended": [""],
                "defence": ["0"],
                "offence": ["0"],
                "nonaggression": ["0"],
                "consultation": ["0"],
                "direction": ["1"],
            }
        )
        .with_columns(pl.col("partnership").replace("x", ""))
        .with_row_index("line", offset=2)
    )
    monkeypatch.setattr(curated, "_read", lambda name: bad)
    curated.bilateral.cache_clear()
    try:
        with pytest.raises(DataError, match=r"kind not one of .* line\(s\) 2"):
            curated.bilateral()
    finally:
        curated.bilateral.cache_clear()


@pytest.mark.parametrize(
    ("args", "exc"),
    [
        (("IRN", "RUS", "2025-1992"), InvalidInputError),
        (("IRN", "RUS", "1700-1800"), InvalidInputError),
        (("IRN", "RUS", "next year"), InvalidInputError),
        (("IRN", "Iran", None), InvalidInputError),
        (("IRN", "Atlantis", None), UnknownStateError),
    ],
)
def test_bad_input(args, exc):
    a, b, years = args
    with pytest.raises(exc):
        allyscope.assess(a, b, years=years)


def test_rank_orders_partners_by_rung_then_score(module_cache):
    r = allyscope.rank("IRN", 2023)
    assert r.height > 150 and (r["iso3_a"] == "IRN").all()
    rungs = r["type"].replace_strict({t: i for i, t in enumerate(LADDER)}).to_list()
    assert rungs == sorted(rungs, reverse=True)
    assert r["rank"].to_list() == list(range(1, r.height + 1))


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "allyscope", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ},
    )


def test_cli_assess_json_and_text():
    out = _cli("assess", "IRN", "RUS", "--years", "2015", "--format", "json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["by_year"][0]["year"] == 2015 and d["dyad"]["b"]["iso3"] == "RUS"
    text = _cli("assess", "Iran", "Russia", "--years", "2010-2015")
    assert text.returncode == 0 and "Periods" in text.stdout and "Who needs whom" in text.stdout
    md = _cli("assess", "IRN", "RUS", "--years", "2012-2014", "--format", "markdown")
    assert md.returncode == 0 and md.stdout.startswith("# Iran (IRN)")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("assess", "IRN", "RUS", "--years", "2030"), 2),
        (("assess", "IRN", "Narnia"), 2),
        (("assess", "IRN", "RUS", "--format", "yaml"), 2),
        (("rank", "IRN", "--year", "1700"), 2),
    ],
)
def test_cli_assess_bad_input_is_one_line(args, code):
    out = _cli(*args)
    assert out.returncode == code
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(1, 4),  # a
            st.integers(5, 7),  # b
            st.integers(1990, 2005),  # year
            st.one_of(st.none(), st.floats(0, 1e3, allow_nan=False)),
        ),
        min_size=1,
        max_size=60,
        unique_by=lambda r: (r[0], r[1], r[2]),
    )
)
def test_window_sum_over_the_sorted_frame_is_the_per_dyad_sum(rows):
    """The five-year window sum (arms_recent) reads the rows above in the sorted frame instead
    of grouping by dyad (issue 26: 0.52 s -> 0.03 s over a ranking's 468,433 rows); it must
    give what the per-dyad window gave, value for value, gaps in the years included."""
    import polars as pl

    from allyscope.indicators.context import WINDOW
    from allyscope.indicators.security import _window_sum

    f = pl.DataFrame(rows, schema=["a", "b", "year", "x"], orient="row").sort("a", "b", "year")
    year, x = pl.col("year"), pl.col("x")
    terms = [
        pl.when(year.shift(k) > year - WINDOW).then(x.shift(k)).over("a", "b")
        for k in range(WINDOW)
    ]
    grouped = pl.when(pl.sum_horizontal(t.is_not_null() for t in terms) > 0).then(
        pl.sum_horizontal(terms)
    )
    assert f.select(_window_sum(x))["x"].equals(f.select(grouped)["x"])


def test_durability_counts_the_engaged_years_in_a_row_whatever_the_row_order():
    """Durability is read as shifts over the frame sorted by dyad and year (issue 26): it is
    the run of engaged years up to each year, capped, and a frame in another row order gives
    the same rows."""
    from allyscope.assessment.criteria import DURABILITY_CAP, criteria
    from allyscope.indicators.frame import indicator_frame

    th = load_calibration()
    frame = indicator_frame([(630, 365), (2, 200), (710, 365), (2, 365)], 1985, 2025)
    got = criteria(frame, th.convergence)
    for (_, _), rows in got.group_by("a", "b"):
        rows = rows.sort("year")
        run, want = 0, []
        for engaged in rows["engaged"].to_list():
            run = run + 1 if engaged else 0
            want.append(min(run, DURABILITY_CAP))
        assert rows["c_durability"].to_list() == want
    shuffled = criteria(frame.sample(fraction=1.0, shuffle=True, seed=11), th.convergence)
    key = ["a", "b", "year"]
    assert shuffled.sort(key).equals(got.sort(key))
