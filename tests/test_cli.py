"""The command line as an analyst meets it: --version, output that fits 80 columns on a
terminal and in a pipe (TSV), rank --all, citations of the curated registries, refusals that
say what to do."""

from __future__ import annotations

import csv
import io
import re
import sys

import pytest
from _hostile import cli

import allyscope
from allyscope.cli import render

#: A long passage (whole in piped output, never cut at 160 characters) among 45.
LONG = (
    "Russia delivered S-300 air defence systems to Iran in 2016 after years of delay, and "
    "Iranian drones reached Russian forces in 2022; analysts in Tehran call the relationship "
    "strategic while officials in Moscow speak of a tactical convergence of interests that "
    "ends when the shared threat from the United States recedes."
)


@pytest.fixture
def article(tmp_path):
    paras = [LONG] + [
        f"In {1992 + i} Iran and Russia signed agreement number {i} on trade and energy, "
        "and trade between them grew."
        for i in range(44)
    ]
    path = tmp_path / "article.txt"
    path.write_text("\n\n".join(paras), encoding="utf-8")
    return str(path)


@pytest.fixture
def terminal(monkeypatch):
    """stdout is an 80-column terminal."""
    monkeypatch.setattr(render, "to_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "80")


@pytest.fixture
def pipe(monkeypatch):
    """stdout is a pipe; COLUMNS as in a plain shell."""
    monkeypatch.setattr(render, "to_terminal", lambda: False)
    monkeypatch.setenv("COLUMNS", "80")


def test_version(monkeypatch, capsys):
    r = cli(monkeypatch, capsys, "--version")
    assert r.code == 0
    assert r.out == f"allyscope {allyscope.__version__}\n"
    r = cli(monkeypatch, capsys, "--help")
    assert "--version" in r.out


def tsv(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    assert len({len(r) for r in rows}) == 1, "every line has the header's number of fields"
    return rows


def test_piped_data_list_is_tsv_with_whole_titles(monkeypatch, capsys, pipe):
    r = cli(monkeypatch, capsys, "data", "list")
    assert r.code == 0, r.err
    rows = tsv(r.out)
    assert rows[0] == ["name", "version", "years", "rows", "in_use", "updatable", "title"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["atop"][-1] == (
        "Alliance Treaty Obligations and Provisions (ATOP), directed dyad-years"
    )
    assert "treaty_registry" in by_name


@pytest.mark.parametrize(
    "args",
    [
        ("states", "Iran", "DEU", "USSR"),
        ("panel", "--years", "2011", "--dyads", "IRN-RUS", "-v", "trade"),
        ("panel", "--list-variables"),
        ("events", "formats"),
        ("events", "aggregate", "--sample", "--dyads", "IRN-RUS"),
    ],
)
def test_piped_tables_are_tsv(monkeypatch, capsys, pipe, args):
    r = cli(monkeypatch, capsys, *args)
    assert r.code == 0, r.err
    rows = tsv(r.out)
    assert len(rows) >= 2 and "│" not in r.out and "┃" not in r.out


def test_terminal_tables_fit_80_columns_without_breaking_words(monkeypatch, capsys, terminal):
    r = cli(monkeypatch, capsys, "data", "list")
    assert r.code == 0, r.err
    assert max(map(len, r.out.splitlines())) <= 80
    # too wide for a table at 80 columns: one record per dataset, titles whole words
    flat = " ".join(r.out.split())
    assert "Alliance Treaty Obligations and Provisions (ATOP), directed dyad-years" in flat
    r = cli(monkeypatch, capsys, "states", "Iran", "DEU")
    assert max(map(len, r.out.splitlines())) <= 80 and "┃ input" in r.out  # fits: a table


def test_piped_read_gives_whole_passages_in_80_columns(monkeypatch, capsys, pipe, article):
    passages = allyscope.read([article], method="lexicon").as_dict()["passages"]
    assert len(passages) > 40
    r = cli(monkeypatch, capsys, "read", article, "--coder", "lexicon")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert max(len(x) for x in lines if " " in x.strip()) <= 80
    flat = " ".join(r.out.split())
    longest = max(passages, key=lambda p: len(p["text"]))
    assert len(longest["text"]) > 200
    assert " ".join(longest["text"].split()) in flat  # whole, not cut at 160 characters
    assert all(p["id"] in r.out for p in passages)  # every passage, not the first 40


def test_read_on_a_wide_terminal_keeps_the_tables(monkeypatch, capsys, article):
    monkeypatch.setattr(render, "to_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "160")
    r = cli(monkeypatch, capsys, "read", article, "--coder", "lexicon")
    assert r.code == 0, r.err
    assert "Passages (first" in r.out


def test_rank_all_pairs_of_a_year(monkeypatch, capsys):
    r = cli(monkeypatch, capsys, "rank", "--all", "--year", "2023", "--format", "csv")
    assert r.code == 0, r.err
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert len(rows) > 15_000
    assert [int(x["rank"]) for x in rows] == list(range(1, len(rows) + 1))
    assert {"iso3_a", "name_a", "iso3_b", "name_b", "type", "score"} <= set(rows[0])
    pairs = {frozenset((x["iso3_a"], x["iso3_b"])): x for x in rows}
    assert len(pairs) == len(rows)  # each pair once
    one = cli(monkeypatch, capsys, "rank", "IRN", "--year", "2023", "--format", "csv")
    for x in csv.DictReader(io.StringIO(one.out)):  # the same verdicts as a state's ranking
        y = pairs[frozenset(("IRN", x["iso3_b"]))]
        assert (y["type"], y["score"]) == (x["type"], x["score"])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("rank", "--year", "2023"), "or give --all"),
        (("rank", "IRN", "--all", "--year", "2023"), "not both"),
    ],
)
def test_rank_needs_a_state_or_all(monkeypatch, capsys, args, words):
    r = cli(monkeypatch, capsys, *args)
    assert r.code == 2 and words in r.err and r.err.count("\n") == 1


def test_rank_all_text_names_both_states(monkeypatch, capsys, pipe):
    from allyscope.cli import assess_cmd

    fake = allyscope.rank("IRN", 2023).head(3)
    monkeypatch.setattr("allyscope.assessment.rank", lambda state, year: fake)
    r = cli(monkeypatch, capsys, "rank", "--all", "--year", "2023")
    assert r.code == 0, r.err
    rows = tsv(r.out)
    assert rows[0] == [
        "rank",
        "iso3_a",
        "name_a",
        "iso3_b",
        "name_b",
        "type",
        "score",
        "confidence",
    ]
    assert rows[1][:2] == ["1", "IRN"]
    assert assess_cmd.rank.__doc__ and "--all" in assess_cmd.rank.__doc__


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("treaty_registry", "@Misc{allyscope_treaty_registry,"),
        ("evidence_registry", "@Misc{allyscope_evidence_registry,"),
        ("evidence_registry", "@Article{kinne2020dcad,"),
    ],
)
def test_data_cite_curated_registries(monkeypatch, capsys, name, key):
    r = cli(monkeypatch, capsys, "data", "cite", name)
    assert r.code == 0, r.err
    assert key in r.out and r.out.count("@") == r.out.count("\n@") + 1


