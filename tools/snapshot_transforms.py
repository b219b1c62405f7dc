"""Per-dataset selection of the staged files that go into the bundled snapshot.

Each entry: dataset name -> (staged files used, function(frames) -> (frame, note on dropped rows)).
Functions select columns and add COW codes; they never change a value.
"""

from __future__ import annotations

import polars as pl

from allyscope.sources.parsers import add_register_ccodes
from allyscope.states import assign_ccodes


def _one(
    f: str, cols: list[str] | None = None, casts: dict | None = None, sort: list[str] | None = None
):
    def run(frames):
        df = frames[f]
        if cols:
            df = df.select(cols)
        if sort:  # row order only (runs of equal values compress well); no value changes
            df = df.sort(sort, maintain_order=True)
        if casts:
            cast = df.with_columns([pl.col(c).cast(t) for c, t in casts.items()])
            for c in casts:  # a cast never changes a value
                same = cast[c].cast(df[c].dtype).eq_missing(df[c]).all()
                assert same, f"{f}: casting {c} to {casts[c]} would change values"
            df = cast
        return df, ""

    return [f], run


def _flags(cols):
    return {c: pl.Int8 for c in cols}


def _integers(cols, dtype):
    """Whole-number columns stored as integers (half the bytes of Float64, same values)."""
    return {c: dtype for c in cols}


# NMC components that are whole thousands in every release (tpop and upop are not:
# NMC 7.0 has 4517.6 for Morocco 1912)
NMC_COUNTS = ["milex", "milper", "irst", "pec"]
ATOP = ["atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"]


def _unvotes(frames):
    v = frames["unvotes_un_votes.parquet"]
    rc = frames["unvotes_un_roll_calls.parquet"].select("rcid", "year")
    v = v.join(rc, on="rcid", how="left")
    v = assign_ccodes(v, "country", "year", "ccode")
    unmatched = v.filter(pl.col("ccode").is_null())["country"].unique().to_list()
    assert not unmatched, f"unmatched UN countries: {unmatched}"
    v = v.with_columns(
        vote=pl.col("vote").replace_strict({"yes": 1, "abstain": 2, "no": 3}, return_dtype=pl.Int8)
    ).select("rcid", "ccode", "vote", "country", "country_code")
    return v.sort("rcid", "ccode"), ""


def _sipri_register(frames):
    df = add_register_ccodes(frames["sipri_arms_trade_register.parquet"])
    ns = df.filter(pl.col("supplier_ccode").is_null())["supplier"].unique().len()
    nr = df.filter(pl.col("recipient_ccode").is_null())["recipient"].unique().len()
    return (
        df,
        f"kept all rows; {ns} supplier and {nr} recipient names are not COW states (ccode null)",
    )


def _sipri_tiv(f, who):
    def run(frames):
        df = assign_ccodes(frames[f], who, "year", "ccode")
        n = df.filter(pl.col("ccode").is_null())[who].unique().len()
        return df, f"kept all rows; {n} names are not COW states or totals (ccode null)"

    return [f], run


def _milex(frames):
    keep = [
        "constant_2022_usd_m",
        "current_usd_m",
        "share_of_gdp",
        "share_of_govt_spending",
        "per_capita_current_usd",
    ]
    df = frames["sipri_milex_1948_2023_long.parquet"]
    n0 = df.height
    df = df.filter(pl.col("indicator").is_in(keep)).select(
        "indicator", "country", "region", "subregion", "notes", "year", "value", "value_text"
    )
    df = assign_ccodes(df, "country", "year", "ccode")
    n = df.filter(pl.col("ccode").is_null())["country"].unique().len()
    return df, f"dropped {n0 - df.height} local-currency rows; {n} names are not COW states"


