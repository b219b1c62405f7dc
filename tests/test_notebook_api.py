"""The Python API in a notebook: Assessment's HTML view and tables beside the JSON contract,
``dir(allyscope)`` and ``allyscope.panel``'s signature."""

from __future__ import annotations

import dataclasses
import inspect
import json
from html.parser import HTMLParser

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import allyscope
from allyscope.assessment.criteria import CRITERIA
from allyscope.assessment.engine import ITEM_SCHEMA, PERIOD_SCHEMA, _items_frame
from allyscope.errors import InvalidInputError

#: The top-level keys of the JSON contract (docs/assessment.md), unchanged by the tables.
CONTRACT = [
    "dyad",
    "years",
    "current",
    "by_year",
    "periods",
    "asymmetry",
    "drivers",
    "obstacles",
    "thresholds",
    "third_party",
    "years_without_rows",
    "indicators",
    "events",
    "ideal_points",
    "sources",
]


@pytest.fixture(scope="module")
def r():
    return allyscope.assess("IRN", "RUS", years=(2005, 2025))


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.cells: list[str] = []
        self._in = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in = tag in ("td", "th")
        if self._in:
            self.cells.append("")

    def handle_endtag(self, tag):
        self._in = False

    def handle_data(self, data):
        if self._in:
            self.cells[-1] += data


def test_repr_html_shows_verdict_periods_and_years(r):
    html = r._repr_html_()
    p = _Cells()
    p.feed(html)
    assert p.tags.count("table") == 2
    cur = r.current
    assert "Iran (IRN) – Russia (RUS), 2005-2025" in html
    assert f"in {cur['year']} a {str(cur['type']).replace('_', ' ')}" in html
    assert "robustness" in html and "confidence" in html
    for per in r.periods:  # every period, with its type
        assert f"{per['start']}-{per['end']}" in p.cells and per["type"] in p.cells
    assert all(c in p.cells for c in CRITERIA)  # the compact table has every criterion
    assert [str(y) for y in range(2005, 2026)] == [
        c for c in p.cells if c.isdigit() and len(c) == 4 and c.startswith("20")
    ]
    assert repr(r).startswith("<Assessment Iran (IRN) – Russia (RUS), 2005-2025: in 2025 a ")


def test_repr_html_escapes_names(r):
    odd = dataclasses.replace(r, periods=[{**r.periods[0], "type": "<script>x</script>"}])
    assert "<script>" not in odd._repr_html_() and "&lt;script&gt;" in odd._repr_html_()


def test_tables_match_the_json_contract(r):
    d = r.as_dict()
    assert list(d) == CONTRACT
    assert isinstance(r.periods, list) and isinstance(r.periods[0], dict)  # unchanged
    per = r.periods_frame
    assert per.schema == pl.Schema(PERIOD_SCHEMA)
    assert per.to_dicts() == [{k: p.get(k) for k in PERIOD_SCHEMA} for p in d["periods"]]
    for items, frame in ((d["drivers"], r.drivers_frame), (d["obstacles"], r.obstacles_frame)):
        assert frame.schema == pl.Schema(ITEM_SCHEMA) and frame.height == len(items)
        for i, row in zip(items, frame.iter_rows(named=True), strict=True):
            assert (row["period"], row["indicator"], row["source"]) == (
                i["period"],
                i["indicator"],
                i["source"],
            )
            if isinstance(i["value"], str):
                assert row["name"] == i["value"] and row["value"] is None
            else:
                assert row["value"] == i["value"] and row["name"] is None
    crit = r.criteria_frame
    assert crit.columns == ["year", "type", "score", "confidence", "robustness", *CRITERIA]
    for y, row in zip(d["by_year"], crit.iter_rows(named=True), strict=True):
        assert (y["year"], y["type"]) == (row["year"], row["type"])
        for c in CRITERIA:
            v = row[c]
            want = y["criteria"][c]["value"]
            assert (v is None and want is None) or round(float(v), 4) == pytest.approx(want)


def test_to_pandas(r):
    pd = pytest.importorskip("pandas")
    df = r.to_pandas()
    assert isinstance(df, pd.DataFrame) and list(df.columns) == r.criteria_frame.columns
    assert len(df) == 21
    assert list(r.to_pandas("by_year").columns) == ["year", "type", "score", "confidence"]
    assert len(r.to_pandas("periods")) == len(r.periods)
    assert len(r.to_pandas("drivers")) == len(r.drivers)
    assert len(r.to_pandas("obstacles")) == len(r.obstacles)
    with pytest.raises(InvalidInputError, match="table must be one of"):
        r.to_pandas("years")


def test_empty_lists_give_empty_tables_with_columns(r):
    e = dataclasses.replace(r, periods=[], drivers=[], obstacles=[])
    assert e.periods_frame.height == 0 and e.periods_frame.columns == list(PERIOD_SCHEMA)
    assert e.drivers_frame.height == 0 and e.drivers_frame.columns == list(ITEM_SCHEMA)
    json.dumps(e.as_dict())  # the contract still serialises


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "period": st.sampled_from(["1992-1994", "2024-2025"]),
                "indicator": st.text(max_size=8),
                "dimension": st.sampled_from(["security", "economic"]),
                "value": st.one_of(
                    st.none(),
                    st.floats(allow_nan=False, width=64),
                    st.integers(0, 9),
                    st.text(max_size=12),
                ),
                "effect": st.floats(-1, 1),
                "description": st.text(max_size=8),
                "source": st.text(max_size=8),
            },
            optional={"years_with_data": st.integers(0, 30)},
        ),
        max_size=12,
    )
)
def test_items_frame_splits_numbers_from_registry_names(items):
    f = _items_frame(items)
    assert f.height == len(items) and f.columns == list(ITEM_SCHEMA)
    for i, row in zip(items, f.iter_rows(named=True), strict=True):
        if isinstance(i["value"], str):
            assert (row["value"], row["name"]) == (None, i["value"])
        else:
            assert row["name"] is None and row["value"] == i["value"]
        assert row["years_with_data"] == i.get("years_with_data")


def test_dir_lists_the_public_api():
    names = dir(allyscope)
    for verb in (
        "assess",
        "rank",
        "panel",
        "read",
        "trace",
        "resolve",
        "coverage",
        "datasets",
        "registry",
        "validate",
        "Assessment",
        "AllyscopeError",
    ):
        assert verb in names
    assert set(allyscope.__all__) <= set(names)
    assert not {"Any", "TYPE_CHECKING", "annotations", "_LAZY"} & set(names)
    for name in allyscope.__all__:
        assert getattr(allyscope, name) is not None


def test_panel_shows_its_real_signature():
    from allyscope.panel import panel as function

    sig = inspect.signature(allyscope.panel)
    assert sig == inspect.signature(function)
    assert list(sig.parameters) == [
        "years",
        "dyads",
        "variables",
        "directed",
        "system",
        "unit",
        "states",
    ]
    assert sig.parameters["directed"].default is True
    assert sig.parameters["unit"].default == "dyad-year"
    assert "Values outside a source's coverage are null" in (type(allyscope.panel).__call__.__doc__)
    assert allyscope.panel(years=2011, dyads="IRN-RUS")["ccode1"].to_list() == [630]  # callable
