"""What a verdict rests on, in the JSON contract: robustness in ``current``, the datasets
each year rests on (``rests_on``, carried ones with ``carried_from``) and the ideal points'
posterior intervals (``ideal_points``)."""

import pytest

import allyscope


@pytest.fixture(scope="module")
def d(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLYSCOPE_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield allyscope.assess("IRN", "RUS", years=(2010, 2025)).as_dict()


def test_current_carries_the_last_years_robustness(d):
    assert d["current"]["robustness"] == d["by_year"][-1]["robustness"]
    assert set(d["current"]) == {"year", "type", "score", "confidence", "robustness"}


def test_rests_on_names_observed_and_carried_sources(d):
    last = d["by_year"][-1]
    assert last["year"] == 2025
    rests = {(r["dataset"].split()[0], r["carried_from"]) for r in last["rests_on"]}
    # ATOP ends in 2018, the rivalry lists in 2020: their values are carried, and say so
    assert ("atop", 2018) in rests and ("tss_rivalries", 2020) in rests
    assert ("atop", None) not in rests and ("cow_trade", None) not in rests
    assert ("treaty_registry", None) in rests
    missing = {m.split()[0] for m in last["missing_sources"]}
    for r in last["rests_on"]:
        name = r["dataset"].split()[0]
        if r["carried_from"] is None:
            assert name not in missing, r  # an ended source is never named as observed
        assert set(r["criteria"]) <= set(last["criteria"])
    # every criterion carried past a source's end has a carried source in rests_on
    for c, v in last["criteria"].items():
        if v["carried_from"] is not None:
            assert any(
                r["carried_from"] == v["carried_from"] and c in r["criteria"]
                for r in last["rests_on"]
            ), c
    trade_year = next(y for y in d["by_year"] if y["year"] == 2012)
    assert ("cow_trade", None) in {
        (r["dataset"].split()[0], r["carried_from"]) for r in trade_year["rests_on"]
    }


def test_ideal_points_carry_their_posterior_interval(d):
    ip = d["ideal_points"]
    assert ip["dataset"].startswith("voeten_idealpoints") and "percentile" in ip["interval"]
    by_year = {y["year"]: y for y in d["by_year"]}
    assert [r["year"] for r in ip["by_year"]] == list(range(2010, 2025))  # the data end in 2024
    for r in ip["by_year"]:
        ind = by_year[r["year"]]["dimensions"]["diplomatic"]["indicators"]
        for side in ("a", "b"):
            v = r[side]
            assert v["low"] <= v["ideal"] <= v["high"]
            assert v["ideal"] == pytest.approx(ind[f"ideal_{side}"], abs=1e-4)
    assert ip["by_year"][-1]["measure"] == "final-passage votes"
    assert ip["by_year"][0]["measure"] == "all votes"
