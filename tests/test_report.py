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


def _report_cli(*args):
    """``allyscope report IRN RUS ...`` in a subprocess."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "allyscope", "report", "IRN", "RUS", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_report_writes_html_and_refuses_pdf(tmp_path):
    out = tmp_path / "r.html"
    run = _report_cli("--years", "2020-2025", "--output", str(out))
    assert run.returncode == 0, run.stderr
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    bad = _report_cli("--output", str(tmp_path / "r.pdf"))
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


@pytest.mark.skipif(
    __import__("shutil").which("chromium") is None,
    reason="Debian's chromium is not installed (.ci/run installs it)",
)
@pytest.mark.parametrize(("years", "width"), [((2012, 2025), 1200), ((1992, 2025), 800)])
def test_report_charts_are_readable_in_chromium(html, tmp_path, years, width):
    """Drawn by the browser: an x and y axis title on every chart, sources under it,
    legends in words, period labels inside the chart and apart, every text at 4.5:1."""
    import shutil

    if years != (2012, 2025):  # seven periods, some of one year, in a narrow window
        html = render_report(allyscope.assess("IRN", "RUS", years=years).as_dict())

    sync_api = pytest.importorskip("playwright.sync_api")
    from tests._browser import CHART_TEXT_JS, TEXT_COLOURS_JS, low_contrast, overlaps

    page_file = tmp_path / "report.html"
    page_file.write_text(html, encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": width, "height": 1200})
        outside = []
        page.route(
            "**/*",
            lambda route: route.continue_()
            if route.request.url.startswith("file:")
            else (outside.append(route.request.url), route.abort()),
        )
        page.goto(page_file.as_uri())
        page.wait_for_selector("figure.chart .main-svg")
        page.wait_for_timeout(500)
        figures = page.evaluate(CHART_TEXT_JS)
        texts = page.evaluate(TEXT_COLOURS_JS)
        browser.close()
    assert outside == []
    assert len(figures) == 12  # timeline, ideal points, nine indicator charts, asymmetry
    for f in figures:
        assert f["y"] and f["y"][0].strip() and f["x"] and f["x"][0].strip(), f["id"]
        assert f["source"].startswith("Sources: "), f["id"]
        assert f["legend"] and not [t for t in f["legend"] if "_" in t], f["id"]
    (timeline,) = [f for f in figures if f["id"] == "timeline"]
    labels = timeline["labels"]
    periods_line = html.split('<p class="periods">', 1)[1].split("</p>", 1)[0]
    assert len(labels) == periods_line.count('class="chip"')
    assert not overlaps(labels)
    for lab in labels:
        assert timeline["svg"]["left"] <= lab["left"] and lab["right"] <= timeline["svg"]["right"]
        assert timeline["svg"]["top"] <= lab["top"]
    assert len(texts) > 300
    assert not low_contrast(texts)


# --- the documents and UN General Debate sections --------------------------------------

# A paragraph of seed 001 ("Iran and Russia: From Potential to Obstruction in Strategic
# Relations", 2025), quoted as a fixture, and two sentences on other pairs.
SEED_001_TRADE = (
    "For instance, Russian exports to Iran increased from $770 million in 2011 to $1.58 "
    "billion in 2022, while Iranian exports to Russia increased from $350 million to $750 "
    "million over the same period."
)
OTHER_PAIR = "France and Germany signed a treaty of friendship and cooperation in 1963."
PAIR_SECURITY = (
    "Russia has supplied Iran with S-300 air defence missiles, and the two armies held "
    "joint naval exercises in the Caspian Sea."
)


@pytest.fixture(scope="module")
def read_result(tmp_path_factory):
    from allyscope.documents import read

    d = tmp_path_factory.mktemp("docs")
    (d / "seed.txt").write_text(
        "\n\n".join([SEED_001_TRADE, OTHER_PAIR, PAIR_SECURITY]), encoding="utf-8"
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLYSCOPE_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield read(d, method="lexicon", check_claims=True)


def test_dyad_evidence_keeps_the_passages_on_the_pair(read_result):
    from allyscope.documents.evidence import dyad_evidence

    ev = dyad_evidence(read_result, 630, 365)
    texts = {i["text"] for i in ev["items"]}
    assert SEED_001_TRADE in texts and PAIR_SECURITY in texts and OTHER_PAIR not in texts
    for i in ev["items"]:
        assert {"IRN", "RUS"} & set(i["states"]) and i["dimension"] != "none"
        assert i["source"].startswith("seed.txt, characters ")
    assert sum(sum(c.values()) for c in ev["counts"].values()) == len(ev["items"])
    assert sum(ev["framing"].values()) == len(ev["items"])
    assert ev["documents"][0]["items"] == len(ev["items"]) and ev["passages"] == 3
    trade = next(i for i in ev["items"] if i["text"] == SEED_001_TRADE)
    assert trade["date"] == 2022 and trade["years"] == [2011, 2022]
    assert ev["reliability"] == {}  # the keyword coder has no measured agreement here
    verdicts = {(c["year"], c["from"], c["to"]): c["verdict"] for c in ev["claims"]}
    assert verdicts[(2011, "RUS", "IRN")] == "inconsistent"
    assert verdicts[(2011, "IRN", "RUS")] == "consistent"
    assert verdicts[(2022, "RUS", "IRN")] == "unverifiable"


def test_report_renders_documents_and_general_debate_sections(assessment, read_result):
    from allyscope.documents.corpus import corpus_view
    from allyscope.documents.evidence import dyad_evidence

    ev = dyad_evidence(read_result, 630, 365)
    spoken = corpus_view("ungd", "IRN", "RUS", years=range(2012, 2016), method="lexicon")
    page = render_report(assessment, evidence=ev, corpus=spoken.to_dicts())
    assert "<h2>What the documents say</h2>" in page
    assert "<h2>How each spoke of the other in the UN General Debate</h2>" in page
    for i in ev["items"]:
        assert f"<td>{i['id']}</td>" in page
    assert 'inconsistent</td><td class="num">$3,599m' in page  # COW trade 4.0, 2011 flow2
    assert "covers 1870-2014" in page  # the coverage end of the unverifiable claims
    named = spoken.filter(spoken["mentions"] > 0)
    assert page.count("<td>RUS</td>") + page.count("<td>IRN</td>") >= named.height
    # kappas with three decimals, so 0.630 beside a 0.6 target never reads as 0.63 or 0.6
    rel = {"dimension": {"cv10_kappa": 0.63, "holdout_kappa": 0.599}}
    assert "dimension 0.630 / 0.599" in render_report(
        assessment, evidence=ev | {"reliability": rel}
    )
    plain = render_report(assessment)
    assert "<h2>What the documents say</h2>" not in plain
    assert "<h2>How each spoke of the other" not in plain


def test_cli_report_documents_bad_input(tmp_path):
    def run(*extra):
        return _report_cli("--years", "2014", "-o", str(tmp_path / "r.html"), *extra)

    missing = run("--documents", str(tmp_path / "nowhere.txt"), "--coder", "lexicon")
    assert missing.returncode != 0 and missing.stderr.count("\n") == 1
    assert "nowhere.txt" in missing.stderr
    bad = run("--coder", "magic")
    assert bad.returncode == 2 and "--coder" in bad.stderr
    assert not (tmp_path / "r.html").exists()
