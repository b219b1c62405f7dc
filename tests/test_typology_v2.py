"""Typology v2: each cause of the v1 errors (issue 21) with a test that fails without its fix."""

import json
import math

import polars as pl
import pytest

import allyscope
from allyscope.assessment.criteria import criteria
from allyscope.indicators import indicator_frame
from allyscope.indicators.registries import bearing_years
from allyscope.indicators.security import common_threat_pairs, threats_from
from allyscope.sources.evidence import evidence


@pytest.fixture(scope="module")
def module_cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLYSCOPE_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield


def _strict(text: str):
    def refuse(const: str):
        raise ValueError(f"non-finite number {const} in JSON")

    return json.loads(text, parse_constant=refuse)


def test_third_opposition_is_null_when_a_side_has_no_value_or_is_the_third(module_cache):
    # USA-PRK: the USA is the third party; TWN has no UN ideal point
    f = indicator_frame([(2, 731), (630, 713)], 2023, 2023, third=2)
    f = f.filter(pl.col("in_range"))
    assert f["third_opposition"].null_count() == f.height


def test_shared_threat_needs_recurrence_and_never_counts_the_pair():
    rivals = pl.DataFrame(
        schema={"ccode1": pl.Int16, "ccode2": pl.Int16, "year": pl.Int16, "carried": pl.Boolean}
    )
    # 1 and 2 each had one dispute-year with 9 (force used or not): a coincidence, not a threat
    once = pl.DataFrame({"ccode1": [1, 2], "ccode2": [9, 9], "year": [2000, 2000]})
    assert common_threat_pairs(threats_from(rivals, once)).height == 0
    # recurring disputes with 9 (two of five years) make 9 a threat both face
    twice = pl.concat([once, once.with_columns(year=pl.lit(2002, dtype=pl.Int64))])
    pairs = common_threat_pairs(threats_from(rivals, twice))
    assert pairs.filter(pl.col("year") == 2002)["n"].to_list() == [1]
    # the two fighting each other is not a shared threat
    mutual = pl.DataFrame({"ccode1": [1, 1], "ccode2": [2, 2], "year": [2000, 2001]})
    assert common_threat_pairs(threats_from(rivals, mutual)).height == 0


def test_breadth_counts_only_dimensions_with_data(module_cache):
    f = criteria(indicator_frame([(630, 365)], 2012, 2020, third=2), 0.5).filter(pl.col("in_range"))
    by = {r["year"]: r for r in f.iter_rows(named=True)}
    # COW trade ends in 2014 and is carried three years: the economic dimension has no data
    # from 2018, which lowers the count of dimensions with data, not the breadth of the rest
    assert by[2013]["dim_economic"] is not None and by[2020]["dim_economic"] is None
    assert by[2020]["breadth_of"] < by[2013]["breadth_of"]
    assert by[2020]["c_breadth"] <= by[2020]["breadth_of"]


def test_arms_shares_have_a_volume_floor_and_no_infinity(module_cache):
    out = allyscope.assess("COG", "RUS", years=(1994, 1998)).as_dict()
    text = json.dumps(out)
    _strict(text)  # no NaN or Infinity anywhere
    f = indicator_frame([(484, 365)], 1994, 1998, third=2).filter(pl.col("in_range"))
    for v in f["arms_dependence"].drop_nulls().to_list():
        assert math.isfinite(v) and 0 <= v <= 1


def test_sanctions_ending_in_january_do_not_strain_that_year():
    ev = evidence().filter(pl.col("id") == "friction-RUS-IRN-2006-tr-unscsanctions")
    assert ev.height == 1 and ev["end"][0] == "2016-01-16"
    years = bearing_years(ev)["year"].to_list()
    assert 2015 in years and 2016 not in years


def test_friction_starting_late_in_a_year_bears_on_it():
    ev = evidence().filter(pl.col("id") == "friction-DZA-MAR-2021-dr-severed")
    assert ev.height == 1
    assert 2021 in bearing_years(ev)["year"].to_list()  # severed in August: the act happened


