"""Process tracing: the arithmetic against hand-computed cases, queries, bad input, CLI."""

import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from allyscope.tracing import CaseError, load_case, trace

EXAMPLE = Path(__file__).parent.parent / "examples" / "iran_russia.yaml"


def write(tmp_path, text):
    p = tmp_path / "case.yaml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


THREE = """\
case: three hypotheses
hypotheses:
  - {name: A, prior: 0.2}
  - {name: B, prior: 0.3}
  - {name: C, prior: 0.5}
evidence:
"""


def test_one_item_two_hypotheses_by_hand(tmp_path):
    p = write(
        tmp_path,
        """\
        hypotheses:
          - {name: A, prior: 0.5}
          - {name: B, prior: 0.5}
        evidence:
          - {id: e1, statement: s, source: x, observed: true, likelihoods: {A: 0.8, B: 0.2}}
        """,
    )
    r = trace(p)
    assert r.posterior["A"] == pytest.approx(0.8)
    assert r.path[0]["weight_db"]["A"] == pytest.approx(10 * math.log10(4), abs=0.01)
    assert r.path[0]["weight_db"]["B"] == pytest.approx(-10 * math.log10(4), abs=0.01)


def test_failed_hoop_by_hand(tmp_path):
    # hoop for C not passed: P(not E | C) = 0.05, P(not E | A or B) = 0.5
    p = write(
        tmp_path,
        THREE
        + "  - {id: h, statement: s, source: x, observed: false, test: {type: hoop, favours: C}}\n",
    )
    r = trace(p)
    un = {"A": 0.2 * 0.5, "B": 0.3 * 0.5, "C": 0.5 * 0.05}
    total = sum(un.values())
    for h, v in un.items():
        assert r.posterior[h] == pytest.approx(v / total)
    # P(not E | not C) = (0.5 * 0.2 + 0.5 * 0.3) / 0.5 = 0.5, so 10 log10(0.05 / 0.5) = -10 dB
    assert r.path[0]["weight_db"]["C"] == pytest.approx(-10.0, abs=0.01)
    assert sum(r.posterior.values()) == pytest.approx(1.0)


def test_doubly_decisive_eliminates_the_others(tmp_path):
    p = write(
        tmp_path,
        THREE
        + "  - {id: s, statement: s, source: x, observed: true, likelihoods: {A: 0.6, B: 0.5, C: 0.4}}\n"
        + "  - {id: d, statement: s, source: y, observed: true, test: {type: doubly_decisive, favours: B}}\n",
    )
    r = trace(p)
    assert r.posterior == {"A": 0.0, "B": pytest.approx(1.0), "C": 0.0}
    w = r.path[1]["weight_db"]
    assert w["A"] == {"db": None, "eliminates": True} and w["B"] == {"db": None, "decisive": True}
    assert r.path[0]["posterior_after"]["B"] == pytest.approx(0.15 / (0.12 + 0.15 + 0.2), abs=1e-6)
    # the sensitivity draws let P(E | A, C) reach 0.05, so B need not win every draw outright,
    # but dropping the decisive item changes the leader: not robust
    assert r.sensitivity["leave_one_out"]["d"] != "B"
    assert r.sensitivity["robust"] is False


def test_sensitivity_is_a_distribution_and_flags_shared_sources(tmp_path):
    items = "".join(
        f"  - {{id: s{i}, statement: s, source: same, observed: true, test: {{type: smoking_gun, favours: C}}}}\n"
        for i in range(3)
    )
    r = trace(write(tmp_path, THREE + items))
    s = r.sensitivity
    assert s["draws"] == 2000
    assert sum(v["leads_share"] for v in s["likelihood_ranges"].values()) == pytest.approx(1.0)
    assert s["leader"] == "C" and s["robust"] is True
    for v in s["likelihood_ranges"].values():
        assert 0 <= v["p05"] <= v["p50"] <= v["p95"] <= 1
    assert r.warnings and "s0, s1, s2" in r.warnings[0]


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        (
            "hypotheses:\n  - {name: A, prior: 0.5}\n  - {name: B, prior: 0.4}\nevidence:\n"
            "  - {id: e, statement: s, source: x, observed: true, likelihoods: {A: 1, B: 0}}\n",
            1,
            "sum to 0.9",
        ),
        (
            THREE
            + "  - {id: e, statement: s, source: x, observed: true, likelihoods: {A: 1.5, B: 0, C: 0}}\n",
            7,
            "between 0 and 1",
        ),
        (
            THREE
            + "  - {id: e, statement: s, source: x, observed: true, test: {type: smoking_pistol, favours: A}}\n",
            7,
            "unknown test type",
        ),
        (
            THREE
            + "  - {id: e, statement: s, source: x, observed: true, test: {type: hoop, favours: D}}\n",
            7,
            "not a hypothesis",
        ),
        (
            THREE + "  - {id: e, statement: s, source: x, observed: true}\n",
            7,
            "exactly one of `test`",
        ),
        (
            THREE
            + "  - id: e\n    statement: s\n    source: x\n    test: {type: hoop, favours: A}\n"
            "    query: {dyad: IRN-NARNIA, indicator: atop_defense, year: 2010, op: '>=', value: 1}\n",
            11,
            "Narnia",
        ),
        (
            THREE
            + "  - id: e\n    statement: s\n    source: x\n    test: {type: hoop, favours: A}\n"
            "    query: {dyad: IRN-RUS, indicator: friendship, year: 2010, op: '>=', value: 1}\n",
            11,
            "unknown indicator",
        ),
        (THREE + "  - {id: e, statement: s, source: x, observed: yes please}\n", 0, ""),
    ],
)
def test_bad_input_names_the_line(tmp_path, body, line, words):
    p = write(tmp_path, body)
    with pytest.raises(CaseError) as err:
        trace(p)
    msg = str(err.value)
    if line:
        assert msg.startswith(f"{p}:{line}:"), msg
    assert words.lower() in msg.lower()


