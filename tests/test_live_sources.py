"""Bringing the data up to the present (issue 25): coverage read from the table in use, and the
UN Digital Library's General Assembly voting data (``unga_undl``) continuing Voeten's roll calls.

The voting file is ``fixtures/undl_ga_voting_sample.csv`` (real votes; see its ``.md``).
"""

import time
from pathlib import Path

import polars as pl
import pytest

import allyscope
from allyscope.errors import DataError, DownloadError
from allyscope.panel.build import build_panel
from allyscope.sources.parsers import undl_ga_votes
from allyscope.sources.store import current_record, locate, locate_optional, years_in_use
from allyscope.sources.update import reset, update

UNDL = Path(__file__).parent / "fixtures" / "undl_ga_voting_sample.csv"
IRN, RUS, CHN, USA = 630, 365, 710, 2


def test_the_parser_reads_the_bulk_layout_and_drops_non_voting():
    t = undl_ga_votes(UNDL, "")
    assert t.columns == ["resolution", "date", "year", "session", "ccode", "ms_code", "vote"]
    assert t.height == 48  # 49 rows, Benin's non-vote (X) dropped
    es = t.filter(pl.col("resolution") == "A/RES/ES-11/1")
    votes = dict(zip(es["ms_code"], es["vote"], strict=True))
    assert (votes["USA"], votes["IRN"], votes["RUS"]) == (1, 2, 3)  # yes, abstain, no
    assert set(t.filter(pl.col("ms_code") == "IRN")["ccode"]) == {IRN}
    assert t["year"].unique().sort().to_list() == [2022, 2023]


@pytest.mark.parametrize(
    ("parser", "name", "message"),
    [
        ("undl_ga_votes", "x.csv", "General Assembly voting data"),
        ("sipri_milex_xlsx", "milex.xlsx", "not a readable Excel workbook"),
        ("imf_imts_sdmx", "imts.xml", "not SDMX-ML"),
    ],
)
def test_a_file_of_another_kind_is_refused(tmp_path, parser, name, message):
    from allyscope.sources.parsers import PARSERS

    bad = tmp_path / name
    bad.write_text("Country,2023\nIran,1\n")
    with pytest.raises(DataError, match=message):
        PARSERS[parser](bad, "")


def test_not_bundled_until_the_user_brings_it_in():
    assert locate_optional("unga_undl") is None
    with pytest.raises(DataError, match="allyscope data update unga_undl"):
        locate("unga_undl")
    # without it, UN votes end where the bundled roll calls end
    assert _years("un_agree") == (1946, 2020)


def test_votes_continue_from_the_un_digital_library():
    loc = update("unga_undl", file=UNDL)
    assert loc.origin == "cache" and years_in_use("unga_undl") == (2022, 2023)
    assert current_record("unga_undl")["version"].startswith("undl_ga_voting_sample.csv (given")
    # the panel's years follow the data in use: no year is hard-coded
    assert _years("un_agree") == (1946, 2023)
    result = build_panel([2022], [(IRN, RUS), (CHN, IRN), (USA, RUS)], ["un_votes"], True)
    got = {(r["ccode1"], r["ccode2"]): r for r in result.frame.iter_rows(named=True)}
    # ES-11/1: Iran abstained, Russia voted no; ES-11/3: both no; 77/7 (Cuba embargo): both yes
    assert got[(IRN, RUS)]["un_joint"] == 3
    assert got[(IRN, RUS)]["un_agree"] == pytest.approx(2 / 3)
    assert got[(CHN, IRN)]["un_agree"] == 1.0
    assert got[(USA, RUS)]["un_agree"] == 0.0
    # the provenance (written into every output file) names the source of the new years
    assert result.provenance["unga_undl"]["version"] == current_record("unga_undl")["version"]
    # 2021 has no votes in either source: null, never 0
    p21 = allyscope.panel(years=2021, dyads=[(IRN, RUS)], variables=["un_votes"])
    assert p21["un_agree"].to_list() == [None]
    # the bundled roll calls are untouched; reset goes back to them
    assert reset("unga_undl") and _years("un_agree") == (1946, 2020)


def _years(column: str) -> tuple[int, int]:
    row = allyscope.coverage(["un_votes"]).filter(pl.col("column") == column).row(0, named=True)
    return row["first_year"], row["last_year"]


