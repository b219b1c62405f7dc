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


@pytest.mark.parametrize("name", ["unga_undl", "sipri_milex", "cow_trade"])
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