def _not_updatable() -> list[str]:
    from allyscope.sources.registry import curated_specs, registry

    return [s.name for s in [*registry().values(), *curated_specs().values()] if not s.parser]


@pytest.mark.parametrize("name", _not_updatable())
def test_update_refusals_say_what_to_do(monkeypatch, capsys, name):
    from allyscope.sources.registry import spec

    r = cli(monkeypatch, capsys, "data", "update", name)
    assert r.code == 5 and r.err.count("\n") == 1, r.err
    assert "cannot be updated automatically" in r.err
    notes = spec(name).notes
    assert not notes or notes not in r.err  # the dataset's notes are for `data info`
    assert re.search(r"`allyscope [a-z]|pip install|tools/", r.err), r.err


def test_update_without_a_download_url_says_where_to_get_the_file(monkeypatch, capsys):
    r = cli(monkeypatch, capsys, "data", "update", "sipri_transfers")
    assert r.code == 5
    assert "https://www.sipri.org/databases/armstransfers" in r.err
    assert "--file FILE" in r.err and "Orders from 1940" not in r.err


def test_help_says_what_a_pipe_gets(monkeypatch, capsys):
    for cmd in (("data", "list"), ("rank",), ("states",), ("read",)):
        r = cli(monkeypatch, capsys, *cmd, "--help")
        assert "piped" in " ".join(r.out.split()), cmd


