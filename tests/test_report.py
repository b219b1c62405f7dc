"""The HTML report: self-contained, every section present, rendered from the assessment dict."""

import re

import pytest

import allyscope
from allyscope.presentation.report import render_report


@pytest.fixture(scope="module")
def assessment(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLYSCOPE_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield allyscope.assess("IRN", "RUS", years=(2012, 2025)).as_dict()


@pytest.fixture(scope="module")
def html(assessment):
    return render_report(assessment)


def test_report_is_self_contained_and_small(html):
    assert len(html.encode()) < 10_000_000
    assert html.count("<script") >= 2 and not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html) and not re.search(
        r"<img[^>]+src=\"https?:", html
    )
    assert not re.search(
        r"@import|url\(https?:", html.split("<script>", 1)[0]
    )  # no web fonts in the CSS


def test_report_shows_the_verdict_periods_dimensions_and_sources(assessment, html):
    cur = assessment["current"]
    assert f"In {cur['year']}: <strong>{cur['type'].replace('_', ' ')}</strong>" in html
    for p in assessment["periods"]:
        assert f"{p['start']}–{p['end']} {p['type'].replace('_', ' ')}" in html
    for dim in ("Diplomatic", "Security", "Economic", "Institutional", "Societal"):
        assert f"<h3>{dim}</h3>" in html
    for e in assessment["events"]:
        assert e["date"] in html
    for s in assessment["sources"]:
        assert f"<strong>{s['dataset']}</strong>" in html
    assert ">NA<" in html  # missing criteria are shown as NA, not 0


def test_cli_report_writes_html_and_refuses_pdf(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "r.html"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "allyscope",
            "report",
            "IRN",
            "RUS",
            "--years",
            "2020-2025",
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "allyscope",
            "report",
            "IRN",
            "RUS",
            "--output",
            str(tmp_path / "r.pdf"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


@pytest.mark.skipif(
    __import__("shutil").which("chromium") is None,
    reason="Debian's chromium is not installed (.ci/run installs it)",
)
def test_report_charts_render_in_chromium_offline(html, tmp_path):
    import subprocess
    from pathlib import Path

    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    base = [
        "chromium",
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--virtual-time-budget=20000",
    ]
    # no network: every request outside the file fails, so the charts must come from the file
    offline = ["--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9"]
    dom = subprocess.run(
        [*base, *offline, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    assert dom.count('class="main-svg"') >= 7  # timeline, five dimensions, asymmetry
    artefacts = Path(__file__).parent / "artefacts"
    artefacts.mkdir(exist_ok=True)
    shot = artefacts / "report-iran-russia-2012-2025.png"
    subprocess.run(
        [*base, *offline, "--window-size=1200,2400", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
    )
    assert shot.stat().st_size > 20_000
