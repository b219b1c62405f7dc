"""The dashboard: a FastAPI app with a JSON API under /api/ and one page that renders it.

Endpoints (OpenAPI schema at /openapi.json, docs at /docs):

- ``GET /api/states``: every state of the COW system: cow, iso3, name (for the dyad picker);
- ``GET /api/assess?a=IRN&b=RUS&years=1992-2025``: the assessment's JSON contract;
- ``GET /api/view?a=IRN&b=RUS&c=RUS&d=CHN&years=1992-2025``: what the page shows of one
  dyad (or two, compared on shared y scales): the verdict and tables as HTML and the charts
  as plotly figures, rendered from the assessment by the report's templates;
- ``GET /api/rank?state=IRN&year=2023&top=50``: a state's partners by type and score;
- ``GET /api/panel?dyads=IRN-RUS&years=2000-2014&variables=atop,trade&format=csv``: a panel
  slice as CSV, Parquet or JSON (at most 50 dyads and 100 years);
- ``GET /api/variables``: the panel's variables (columns, datasets, years) and those limits;
- ``GET /``: the dashboard page (plotly.js is served by the app itself, never from a CDN).

- ``GET /docs``: the OpenAPI page, its scripts served by the app (fastapi-offline).

Bad input gives a 4xx with ``{"error": message}``. Assessments, rankings and panel slices
are heavy: they run on a bounded pool of worker threads (:class:`HeavyPool`), each key
computed once however many requests ask for it and then answered from memory; when as
many computations as the pool holds are running or waiting, a new one gets a 503 with
``Retry-After`` instead of a place in an unbounded queue. Cheap endpoints (the state list,
the page, cached results) never wait for heavy work. Requests must name the server by a
host it serves (loopback names by default: a DNS-rebinding page cannot reach it), and
every response says ``X-Content-Type-Options: nosniff``. No endpoint reads or writes a
path it is given.
"""

# No `from __future__ import annotations`: FastAPI reads the endpoints' annotations at run
# time, and the response classes are imported inside create_app.
import asyncio
import io
import os
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any

from allyscope import __version__
from allyscope.errors import AllyscopeError, CoverageError, DataError, InvalidInputError
from allyscope.jsonout import dumps

MAX_YEARS = 120
MAX_PANEL_DYADS = 50
MAX_PANEL_YEARS = 100
STATUS = {CoverageError: 404, DataError: 500}
#: Hosts a request may name by default (the Host header): the loopback names.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
#: Heavy computations at once (threads), and how many more may wait for one.
HEAVY_WORKERS = max(1, min(4, (os.cpu_count() or 2)))
HEAVY_WAITING = 32
#: Heavy results kept in memory (bytes of JSON, CSV or Parquet).
CACHED_RESULTS = 256
RETRY_AFTER_S = 5
YEARS_PATTERN = r"^[0-9]{4}(-[0-9]{4})?$"  # ASCII digits only (\d also takes Arabic-Indic ones)


def _status(exc: AllyscopeError) -> int:
    for kind, code in STATUS.items():
        if isinstance(exc, kind):
            return code
    return 400


class Busy(Exception):
    """The heavy pool is full: answer 503 with Retry-After."""


class HeavyPool:
    """Heavy computations on ``workers`` threads, at most ``workers + waiting`` at once.

    Results are cached by key (the last ``cached`` keys); concurrent requests for a key
    share one computation; a computation that fails is not cached. ``run`` raises
    :class:`Busy` when a new key finds the pool full. Cached answers and cheap endpoints
    stay on the event loop and never queue behind heavy work.
    """

    def __init__(
        self, workers: int = HEAVY_WORKERS, waiting: int = HEAVY_WAITING, cached: int = CACHED_RESULTS
    ) -> None:
        self.capacity = workers + waiting
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="allyscope")
        self._running: dict[tuple[Any, ...], asyncio.Future[Any]] = {}
        self._done: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._cached = cached
        self.hits = 0
        self.refused = 0

    def cached(self, key: tuple[Any, ...]) -> bool:
        return key in self._done

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        key = (fn.__name__, *args)
        if key in self._done:
            self.hits += 1
            self._done.move_to_end(key)
            return self._done[key]
        fut = self._running.get(key)
        if fut is None:
            if len(self._running) >= self.capacity:
                self.refused += 1
                raise Busy(len(self._running))
            fut = asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
            self._running[key] = fut
            fut.add_done_callback(lambda f, key=key: self._finish(key, f))
        return await asyncio.shield(fut)

    def _finish(self, key: tuple[Any, ...], fut: "asyncio.Future[Any]") -> None:
        self._running.pop(key, None)
        if not fut.cancelled() and fut.exception() is None:
            self._done[key] = fut.result()
            while len(self._done) > self._cached:
                self._done.popitem(last=False)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