def _icews(frames):
    """ICEWS directed dyad-year counts (netify slice): ISO3 -> COW codes for the year."""
    df = frames["netify_icews_dyad_year.parquet"].select(
        "i_iso3c", "j_iso3c", "year", "verb_coop", "matl_coop", "verb_conf", "matl_conf"
    )
    df = assign_ccodes(df, "i_iso3c", "year", "ccode1")
    df = assign_ccodes(df, "j_iso3c", "year", "ccode2")
    unmatched = df.filter(pl.col("ccode1").is_null() | pl.col("ccode2").is_null())
    codes = sorted(set(unmatched["i_iso3c"].to_list()) | set(unmatched["j_iso3c"].to_list()))
    df = df.drop_nulls(["ccode1", "ccode2"]).select(
        pl.col("ccode1").cast(pl.Int16),
        pl.col("ccode2").cast(pl.Int16),
        pl.col("year").cast(pl.Int16),
        "verb_coop",
        "matl_coop",
        "verb_conf",
        "matl_conf",
    )
    note = f"{unmatched.height} rows of ISO3 codes without a COW state ({', '.join(c for c in codes if c)})"
    return df.sort("year", "ccode1", "ccode2"), note if unmatched.height else ""


def _ungd(frames):
    """UN General Debate speeches of 20 states: text unchanged, COW code added for the year."""
    df = frames["ungd_speeches_selected20.parquet"].select("year", "session", "iso3", "text")
    df = assign_ccodes(df, "iso3", "year", "ccode")
    missing = df.filter(pl.col("ccode").is_null())
    df = df.select(
        pl.col("year").cast(pl.Int16),
        pl.col("session").cast(pl.Int16),
        "iso3",
        pl.col("ccode").cast(pl.Int16),
        "text",
    )
    note = f"{missing.height} speeches without a COW code for their year (kept, ccode null)"
    return df.sort("year", "iso3"), note if missing.height else ""


def _icews_events(frames):
    """ICEWS14 event quadruples as published (date, actors, CAMEO event text); no value changed.

    The benchmark split, entity/relation ids and the hour index are dropped (derivable);
    rows are sorted by date and actors so the zstd Parquet stays small.
    """
    df = frames["icews14_tkg_events.parquet"].select("date", "subject", "relation", "object")
    return df.sort("date", "subject", "object", "relation"), ""


#: peacesciencer tables behind the panel variables of issue 27 (staged file -> dataset)
PEACESCIENCER = {
    "democracy": ("peacesciencer_ccode_democracy.parquet", ["ccode", "year"]),
    "democracy_gw": ("peacesciencer_gwcode_democracy.parquet", ["gwcode", "year"]),
    "sdp_gdp": ("peacesciencer_cow_sdp_gdp.parquet", ["ccode", "year"]),
    "sdp_gdp_gw": ("peacesciencer_gw_sdp_gdp.parquet", ["gwcode", "year"]),
    "cow_capitals": ("peacesciencer_cow_capitals.parquet", None),
    "gw_capitals": ("peacesciencer_gw_capitals.parquet", None),
    "cow_mindist": ("peacesciencer_cow_mindist.parquet", ["ccode1", "ccode2", "year"]),
    "gw_mindist": ("peacesciencer_gw_mindist.parquet", ["gwcode1", "gwcode2", "year"]),
    "cow_majors": ("peacesciencer_cow_majors.parquet", None),
    "cow_war_inter": ("peacesciencer_cow_war_inter.parquet", None),
    "cow_war_intra": ("peacesciencer_cow_war_intra.parquet", None),
    "gml_mid": ("peacesciencer_gml_mid_ddydisps.parquet", None),
    "gml_participants": ("peacesciencer_gml_part.parquet", None),
    "ucdp_acd": ("peacesciencer_ucdp_acd.parquet", None),
    "ucdp_onsets": ("peacesciencer_ucdp_onsets.parquet", None),
    "archigos": ("peacesciencer_archigos.parquet", None),
    "archigos_years": ("peacesciencer_archigossums.parquet", None),
    "lead": ("peacesciencer_LEAD.parquet", None),
    "lwuf": ("peacesciencer_lwuf.parquet", None),
    "terrthreat": ("peacesciencer_terrthreat.parquet", None),
    "creg": ("peacesciencer_creg.parquet", None),
    "hief": ("peacesciencer_hief.parquet", None),
    "rugged": ("peacesciencer_rugged.parquet", None),
    "grh_arms_races": ("peacesciencer_grh_arms_races.parquet", None),
    "maoz_powers": ("peacesciencer_maoz_powers.parquet", None),
}

