"""Each variable from peacesciencer's verbs against peacesciencer's own tables.

The fixtures (tests/fixtures/peacesciencer/, cut by its make_fixtures.py) are slices of the
tables peacesciencer 1.2.9 ships, as staged; each test builds a slice of the panel and
compares it with what peacesciencer's verb computes from those rows. Where the verb does
more than a join (choosing one war per dyad-year, CREG's duplicates, peace years, UCDP
onsets), the test carries a plain, row-by-row port of the R code as the reference.
Deliberate differences (docs/panel.md) are asserted as such.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import polars as pl
import pytest

import allyscope
from allyscope.errors import CoverageError, InvalidInputError
from allyscope.panel.build import build_panel
from allyscope.states.table import OPEN_END_YEAR

FIX = Path(__file__).parent / "fixtures" / "peacesciencer"


def fx(name: str) -> pl.DataFrame:
    return pl.read_parquet(FIX / f"{name}.parquet")


def joined(p: pl.DataFrame, table: pl.DataFrame, key: str, side: str, cols: list[str]):
    """peacesciencer's left_join of a state-year table to one side of a dyad-year panel."""
    return p.select(pl.col(f"{key}{side}").alias(key), "year").join(
        table.select(key, "year", *cols), on=[key, "year"], how="left", maintain_order="left"
    )


def assert_sides(p, table, key, cols, names=None):
    names = names or {c: c for c in cols}
    for side in ("1", "2"):
        exp = joined(p, table, key, side, cols)
        for c in cols:
            assert p[f"{names[c]}{side}"].to_list() == exp[c].to_list(), (c, side)


# --- state-level joins ----------------------------------------------------------------


def test_democracy_equals_ccode_and_gwcode_democracy():
    cols = ["v2x_polyarchy", "polity2", "xm_qudsest"]
    p = allyscope.panel(
        years=(1946, 2019), dyads="USA-RUS,IRN-CHN,GFR-IRN,UKG-USA", variables="democracy"
    )
    assert p.height > 250
    assert_sides(p, fx("ccode_democracy"), "ccode", cols)
    assert (
        p.filter(pl.col("year") > 2017)["polity21"].null_count()
        == p.filter(pl.col("year") > 2017).height
    )  # Polity ends in 2017: null after, not 0
    s = allyscope.panel(years=(1816, 2019), variables="democracy", unit="state-year")
    exp = s.select("ccode", "year").join(
        fx("ccode_democracy"), on=["ccode", "year"], how="inner", maintain_order="left"
    )
    got = s.join(exp.select("ccode", "year"), on=["ccode", "year"], how="semi")
    for c in cols:
        assert got[c].to_list() == exp[c].to_list()
    g = allyscope.panel(
        years=(1990, 2019), dyads="USA-RUS,IRN-USA", variables="democracy", system="gw"
    )
    assert_sides(g, fx("gwcode_democracy"), "gwcode", cols)


def test_sdp_gdp_equals_cow_and_gw_sdp_gdp():
    cols = ["wbgdp2011est", "wbpopest", "sdpest", "wbgdppc2011est"]
    p = allyscope.panel(years=(1950, 2015), dyads="USA-RUS,IRN-CHN", variables="sdp_gdp")
    assert_sides(p, fx("cow_sdp_gdp"), "ccode", cols)
    assert p["sdpest1"].null_count() == 0
    g = allyscope.panel(
        years=(1991, 2015), dyads="USA-RUS,GMY-USA", variables="sdp_gdp", system="gw"
    )
    assert_sides(g, fx("gw_sdp_gdp"), "gwcode", cols)


def test_terrthreat_equals_peacesciencer():
    cols = ["lterrthreat", "sd", "lwr", "upr", "m_lterrthreat", "m_sd", "m_lwr", "m_upr"]
    p = allyscope.panel(years=(1870, 2010), dyads="USA-RUS,IRN-IND", variables="terrthreat")
    assert_sides(p, fx("terrthreat"), "ccode", cols)
    assert p["lterrthreat1"].null_count() == 0


def test_rugged_is_the_same_every_year():
    r = fx("rugged")
    p = allyscope.panel(years=[1900, 2020], dyads="USA-RUS,IRN-AFG", variables="rugged")
    for side in ("1", "2"):
        exp = p.select(pl.col(f"ccode{side}").alias("ccode")).join(
            r.select("ccode", "rugged", "newlmtnest"), on="ccode", how="left", maintain_order="left"
        )
        assert p[f"rugged{side}"].to_list() == exp["rugged"].to_list()
        assert p[f"newlmtnest{side}"].to_list() == exp["newlmtnest"].to_list()
    g = allyscope.panel(years=2000, dyads="USA-RUS", variables="rugged", system="gw")
    assert g["rugged1"].to_list() == r.filter(pl.col("gwcode") == 2)["rugged"].to_list()


