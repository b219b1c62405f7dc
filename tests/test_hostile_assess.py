"""Hostile and edge inputs of the assessment: strict JSON, a year's result whatever the window."""

from __future__ import annotations

import pytest
from _hostile import cli, strict_json

from allyscope.assessment import assess


def test_assess_json_has_no_infinity(monkeypatch, capsys):
    # a rolling sum left ~1e-16 in an arms share over a zero import total: Infinity
    r = cli(monkeypatch, capsys, "assess", "COG", "RUS", "--years", "1994-1998", "--format", "json")
    assert r.code == 0, r.err
    d = strict_json(r.out)
    shares = [y["dimensions"]["security"]["indicators"]["arms_share_a_from_b"] for y in d["by_year"]]
    assert all(s is None or 0 <= s <= 1 for s in shares)


@pytest.mark.parametrize(
    ("a", "b", "year"),
    [("COG", "RUS", 1996), ("IRN", "RUS", 1996), ("USA", "GBR", 2005), ("RUS", "IND", 2005)],
)
def test_a_years_result_does_not_depend_on_the_window(a, b, year):
    alone = assess(a, b, years=year).as_dict()["by_year"]
    wide = assess(a, b, years=(year - 2, year + 2)).as_dict()["by_year"]
    assert alone == [y for y in wide if y["year"] == year]


def test_non_finite_floats_become_null_in_every_json_output():
    from allyscope.jsonout import dumps

    text = dumps({"a": float("inf"), "b": [float("nan"), -float("inf"), 1.5], "c": (2.0,)})
    assert strict_json(text) == {"a": None, "b": [None, None, 1.5], "c": [2.0]}