class SecurityHeaders:
    """ASGI middleware: ``X-Content-Type-Options: nosniff`` on every response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-content-type-options", b"nosniff"),
                ]
            await send(message)

        await self.app(scope, receive, with_headers)


def _json(obj: Any) -> bytes:
    return dumps(obj).encode()


def _assessment(a: str, b: str, years: str | None, third: str) -> dict[str, Any]:
    from allyscope.assessment import assess
    from allyscope.assessment.engine import parse_year_range

    first, last = parse_year_range(years)
    if last - first + 1 > MAX_YEARS:
        raise InvalidInputError(f"at most {MAX_YEARS} years per request; got {first}-{last}")
    return assess(a, b, years=(first, last), third=third).as_dict()


def _assess(a: str, b: str, years: str | None, third: str) -> bytes:
    return _json(_assessment(a, b, years, third))


def _view(a: str, b: str, c: str | None, d: str | None, years: str | None, third: str) -> bytes:
    """The page's views of A-B (and C-D beside it): HTML of the verdict and tables, figures."""
    from allyscope.presentation import charts
    from allyscope.presentation.report import render_card

    if bool(c) != bool(d):
        raise InvalidInputError("to compare, give both states of the second pair (c and d)")
    pairs = [(a, b)] + ([(c, d)] if c and d else [])
    results = [_assessment(x, y, years, third) for x, y in pairs]  # type: ignore[arg-type]
    width = charts.DASHBOARD_PLOT_PX if len(pairs) > 1 else charts.DASHBOARD_SINGLE_PLOT_PX
    figures = [
        charts.charts(r, width, sides)
        for r, sides in zip(results, charts.state_colours(results), strict=True)
    ]
    charts.share_scales(figures)
    views = []
    for r, figs in zip(results, figures, strict=True):
        views.append(
            {
                "dyad": f"{r['dyad']['a']['iso3']}-{r['dyad']['b']['iso3']}",
                "title": f"{r['dyad']['a']['name']} – {r['dyad']['b']['name']}",
                "years": r["years"],
                "html": render_card(r, figs),
                "charts": [{"id": f["id"], "figure": f["figure"]} for f in figs],
            }
        )
    return _json({"views": views})


@lru_cache(maxsize=1)
def _variables() -> bytes:
    """The panel's variables with their columns, datasets and years, and the download limits."""
    from allyscope.panel.variables import FAMILIES

    return _json(
        {
            "max_dyads": MAX_PANEL_DYADS,
            "max_years": MAX_PANEL_YEARS,
            "variables": [
                {
                    "name": name,
                    "description": f.description,
                    "first_year": f.span()[0],
                    "last_year": f.span()[1],
                    "datasets": list(f.datasets),
                    "columns": list(f.columns),
                }
                for name, f in FAMILIES.items()
            ],
        }
    )


def _rank(state: str, year: int, top: int) -> bytes:
    from allyscope.assessment import rank

    return _json(rank(state, year).head(top).drop("a", "b").to_dicts())


def _panel(dyads: str, years: str, variables: str, fmt: str) -> tuple[bytes, str]:
    """A panel slice as (bytes, media type)."""
    from allyscope.panel import panel as build

    pairs = [d for d in dyads.split(",") if d.strip()]
    if len(pairs) > MAX_PANEL_DYADS:
        raise InvalidInputError(f"at most {MAX_PANEL_DYADS} dyads per download; got {len(pairs)}")
    y = [int(v) for v in years.split("-")]  # checked against YEARS_PATTERN (ASCII digits)
    if y[-1] - y[0] + 1 > MAX_PANEL_YEARS:
        raise InvalidInputError(f"at most {MAX_PANEL_YEARS} years per download")
    df = build(years=years, dyads=",".join(pairs), variables=variables)
    if fmt == "json":
        return _json(df.to_dicts()), "application/json"
    buf = io.BytesIO()
    if fmt == "parquet":
        df.write_parquet(buf, compression="zstd")
        return buf.getvalue(), "application/vnd.apache.parquet"
    df.write_csv(buf)
    return buf.getvalue(), "text/csv"


@lru_cache(maxsize=1)
def _states() -> bytes:
    import polars as pl

    from allyscope.states.table import state_table

    return _json(
        state_table().select(pl.col("ccode").alias("cow"), "iso3", "name").to_dicts()
    )


@lru_cache(maxsize=1)
def _page() -> str:
    """The dashboard page, its colours from :mod:`allyscope.presentation.palette`."""
    from allyscope.presentation import palette
    from allyscope.presentation.report import environment

    return str(environment().get_template("dashboard.html").render(palette=palette))