def test_hief_prefers_the_rows_of_the_same_state():
    h = fx("hief")
    p = allyscope.panel(years=(1946, 2013), dyads="IRN-RUS", variables="hief")
    exp = h.unique(["ccode", "year"], keep="first", maintain_order=True)
    assert_sides(p, exp, "ccode", ["efindex"])
    # G-W 817 (South Vietnam) is listed twice a year (COW 816 and 817): the 817 row is used
    g = allyscope.panel(years=1960, unit="state-year", states="RVN", variables="hief", system="gw")
    want = h.filter((pl.col("gwcode") == 817) & (pl.col("ccode") == 817) & (pl.col("year") == 1960))
    assert g["efindex"].to_list() == want["efindex"].to_list()


# --- distances ------------------------------------------------------------------------


def vincenty_km(lat1, lng1, lat2, lng2):
    """geosphere::distVincentySphere(c(lng1, lat1), c(lng2, lat2)) / 1000."""
    r = math.pi / 180
    p1, l1, p2, l2 = lat1 * r, lng1 * r, lat2 * r, lng2 * r
    x = math.sqrt(
        (math.cos(p2) * math.sin(l1 - l2)) ** 2
        + (math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(l1 - l2)) ** 2
    )
    y = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(l1 - l2)
    return 6378137 * math.atan2(x, y) / 1000


def capital_on_first_day(caps: pl.DataFrame, code: str, state: int, year: int):
    """.capdays() then slice(1) by state and year: the capital of the year's first listed day."""
    best = None
    for r in caps.filter(pl.col(code) == state).iter_rows(named=True):
        if r["stdate"].year <= year <= r["enddate"].year:
            first = max(r["stdate"], r["stdate"].replace(year=year, month=1, day=1))
            if best is None or first < best[0]:
                best = (first, r["lat"], r["lng"])
    return None if best is None else best[1:]


def test_capital_distance_equals_geosphere_on_peacesciencer_capitals():
    caps = fx("cow_capitals")
    p = allyscope.panel(
        years=[1917, 1918, 1919, 2000, 2024],
        dyads="RUS-GMY,IRN-RUS,USA-CHN",
        variables="capital_distance",
    )
    for r in p.iter_rows(named=True):
        a = capital_on_first_day(caps, "ccode", r["ccode1"], r["year"])
        b = capital_on_first_day(caps, "ccode", r["ccode2"], r["year"])
        assert r["capdist"] == pytest.approx(vincenty_km(*a, *b), rel=1e-12)
    # Russia moved its capital on 12 March 1918: 1918 still uses Saint Petersburg
    d = dict(((r["ccode1"], r["ccode2"], r["year"]), r["capdist"]) for r in p.iter_rows(named=True))
    assert d[(365, 255, 1918)] == d[(365, 255, 1917)] != d[(365, 255, 1919)]
    assert 2400 < d[(630, 365, 2000)] < 2500  # Tehran-Moscow
    # state-years: the smallest distance to another member (peacesciencer's mincapdist)
    s = allyscope.panel(years=2000, unit="state-year", variables="capital_distance")
    members = s["ccode"].to_list()
    coords = {c: capital_on_first_day(caps, "ccode", c, 2000) for c in members}
    for state in (2, 630, 365):
        want = min(vincenty_km(*coords[state], *coords[o]) for o in members if o != state)
        got = s.filter(pl.col("ccode") == state)["mincapdist"].item()
        assert got == pytest.approx(want, rel=1e-12)
    g = allyscope.panel(years=2000, dyads="IRN-RUS", variables="capital_distance", system="gw")
    a = capital_on_first_day(fx("gw_capitals"), "gwcode", 630, 2000)
    b = capital_on_first_day(fx("gw_capitals"), "gwcode", 365, 2000)
    assert g["capdist"].item() == pytest.approx(vincenty_km(*a, *b), rel=1e-12)


def test_minimum_distance_equals_cow_and_gw_mindist():
    m = fx("cow_mindist")
    p = allyscope.panel(
        years=(2000, 2001), dyads="IRN-IRQ,IRQ-IRN,IRN-USA,RUS-IRN", variables="minimum_distance"
    )
    for r in p.iter_rows(named=True):
        lo, hi = sorted((r["ccode1"], r["ccode2"]))
        want = m.filter(
            (pl.col("ccode1") == lo) & (pl.col("ccode2") == hi) & (pl.col("year") == r["year"])
        )
        assert r["mindist"] == want["mindist"].item()
    both = pl.concat(
        [
            m.select(pl.col("ccode1").alias("c"), "year", "mindist"),
            m.select(pl.col("ccode2").alias("c"), "year", "mindist"),
        ]
    )
    s = allyscope.panel(
        years=(2000, 2001), unit="state-year", states="IRN", variables="minimum_distance"
    )
    for r in s.iter_rows(named=True):
        want = both.filter((pl.col("c") == 630) & (pl.col("year") == r["year"]))["mindist"].min()
        assert r["minmindist"] == want
    g = fx("gw_mindist")
    q = allyscope.panel(
        years=(1990, 2019), dyads="IRN-IRQ", variables="minimum_distance", system="gw"
    )
    exp = q.select("year").join(
        g.filter((pl.col("gwcode1") == 630) & (pl.col("gwcode2") == 645)),
        on="year",
        how="left",
        maintain_order="left",
    )
    assert q["mindist"].to_list() == exp["mindist"].to_list()
    early = allyscope.panel(years=[1885, 1886], dyads="USA-RUS", variables="minimum_distance")
    assert early["mindist"][0] is None and early["mindist"][1] is not None