def test_invalid_yaml_names_the_line(tmp_path):
    p = write(tmp_path, "hypotheses:\n  - {name: A, prior: 0.5\nevidence: []\n")
    with pytest.raises(CaseError, match=rf"{p}:\d+: not valid YAML"):
        load_case(p)


def test_queries_are_evaluated_against_the_data(tmp_path):
    p = write(
        tmp_path,
        THREE
        + """\
  - id: atop
    statement: an ATOP non-aggression pledge between them after 2001
    source: ATOP 5.1
    query: {dyad: IRN-RUS, indicator: atop_nonagg, years: 2001-2018, agg: max, op: ">=", value: 1}
    test: {type: hoop, favours: B}
  - id: no-defence
    statement: an ATOP defence pledge between them
    source: ATOP 5.1 defence
    query: {dyad: IRN-RUS, indicator: atop_defense, years: 1992-2018, agg: max, op: ">=", value: 1}
    test: {type: hoop, favours: A}
  - id: both-ways
    statement: arms delivered both ways in 2022-2023
    source: SIPRI
    query:
      - {dyad: RUS-IRN, indicator: arms_ab, years: 2022-2023, agg: sum, op: ">", value: 0}
      - {dyad: IRN-RUS, indicator: arms_ab, years: 2022-2023, agg: sum, op: ">", value: 0}
    likelihoods: {A: 0.7, B: 0.6, C: 0.5}
  - id: trade-2020
    statement: trade in 2020
    source: COW
    query: {dyad: IRN-RUS, indicator: trade_total, year: 2020, op: ">", value: 0}
    likelihoods: {A: 0.5, B: 0.5, C: 0.5}
""",
    )
    r = trace(p)
    by = {e["id"]: e for e in r.path}
    assert by["atop"]["observed"] is True and by["atop"]["query"][0]["value"] == 1.0
    assert by["no-defence"]["observed"] is False
    assert by["both-ways"]["observed"] is True and len(by["both-ways"]["query"]) == 2
    assert r.unverifiable == ["trade-2020"]  # COW trade ends in 2014: no data, not 0


def test_example_case_runs():
    r = trace(EXAMPLE)
    d = json.loads(json.dumps(r.as_dict()))
    assert len(d["evidence"]) + len(d["unverifiable"]) >= 15
    assert sum(h["posterior"] for h in d["hypotheses"]) == pytest.approx(1.0, abs=1e-5)
    for e in d["evidence"]:
        assert {
            "id",
            "statement",
            "source",
            "observed",
            "likelihoods",
            "weight_db",
            "posterior_after",
        } <= set(e)
        assert e["source"]
    assert d["sensitivity"]["summary"]


def test_cli_trace(tmp_path):
    env = {**os.environ}
    out = subprocess.run(
        [sys.executable, "-m", "allyscope", "trace", str(EXAMPLE), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert {"hypotheses", "evidence", "sensitivity"} <= set(json.loads(out.stdout))
    bad = write(
        tmp_path,
        THREE
        + "  - {id: e, statement: s, source: x, observed: true, likelihoods: {A: 2, B: 0, C: 0}}\n",
    )
    out = subprocess.run(
        [sys.executable, "-m", "allyscope", "trace", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and f"{bad}:7:" in out.stderr