def create_app(allowed_hosts: Sequence[str] = LOOPBACK_HOSTS, pool: HeavyPool | None = None) -> Any:
    """The dashboard app; ``allowed_hosts`` are the names a request's Host header may give."""
    from contextlib import asynccontextmanager

    from fastapi import Query, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse, Response
    from fastapi_offline import FastAPIOffline
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    heavy = pool or HeavyPool()

    @asynccontextmanager
    async def lifespan(app: Any) -> Any:
        yield
        heavy.close()

    # FastAPIOffline: /docs and /redoc with Swagger UI and ReDoc served by the app (no CDN)
    app = FastAPIOffline(title="allyscope", version=__version__, description=__doc__, lifespan=lifespan)
    app.state.heavy = heavy
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_middleware(SecurityHeaders)

    @app.exception_handler(AllyscopeError)
    async def allyscope_error(request: Request, exc: AllyscopeError) -> JSONResponse:
        return JSONResponse(status_code=_status(exc), content={"error": str(exc)})

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy) -> JSONResponse:
        return JSONResponse(
            status_code=503,
            content={
                "error": f"the server is busy with {exc.args[0]} computations; "
                f"retry in {RETRY_AFTER_S} s"
            },
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )

    @app.exception_handler(RequestValidationError)
    async def bad_query(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = [f"{'.'.join(str(x) for x in e['loc'][1:])}: {e['msg']}" for e in exc.errors()]
        return JSONResponse(status_code=400, content={"error": "; ".join(parts)})

    @app.exception_handler(ValueError)
    async def value_error(request: Request, exc: ValueError) -> JSONResponse:
        return JSONResponse(status_code=400, content={"error": str(exc)})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index() -> str:
        return _page()

    @app.get("/static/plotly.min.js", include_in_schema=False)
    async def plotly_js() -> Response:
        import plotly.offline

        return Response(
            plotly.offline.get_plotlyjs(),
            media_type="application/javascript",
            headers={"Cache-Control": "max-age=86400"},
        )

    @app.get("/api/states")
    async def states() -> Response:
        """Every COW state: code, ISO3 and name."""
        return Response(_states(), media_type="application/json")

    @app.get("/api/assess")
    async def assess(
        a: str = Query(
            ..., min_length=1, max_length=64, description="first state (name, ISO3/ISO2, COW code)"
        ),
        b: str = Query(..., min_length=1, max_length=64, description="second state"),
        years: str | None = Query(
            None, max_length=9, pattern=YEARS_PATTERN, description="e.g. 1992-2025"
        ),
        third: str = Query("USA", max_length=64),
    ) -> Response:
        """The assessment of a dyad (the JSON contract of `allyscope assess --format json`)."""
        body = await heavy.run(_assess, a.strip(), b.strip(), years, third.strip())
        return Response(body, media_type="application/json")

    @app.get("/api/view")
    async def view(
        a: str = Query(..., min_length=1, max_length=64, description="first state"),
        b: str = Query(..., min_length=1, max_length=64, description="second state"),
        c: str | None = Query(None, max_length=64, description="first state of a pair to compare"),
        d: str | None = Query(None, max_length=64, description="its partner"),
        years: str | None = Query(
            None, max_length=9, pattern=YEARS_PATTERN, description="e.g. 1992-2025"
        ),
        third: str = Query("USA", max_length=64),
    ) -> Response:
        """What the dashboard shows of a dyad (or two): the verdict, tables and charts."""
        second = (c or "").strip() or None, (d or "").strip() or None
        body = await heavy.run(_view, a.strip(), b.strip(), *second, years, third.strip())
        return Response(body, media_type="application/json")

    @app.get("/api/variables")
    async def variables() -> Response:
        """The panel's variables (columns, datasets, years) and the download limits."""
        return Response(_variables(), media_type="application/json")

    @app.get("/api/rank")
    async def rank(
        state: str = Query(..., min_length=1, max_length=64),
        year: int = Query(..., ge=1816, le=2100),
        top: int = Query(50, ge=1, le=250),
    ) -> Response:
        """A state's partners in a year, by relationship type, then score."""
        body = await heavy.run(_rank, state.strip(), year, top)
        return Response(body, media_type="application/json")

    @app.get("/api/panel")
    async def panel(
        dyads: str = Query(..., max_length=600, description="e.g. IRN-RUS,USA-GBR"),
        years: str = Query(..., max_length=9, pattern=YEARS_PATTERN),
        variables: str = Query("atop,trade", max_length=200),
        format: str = Query("csv", pattern="^(csv|parquet|json)$"),
    ) -> Response:
        """A slice of the dyad-year panel for download."""
        body, media = await heavy.run(_panel, dyads, years, variables, format)
        name = f"allyscope-panel-{years}.{format}"
        return Response(
            body,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return app