def test_assessment_reads_the_new_years_with_their_source():
    update("unga_undl", file=UNDL)
    a = allyscope.assess("IRN", "RUS", years=2022).as_dict()
    year = a["by_year"][0]
    ev = {e["indicator"]: e for e in year["criteria"]["convergence"]["evidence"]}
    version = current_record("unga_undl")["version"]
    assert ev["un_agree"]["datasets"] == [f"unga_undl {version}"]
    used = {d["dataset"] for d in year["rests_on"]} if "rests_on" in year else set()
    assert not any(d.startswith("un_votes") for d in used)
    # three shared votes are fewer than the ten the indicator needs: null, and said so
    assert ev["un_agree"]["value"] is None


def test_offline_update_fails_fast_and_changes_nothing(monkeypatch, capsys):
    from dataclasses import replace

    import allyscope.sources.update as upd
    from allyscope.sources.registry import spec

    patched = replace(spec("unga_undl"), url="http://127.0.0.1:9/2026_02_06_ga_voting.csv")
    monkeypatch.setattr(upd, "spec", lambda n: patched if n == "unga_undl" else spec(n))
    t0 = time.perf_counter()
    with pytest.raises(DownloadError, match="no network"):
        update("unga_undl")
    assert time.perf_counter() - t0 < 5
    assert locate_optional("unga_undl") is None


MILEX = Path(__file__).parent / "fixtures" / "sipri_milex_release.xlsx"


def test_sipri_workbook_is_read_sheet_by_sheet_at_full_precision():
    """The real 2025 workbook (cut to six countries by fixtures/make_sipri_fixture.py)."""
    from allyscope.sources.parsers import sipri_milex_xlsx

    t = sipri_milex_xlsx(MILEX, "")
    assert t.columns == list(load_spec("sipri_milex").columns)
    assert set(t["indicator"]) == {
        "constant_2023_usd_m",
        "current_usd_m",
        "share_of_gdp",
        "per_capita_current_usd",
        "share_of_govt_spending",
    }
    iran = t.filter((pl.col("ccode") == IRN) & (pl.col("year") == 2023))
    got = dict(zip(iran["indicator"], iran["value"], strict=True))
    assert got["constant_2023_usd_m"] == 7390.861136377818  # as SIPRI stored it
    assert got["share_of_gdp"] == 0.023517918727696808
    assert iran.select("region", "subregion").unique().rows() == [("Middle East", None)]
    russia = t.filter(pl.col("ccode") == RUS).select("region", "subregion").unique()
    assert russia.rows() == [("Europe", "Eastern Europe")]
    unavailable = t.filter(pl.col("value").is_null())
    assert unavailable.height > 0 and set(unavailable["value_text"]) <= {"...", "xxx"}


def test_a_newer_sipri_release_extends_the_panel():
    update("sipri_milex", file=MILEX)
    row = allyscope.coverage(["milex"]).filter(pl.col("column") == "sipri_milex1").row(0, named=True)
    assert row["last_year"] == 2024  # read from the workbook, not from code
    p = allyscope.panel(years=2024, dyads=[(IRN, RUS)], variables=["milex"])
    assert p["sipri_milex1"].item() == 6645.9683982087345  # constant 2023 US$ m
    assert p["sipri_milex_gdp2"].item() == pytest.approx(0.07052338645003664)
    assert reset("sipri_milex")
    row = allyscope.coverage(["milex"]).filter(pl.col("column") == "sipri_milex1").row(0, named=True)
    assert row["last_year"] == 2023


def load_spec(name: str):
    from allyscope.sources.registry import spec

    return spec(name)


@pytest.mark.parametrize("name", ["unga_undl", "unsc_undl", "sipri_milex", "cow_trade", "imf_imts"])
def test_every_update_offline_is_one_line_exit_5_in_seconds(monkeypatch, capsys, name):
    from dataclasses import replace

    from _hostile import cli

    import allyscope.sources.update as upd
    from allyscope.sources.registry import spec

    patched = replace(spec(name), url=f"http://127.0.0.1:9/{name}.release")
    monkeypatch.setattr(upd, "spec", lambda n: patched if n == name else spec(n))
    before = locate_optional(name)
    t0 = time.perf_counter()
    r = cli(monkeypatch, capsys, "data", "update", name)
    assert time.perf_counter() - t0 < 5
    assert r.code == 5 and r.err.count("\n") == 1 and "no network" in r.err, r.err
    assert locate_optional(name) == before  # nothing changed


