"""The dashboard's API (FastAPI TestClient) and the page in headless Chromium when installed."""

import contextlib
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from allyscope.presentation import webapp  # noqa: E402

ARTEFACTS = Path(__file__).parent / "artefacts"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLYSCOPE_CACHE", str(tmp_path_factory.mktemp("cache")))
        with TestClient(webapp.create_app(), base_url="http://127.0.0.1") as c:
            yield c


def test_states_and_openapi(client):
    states = client.get("/api/states").json()
    assert len(states) == 217 and {"cow", "iso3", "name"} <= set(states[0])
    spec = client.get("/openapi.json")
    assert spec.status_code == 200 and {
        "/api/assess",
        "/api/rank",
        "/api/panel",
        "/api/states",
    } <= set(spec.json()["paths"])


def test_assess_matches_the_contract_and_is_cached(client):
    r = client.get("/api/assess", params={"a": "IRN", "b": "RUS", "years": "2015-2025"})
    assert r.status_code == 200
    d = r.json()
    assert d["dyad"]["a"]["iso3"] == "IRN" and [y["year"] for y in d["by_year"]][-1] == 2025
    heavy = client.app.state.heavy
    hits = heavy.hits
    assert (
        client.get("/api/assess", params={"a": "IRN", "b": "RUS", "years": "2015-2025"}).json() == d
    )
    assert heavy.hits == hits + 1


@pytest.mark.parametrize(
    ("path", "params", "code", "words"),
    [
        ("/api/assess", {"a": "IRN", "b": "Narnia"}, 400, "unknown state"),
        ("/api/assess", {"a": "IRN", "b": "RUS", "years": "2025-1992"}, 400, "reversed"),
        ("/api/assess", {"a": "IRN", "b": "RUS", "years": "1816-2025"}, 400, "at most 120 years"),
        ("/api/assess", {"a": "IRN", "b": "RUS", "years": "1992;DROP"}, 400, "years"),
        ("/api/assess", {"a": "x" * 65, "b": "RUS"}, 400, "a:"),
        ("/api/rank", {"state": "IRN", "year": 1700}, 400, "year"),
        ("/api/rank", {"state": "IRN", "year": 1850}, 404, "not a member"),
        ("/api/panel", {"dyads": "IRN-RUS", "years": "1800-2014"}, 400, "at most 100 years"),
        ("/api/panel", {"dyads": "IRN-RUS", "years": "2010", "format": "xlsx"}, 400, "format"),
    ],
)
def test_bad_input_is_4xx_with_a_json_error(client, path, params, code, words):
    r = client.get(path, params=params)
    assert r.status_code == code
    assert words.lower() in r.json()["error"].lower()


def test_rank_and_panel_download(client):
    rows = client.get("/api/rank", params={"state": "IRN", "year": 2023, "top": 5}).json()
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5]
    csv = client.get(
        "/api/panel", params={"dyads": "IRN-RUS", "years": "2010-2012", "variables": "atop"}
    )
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("ccode1,ccode2,year,atop_defense")
    pq = client.get("/api/panel", params={"dyads": "IRN-RUS", "years": "2010", "format": "parquet"})
    assert pq.content[:4] == b"PAR1"


def test_view_renders_the_verdict_and_charts_of_one_or_two_dyads(client):
    one = client.get("/api/view", params={"a": "IRN", "b": "RUS", "years": "2015-2025"})
    assert one.status_code == 200
    (v,) = one.json()["views"]
    assert v["dyad"] == "IRN-RUS" and v["years"] == [2015, 2025]
    assert "robustness" in v["html"] and "rests on" in v["html"] and "<footer" in v["html"]
    ids = [c["id"] for c in v["charts"]]
    assert ids[0] == "timeline" and ids[-1] == "asymmetry" and len(ids) == 12
    for c in v["charts"]:
        assert f'data-chart="{c["id"]}"' in v["html"]  # a place for every figure
    two = client.get(
        "/api/view", params={"a": "IRN", "b": "RUS", "c": "RUS", "d": "CHN", "years": "2015-2025"}
    ).json()["views"]
    assert [x["dyad"] for x in two] == ["IRN-RUS", "RUS-CHN"]
    for left, right in zip(two[0]["charts"], two[1]["charts"], strict=True):
        assert left["figure"]["layout"]["yaxis"]["range"] == right["figure"]["layout"]["yaxis"]["range"]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"a": "IRN", "b": "RUS", "c": "RUS"}, "both states of the second pair"),
        ({"a": "IRN", "b": "Narnia"}, "unknown state"),
        ({"a": "IRN", "b": "RUS", "c": "RUS", "d": "Narnia"}, "unknown state"),
        ({"a": "IRN", "b": "RUS", "years": "1816-2025"}, "at most 120 years"),
        ({"a": "IRN", "b": "RUS", "years": "1992;x"}, "years"),
        ({"a": "IRN"}, "b:"),
    ],
)
def test_view_bad_input_is_a_400(client, params, words):
    r = client.get("/api/view", params=params)
    assert r.status_code == 400 and words in r.json()["error"]