def test_recent_hostility_is_visible_after_the_old_sources_end(module_cache):
    r = allyscope.assess("USA", "SYR", years=2020).frame.row(0, named=True)
    assert r["reg_friction"] >= 2  # sanctions and a terrorism designation in force
    assert r["type"] in ("rivalry", "transactional")


def test_serious_rivals_stay_rivals_after_the_dispute_data_end(module_cache):
    # no listed rivalry and no COW dispute after 2014: the war of 1950-53 was never settled
    # (the embargo in force when it ended still bears), and that holds whatever years are read
    by = allyscope.assess("USA", "PRK", years=(2005, 2025)).by_year
    types = dict(zip(by["year"].to_list(), by["type"].to_list(), strict=True))
    assert types[2010] == "rivalry" and types[2020] == "rivalry"
    ranked = allyscope.rank("USA", 2020)
    assert ranked.filter(pl.col("iso3_b") == "PRK")["type"].to_list() == ["rivalry"]
    # an armed clash in the registry counts as militarised history after COW-MID ends
    f = allyscope.assess("USA", "SYR", years=2020).frame.row(0, named=True)
    assert f["armed_10y"] >= 1 and f["type"] == "rivalry"


def test_ideal_point_source_break_is_not_mixed_into_the_trend(module_cache):
    d = allyscope.assess("IRN", "RUS", years=(2022, 2024)).as_dict()
    by = {y["year"]: y for y in d["by_year"]}
    conv = by[2024]["criteria"]["convergence"]
    assert conv["carried_from"] == 2023  # 2024 has final-passage estimates only
    assert conv["value"] == by[2023]["criteria"]["convergence"]["value"]


def test_a_years_type_does_not_depend_on_the_window(module_cache):
    wide = allyscope.assess("IRN", "RUS", years=(1992, 2025))
    narrow = allyscope.assess("IRN", "RUS", years=(2012, 2018))
    w = wide.frame.filter(pl.col("year").is_between(2012, 2018)).select("year", "type", "score")
    assert w.equals(narrow.frame.select("year", "type", "score"))
    # period boundaries inside the narrow window are those of the wide one
    wide_starts = {p["start"] for p in wide.periods}
    for p in narrow.periods[1:]:
        assert p["start"] in wide_starts
    for p in narrow.periods:  # a period never contradicts its own years
        years = narrow.frame.filter(pl.col("year").is_between(p["start"], p["end"]))
        assert set(years["type"].to_list()) == {p["type"]}


def test_a_pledge_not_practised_is_typed_by_practice_and_shows_the_pledge(module_cache):
    d = allyscope.assess("ARG", "USA", years=2015).as_dict()
    y = d["by_year"][0]
    assert y["formal_pledge"] is True and y["type"] != "alliance"
    assert any("atop" in s["source"] for s in y["pledge_sources"])


def test_practice_ends_when_the_record_says_it_ended(module_cache):
    # Russian forces in Syria: the operation at the Assad government's request ends with its
    # fall in December 2024 (the bases, still used in 2025, stay on the record)
    f = allyscope.assess("RUS", "SYR", years=(2023, 2025)).frame
    ids = {r["year"]: set(r["reg_evidence_ids"]) for r in f.iter_rows(named=True)}
    operation = {
        "defence-RUS-SYR-2015-tr-intervention",
        "defence-RUS-SYR-2015-missions-acd299-russian-forces-fight",
    }
    assert operation <= ids[2024] and not operation & ids[2025]


def test_states_entering_the_system_and_a_state_that_ceased(module_cache):
    # South Sudan enters the system in 2011; Czechoslovakia ends in 1992
    a = allyscope.assess("SSD", "SDN", years=(2009, 2013))
    assert a.missing_years == [2009, 2010] and a.frame["year"].min() == 2011
    with pytest.raises(allyscope.errors.CoverageError):
        allyscope.assess("CSK", "AUT", years=(1995, 2000))


