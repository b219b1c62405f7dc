"""The dashboard: a FastAPI app with a JSON API under /api/ and one page that renders it.

Endpoints (OpenAPI schema at /openapi.json, docs at /docs):

- ``GET /api/states``: every state of the COW system: cow, iso3, name (for the dyad picker);
- ``GET /api/assess?a=IRN&b=RUS&years=1992-2025``: the assessment's JSON contract;
- ``GET /api/rank?state=IRN&year=2023&top=50``: a state's partners by type and score;
- ``GET /api/panel?dyads=IRN-RUS&years=2000-2014&variables=atop,trade&format=csv``: a panel
  slice as CSV, Parquet or JSON (at most 50 dyads and 100 years);
- ``GET /``: the dashboard page (plotly.js is served by the app itself, never from a CDN).

Bad input gives a 4xx with ``{"error": message}``. Assessments, rankings and panel slices
are cached as bytes, and concurrent requests for the same key wait for one computation instead of
repeating it, so a repeated request is answered from memory. No endpoint reads or writes a path it is given.
"""

# No `from __future__ import annotations`: FastAPI reads the endpoints' annotations at run
# time, and the response classes are imported inside create_app.
import io
import threading
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import Any, TypeVar

from allyscope import __version__
from allyscope.errors import AllyscopeError, CoverageError, DataError, InvalidInputError
from allyscope.jsonout import dumps

MAX_YEARS = 120
MAX_PANEL_DYADS = 50
MAX_PANEL_YEARS = 100
STATUS = {CoverageError: 404, DataError: 500}


def _status(exc: AllyscopeError) -> int:
    for kind, code in STATUS.items():
        if isinstance(exc, kind):
            return code
    return 400


T = TypeVar("T")
#: A fixed set of locks, picked by the key's hash: bounded memory whatever the requests.
_LOCKS = tuple(threading.Lock() for _ in range(64))


def _single_flight(fn: Callable[..., T]) -> Callable[..., T]:
    """Cache ``fn``'s result per arguments and compute each key once even under concurrency."""
    cached = lru_cache(maxsize=256)(fn)

    def wrapper(*key: Any) -> T:
        lock = _LOCKS[hash((fn.__name__, *key)) % len(_LOCKS)]
        with lock:  # concurrent requests for one key wait for the first instead of recomputing
            return cached(*key)

    wrapper.cache_info = cached.cache_info  # type: ignore[attr-defined]
    wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return wrapper


def _json(obj: Any) -> bytes:
    return dumps(obj).encode()


@_single_flight
def _assess(a: str, b: str, years: str | None, third: str) -> bytes:
    from allyscope.assessment import assess
    from allyscope.assessment.engine import parse_year_range

    first, last = parse_year_range(years)
    if last - first + 1 > MAX_YEARS:
        raise InvalidInputError(f"at most {MAX_YEARS} years per request; got {first}-{last}")
    return _json(assess(a, b, years=(first, last), third=third).as_dict())


@_single_flight
def _rank(state: str, year: int, top: int) -> bytes:
    from allyscope.assessment import rank

    return _json(rank(state, year).head(top).drop("a", "b").to_dicts())


@_single_flight
def _panel(dyads: str, years: str, variables: str, fmt: str) -> tuple[bytes, str]:
    """A panel slice as (bytes, media type)."""
    from allyscope.panel import panel as build

    pairs = [d for d in dyads.split(",") if d.strip()]
    if len(pairs) > MAX_PANEL_DYADS:
        raise InvalidInputError(f"at most {MAX_PANEL_DYADS} dyads per download; got {len(pairs)}")
    y = [int(v) for v in years.split("-")]
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
def _states() -> list[dict[str, Any]]:
    import polars as pl

    from allyscope.states.table import state_table

    return state_table().select(pl.col("ccode").alias("cow"), "iso3", "name").to_dicts()


def _page() -> str:
    return (resources.files("allyscope.presentation") / "templates" / "dashboard.html").read_text(
        "utf-8"
    )


def create_app() -> Any:
    from fastapi import FastAPI, Query, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse, Response

    app = FastAPI(title="allyscope", version=__version__, description=__doc__)

    @app.exception_handler(AllyscopeError)
    async def allyscope_error(request: Request, exc: AllyscopeError) -> JSONResponse:
        return JSONResponse(status_code=_status(exc), content={"error": str(exc)})

    @app.exception_handler(RequestValidationError)
    async def bad_query(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = [f"{'.'.join(str(x) for x in e['loc'][1:])}: {e['msg']}" for e in exc.errors()]
        return JSONResponse(status_code=400, content={"error": "; ".join(parts)})

    @app.exception_handler(ValueError)
    async def value_error(request: Request, exc: ValueError) -> JSONResponse:
        return JSONResponse(status_code=400, content={"error": str(exc)})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> str:
        return _page()

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> Response:
        import plotly.offline

        return Response(
            plotly.offline.get_plotlyjs(),
            media_type="application/javascript",
            headers={"Cache-Control": "max-age=86400"},
        )

    @app.get("/api/states")
    def states() -> list[dict[str, Any]]:
        """Every COW state: code, ISO3 and name."""
        return _states()

    @app.get("/api/assess")
    def assess(
        a: str = Query(
            ..., min_length=1, max_length=64, description="first state (name, ISO3/ISO2, COW code)"
        ),
        b: str = Query(..., min_length=1, max_length=64, description="second state"),
        years: str | None = Query(
            None, max_length=11, pattern=r"^\d{4}(-\d{4})?$", description="e.g. 1992-2025"
        ),
        third: str = Query("USA", max_length=64),
    ) -> Response:
        """The assessment of a dyad (the JSON contract of `allyscope assess --format json`)."""
        return Response(
            _assess(a.strip(), b.strip(), years, third.strip()), media_type="application/json"
        )

    @app.get("/api/rank")
    def rank(
        state: str = Query(..., min_length=1, max_length=64),
        year: int = Query(..., ge=1816, le=2100),
        top: int = Query(50, ge=1, le=250),
    ) -> Response:
        """A state's partners in a year, by relationship type, then score."""
        return Response(_rank(state.strip(), year, top), media_type="application/json")

    @app.get("/api/panel")
    def panel(
        dyads: str = Query(..., max_length=600, description="e.g. IRN-RUS,USA-GBR"),
        years: str = Query(..., max_length=11, pattern=r"^\d{4}(-\d{4})?$"),
        variables: str = Query("atop,trade", max_length=200),
        format: str = Query("csv", pattern="^(csv|parquet|json)$"),
    ) -> Response:
        """A slice of the dyad-year panel for download."""
        body, media = _panel(dyads, years, variables, format)
        name = f"allyscope-panel-{years}.{format}"
        return Response(
            body,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return app