# --- major powers ---------------------------------------------------------------------


def test_cow_majors_carried_after_2016_and_marked():
    maj = fx("cow_majors")
    p = allyscope.panel(
        years=[1900, 1917, 1918, 1950, 2016, 2017, 2020],
        dyads="USA-RUS,RUS-IRN,GMY-UKG",
        variables="cow_majors",
    )
    carried_to = OPEN_END_YEAR - 1
    for r in p.iter_rows(named=True):
        for side in ("1", "2"):
            code, y = r[f"ccode{side}"], r["year"]
            spells = maj.filter(pl.col("ccode") == code)
            major = any(
                s["styear"]
                <= y
                <= (
                    carried_to
                    if (s["endyear"], s["endmonth"], s["endday"]) == (2016, 12, 31)
                    else s["endyear"]
                )
                for s in spells.iter_rows(named=True)
            )
            assert r[f"cowmaj{side}"] == int(major)
            assert r[f"cowmaj_carried{side}"] == int(y > 2016)
    # 1918-1921: Russia not a major power (spell ends 1917), Iran never
    assert p.filter(pl.col("ccode2") == 630)["cowmaj2"].unique().to_list() == [0]
    late = allyscope.panel(years=[2025, OPEN_END_YEAR], dyads="USA-RUS", variables="cow_majors")
    assert late["cowmaj1"].to_list() == [1, None]  # past the carried years: null, not 0


def test_maoz_powers_by_spell_years():
    mp = fx("maoz_powers")
    s = allyscope.panel(
        years=[1823, 1824, 1899, 1950, 2019], unit="state-year", variables="maoz_powers"
    )
    usa = dict(s.filter(pl.col("ccode") == 2).select("year", "maoz_globpower").iter_rows())
    assert usa == {1823: 0, 1824: 0, 1899: 1, 1950: 1, 2019: 1}
    reg_usa = dict(s.filter(pl.col("ccode") == 2).select("year", "maoz_regpower").iter_rows())
    assert reg_usa[1824] == 1 and reg_usa[1950] == 0
    n_glob = s.filter(pl.col("year") == 1950)["maoz_globpower"].sum()
    want = mp.filter(
        (pl.col("globstdate").dt.year() <= 1950) & (pl.col("globenddate").dt.year() >= 1950)
    ).height
    assert n_glob == want


# --- wars -----------------------------------------------------------------------------


def _deaths(a, b):
    a = None if a is None or a < 0 else a
    b = None if b is None or b < 0 else b
    if a is None and b is None:
        return None
    return (a or 0) + (b or 0)


def whittle(records, onset):
    """add_cow_wars()'s choice of one record per key, row by row."""
    onsets = {r[onset] for r in records}
    if len(records) > 1 and len(onsets) > 1:
        records = [r for r in records if r[onset] == 1]
    best = None
    for r in records:  # highest deaths; missing last; the first on a tie
        d = r["_deaths"]
        if best is None or (d is not None and (best["_deaths"] is None or d > best["_deaths"])):
            best = r
    return best


def test_cow_wars_one_war_per_dyad_year_as_peacesciencer():
    w = fx("cow_war_inter")
    groups = defaultdict(list)
    for r in w.iter_rows(named=True):
        r["_deaths"] = _deaths(r["batdeath1"], r["batdeath2"])
        groups[(r["ccode1"], r["ccode2"], r["year"])].append(r)
    keys = sorted(groups)
    dyads = sorted({(a, b) for a, b, _ in keys})
    years = sorted({y for _, _, y in keys})
    p = allyscope.panel(years=years, dyads=dyads, variables="cow_wars")
    got = {(r["ccode1"], r["ccode2"], r["year"]): r for r in p.iter_rows(named=True)}
    checked = 0
    for key, recs in groups.items():
        if key not in got:  # a pair not both system members that year (peacesciencer drops it too)
            continue
        want, row = whittle(recs, "cowinteronset"), got[key]
        assert row["cowinter_warnum"] == want["warnum"], key
        assert row["cowinteronset"] == want["cowinteronset"]
        assert row["cowinterongoing"] == 1
        assert row["cowinter_outcome1"] == want["outcome1"]
        for s in ("1", "2"):
            b = want[f"batdeath{s}"]
            assert row[f"cowinter_batdeath{s}"] == (None if b < 0 else b)
        checked += 1
    assert checked > 60
    # 1816-2007: no war is 0; after, null
    q = allyscope.panel(years=[2007, 2008], dyads="IND-PAK", variables="cow_wars")
    assert q["cowinterongoing"].to_list() == [0, None]
    # Iran-Iraq 1980-1988
    ii = allyscope.panel(years=(1979, 1989), dyads="IRN-IRQ", variables="cow_wars")
    assert ii["cowinterongoing"].to_list() == [0] + [1] * 9 + [0]
    s = allyscope.panel(years=1985, unit="state-year", states="IRN,USA", variables="cow_wars")
    assert s["cowinterongoing"].to_list() == [0, 1]  # USA (2) then Iran (630)