def test_no_partner_above_transactional_on_a_missing_value(module_cache):
    r = allyscope.rank("IRN", 2023)
    above = r.filter(~pl.col("type").is_in(["rivalry", "transactional"]))
    assert above.height > 0
    # every partner typed above transactional has at least one criterion backing it
    for row in above.iter_rows(named=True):
        backed = (
            (row["c_commitment"] or 0) >= 1
            or (row["c_convergence"] or 0) >= 0.5
            or (row["c_depth"] or 0) > 0
            or (row["c_breadth"] or 0) >= 1
            or (row["c_shared_threat"] or 0) >= 1
        )
        assert backed, row["iso3_b"]
    assert "TWN" not in above["iso3_b"].to_list() and "XKX" not in above["iso3_b"].to_list()


def test_a_declared_partnership_keeps_its_trade_substance_after_the_trade_data_end(module_cache):
    # COW trade ends in 2014: a declared partnership with large trade is not demoted in 2020
    # for want of data, and the year says its practice rests on the 2014 trade share
    y = allyscope.assess("EGY", "CHN", years=2020).as_dict()["by_year"][0]
    assert y["type"] == "strategic_partnership"
    assert y["practice_carried_from"] == 2014
    # a year with its own practice data carries nothing
    y = allyscope.assess("EGY", "CHN", years=2014).as_dict()["by_year"][0]
    assert y["practice_carried_from"] is None


def test_backing_opposite_sides_elsewhere_does_not_rule_out_convergence(module_cache):
    """Convergence is issue-specific: Turkey and Iran backed opposite sides in Syria in 2017
    (each fought beside or against the Syrian state) while co-guaranteeing the Astana format.
    That proxy strain rules out a partnership, not convergence; direct friction does."""
    from allyscope.assessment.calibration import load_calibration
    from allyscope.assessment.typology import rule_columns

    th = load_calibration()
    f = allyscope.assess("TUR", "IRN", years=2017).frame
    row = f.row(0, named=True)
    assert row["opposite_sides"] >= 1 and row["shared_orgs"] >= 1 and row["reg_friction"] == 0
    rules = f.select(rule_columns(th)).row(0, named=True)
    assert rules["r_convergence"] and not rules["r_partnership"]
    assert row["type"] == "convergence"
    direct = f.with_columns(strain_direct=pl.lit(True)).select(rule_columns(th))
    assert not direct.row(0, named=True)["r_convergence"]  # an expulsion or recall does


def test_hosting_foreign_troops_is_not_backing_the_senders_wars(module_cache):
    """Russian peacekeepers in Azerbaijan (2020-2024) back Azerbaijan's host government, not
    Russia's war: Azerbaijan does not become Ukraine's 'opposite side' by hosting them. Forces
    fighting side by side back each other both ways."""
    f = allyscope.assess("UKR", "AZE", years=2023).frame.row(0, named=True)
    assert f["opposite_sides"] == 0
    # Iran fought beside the Syrian state while Turkey fought it: opposite sides, both ways
    assert allyscope.assess("IRN", "TUR", years=2017).frame["opposite_sides"].item() >= 1


def test_a_rented_base_is_a_contract_not_forces_in_practice(module_cache):
    """Lourdes was a Soviet station in an ally until 1993, then a facility Russia rented from
    Cuba (about US$200m a year from 1995): the lease shows that the two deal, not that they
    align, and a de facto partnership needs security practice that goes on."""
    f = allyscope.assess("CUB", "RUS", years=(1990, 1996)).frame
    by = {r["year"]: r for r in f.iter_rows(named=True)}
    assert by[1990]["forces"] and by[1990]["type"] == "strategic_partnership"
    assert "defence-RUS-CUB-1993-presence-ru-lourdes-lease" in by[1995]["reg_evidence_ids"]
    assert by[1995]["reg_defence_coop"] == 1 and not by[1995]["forces"]
    assert by[1995]["type"] == "transactional"