def test_variables_state_the_download_limits(client):
    v = client.get("/api/variables").json()
    assert (v["max_dyads"], v["max_years"]) == (webapp.MAX_PANEL_DYADS, webapp.MAX_PANEL_YEARS)
    names = {x["name"]: x for x in v["variables"]}
    assert {"atop", "trade", "un_votes", "idealpoints", "arms"} <= set(names)
    assert names["trade"]["last_year"] == 2014 and "flow1" in names["trade"]["columns"]


def test_page_loads_plotly_from_the_app_only(client):
    html = client.get("/").text
    assert '<script src="/static/plotly.min.js"></script>' in html and "https://" not in html
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000


@contextlib.contextmanager
def live_server():
    """The app served by uvicorn in a thread on a free loopback port; yields its base URL."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(webapp.create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="Debian's chromium is not installed (.ci/run installs it)",
)
def test_dashboard_renders_in_chromium(tmp_path):
    ARTEFACTS.mkdir(exist_ok=True)
    with live_server() as base:
        for name, query, words in [
            ("iran-russia", "", "Iran – Russia"),
            (
                "usa-gbr",
                "?a=USA&b=GBR&years=2005-2015",
                "United States of America – United Kingdom",
            ),
        ]:
            url = f"{base}/{query}"
            chrome = [
                "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--virtual-time-budget=20000",
            ]
            dom = subprocess.run(
                [*chrome, "--dump-dom", url], capture_output=True, text=True, timeout=120
            ).stdout
            assert words in dom, name
            assert dom.count('class="main-svg"') >= 6  # the timeline, five dimensions, asymmetry
            shot = ARTEFACTS / f"dashboard-{name}.png"
            subprocess.run(
                [*chrome, "--window-size=1280,1600", f"--screenshot={shot}", url],
                capture_output=True,
                timeout=120,
            )
            assert shot.stat().st_size > 20_000


needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="Debian's chromium is not installed (.ci/run installs it)",
)


@contextlib.contextmanager
def browser_page(width=1280, height=1400):
    """A live server and a playwright page in Debian's Chromium; yields (page, base URL).

    Requests to anything but the server are refused and recorded in ``page.outside``."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with live_server() as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": width, "height": height})
        page.outside = []

        def only_local(route):
            if route.request.url.startswith(base):
                route.continue_()
            else:
                page.outside.append(route.request.url)
                route.abort()

        page.route("**/*", only_local)
        try:
            yield page, base
        finally:
            browser.close()


def _query(page):
    from urllib.parse import parse_qs, urlsplit

    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


@needs_chromium
def test_picking_a_dyad_updates_the_views_and_the_url_in_chromium():
    ARTEFACTS.mkdir(exist_ok=True)
    with browser_page() as (page, base):
        page.goto(f"{base}/", timeout=120_000)
        page.wait_for_selector("text=Iran – Russia", timeout=120_000)
        assert page.locator(".main-svg").count() >= 6
        # pick another dyad with the form: the views change to it, and the URL says so
        page.fill("#a", "India")
        page.fill("#b", "Pakistan")
        page.fill("#years", "2000-2014")
        page.click("#go")
        page.wait_for_selector("text=India – Pakistan", timeout=120_000)
        assert _query(page) == {"a": "India", "b": "Pakistan", "years": "2000-2014"}
        assert page.locator("text=Iran – Russia").count() == 0
        assert "rivalry" in page.locator(".verdict").first.inner_text()
        page.screenshot(path=str(ARTEFACTS / "dashboard-picked-ind-pak.png"))
        # the URL is the view: opened afresh it shows the same dyad; back returns to the last
        shared = page.url
        page.go_back()
        page.wait_for_selector("text=Iran – Russia", timeout=120_000)
        page.goto(shared)
        page.wait_for_selector("text=India – Pakistan", timeout=120_000)
        assert page.input_value("#years") == "2000-2014"
        # bad input: a readable message, and the previous dyad's charts are gone
        page.fill("#b", "Narnia")
        page.click("#go")
        page.wait_for_selector("#error:has-text('unknown state')", timeout=60_000)
        assert page.locator(".main-svg").count() == 0 and page.locator(".card").count() == 0
        assert _query(page)["b"] == "Narnia"
        # the ranking: in the URL too, each partner a link to its dyad
        page.fill("#rstate", "Iran")
        page.fill("#ryear", "2023")
        page.click("#rank")
        page.wait_for_selector("text=Partners of Iran in 2023", timeout=120_000)
        assert page.inner_text("#error") == ""
        assert _query(page) == {"rank": "Iran", "year": "2023"}
        page.screenshot(path=str(ARTEFACTS / "dashboard-rank-iran-2023.png"))
        link = page.locator("table.rank a").first
        partner = link.inner_text()
        href = link.get_attribute("href")
        assert href.startswith("/?a=IRN&b=") and "years=1990-2023" in href
        link.click()
        page.wait_for_selector(f"h2.dyad-title:has-text('{partner}')", timeout=120_000)
        assert _query(page)["a"] == "IRN"
        assert page.outside == []