def test_cow_intra_wars_as_peacesciencer():
    w = fx("cow_war_intra").filter(pl.col("primary_state") == 1)
    groups = defaultdict(list)
    for r in w.iter_rows(named=True):
        r["_deaths"] = _deaths(r["sideadeaths"], r["sidebdeaths"])
        groups[(r["ccodea"], r["year"])].append(r)
    s = allyscope.panel(
        years=(1816, 2007), unit="state-year", states="RUS,IRN,CHN,PRK", variables="cow_intra_wars"
    )
    got = {(r["ccode"], r["year"]): r for r in s.iter_rows(named=True)}
    for key, recs in groups.items():
        if key not in got:
            continue
        want, row = whittle(recs, "cowintraonset"), got[key]
        assert row["cowintra_warnum"] == want["warnum"]
        assert row["cowintraonset"] == want["cowintraonset"]
        assert row["cowintra_warnums"] == "; ".join(str(r["warnum"]) for r in recs)
        assert row["cowintra_sideadeaths"] == (
            None if want["sideadeaths"] < 0 else want["sideadeaths"]
        )
    quiet = [r for k, r in got.items() if k not in groups]
    assert quiet and all(r["cowintraongoing"] == 0 and r["cowintra_warnum"] is None for r in quiet)
    d = allyscope.panel(years=[2007, 2008], dyads="CHN-USA", variables="cow_intra_wars")
    assert d["cowintraongoing2"].to_list() == [0, None]  # 0 inside 1816-2007, null after


# --- GML MIDs -------------------------------------------------------------------------


GML_COLS = [
    "dispnum",
    "sidea1",
    "sidea2",
    "orig1",
    "orig2",
    "fatality1",
    "fatalpre1",
    "hiact2",
    "hostlev1",
    "hostlev2",
    "fatality",
    "hostlev",
    "recip",
    "mindur",
    "maxdur",
    "stmon",
]


def test_gml_mids_dyad_years_equal_gml_mid_ddydisps():
    g = fx("gml_mid_ddydisps")
    codes = [2, 365, 630, 645, 710, 713, 750, 770]
    dyads = [(a, b) for a in codes for b in codes if a != b]
    p = allyscope.panel(years=(1816, 2010), dyads=dyads, variables="gml_mids")
    exp = p.select("ccode1", "ccode2", "year").join(
        g, on=["ccode1", "ccode2", "year"], how="left", maintain_order="left"
    )
    assert exp["dispnum"].drop_nulls().len() > 200
    assert p["gmlmidongoing"].to_list() == exp["gmlmidongoing"].fill_null(0).to_list()
    assert p["gmlmidonset"].to_list() == exp["gmlmidonset"].fill_null(0).to_list()
    for c in GML_COLS:
        assert p[f"gmlmid_{c}"].to_list() == exp[c].to_list(), c
    for s in ("1", "2"):  # init = "sidea-all-joiners"
        want = [
            None if a is None and o is None else int(a == 1 or o == 0)
            for a, o in zip(exp[f"sidea{s}"].to_list(), exp[f"orig{s}"].to_list(), strict=True)
        ]
        assert p[f"gmlmid_init{s}"].to_list() == want
    late = allyscope.panel(years=[2010, 2011], dyads="USA-RUS", variables="gml_mids")
    assert late["gmlmidongoing"].to_list() == [0, None]


def test_gml_mids_state_years_from_participants():
    part = fx("gml_part").filter(
        (pl.col("allmiss_leader_start") == 0) & (pl.col("allmiss_leader_end") == 0)
    )
    want = defaultdict(lambda: [0, 0, 0, 0])
    for r in part.iter_rows(named=True):
        init = r["sidea"] == 1 or r["orig"] == 0
        for y in range(r["styear"], r["endyear"] + 1):
            w = want[(r["ccode"], y)]
            onset = y == r["styear"]
            w[0] = 1
            w[1] = max(w[1], int(onset))
            w[2] = max(w[2], int(init))
            w[3] = max(w[3], int(onset and init))
    s = allyscope.panel(
        years=(1816, 2010), unit="state-year", states="USA,IRN,IRQ,PAK", variables="gml_mids"
    )
    cols = ["gmlmidongoing", "gmlmidonset", "gmlmidongoing_init", "gmlmidonset_init"]
    for r in s.iter_rows(named=True):
        assert [r[c] for c in cols] == want.get((r["ccode"], r["year"]), [0, 0, 0, 0])
    late = allyscope.panel(
        years=[2010, 2011], unit="state-year", states="ICE", variables="gml_mids"
    )
    assert late["gmlmidongoing"].to_list() == [0, None]  # peacesciencer writes 0 in 2011


# --- peace years ----------------------------------------------------------------------


def btscs(events):
    """stevemisc's ps_btscs() spell loop (from DAMisc), for one unit's rows in order."""
    tmp, run = [0] * len(events), 0
    for j in range(1, len(events)):
        x, prev = events[j], events[j - 1]
        if x == 0 and prev == 0:
            run += 1
            tmp[j] = run
        if x != 0 and prev == 0:
            tmp[j] = run + 1
            run = 0
        if x == 0 and prev != 0:
            run = 0
            tmp[j] = 0
    return tmp


