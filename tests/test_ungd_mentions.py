"""The bundled ``ungd_mentions`` table and the ``ungd_salience_*`` indicators built on it."""

from collections import Counter

import polars as pl
import pytest

import allyscope
from allyscope.documents.ingest import document_from_text
from allyscope.documents.mentions import states_mentioned
from allyscope.documents.segment import segment
from allyscope.sources.store import load


@pytest.fixture(scope="module")
def table():
    return load("ungd_mentions")


@pytest.mark.parametrize(("iso3", "year"), [("IRN", 2015), ("RUS", 1980), ("USA", 2003)])
def test_shipped_counts_equal_the_reader_on_the_speech(table, iso3, year):
    speech = load("ungd_speeches").filter((pl.col("iso3") == iso3) & (pl.col("year") == year))
    ccode, text = speech.select("ccode", "text").row(0)
    passages = segment(document_from_text(text, name=f"ungd:{iso3}:{year}"))
    named = Counter(c for p in passages for c in states_mentioned(p.text))
    rows = table.filter((pl.col("ccode1") == ccode) & (pl.col("year") == year))
    assert rows.height > 100  # every system member of the year but the speaker
    assert set(rows["passages"].to_list()) == {len(passages)}
    got = {c: m for c, m in rows.select("ccode2", "mentions").iter_rows() if m}
    assert got == {c: n for c, n in named.items() if c in set(rows["ccode2"]) and c != ccode}
    assert ccode not in set(rows["ccode2"].to_list())


def test_years_without_a_speech_have_no_rows_and_unnamed_states_zero(table):
    speakers = load("ungd_speeches").select("ccode", "year").unique()
    keys = table.select(pl.col("ccode1").alias("ccode"), "year").unique()
    assert keys.sort("ccode", "year").equals(speakers.cast(keys.schema).sort("ccode", "year"))
    assert table["mentions"].null_count() == 0 and (table["mentions"] == 0).any()
    assert (table["mentions"] <= table["passages"]).all()


def test_salience_indicators_in_the_assessment(table):
    d = allyscope.assess("IRN", "RUS", years=(2014, 2016)).as_dict()
    want = table.filter(pl.col("year") == 2015)
    for speaker, target, name in ((630, 365, "ungd_salience_ab"), (365, 630, "ungd_salience_ba")):
        r = want.filter((pl.col("ccode1") == speaker) & (pl.col("ccode2") == target)).row(
            0, named=True
        )
        y2015 = next(y for y in d["by_year"] if y["year"] == 2015)
        got = y2015["dimensions"]["diplomatic"]["indicators"][name]
        assert got == pytest.approx(r["mentions"] / r["passages"], abs=1e-3)
    # Brazil is not among the corpus' 20 speakers: missing, not 0
    d2 = allyscope.assess("BRA", "IRN", years=(2015, 2015)).as_dict()
    ind = d2["by_year"][0]["dimensions"]["diplomatic"]["indicators"]
    assert ind["ungd_salience_ab"] is None and ind["ungd_salience_ba"] is not None