GDELT = Path(__file__).parent / "fixtures" / "events" / "20140101.export.CSV"


def test_event_files_aggregated_into_the_cache_feed_the_assessment(monkeypatch, capsys):
    """A GDELT file aggregated with --into-cache replaces the bundled ICEWS sample's counts for
    the years it covers (2014 here), names itself as the source, and reset undoes it."""
    from _hostile import cli

    usa, chn = 2, 710
    before = allyscope.assess(usa, chn, years=2014).frame["ev_events"].item()
    r = cli(monkeypatch, capsys, "events", "aggregate", str(GDELT), "--into-cache", "-f", "json")
    assert r.code == 0, r.err
    rec = current_record("event_dyad_years")
    assert rec["version"] == "gdelt1 events 2014, 1 file(s)"
    a = allyscope.assess(usa, chn, years=2014)
    after = a.frame["ev_events"].item()
    # the GDELT file of 1 January 2014: 45 events from the USA to China, 27 back
    assert after == 72 and after != before
    sources = {s["dataset"]: s["version"] for s in a.as_dict()["sources"]}
    assert sources["event_dyad_years"] == rec["version"]
    assert reset("event_dyad_years")
    assert allyscope.assess(usa, chn, years=2014).frame["ev_events"].item() == before
    # a monthly or one-dyad aggregation is not a dyad-year table for the assessment
    r = cli(monkeypatch, capsys, "events", "aggregate", str(GDELT), "--into-cache", "--by", "month")
    assert r.code != 0 and "--into-cache" in r.err


FIXTURES = Path(__file__).parent / "fixtures"
#: A real response of the IMF's SDMX 3.0 API (recorded by the OpenBB Platform; see imf_imts.md)
IMTS_RECORDED = FIXTURES / "imf_imts_recorded.xml"
#: Russian customs figures for 2021 in the IMF's layout (built from a cited report; imf_imts.md)
IMTS_RUS_IRN = FIXTURES / "imf_imts_rus_irn_2021.xml"


def test_imts_parser_reads_the_recorded_imf_response():
    from allyscope.sources.parsers import imf_imts_sdmx

    t = imf_imts_sdmx(IMTS_RECORDED, "")
    assert t.columns == list(load_spec("imf_imts").columns)
    # United States exports to the World (G001) in whole US$ -> US$ million; the European
    # Union (G998), an aggregate, is dropped
    assert t.drop("value").rows() == [
        (USA, None, 2023, "exports", "USA", "G001"),
        (USA, None, 2024, "exports", "USA", "G001"),
    ]
    assert t["value"].to_list() == pytest.approx([2019551.635133, 2065411.250609], rel=1e-15)


def test_imts_xml_without_series_is_refused(tmp_path):
    from allyscope.sources.parsers import imf_imts_sdmx

    empty = tmp_path / "empty.xml"
    empty.write_text("<?xml version='1.0'?><message:StructureSpecificData "
                     "xmlns:message='urn:x'/>")
    with pytest.raises(DataError, match="no SDMX <Series>"):
        imf_imts_sdmx(empty, "")