def test_peace_years_equal_ps_btscs_on_the_whole_history():
    dyads = [(2, 365), (365, 2), (630, 645), (645, 630), (750, 770), (2, 630)]
    base = allyscope.panel(years=(1816, 2014), dyads=dyads).sort("ccode1", "ccode2", "year")
    p = allyscope.panel(years=(1816, 2014), dyads=dyads, variables="peace_years")
    mid = {
        (r["ccode1"], r["ccode2"], r["year"]): r["cowmidongoing"]
        for r in fx("cow_mid_ddydisps").iter_rows(named=True)
    }
    gml = {
        (r["ccode1"], r["ccode2"], r["year"]): r["gmlmidongoing"]
        for r in fx("gml_mid_ddydisps").iter_rows(named=True)
    }
    war = {
        (r["ccode1"], r["ccode2"], r["year"]): 1 for r in fx("cow_war_inter").iter_rows(named=True)
    }
    got = {(r["ccode1"], r["ccode2"], r["year"]): r for r in p.iter_rows(named=True)}
    for a, b in dyads:
        years = base.filter((pl.col("ccode1") == a) & (pl.col("ccode2") == b))["year"].to_list()
        for col, events, last in (
            ("cowmidspell", mid, 2014),
            ("gmlmidspell", gml, 2010),
            ("cowinterspell", war, 2007),
        ):
            ys = [y for y in years if y <= last]
            spell = btscs([events.get((a, b, y), 0) for y in ys])
            assert [got[(a, b, y)][col] for y in ys] == spell, (a, b, col)
            assert all(got[(a, b, y)][col] is None for y in years if y > last)
    # a slice has the same values as the whole history (peacesciencer would restart at 0)
    part = allyscope.panel(years=(1990, 2000), dyads=dyads, variables="peace_years")
    for r in part.iter_rows(named=True):
        assert r["cowmidspell"] == got[(r["ccode1"], r["ccode2"], r["year"])]["cowmidspell"]


def test_peace_years_state_years():
    acd = fx("ucdp_acd")
    s = allyscope.panel(
        years=(1946, 2024),
        unit="state-year",
        states="IRN",
        variables="peace_years,ucdp_acd",
        system="gw",
    )
    ongoing = s["ucdpongoing"].to_list()
    assert s["ucdpspell"].to_list() == btscs(ongoing)
    assert set(acd.filter(pl.col("gwno_a") == 630)["year"].to_list()) == {
        y for y, o in zip(s["year"].to_list(), ongoing, strict=True) if o == 1
    }


# --- UCDP -----------------------------------------------------------------------------


def test_ucdp_acd_state_years_as_add_ucdp_acd():
    acd = fx("ucdp_acd")
    first = {}
    rows = defaultdict(list)
    for r in acd.iter_rows(named=True):
        k = (r["conflict_id"], r["gwno_a"])
        first[k] = min(first.get(k, r["year"]), r["year"])
        rows[(r["gwno_a"], r["year"])].append(r)
    s = allyscope.panel(
        years=(1946, 2024),
        unit="state-year",
        states="RUS,IRN,IRQ,IND,PAK",
        variables="ucdp_acd",
        system="gw",
    )
    assert s.height > 300
    for r in s.iter_rows(named=True):
        recs = rows.get((r["gwcode"], r["year"]))
        if not recs:
            assert (r["ucdpongoing"], r["ucdponset"], r["ucdp_maxintensity"]) == (0, 0, None)
            continue
        ids = sorted({x["conflict_id"] for x in recs})
        assert r["ucdpongoing"] == 1
        assert r["ucdponset"] == int(any(first[(i, r["gwcode"])] == r["year"] for i in ids))
        assert r["ucdp_maxintensity"] == max(x["intensity_level"] for x in recs)
        assert r["ucdp_conflict_ids"] == "; ".join(map(str, ids))
    c = allyscope.panel(
        years=2000, dyads="RUS-USA", variables="ucdp_acd"
    )  # COW through the crosswalk
    assert c["ucdpongoing1"].item() == 1 and c["ucdpongoing2"].item() == 0


def test_ucdp_onsets_equal_peacesciencer_and_null_outside():
    o = fx("ucdp_onsets")
    cols = ["sumnewconf", "sumonset1", "sumonset2", "sumonset3", "sumonset5", "sumonset10"]
    s = allyscope.panel(
        years=(1946, 2017),
        unit="state-year",
        states="RUS,IRN,IND,PAK",
        variables="ucdp_onsets",
        system="gw",
    )
    exp = s.select("gwcode", "year").join(
        o, on=["gwcode", "year"], how="left", maintain_order="left"
    )
    for c in cols:
        assert s[c].to_list() == exp[c].fill_null(0).to_list()
    late = allyscope.panel(
        years=[2017, 2018], unit="state-year", states="ICE", variables="ucdp_onsets"
    )
    assert late["sumonset1"].to_list() == [0, None]  # peacesciencer writes 0 in 2018


