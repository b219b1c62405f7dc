"""The Python API at its boundary: a wrong type or value is an AllyscopeError subclass that
names the parameter, never a bare TypeError or a Polars error, and never silently works."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import allyscope
from allyscope.errors import AllyscopeError

CASES = [
    ("assess list a", lambda: allyscope.assess(["IRN"], "RUS")),  # silently worked
    ("assess dict b", lambda: allyscope.assess("IRN", {"x": "RUS"})),
    ("assess None a", lambda: allyscope.assess(None, "RUS")),
    ("assess bool a", lambda: allyscope.assess(True, "RUS")),
    ("assess float a", lambda: allyscope.assess(630.0, "RUS")),
    ("assess bytes a", lambda: allyscope.assess(b"IRN", "RUS")),
    ("assess huge int", lambda: allyscope.assess(10**5000, "RUS")),
    ("assess 5000 digits", lambda: allyscope.assess("9" * 5000, "RUS")),
    ("assess superscript", lambda: allyscope.assess("²", "RUS")),
    ("assess control chars", lambda: allyscope.assess("IRN\x00", "RUS")),
    ("assess same state", lambda: allyscope.assess("IRN", 630)),
    ("assess years list of one", lambda: allyscope.assess("IRN", "RUS", years=[1992])),
    ("assess years float", lambda: allyscope.assess("IRN", "RUS", years=1992.5)),
    ("assess years bool", lambda: allyscope.assess("IRN", "RUS", years=True)),
    ("assess years dict", lambda: allyscope.assess("IRN", "RUS", years={"a": 1})),
    ("assess years '2000-'", lambda: allyscope.assess("IRN", "RUS", years="2000-")),
    ("assess third list", lambda: allyscope.assess("IRN", "RUS", third=["USA"])),
    ("rank year str", lambda: allyscope.rank("IRN", year="abc")),
    ("rank year float", lambda: allyscope.rank("IRN", year=2023.5)),
    ("rank year range", lambda: allyscope.rank("IRN", year="2020-2023")),
    ("rank state list", lambda: allyscope.rank(["IRN"], year=2023)),
    ("rank state bool", lambda: allyscope.rank(False, year=2023)),
    ("panel variables int", lambda: allyscope.panel(years=2010, variables=42)),
    ("panel variables list of ints", lambda: allyscope.panel(years=2010, variables=[1, 2])),
    ("panel variables dict", lambda: allyscope.panel(years=2010, variables={"atop": 1})),
    ("panel variables unknown", lambda: allyscope.panel(years=2010, variables="__class__")),
    ("panel dyads int", lambda: allyscope.panel(years=2010, dyads=42)),
    ("panel dyads triple", lambda: allyscope.panel(years=2010, dyads=[("IRN", "RUS", "USA")])),
    ("panel dyads list in pair", lambda: allyscope.panel(years=2010, dyads=[(["IRN"], "RUS")])),
    ("panel years float", lambda: allyscope.panel(years=2010.5)),
    ("panel years object", lambda: allyscope.panel(years=object())),
    ("panel years bytes", lambda: allyscope.panel(years=b"2010")),
    ("panel directed str", lambda: allyscope.panel(years=2010, dyads="IRN-RUS", directed="no")),
    ("panel system int", lambda: allyscope.panel(years=2010, system=1)),
    ("coverage int", lambda: allyscope.coverage(42)),
    ("read None", lambda: allyscope.read(None)),
    ("read int", lambda: allyscope.read(42)),
    ("read list of None", lambda: allyscope.read([None])),
    ("read bytes", lambda: allyscope.read(b"file.txt")),
    ("read empty list", lambda: allyscope.read([])),
    ("read method", lambda: allyscope.read(["x.txt"], method="gpt")),
    ("read tolerance", lambda: allyscope.read(["x.txt"], tolerance="high")),
    ("read tolerance 5", lambda: allyscope.read(["x.txt"], tolerance=5)),
    ("read check_claims str", lambda: allyscope.read(["x.txt"], check_claims="yes")),
    ("read codebook int", lambda: allyscope.read(["x.txt"], codebook=3)),
    ("trace int", lambda: allyscope.trace(42)),
    ("trace list", lambda: allyscope.trace(["a.yaml"])),
    ("trace missing file", lambda: allyscope.trace("/nonexistent/case.yaml")),
    ("trace empty mapping", lambda: allyscope.trace({})),
    ("resolve list", lambda: allyscope.resolve(["IRN"])),
    ("resolve None", lambda: allyscope.resolve(None)),
    ("resolve year str", lambda: allyscope.resolve("DEU", year="1980")),
    ("resolve paragraph", lambda: allyscope.resolve("Iran " * 100)),
    ("resolve_many int", lambda: allyscope.resolve_many(42)),
]


@pytest.mark.parametrize("call", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_argument_is_an_allyscope_error(call):
    with pytest.raises(AllyscopeError):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: allyscope.assess(630, np.int64(365), years=(2010, 2012)),
        lambda: allyscope.rank("IRN", year="2023"),  # a year as text is a year
        lambda: allyscope.panel(years=range(2010, 2012), dyads=[("IRN", "RUS")], variables=("atop",)),
        lambda: allyscope.resolve(np.int16(630)),
        lambda: allyscope.resolve("  Iran  "),
    ],
    ids=["numpy codes", "rank year as text", "tuple of variables", "numpy int16", "padded name"],
)
def test_reasonable_arguments_still_work(call):
    call()


def test_read_a_path_object(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Iran and Russia signed a treaty on cooperation in 2001 and in 2025.")
    assert allyscope.read(Path(p), method="lexicon").as_dict()["summary"]["documents"] == 1
