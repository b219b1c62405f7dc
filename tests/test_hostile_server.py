"""The dashboard's server under hostile requests and load: 4xx with a JSON error for bad
input, 503 with Retry-After when the heavy pool is full, cheap endpoints never starved,
only loopback Host names, nosniff everywhere, /docs without a CDN."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time

import pytest

fastapi = pytest.importorskip("fastapi")
import httpx  # noqa: E402
from _hostile import strict_json  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from allyscope.presentation import webapp  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLYSCOPE_CACHE", str(tmp_path_factory.mktemp("cache")))
        with TestClient(webapp.create_app(), base_url="http://127.0.0.1") as c:
            yield c


BAD = [
    ("/api/assess", {"a": "IRN", "b": "RUS", "years": "١٩٩٢-٢٠٢٠"}, 400),  # Arabic-Indic digits
    ("/api/panel", {"dyads": "IRN-RUS", "years": "٢٠١٠"}, 400),  # was a codec error after computing
    ("/api/panel", {"dyads": "IRN-RUS", "years": "２０１０"}, 400),  # fullwidth digits
    ("/api/rank", {"state": "IRN", "year": "٢٠٢٣"}, 400),
    ("/api/assess", {"a": "IRN", "b": "RUS", "years": "1992-"}, 400),
    ("/api/assess", {"a": "IRN", "b": "RUS", "years": "-5"}, 400),
    ("/api/assess", {"a": "IRN", "b": "RUS", "years": "0000-9999"}, 400),
    ("/api/assess", {"a": "IRN", "b": "RUS", "years": "1992-2025\n"}, 400),
    ("/api/assess", {"a": "IRN", "b": "IRN"}, 400),
    ("/api/assess", {"a": "", "b": "RUS"}, 400),
    ("/api/assess", {"a": " ", "b": "RUS"}, 400),
    ("/api/assess", {"a": "<script>alert(1)</script>", "b": "RUS"}, 400),
    ("/api/assess", {"a": "IRN' OR '1'='1", "b": "RUS"}, 400),
    ("/api/assess", {"a": "../../etc/passwd", "b": "RUS"}, 400),
    ("/api/assess", {"a": "9" * 64, "b": "RUS"}, 400),
    ("/api/assess", {"a": "²", "b": "RUS"}, 400),
    ("/api/assess", {"a": "IRN", "b": "RUS", "third": "Narnia"}, 400),
    ("/api/assess", {"a": "IRN"}, 400),
    ("/api/rank", {"state": "IRN", "year": 2023, "top": 0}, 400),
    ("/api/rank", {"state": "IRN", "year": 2023, "top": 10**30}, 400),
    ("/api/rank", {"state": "IRN", "year": "2023.5"}, 400),
    ("/api/rank", {"state": "IRN", "year": -5}, 400),
    ("/api/rank", {"state": "Narnia", "year": 2020}, 400),
    ("/api/panel", {"dyads": "IRN-IRN", "years": "2010"}, 400),
    ("/api/panel", {"dyads": ",".join(["IRN-RUS"] * 51), "years": "2010"}, 400),
    ("/api/panel", {"dyads": "IRN-RUS", "years": "2010", "variables": "__class__"}, 400),
    ("/api/panel", {"dyads": "IRN-RUS", "years": "2010", "variables": "atop;DROP TABLE x"}, 400),
    ("/api/panel", {"dyads": "IRN-RUS", "years": "2010", "format": "../../etc/passwd"}, 400),
    ("/api/panel", {"dyads": "'; DROP TABLE panel; --", "years": "2010"}, 400),
    ("/api/panel", {"dyads": "IRN-RUS", "years": "2014-2010"}, 400),
    ("/api/panel", {"dyads": "x" * 601, "years": "2010"}, 400),
]


@pytest.mark.parametrize(("path", "params", "code"), BAD)
def test_a_bad_request_is_a_4xx_with_a_json_error(client, path, params, code):
    t0 = time.perf_counter()
    r = client.get(path, params=params)
    assert time.perf_counter() - t0 < 30
    assert r.status_code == code, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert isinstance(strict_json(r.text)["error"], str)


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("GET", "/static/../../../etc/passwd", 404),
        ("GET", "/static-offline-docs/../../../../etc/passwd", 404),
        ("GET", "/static-offline-docs/%2e%2e/%2e%2e/etc/passwd", 404),
        ("GET", "/nothing-here", 404),
        ("POST", "/api/assess?a=IRN&b=RUS", 405),
        ("DELETE", "/api/states", 405),
        ("GET", "/api/states?" + "x=1&" * 2000, 200),
    ],
)
def test_paths_outside_the_app_are_not_served(client, method, path, code):
    r = client.request(method, path)
    assert r.status_code == code
    assert "root:" not in r.text and r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("host", "code"),
    [
        ("127.0.0.1", 200),
        ("127.0.0.1:8000", 200),
        ("localhost:8000", 200),
        ("[::1]:8000", 200),
        ("evil.example", 400),
        ("127.0.0.1.evil.example", 400),
        ("localhost.evil.example:8000", 400),
        ("attacker.test:80", 400),
        ("", 400),
        ("127.0.0.1:8000@evil.example", 400),
    ],
)
def test_only_loopback_host_names_are_served(client, host, code):
    # a page on another site that rebinds its name to 127.0.0.1 sends its own Host
    r = client.get("/api/states", headers={"Host": host})
    assert r.status_code == code
    assert r.headers["x-content-type-options"] == "nosniff"


def test_another_host_can_be_allowed():
    c = TestClient(webapp.create_app(allowed_hosts=["dash.example"]), base_url="http://dash.example")
    assert c.get("/api/states").status_code == 200
    assert c.get("/api/states", headers={"Host": "127.0.0.1"}).status_code == 400


@pytest.mark.parametrize("path", ["/", "/api/states", "/docs", "/openapi.json", "/static/plotly.min.js"])
def test_every_response_says_nosniff(client, path):
    r = client.get(path)
    assert r.status_code == 200 and r.headers["x-content-type-options"] == "nosniff"


def test_docs_are_served_without_a_cdn(client):
    html = client.get("/docs").text
    assert "cdn." not in html and "https://" not in html.replace("https://fastapi.tiangolo.com", "")
    scripts = [s.split('"')[1] for s in html.split("src=")[1:]] + [
        s.split('"')[1] for s in html.split('href="')[0:0]
    ]
    assert scripts and all(s.startswith("/") for s in scripts), scripts
    for s in scripts:
        assert client.get(s).status_code == 200, s


# ---------------------------------------------------------------- isolation and load


@contextlib.contextmanager
def live_server(app):
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
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


def test_cheap_endpoints_are_not_starved_by_heavy_ones(monkeypatch):
    """50 slow computations at once: /api/states answers at once, the overflow gets 503."""
    release = threading.Event()

    def slow(a, b, years, third):
        release.wait(20)
        return b"{}"

    monkeypatch.setattr(webapp, "_assess", slow)

    async def burst(base: str) -> tuple[list[int], float, str | None]:
        limits = httpx.Limits(max_connections=100)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as c:
            heavy = [
                asyncio.create_task(c.get("/api/assess", params={"a": "IRN", "b": f"{s}"}))
                for s in range(2, 102, 2)
            ]
            await asyncio.sleep(1.0)  # all 50 are in flight or refused
            t0 = time.perf_counter()
            states = await c.get("/api/states")
            took = time.perf_counter() - t0
            assert states.status_code == 200
            release.set()
            done = await asyncio.gather(*heavy)
            retry = next((r.headers.get("retry-after") for r in done if r.status_code == 503), None)
            return [r.status_code for r in done], took, retry

    with live_server(webapp.create_app()) as base:
        codes, took, retry = asyncio.run(burst(base))
    assert took < 1.0, f"/api/states took {took:.2f} s behind heavy work"
    assert set(codes) <= {200, 503} and codes.count(503) == 50 - (
        webapp.HEAVY_WORKERS + webapp.HEAVY_WAITING
    )
    assert retry == str(webapp.RETRY_AFTER_S)


def test_one_key_is_computed_once_however_many_ask(monkeypatch):
    calls = []

    def counted(a, b, years, third):
        calls.append(a)
        time.sleep(0.5)
        return b'{"ok": 1}'

    monkeypatch.setattr(webapp, "_assess", counted)

    async def same(base: str) -> list[int]:
        async with httpx.AsyncClient(base_url=base, timeout=60) as c:
            rs = await asyncio.gather(
                *(c.get("/api/assess", params={"a": "IRN", "b": "RUS"}) for _ in range(60))
            )
            return [r.status_code for r in rs]

    with live_server(webapp.create_app()) as base:
        assert asyncio.run(same(base)) == [200] * 60
    assert len(calls) == 1


def test_a_failed_computation_is_not_cached(client):
    for _ in range(2):
        r = client.get("/api/assess", params={"a": "IRN", "b": "Narnia"})
        assert r.status_code == 400 and "unknown state" in r.json()["error"]
    assert not client.app.state.heavy.cached(("_assess", "IRN", "Narnia", None, "USA"))


# ---------------------------------------------------------------- start-up


def test_a_port_in_use_is_its_own_exit_code():
    from _hostile import cli_bounded

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = cli_bounded("serve", "--port", str(port))
    r.ok_or_clean_error()
    assert r.code == 8, (r.code, r.err)  # was 3, the code of "no data"
    assert "in use" in r.err and "--port" in r.err


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--host", "999.1.1.1"], 8),
        (["--host", "no-such-host.invalid"], 8),
        (["--host", "192.0.2.1"], 8),  # an address of another machine (TEST-NET): not bindable
        (["--port", "0"], 2),
        (["--port", "70000"], 2),
        (["--port", "-1"], 2),
    ],
)
def test_serve_start_up_failures(args, code):
    from _hostile import cli_bounded

    r = cli_bounded("serve", *args)
    r.ok_or_clean_error()
    assert r.code == code, (r.code, r.err)