# --- leaders --------------------------------------------------------------------------


def test_archigos_equals_archigossums():
    a = fx("archigossums")
    cols = ["leadertransition", "irregular", "n_leaders", "jan1obsid", "dec31obsid"]
    g = allyscope.panel(
        years=(1870, 2015),
        unit="state-year",
        states="USA,RUS,IRN",
        variables="archigos",
        system="gw",
    )
    exp = g.select("gwcode", "year").join(
        a, on=["gwcode", "year"], how="left", maintain_order="left"
    )
    for c in cols:
        assert g[c].to_list() == exp[c].to_list()
    p = allyscope.panel(years=(2000, 2015), dyads="USA-RUS,IRN-USA", variables="archigos")
    assert_sides(p, a.rename({"gwcode": "ccode"}), "ccode", cols)
    # Serbia 2006 (COW 345): G-W 340's row is dropped, G-W 345's ends with SER-2006
    s = allyscope.panel(years=2006, unit="state-year", states="SRB", variables="archigos")
    want = a.filter((pl.col("gwcode") == 345) & (pl.col("year") == 2006))
    assert s["jan1obsid"].item() == want["jan1obsid"].item()
    assert s["dec31obsid"].item() == "SER-2006"


def leader_years_by_hand(arch, member_from):
    out = set()
    for r in arch.iter_rows(named=True):
        start = max(r["startdate"], member_from[r["gwcode"]])
        for y in range(r["startdate"].year, r["enddate"].year + 1):
            if r["enddate"] >= start and y >= start.year:
                out.add((r["obsid"], r["gwcode"], y, y - r["startdate"].year + 1, y - r["yrborn"]))
    return out


def test_leader_years_as_create_leaderyears():
    import datetime as dt

    arch = fx("archigos").filter(pl.col("gwcode").is_in([2, 630, 645]))
    member_from = {2: dt.date(1816, 1, 1), 630: dt.date(1855, 1, 1), 645: dt.date(1932, 10, 3)}
    want = leader_years_by_hand(arch, member_from)
    ly = allyscope.panel(unit="leader-year", states="USA,IRN,IRQ")
    got = {
        (r["obsid"], r["ccode"], r["year"], r["yrinoffice"], r["leaderage"])
        for r in ly.iter_rows(named=True)
    }
    assert got == want
    assert ly.columns == ["obsid", "leader", "ccode", "gender", "leaderage", "year", "yrinoffice"]
    # Kohl (GFR-1982) is West Germany's (260) to 2 Oct 1990 and Germany's (255) from 3 Oct
    de = allyscope.panel(years=(1989, 1991), unit="leader-year", states="GFR,GMY")
    kohl = sorted(de.filter(pl.col("obsid") == "GFR-1982").select("ccode", "year").rows())
    assert kohl == [(255, 1990), (255, 1991), (260, 1989), (260, 1990)]
    kohl_gw = allyscope.panel(years=(1989, 1991), unit="leader-year", states="GFR", system="gw")
    assert kohl_gw.filter(pl.col("obsid") == "GFR-1982")["gwcode"].to_list() == [260, 260, 260]


def test_lead_and_lwuf_on_leader_years_and_state_years():
    lead, lwuf, sums = fx("LEAD"), fx("lwuf"), fx("archigossums")
    ly = allyscope.panel(
        years=(1990, 2015), unit="leader-year", states="USA,IRN", variables="lead,lwuf"
    )
    exp = ly.select("obsid").join(lead, on="obsid", how="left", maintain_order="left")
    for c in ["leveledu", "milservice", "combat", "yrsexper", "mentalhealth"]:
        assert ly[c].to_list() == exp[c].to_list()
    exp = ly.select("obsid").join(lwuf, on="obsid", how="left", maintain_order="left")
    assert ly["theta2_mean"].to_list() == exp["theta2_mean"].to_list()
    assert ly.filter(pl.col("obsid") == "USA-1993")["leveledu"].unique().to_list() == [3]
    # other units: the leader in office on 1 January
    s = allyscope.panel(years=(1990, 2015), unit="state-year", states="USA,IRN", variables="lead")
    jan1 = s.select("ccode", "year").join(
        sums.rename({"gwcode": "ccode"}), on=["ccode", "year"], how="left", maintain_order="left"
    )
    exp = jan1.select("jan1obsid").join(
        lead.rename({"obsid": "jan1obsid"}), on="jan1obsid", how="left", maintain_order="left"
    )
    assert s["yrsexper"].to_list() == exp["yrsexper"].to_list()


# --- composition ----------------------------------------------------------------------


def creg_one_row(recs):
    """add_creg_fractionalization(): fill a duplicate's missing value with the group's max,
    drop exact duplicates, keep the highest ethfrac (then relfrac), missing last."""
    cols = ["ethfrac", "ethpol", "relfrac", "relpol"]
    if len(recs) > 1:
        for c in cols:
            present = [r[c] for r in recs if r[c] is not None]
            for r in recs:
                if r[c] is None and present:
                    r[c] = max(present)
    uniq = []
    for r in recs:
        t = tuple(r[c] for c in cols)
        if t not in uniq:
            uniq.append(t)
    key = lambda t: (t[0] is None, -(t[0] or 0), t[2] is None, -(t[2] or 0))  # noqa: E731
    return dict(zip(cols, sorted(uniq, key=key)[0], strict=True))