@needs_chromium
def test_every_dashboard_chart_has_units_sources_and_readable_text():
    from tests._browser import CHART_TEXT_JS, TEXT_COLOURS_JS, low_contrast, overlaps

    with browser_page() as (page, base):
        page.goto(f"{base}/?a=IRN&b=RUS&c=RUS&d=CHN&years=1992-2025", timeout=120_000)
        page.wait_for_selector(".card:nth-child(2) .main-svg", timeout=120_000)
        page.wait_for_timeout(1000)
        figures = page.evaluate(CHART_TEXT_JS)
        assert len(figures) == 2 * 12
        for f in figures:
            assert f["y"] and f["y"][0].strip(), f["id"]  # an axis title with its unit
            assert f["x"] == ["year"] or f["id"] == "asymmetry", f["id"]
            assert f["source"].startswith("Sources: "), f["id"]
            assert not [t for t in f["legend"] if "_" in t], f["id"]  # legends in words
            for lab in f["labels"]:  # period labels stay inside the chart
                assert f["svg"]["left"] <= lab["left"] and lab["right"] <= f["svg"]["right"], lab
            assert not overlaps(f["labels"]), f["id"]
        assert any("Iran's arms imports from Russia (share)" in f["legend"] for f in figures)
        timelines = [f for f in figures if f["id"] == "timeline"]
        chips = [c.locator("p.periods .chip").count() for c in page.locator(".card").all()]
        assert [len(f["labels"]) for f in timelines] == chips  # a label for every period
        # compare views: the same y scale for the same chart
        ranges = page.evaluate(
            """() => [...document.querySelectorAll(".card")].map(card =>
                 Object.fromEntries([...card.querySelectorAll("[data-chart]")].map(
                   el => [el.dataset.chart, el._fullLayout.yaxis.range])))"""
        )
        assert ranges[0].keys() == ranges[1].keys()
        for k in ranges[0]:
            assert ranges[0][k] == pytest.approx(ranges[1][k]), k
        # drivers and obstacles for every period
        for card in page.locator(".card").all():
            chips = card.locator("p.periods .chip").count()
            assert card.locator("h4.period-drivers").count() == chips > 0
        texts = page.evaluate(TEXT_COLOURS_JS)
        assert len(texts) > 500 and {"Iran's arms imports from Russia (share)", "no data"} <= {
            t["text"] for t in texts
        }
        assert not low_contrast(texts)
        ARTEFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / "dashboard-compare-irn-rus-rus-chn.png"))


@needs_chromium
def test_panel_download_lets_the_user_choose_within_the_limits():
    with browser_page() as (page, base):
        page.goto(f"{base}/?a=IRN&b=RUS&years=1992-2025", timeout=120_000)
        page.wait_for_selector(".download .download-link", timeout=120_000)
        box = page.locator(".download").first
        assert "at most 100 years and 50 dyads" in box.inner_text()
        for v in box.locator("input[name=variable]").all():
            v.uncheck()
        assert box.locator(".limit").inner_text() == "pick at least one variable"
        assert box.locator(".download-link").get_attribute("href") is None
        box.locator("input[value=un_votes]").check()
        box.locator("input[value=igos]").check()
        box.locator("[name=from]").fill("1900")
        box.locator("[name=to]").fill("2014")
        box.locator("[name=to]").dispatch_event("change")
        assert box.locator(".limit").inner_text() == "at most 100 years per download"
        box.locator("[name=from]").fill("2000")
        box.locator("[name=dyads]").fill("IRN-RUS, USA-GBR")
        box.locator("[name=dyads]").dispatch_event("change")
        href = box.locator(".download-link").get_attribute("href")
        from urllib.parse import parse_qs, urlsplit

        q = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
        assert q == {
            "dyads": "IRN-RUS,USA-GBR",
            "years": "2000-2014",
            "variables": "igos,un_votes",  # in the order of the list of variables
            "format": "csv",
        }
        csv = page.request.get(base + href)
        assert csv.ok
        header = csv.text().splitlines()[0].split(",")
        assert {"igos", "un_agree"} <= set(header) and "atop_defense" not in header
        assert len(csv.text().splitlines()) == 1 + 2 * 15  # two dyads, 15 years


@needs_chromium
def test_docs_render_offline_in_chromium():
    with browser_page() as (page, base):
        page.goto(f"{base}/docs", timeout=60_000)
        page.wait_for_selector(".swagger-ui .opblock", timeout=60_000)
        text = page.inner_text("body")
        for path in ("/api/assess", "/api/view", "/api/rank", "/api/panel", "/api/variables"):
            assert path in text
        assert page.outside == []  # nothing fetched from outside the app