#: datasets of high-precision floats written with Parquet's BYTE_STREAM_SPLIT encoding
#: (about 30% smaller under zstd than dictionary/plain; every reader decodes it)
BYTE_STREAM_SPLIT = {"terrthreat", "creg", "lwuf"}

TRANSFORMS = {
    "atop": _one("peacesciencer_atop_alliance.parquet", None, _flags(ATOP)),
    "cow_trade": _one("peacesciencer_cow_trade_ndy.parquet"),
    "cow_trade_national": _one("peacesciencer_cow_trade_sy.parquet"),
    "cow_nmc": _one("peacesciencer_cow_nmc.parquet", None, _integers(NMC_COUNTS, pl.Int32)),
    "cow_igo_dyadic": _one(
        "peacesciencer_cow_igo_ndy.parquet", None, _integers(["dyadigos"], pl.Int16)
    ),
    "cow_igo_state": _one("peacesciencer_cow_igo_sy.parquet"),
    "cow_contiguity": _one("peacesciencer_cow_contdir.parquet"),
    "cow_mid": _one("peacesciencer_cow_mid_ddydisps.parquet"),
    "cow_mid_disputes": _one(
        "peacesciencer_cow_mid_dirdisps.parquet",
        ["dispnum", "ccode1", "ccode2", "year", "sidea1", "sidea2", "hostlev1", "hostlev2"],
    ),
    "tss_rivalries": _one("peacesciencer_tss_rivalries.parquet"),
    "td_rivalries": _one("peacesciencer_td_rivalries.parquet"),
    "un_votes": (["unvotes_un_votes.parquet", "unvotes_un_roll_calls.parquet"], _unvotes),
    "un_roll_calls": _one("unvotes_un_roll_calls.parquet"),
    "un_roll_call_issues": _one("unvotes_un_roll_call_issues.parquet"),
    "voeten_idealpoints": _one(
        "voeten_idealpoints_jul2025.parquet",
        [
            "ccode",
            "year",
            "idealpointall",
            "q5all",
            "q95all",
            "nvotesall",
            "idealpointfp",
            "q5fp",
            "q95fp",
            "nvotesfp",
        ],
    ),
    "voeten_agreement": _one(
        "voeten_idealpoints_all_jun2024.parquet",
        [
            "ccode",
            "session",
            "year",
            "usagree",
            "russagree",
            "brazilagree",
            "chinaagree",
            "indiaagree",
            "israelagree",
        ],
    ),
    "sipri_transfers": (["sipri_arms_trade_register.parquet"], _sipri_register),
    "sipri_tiv_imports": _sipri_tiv(
        "sipri_tiv_imports_by_recipient_1950_2024.parquet", "recipient"
    ),
    "sipri_tiv_exports": _sipri_tiv("sipri_tiv_exports_by_supplier_1950_2024.parquet", "supplier"),
    "sipri_milex": (["sipri_milex_1948_2023_long.parquet"], _milex),
    "icews_dyadic": (["netify_icews_dyad_year.parquet"], _icews),
    "ungd_speeches": (["ungd_speeches_selected20.parquet"], _ungd),
    "icews_events": (["icews14_tkg_events.parquet"], _icews_events),
    **{name: _one(f, None, None, sort) for name, (f, sort) in PEACESCIENCER.items()},
}