def test_creg_one_row_per_state_year_as_peacesciencer():
    groups = defaultdict(list)
    for r in fx("creg").iter_rows(named=True):
        groups[(r["ccode"], r["year"])].append(r)
    s = allyscope.panel(
        years=(1945, 2013), unit="state-year", states="RUS,SRB,IRN", variables="creg"
    )
    dup = 0
    for r in s.iter_rows(named=True):
        recs = groups[(r["ccode"], r["year"])]
        dup += len(recs) > 1
        assert {c: r[c] for c in ("ethfrac", "ethpol", "relfrac", "relpol")} == creg_one_row(recs)
    assert dup > 50  # Russia/USSR and Serbia/Yugoslavia years are listed twice


# --- arms races -----------------------------------------------------------------------


def test_arms_races_years_of_each_race():
    races = fx("grh_arms_races")
    p = allyscope.panel(
        years=(1850, 1993), dyads="RUS-TUR,TUR-RUS,USA-RUS,UKG-GMY,IND-PAK", variables="arms_races"
    )
    spans = defaultdict(set)
    for r in races.iter_rows(named=True):
        for y in range(r["styear"], r["endyear"] + 1):
            spans[(r["ccode1"], r["ccode2"])].add((y, r["race_id"]))
    for r in p.iter_rows(named=True):
        pair = tuple(sorted((r["ccode1"], r["ccode2"])))
        ids = [i for y, i in spans.get(pair, ()) if y == r["year"]]
        assert r["armsrace"] == int(bool(ids))
        assert r["armsrace_id"] == (min(ids) if ids else None)
    assert p["armsrace"].sum() > 10
    late = allyscope.panel(years=[1993, 1994], dyads="USA-RUS", variables="arms_races")
    assert late["armsrace"].to_list() == [0, None]


# --- units ----------------------------------------------------------------------------


@pytest.mark.parametrize(("system", "code"), [("cow", "ccode"), ("gw", "gwcode")])
def test_state_years_equal_create_stateyears(system, code):
    want = fx(f"{system}_stateyears").sort(code, "year")
    got = allyscope.panel(years=(1816, 2024), unit="state-year", system=system)
    assert got.select(code, "year").equals(want)


def test_units_refuse_what_they_cannot_do():
    with pytest.raises(InvalidInputError, match="no state-year form"):
        allyscope.panel(years=2000, unit="state-year", variables="atop")
    with pytest.raises(InvalidInputError, match="unknown unit"):
        allyscope.panel(years=2000, unit="country-year")
    with pytest.raises(InvalidInputError, match="choose states"):
        allyscope.panel(years=2000, unit="state-year", dyads="IRN-RUS")
    with pytest.raises(InvalidInputError, match="undirected"):
        allyscope.panel(years=2000, unit="state-year", directed=False)
    with pytest.raises(CoverageError, match="Archigos"):
        allyscope.panel(years=2020, unit="leader-year")
    with pytest.raises(InvalidInputError, match="no leader-year form"):
        build_panel(years=2000, unit="leader-year", variables="arms_races")


def test_every_variable_is_listed_with_source_version_citation_and_coverage():
    from allyscope.panel.build import variables_table

    t = variables_table()
    required = [
        "democracy",
        "sdp_gdp",
        "capital_distance",
        "minimum_distance",
        "cow_majors",
        "cow_wars",
        "cow_intra_wars",
        "gml_mids",
        "ucdp_acd",
        "ucdp_onsets",
        "archigos",
        "lead",
        "lwuf",
        "terrthreat",
        "creg",
        "rugged",
        "peace_years",
        "arms_races",
    ]
    rows = {r["variable"]: r for r in t.iter_rows(named=True)}
    for v in required:
        r = rows[v]
        assert r["source"] and r["cite"] and r["years"] and r["missing"] and r["peacesciencer"], v
    assert "leader-year" in rows["lead"]["units"] and "dyad-year" in rows["lead"]["units"]
    assert rows["arms_races"]["units"] == "dyad-year"


# --- the units from the command line and Python, every output format -------------------


