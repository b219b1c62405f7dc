"""Bounded load test of the dashboard's API on loopback: 200 concurrent requests, mixed.

    python benchmarks/load.py [--concurrency 200] [--rounds 2] [--src DIR]

Starts `allyscope serve` in a subprocess on a free port (its own empty cache), then sends
`--concurrency` requests at once over a mix of endpoints (assessments of 8 dyads, rankings,
the state list, panel downloads), twice: the first round computes (cold assessments), the
second is answered from the app's cache. A 503 is retried after its Retry-After, as the
dashboard page does (at most 10 times); an error is a request that did not end in 200.
Prints, per round, errors, 503s, latency percentiles of all requests and of the
/api/states requests alone (the cheap endpoint that must not wait for heavy work); the
floor is one request to /api/states alone. ``--src`` serves another checkout's code
(its ``src`` folder first on PYTHONPATH), to compare commits side by side. Loopback only,
bounded: 2 rounds of 200 requests, 600 s timeout per request.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import httpx

DYADS = ["IRN-RUS", "USA-GBR", "RUS-CHN", "IND-PAK", "RUS-TUR", "SAU-IRN", "FRA-DEU", "USA-JPN"]


def mix(n: int) -> list[str]:
    paths = []
    for i in range(n):
        k = i % 10
        if k < 6:
            a, b = DYADS[i % len(DYADS)].split("-")
            paths.append(f"/api/assess?a={a}&b={b}&years=2000-2025")
        elif k < 8:
            paths.append(f"/api/rank?state={DYADS[i % len(DYADS)][:3]}&year=2020&top=20")
        elif k == 8:
            paths.append("/api/states")
        else:
            paths.append(
                f"/api/panel?dyads={DYADS[i % len(DYADS)]}&years=2000-2014&variables=atop,trade&format=csv"
            )
    return paths


async def one(client: httpx.AsyncClient, path: str) -> tuple[float, int, int]:
    """(seconds until the final answer, its status, 503s retried on the way)."""
    t0 = time.perf_counter()
    busy = 0
    r = await client.get(path)
    while r.status_code == 503 and busy < 10:
        busy += 1
        await asyncio.sleep(float(r.headers.get("retry-after", "5")))
        r = await client.get(path)
    return time.perf_counter() - t0, r.status_code, busy


async def round_(base: str, paths: list[str]) -> dict[str, object]:
    limits = httpx.Limits(max_connections=len(paths), max_keepalive_connections=len(paths))
    async with httpx.AsyncClient(base_url=base, timeout=600, limits=limits) as client:
        t0 = time.perf_counter()
        res = await asyncio.gather(*(one(client, p) for p in paths))
        wall = time.perf_counter() - t0
    states = [r[0] for r, p in zip(res, paths, strict=True) if p == "/api/states"]
    return {
        "lat": [r[0] for r in res],
        "states": states,
        "errors": sum(1 for r in res if r[1] != 200),
        "busy": sum(r[2] for r in res),
        "wall": wall,
    }


def pct(xs: list[float], q: float) -> float:
    return statistics.quantiles(xs, n=100)[q - 1] if len(xs) > 1 else xs[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--src", help="serve the code of this src folder (another checkout)")
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "ALLYSCOPE_CACHE": cache}
        if args.src:
            env["PYTHONPATH"] = os.path.abspath(args.src)
        proc = subprocess.Popen(
            [sys.executable, "-m", "allyscope", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    httpx.get(base + "/api/states", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            floor = min(asyncio.run(round_(base, ["/api/states"]))["lat"][0] for _ in range(5))  # type: ignore[index]
            print(
                f"{os.cpu_count()} cores; {args.concurrency} concurrent requests per round; floor (one "
                f"/api/states request) {floor * 1000:.1f} ms; code {args.src or 'this checkout'}"
            )
            print(
                "| round | errors | 503 retried | p50 s | p95 s | max s | wall s "
                "| /api/states p50 s | /api/states p95 s |"
            )
            print("|---|---|---|---|---|---|---|---|---|")
            for r in range(1, args.rounds + 1):
                m = asyncio.run(round_(base, mix(args.concurrency)))
                lat, st = m["lat"], m["states"]
                print(
                    f"| {r} | {m['errors']} | {m['busy']} | {pct(lat, 50):.2f} | {pct(lat, 95):.2f} "  # type: ignore[arg-type]
                    f"| {max(lat):.2f} | {m['wall']:.2f} | {pct(st, 50):.3f} | {pct(st, 95):.3f} |"  # type: ignore[arg-type]
                )
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