def test_assess_fits_80_columns_in_a_pipe(monkeypatch, capsys, pipe):
    r = cli(monkeypatch, capsys, "assess", "IRN", "RUS", "--years", "2012-2016")
    assert r.code == 0, r.err
    assert max(map(len, r.out.splitlines())) <= 80


def test_assess_markdown_has_every_criterion(monkeypatch, capsys):
    from allyscope.assessment.criteria import CRITERIA

    r = cli(monkeypatch, capsys, "assess", "IRN", "RUS", "--years", "2012-2014", "-f", "markdown")
    assert r.code == 0, r.err
    header = next(x for x in r.out.splitlines() if x.startswith("| year | type"))
    assert all(c in header for c in CRITERIA)


def test_assess_driver_table_keeps_whole_sources(monkeypatch, capsys, pipe):
    d = allyscope.assess("IRN", "RUS", years=(1992, 2025)).as_dict()
    last = d["periods"][-1]
    label = f"{last['start']}-{last['end']}"
    shown = [
        [i for i in items if i["period"] == label][:5] for items in (d["drivers"], d["obstacles"])
    ]
    sources = {i["source"] for items in shown for i in items}  # the view's first five each
    r = cli(monkeypatch, capsys, "assess", "IRN", "RUS", "--years", "1992-2025")
    flat = " ".join(re.sub(r"[│┃]", " ", r.out).split())
    assert any(len(s) > 48 for s in sources)
    assert all(" ".join(s.split()) in flat for s in sources)


def test_stdout_is_not_a_terminal_under_pytest():
    assert not sys.stdout.isatty()  # the default (TSV) path is what the other tests see


def test_help_does_not_import_rich():
    """`allyscope --help` prints Click's plain help: Typer's Rich help imported rich.markdown,
    rich.traceback and typer.rich_utils and doubled its time (issue 26, BENCHMARKS.md)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from allyscope.cli import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('RICH', sorted(m for m in sys.modules if m.split('.')[0] == 'rich'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Commands:" in out.stdout and "assess" in out.stdout
    assert "RICH []" in out.stdout


def test_the_console_entry_ends_fast_but_runs_exit_handlers_and_keeps_codes(tmp_path):
    """`run()` (the console script and `python -m allyscope`) skips the interpreter's teardown
    of its objects (issue 26) but still runs the exit handlers, flushes the output and keeps
    every exit code."""
    import subprocess
    import sys

    mark = tmp_path / "handler-ran"
    late = tmp_path / "thread-finished"
    code = (
        "import atexit, sys, threading, time\n"
        f"atexit.register(lambda: open({str(mark)!r}, 'w').write('yes'))\n"
        "def work():\n"
        "    time.sleep(0.3)\n"
        f"    open({str(late)!r}, 'w').write('done')\n"
        "threading.Thread(target=work).start()\n"
        "from allyscope.cli import run\n"
        "sys.argv = ['allyscope', *sys.argv[1:]]\n"
        "run()\n"
        "print('NOT REACHED')\n"
    )
    ok = subprocess.run([sys.executable, "-c", code, "--version"], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.startswith("allyscope ") and "NOT REACHED" not in ok.stdout
    assert mark.read_text() == "yes"
    assert late.read_text() == "done"  # a running (non-daemon) thread is waited for
    bad = subprocess.run(
        [sys.executable, "-c", code, "states", "Atlantis"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and bad.stderr.startswith("allyscope: error:")
    usage = subprocess.run([sys.executable, "-c", code, "assess", "IRN"], capture_output=True, text=True)
    assert usage.returncode == 2 and "Missing argument" in usage.stderr
