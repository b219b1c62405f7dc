"""Hostile files: case files, codebooks, documents and event files.

A bad file is refused with one line that names the file (and, for YAML, the line) and
exit 2, or skipped with the reason (documents); nothing runs unbounded.
"""

from __future__ import annotations

import time

import pytest
from _hostile import cli, cli_bounded, no_partial_files

HEAD = """case: hostile
hypotheses:
  - {name: H1, prior: 0.5}
  - {name: H2, prior: 0.5}
evidence:
"""
ITEM = """  - id: e1
    statement: seen
    source: src
    observed: true
    likelihoods: {H1: 0.9, H2: 0.2}
"""
QUERY = """  - id: q1
    statement: seen in the data
    source: data
    likelihoods: {H1: 0.9, H2: 0.2}
    query: {dyad: IRN-RUS, indicator: atop_defense, years: 2001-2018, agg: max, op: ">=", value: 1}
"""


def _bomb(anchors: int = 9, width: int = 9) -> str:
    lines = ["lol: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, anchors + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n" + HEAD + ITEM.replace("statement: seen", f"statement: *a{anchors}")


def _prior(value: str) -> str:
    return HEAD.replace("prior: 0.5}", f"prior: {value}}}", 1) + ITEM


# (name, text of the case file, line named in the error, words in the error)
CASES = [
    ("alias bomb", _bomb(), 5, "aliases expand"),
    ("alias bomb in a note", HEAD + ITEM + "    note: &n [x, x, x, x, x, x, x, x]\n"
     + "".join(f"z{i}: &z{i} [*{'n' if i == 0 else f'z{i - 1}'}" + f", *{'n' if i == 0 else f'z{i - 1}'}" * 8 + "]\n" for i in range(6)),
     0, "aliases expand"),
    ("recursive alias", HEAD + ITEM.replace("statement: seen", "statement: &r [1, *r]"), 7, "contains it"),
    ("5,000 nested brackets", HEAD + ITEM.replace("statement: seen", "statement: " + "[" * 5000 + "]" * 5000), 7, "nested deeper"),
    ("5,000 nested mappings", "x: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n" + HEAD + ITEM, 1, "nested deeper"),
    ("statement is a list", HEAD + ITEM.replace("statement: seen", "statement: [a, b]"), 7, "single value"),
    ("statement is a mapping", HEAD + ITEM.replace("statement: seen", "statement: {a: b}"), 7, "single value"),
    ("id is a mapping", HEAD + ITEM.replace("id: e1", "id: {x: 1}"), 6, "single value"),
    ("source is a list", HEAD + ITEM.replace("source: src", "source: [a]"), 8, "single value"),
    ("empty statement", HEAD + ITEM.replace("statement: seen", "statement: ''"), 6, "must not be empty"),
    ("date is a list", HEAD + ITEM + "    date: [2001, 2002]\n", 11, "single value"),
    ("note is a mapping", HEAD + ITEM + "    note: {a: 1}\n", 11, "single value"),
    ("case title is a list", HEAD.replace("case: hostile", "case: [a, b]") + ITEM, 1, "single value"),
    ("description is a mapping", "description: {a: 1}\n" + HEAD + ITEM, 1, "single value"),
    ("hypothesis name is a list", HEAD.replace("name: H1", "name: [H1]") + ITEM, 3, "single value"),
    ("400-digit prior", _prior("9" * 400), 3, "between 0 and 1"),
    ("prior 1e400", _prior("1e400"), 3, "between 0 and 1"),
    ("prior is text", _prior("half"), 3, "number between 0 and 1"),
    ("prior is NaN", _prior(".nan"), 3, "number between 0 and 1"),
    ("prior is infinite", _prior(".inf"), 3, "between 0 and 1"),
    ("prior is a boolean", _prior("true"), 3, "number between 0 and 1"),
    ("prior is a list", _prior("[0.4, 0.6]"), 3, "one number"),
    ("negative prior", _prior("-0.5"), 3, "between 0 and 1"),
    ("likelihood is text", HEAD + ITEM.replace("H1: 0.9", "H1: likely"), 10, "number between 0 and 1"),
    ("400-digit likelihood", HEAD + ITEM.replace("H1: 0.9", "H1: " + "1" * 400), 10, "between 0 and 1"),
    ("likelihood range of three", HEAD + ITEM.replace("H1: 0.9", "H1: [0.1, 0.2, 0.3]"), 10, "[low, high]"),
    ("test type is a list", HEAD + ITEM.replace("likelihoods: {H1: 0.9, H2: 0.2}", "test: {type: [hoop], favours: H1}"), 10, "single value"),
    ("unknown agg", HEAD + QUERY.replace("agg: max", "agg: to_frame"), 10, "unknown agg"),
    ("agg is a list", HEAD + QUERY.replace("agg: max", "agg: [max]"), 10, "unknown agg"),
    ("unknown baseline.agg", HEAD + QUERY.replace("value: 1", "baseline: {years: 1992-2000, agg: to_frame}"), 10, "unknown agg"),
    ("baseline.agg dunder", HEAD + QUERY.replace("value: 1", "baseline: {years: 1992-2000, agg: __class__}"), 10, "unknown agg"),
    ("baseline.agg clear", HEAD + QUERY.replace("value: 1", "baseline: {years: 1992-2000, agg: clear}"), 10, "unknown agg"),
    ("baseline is a list", HEAD + QUERY.replace("value: 1", "baseline: [1992, 2000]"), 10, "baseline"),
    ("value is text", HEAD + QUERY.replace("value: 1", "value: lots"), 10, "must be a number"),
    ("value 1e400", HEAD + QUERY.replace("value: 1", "value: 1e400"), 10, "must be a number"),
    ("value is a list", HEAD + QUERY.replace("value: 1", "value: [1]"), 10, "must be a number"),
    ("op is a list", HEAD + QUERY.replace('op: ">="', 'op: [">="]'), 10, "unknown op"),
    ("op is SQL", HEAD + QUERY.replace('op: ">="', "op: \"1; DROP TABLE x\""), 10, "unknown op"),
    ("dyad is a list", HEAD + QUERY.replace("dyad: IRN-RUS", "dyad: [IRN, RUS]"), 10, "single value"),
    ("indicator is a mapping", HEAD + QUERY.replace("indicator: atop_defense", "indicator: {a: 1}"), 10, "single value"),
    ("indicator is a dunder", HEAD + QUERY.replace("indicator: atop_defense", "indicator: __class__"), 10, "unknown indicator"),
    ("type value not on the ladder", HEAD + QUERY.replace("indicator: atop_defense", "indicator: type").replace("value: 1", "value: [alliance]"), 10, "not one of"),
    ("years is a mapping", HEAD + QUERY.replace("years: 2001-2018", "years: {a: 1}"), 10, "year"),
    ("years 400 digits", HEAD + QUERY.replace("years: 2001-2018", "years: " + "9" * 400), 10, "year"),
    ("python tag", HEAD + ITEM.replace("statement: seen", "statement: !!python/object/apply:os.system [echo]"), 0, ""),
    ("custom tag", HEAD + ITEM.replace("statement: seen", "statement: !secret x"), 0, ""),
    ("duplicate key", HEAD + ITEM + "    source: again\n", 0, "not valid YAML"),
    ("two documents", HEAD + ITEM + "---\nx: 1\n", 0, "not valid YAML"),
    ("a list at the top", "- a\n- b\n", 1, "must be a mapping"),
    ("empty file", "", 1, "must be a mapping"),
]


@pytest.mark.parametrize(("body", "line", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_hostile_case_file_is_a_clear_error(tmp_path, monkeypatch, capsys, body, line, words):
    p = tmp_path / "case.yaml"
    p.write_text(body, encoding="utf-8")
    t0 = time.perf_counter()
    r = cli(monkeypatch, capsys, "trace", str(p), "--format", "json")
    assert time.perf_counter() - t0 < 10
    r.ok_or_clean_error()
    assert r.code == 2, (r.code, r.err)
    assert f"{p}" in r.err
    if line:
        assert f"{p}:{line}:" in r.err, r.err
    assert words.lower() in r.err.lower(), r.err


@pytest.mark.parametrize(
    ("name", "data", "line"),
    [
        ("latin-1", (HEAD + ITEM).replace("seen", "vu à Téhéran").encode("latin-1"), 7),
        ("utf-16", (HEAD + ITEM).encode("utf-16"), 1),
        ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe" * 50, 1),
        ("cp1256 in a note", (HEAD + ITEM + "    note: \u0627\u06cc\u0631\u0627\u0646\n").encode("cp1256", "replace"), 11),
    ],
)
def test_a_case_file_that_is_not_utf8_names_the_line(tmp_path, monkeypatch, capsys, name, data, line):
    p = tmp_path / "case.yaml"
    p.write_bytes(data)
    r = cli(monkeypatch, capsys, "trace", str(p))
    r.ok_or_clean_error()
    assert r.code == 2 and f"{p}:{line}: not UTF-8" in r.err, r.err


def test_the_alias_bomb_is_refused_within_bounds(tmp_path):
    # the file: 9 anchors of 9 aliases in `statement:` (grew past 2.7 GB)
    p = tmp_path / "bomb.yaml"
    p.write_text(_bomb(), encoding="utf-8")
    r = cli_bounded("trace", str(p), "--format", "json")
    r.ok_or_clean_error()
    assert r.code == 2 and "aliases expand" in r.err


def test_a_few_aliases_still_load(tmp_path, monkeypatch, capsys):
    body = "src: &s a shared source\n" + HEAD + ITEM.replace("source: src", "source: *s")
    p = tmp_path / "case.yaml"
    p.write_text(body, encoding="utf-8")
    r = cli(monkeypatch, capsys, "trace", str(p), "--format", "json")
    assert r.code == 0, r.err


CODEBOOK_OK = """version: t
families:
  dimension:
    fallback: other
    values:
      other: {phrases: {en: [anything at all]}}
  role:
    fallback: other
    values:
      other: {phrases: {en: [anything at all]}}
  framing:
    fallback: other
    values:
      other: {phrases: {en: [anything at all]}}
"""

CODEBOOKS = [
    ("alias bomb", "x: &x0 [a, a, a, a, a, a, a, a, a]\n" + "".join(f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 9) + "]\n" for i in range(1, 8)) + CODEBOOK_OK, "aliases expand"),
    ("nested brackets", "x: " + "[" * 5000 + "]" * 5000 + "\n" + CODEBOOK_OK, "nested deeper"),
    ("version is a list", CODEBOOK_OK.replace("version: t", "version: [1, 2]"), "single value"),
    ("fallback is a mapping", CODEBOOK_OK.replace("fallback: other", "fallback: {a: b}", 1), "single value"),
    ("description is a list", CODEBOOK_OK.replace("other: {phrases", "other: {description: [a], phrases", 1), "single value"),
    ("phrases are numbers", CODEBOOK_OK.replace("[anything at all]", "[1, 2]", 1), "list of strings"),
    ("families is a list", "version: t\nfamilies: [a, b]\n", "expected a mapping"),
    ("missing family", CODEBOOK_OK.split("  role:")[0], "family 'role'"),
    ("python tag", CODEBOOK_OK.replace("version: t", "version: !!python/name:os.system"), "tagged"),
]


@pytest.mark.parametrize(("body", "words"), [c[1:] for c in CODEBOOKS], ids=[c[0] for c in CODEBOOKS])
def test_a_hostile_codebook_is_a_clear_error(tmp_path, body, words):
    from allyscope.documents.codebook import load_codebook
    from allyscope.errors import InvalidInputError

    p = tmp_path / "codebook.yaml"
    p.write_text(body, encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(InvalidInputError) as err:
        load_codebook(p)
    assert time.perf_counter() - t0 < 10
    assert str(p) in str(err.value) and words.lower() in str(err.value).lower(), err.value


def test_a_codebook_that_is_not_utf8_names_the_line(tmp_path, monkeypatch, capsys):
    (tmp_path / "doc.txt").write_text("Iran and Russia signed a treaty on cooperation in 2001.")
    p = tmp_path / "codebook.yaml"
    p.write_bytes(CODEBOOK_OK.replace("anything at all", "économie").encode("latin-1"))
    r = cli(monkeypatch, capsys, "read", str(tmp_path / "doc.txt"), "--coder", "lexicon",
            "--codebook", str(p))
    r.ok_or_clean_error()
    assert r.code == 2 and f"{p}:6: not UTF-8" in r.err, r.err
    no_partial_files(tmp_path)