def test_trade_continues_from_the_imf_with_the_break_marked():
    from allyscope.panel.trade import FAMILY, imts_from

    assert FAMILY.span() == (1870, 2014) and imts_from() is None
    update("imf_imts", file=IMTS_RUS_IRN)
    assert imts_from() == 2021 and FAMILY.span() == (1870, 2021)
    result = build_panel([2014, 2020, 2021], [(IRN, RUS), (RUS, IRN)], ["trade"], True)
    got = {(r["ccode1"], r["year"]): r for r in result.frame.iter_rows(named=True)}
    # Russia reports imports from Iran (972) and exports to Iran (3,070): Iran's imports
    # from Russia are read from Russia's exports (the mirror flow)
    assert (got[(IRN, 2021)]["flow1"], got[(IRN, 2021)]["flow2"]) == (3070.0, 972.0)
    assert (got[(RUS, 2021)]["flow1"], got[(RUS, 2021)]["flow2"]) == (972.0, 3070.0)
    assert got[(IRN, 2021)]["trade_source"] == 2 and got[(IRN, 2021)]["smoothflow1"] is None
    assert got[(IRN, 2014)]["trade_source"] == 1 and got[(IRN, 2014)]["flow1"] is not None
    # a year neither source has is null, never 0
    assert got[(IRN, 2020)]["flow1"] is None and got[(IRN, 2020)]["trade_source"] is None
    assert result.provenance["imf_imts"]["version"] == current_record("imf_imts")["version"]
    # the fast path gives the same rows as the SQL reference, in both codings
    from test_panel_fast import assert_same, both_paths

    for system in ("cow", "gw"):
        fast, sql, prov_fast, prov_sql = both_paths(
            [2013, 2021], ["trade"], True, system, "IRN-RUS,USA-GBR"
        )
        assert_same(fast, sql)
        assert prov_fast == prov_sql and "imf_imts" in prov_fast
        # 2013 from COW for both pairs; 2021 from the IMF for the pair the file has
        assert fast["trade_source"].to_list() == [1, 1, None, 2]
    assert reset("imf_imts") and FAMILY.span() == (1870, 2014)


def test_assess_shows_the_economic_dimension_for_the_imf_years():
    def economic(year: int) -> dict:
        a = allyscope.assess("IRN", "RUS", years=year).as_dict()
        return a, a["by_year"][0]["dimensions"]["economic"]["indicators"]

    _, before = economic(2021)
    assert before["trade_total"] is None
    update("imf_imts", file=IMTS_RUS_IRN)
    a, after = economic(2021)
    assert (after["imports_a_from_b"], after["imports_b_from_a"]) == (3070.0, 972.0)
    assert after["trade_total"] == 4042.0
    # one pair is not the system: no percentile among all pairs is read from it
    assert after["trade_pct"] is None
    assert "imf_imts" in {s["dataset"] for s in a["sources"]}
    depth = {e["indicator"]: e for e in a["by_year"][0]["criteria"]["depth"]["evidence"]}
    version = current_record("imf_imts")["version"]
    assert depth["trade_share_a"]["datasets"] == [f"imf_imts {version}"]


#: Recorded Council votes on three adopted resolutions (see undl_sc_voting_sample.md)
UNSC = FIXTURES / "undl_sc_voting_sample.csv"


def test_security_council_votes_are_read_with_who_sat_permanently():
    from allyscope.sources.parsers import undl_sc_votes

    t = undl_sc_votes(UNSC, "")
    assert t.columns == list(load_spec("unsc_undl").columns)
    assert t.height == 45  # three resolutions, fifteen members each
    libya = t.filter(pl.col("resolution") == "S/RES/1973 (2011)")
    abstained = set(libya.filter(pl.col("vote") == 2)["ms_code"])
    assert abstained == {"BRA", "CHN", "DEU", "IND", "RUS"}
    assert set(t.filter(pl.col("permanent"))["ms_code"]) == {"CHN", "FRA", "GBR", "RUS", "USA"}


def test_security_council_co_voting_of_members_sitting_together(monkeypatch):
    import allyscope.indicators.diplomatic as dip

    def unsc(a: str, b: str, year: int):
        r = allyscope.assess(a, b, years=year).as_dict()
        return r, r["by_year"][0]["dimensions"]["diplomatic"]["indicators"]["unsc_agree"]

    r, value = unsc("CHN", "RUS", 2011)
    assert value is None and "unsc_undl" not in {s["dataset"] for s in r["sources"]}
    update("unsc_undl", file=UNSC)
    # the sample has one to two resolutions a year: below the ten the indicator needs
    assert unsc("CHN", "RUS", 2011)[1] is None
    monkeypatch.setattr(dip, "MIN_SC_JOINT", 1)
    r, value = unsc("CHN", "RUS", 2011)
    assert value == 1.0  # both abstained on 1973 (2011)
    assert "unsc_undl" in {s["dataset"] for s in r["sources"]}
    # 2015: Russia abstained on 2216 while the United States voted yes; both voted for 2231
    assert unsc("RUS", "USA", 2015)[1] == 0.5
    # Iran did not sit on the Council: null, never 0
    assert unsc("IRN", "RUS", 2015)[1] is None
