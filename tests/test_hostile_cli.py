"""Hostile command lines: every bad argument is one line and its own exit code, never 70."""

from __future__ import annotations

import pytest
from _hostile import cli, strict_json

YEARS = [
    ("2000-", "not a year"),  # was silently 2000
    ("-5", "not a year"),  # was reported as "5-5"
    ("-2000", "not a year"),
    ("2000--2005", "not a year"),
    ("2000-2005-2010", "not a year"),
    ("٢٠٠٠", "not a year"),  # Arabic-Indic digits
    ("２０００", "not a year"),  # fullwidth digits
    ("1e3", "not a year"),
    ("99999", "not a year"),
    (" ", "not a year"),
    ("2000,2005", "not a year"),
    ("2025-1992", "reversed"),
    ("1700", "within 1816"),
    ("2999", "within 1816"),
    ("1992-2025; rm -rf /", "not a year"),
]


@pytest.mark.parametrize(("years", "words"), YEARS)
def test_assess_years(monkeypatch, capsys, years, words):
    r = cli(monkeypatch, capsys, "assess", "IRN", "RUS", "--years", years)
    r.ok_or_clean_error()
    assert r.code == 2 and words in r.err, r.err


@pytest.mark.parametrize(
    "years", ["2000-", "-5", "٢٠٠٠", "1990,,1995", "1990,x", "0-1", "2014-2010", "1815"]
)
def test_panel_years(monkeypatch, capsys, years):
    r = cli(monkeypatch, capsys, "panel", "--years", years, "--dyads", "IRN-RUS", "-v", "atop")
    r.ok_or_clean_error()
    assert r.code == 2, r.err


@pytest.mark.parametrize(
    "args",
    [
        ["assess", "IRN", "IRN"],
        ["assess", "Narnia", "RUS"],
        ["assess", "", "RUS"],
        ["assess", "9" * 5000, "RUS"],  # int() refuses more than 4,300 digits
        ["assess", "²", "RUS"],  # a digit to str.isdigit, not to int()
        ["assess", "-1", "RUS"],
        ["assess", "IRN\x07", "RUS"],
        ["assess", "IRN", "RUS", "--format", "xml"],
        ["assess", "IRN", "RUS", "--third", "Narnia"],
        ["rank", "IRN", "--year", "1700"],
        ["rank", "IRN", "--year", "abc"],
        ["rank", "IRN", "--year", "2023", "--top", "-5"],
        ["rank", "Narnia", "--year", "2020"],
        ["rank", "IRN", "--year", "1850"],
        ["states", "x" * 10_000],
        ["states", "DEU", "--year", "-1"],
        ["panel", "--variables", "__class__", "--years", "2010"],
        ["panel", "--variables", "atop", "--years", "2010", "--system", "xyz"],
        ["panel", "--dyads", "IRN", "--years", "2010"],
        ["panel", "--dyads", "IRN-IRN", "--years", "2010"],
        ["read"],
        ["read", "/nonexistent/file.pdf"],
        ["read", "--corpus", "ungd", "--states", "IRN"],
        ["read", "--corpus", "nope", "--states", "IRN,RUS"],
        ["read", "x.txt", "--tolerance", "5"],
        ["read", "x.txt", "--export", "exe"],
        ["read", "x.txt", "--coder", "gpt"],
        ["trace", "/nonexistent.yaml"],
        ["trace", "/"],
        ["data", "info", "nope"],
        ["data", "cite", "../../etc/passwd"],
        ["data", "update", "atop", "--file", "/nonexistent.zip"],
        ["events", "aggregate"],
        ["events", "aggregate", "--sample", "--by", "decade"],
        ["events", "aggregate", "--sample", "--engine", "oracle"],
        ["events", "aggregate", "--sample", "--dyads", "IRN"],
        ["report", "IRN", "RUS", "-o", "r.pdf"],
        ["serve", "--port", "0"],
        ["nonsense-command"],
    ],
    ids=lambda a: " ".join(a)[:40],
)
def test_bad_arguments_are_clean_errors(monkeypatch, capsys, tmp_path, args):
    monkeypatch.chdir(tmp_path)
    r = cli(monkeypatch, capsys, *args)
    r.ok_or_clean_error()
    assert r.code not in (0, 70), (r.code, r.err)


@pytest.mark.parametrize(
    "args",
    [
        ["assess", "IRN", "RUS", "--years", "2015-2016", "-f", "json"],
        ["rank", "IRN", "--year", "2020", "--top", "3", "-f", "json"],
        ["states", "Iran", "'; DROP TABLE states; --", "-f", "json"],
        ["events", "aggregate", "--sample", "--dyads", "IRN-RUS", "-f", "json"],
        ["data", "list", "-f", "json"],
        ["validate", "-f", "json"],
    ],
    ids=lambda a: " ".join(a)[:30],
)
def test_json_output_is_strict(monkeypatch, capsys, args):
    r = cli(monkeypatch, capsys, *args)
    r.ok_or_clean_error()
    if r.code == 0:
        strict_json(r.out)
