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


@pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="Debian's chromium is not installed (.ci/run installs it)",
)
def test_picking_a_dyad_updates_the_views_in_chromium():
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTEFACTS.mkdir(exist_ok=True)
    with live_server() as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(f"{base}/", timeout=120_000)
        page.wait_for_selector("text=Iran – Russia", timeout=120_000)
        assert page.locator(".main-svg").count() >= 6
        # pick another dyad with the form: the views must change to it
        page.fill("#a", "India")
        page.fill("#b", "Pakistan")
        page.fill("#years", "2000-2014")
        page.click("#go")
        page.wait_for_selector("text=India – Pakistan", timeout=120_000)
        assert page.locator("text=Iran – Russia").count() == 0
        assert "rivalry" in page.locator(".verdict").first.inner_text()
        page.screenshot(path=str(ARTEFACTS / "dashboard-picked-ind-pak.png"))
        # bad input: a readable message on the page, views kept
        page.fill("#b", "Narnia")
        page.click("#go")
        page.wait_for_selector("#error:has-text('unknown state')", timeout=60_000)
        # ranking
        page.click("#rank")
        page.wait_for_selector("text=Partners of Iran in 2023", timeout=120_000)
        page.screenshot(path=str(ARTEFACTS / "dashboard-rank-iran-2023.png"))
        browser.close()