def _cli(*args):
    import os
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "allyscope", *args],
        capture_output=True,
        text=True,
        env=os.environ,
        timeout=300,
    )


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".dta"])
def test_cli_state_and_leader_years_write_every_format_with_provenance(tmp_path, suffix):
    import json

    import pyarrow.parquet as pq

    out = tmp_path / f"sy{suffix}"
    r = _cli(
        "panel",
        "--unit",
        "state-year",
        "--years",
        "2000-2010",
        "--states",
        "IRN,RUS",
        "--variables",
        "democracy,cow_majors,ucdp_acd",
        "--output",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    want = allyscope.panel(
        years=(2000, 2010),
        unit="state-year",
        states="IRN,RUS",
        variables="democracy,cow_majors,ucdp_acd",
    )
    if suffix == ".parquet":
        assert pl.read_parquet(out).equals(want)
        meta = json.loads(pq.read_metadata(out).metadata[b"allyscope"])
    elif suffix == ".csv":
        assert pl.read_csv(out, schema=want.schema).equals(want)
        meta = json.loads((tmp_path / "sy.csv.json").read_text())
    else:
        import pandas as pd

        back = pd.read_stata(out)
        assert list(back.columns) == want.columns
        assert back["v2x_polyarchy"].tolist() == want["v2x_polyarchy"].to_list()
        meta = None
    if meta is not None:
        assert meta["unit"] == "state-year"
        assert meta["datasets"]["democracy"]["citation_key"] == "coppedgeetal2020vdem"
        assert meta["coverage"]["polity2"] == [1816, 2017]
        assert "cowmaj_carried" in meta["coverage"]
        assert "directed" not in meta
    out = tmp_path / "ly.parquet"
    r = _cli(
        "panel",
        "--unit",
        "leader-year",
        "--years",
        "2000-2010",
        "--states",
        "IRN",
        "--variables",
        "lead,democracy",
        "-o",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    ly = pl.read_parquet(out)
    assert set(ly["obsid"].to_list()) == {"IRN-1997", "IRN-2005"}
    meta = json.loads(pq.read_metadata(out).metadata[b"allyscope"])
    assert set(meta["datasets"]) == {"archigos", "lead", "democracy"}


def test_cli_list_variables_and_unit_errors():
    r = _cli("panel", "--list-variables", "--unit", "state-year")
    assert r.returncode == 0, r.stderr
    for v in (
        "peace_years",
        "terrthreat",
        "gml_mids",
        "add_democracy()",
        "mincapdist",
        "ucdpspell",
    ):
        assert v in r.stdout, v
    r = _cli("panel", "--unit", "state-year", "--years", "2000", "--variables", "atop")
    assert r.returncode == 2 and "no state-year form" in r.stderr
    r = _cli("panel", "--unit", "state-year", "--years", "2000", "--undirected")
    assert r.returncode == 2 and "dyad-years only" in r.stderr


def test_python_result_writes_what_the_cli_writes(tmp_path):
    import json

    import pyarrow.parquet as pq

    res = build_panel(years=2011, dyads="IRN-RUS", variables="capital_distance,peace_years")
    path = res.write(tmp_path / "p.parquet")
    meta = json.loads(pq.read_metadata(path).metadata[b"allyscope"])
    assert meta == json.loads(json.dumps(res.metadata()))
    assert meta["unit"] == "dyad-year" and meta["directed"] is True
    assert meta["coverage"]["cowinterspell"] == [1816, 2007]


# --- properties -------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from allyscope.panel import FAMILIES  # noqa: E402

#: variables whose dyad-year columns are their state-year columns for each side
STATE_LEVEL = [
    "archigos",
    "cow_intra_wars",
    "cow_majors",
    "creg",
    "democracy",
    "hief",
    "lead",
    "lwuf",
    "maoz_powers",
    "rugged",
    "sdp_gdp",
    "terrthreat",
    "ucdp_acd",
    "ucdp_onsets",
]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    variable=st.sampled_from(STATE_LEVEL),
    years=st.lists(st.integers(1870, 2024), min_size=1, max_size=2, unique=True),
    system=st.sampled_from(["cow", "gw"]),
)
def test_each_side_of_a_dyad_year_is_its_state_year(variable, years, system):
    """A state-level variable says the same of a state on dyad-years (…1/…2) as on its
    state-years, in both systems."""
    lo, hi = FAMILIES[variable].coverage
    if not any(lo <= y <= hi for y in years):
        return
    d = allyscope.panel(
        years=years, dyads="USA-RUS,IRN-IRQ,IND-CHN", variables=variable, system=system
    )
    s = allyscope.panel(years=years, unit="state-year", variables=variable, system=system)
    key = "gwcode" if system == "gw" else "ccode"
    cols = list(FAMILIES[variable].state.columns)
    for side in ("1", "2"):
        exp = d.select(pl.col(f"{key}{side}").alias(key), "year").join(
            s.select(key, "year", *cols), on=[key, "year"], how="left", maintain_order="left"
        )
        for c in cols:
            sep = "_" if variable == "ucdp_onsets" else ""
            assert d[f"{c}{sep}{side}"].to_list() == exp[c].to_list(), (variable, c, side)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lo=st.integers(1816, 2014), span=st.integers(0, 30))
def test_peace_years_of_a_slice_are_those_of_the_whole(lo, span):
    hi = min(2014, lo + span)
    dyads = "USA-RUS,IRN-IRQ,IND-PAK,GRC-TUR"
    part = allyscope.panel(years=(lo, hi), dyads=dyads, variables="peace_years")
    whole = allyscope.panel(years=(1816, 2014), dyads=dyads, variables="peace_years")
    want = part.select("ccode1", "ccode2", "year").join(
        whole, on=["ccode1", "ccode2", "year"], how="left", maintain_order="left"
    )
    assert part.equals(want)
