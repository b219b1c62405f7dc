"""Bounded load test of the dashboard's API on loopback: 200 concurrent requests, mixed.

    python benchmarks/load.py [--concurrency 200] [--rounds 2]

Starts `allyscope serve` in a subprocess on a free port (its own empty cache), then sends
`--concurrency` requests at once over a mix of endpoints (assessments of 8 dyads, rankings,
the state list, panel downloads), twice: the first round computes, the second is answered
from the app's cache. Prints errors and latency percentiles per round; the floor is one
request to /api/states alone.
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


async def one(client: httpx.AsyncClient, path: str) -> tuple[float, int]:
    t0 = time.perf_counter()
    r = await client.get(path)
    return time.perf_counter() - t0, r.status_code


async def round_(base: str, paths: list[str]) -> tuple[list[float], int, float]:
    limits = httpx.Limits(max_connections=len(paths), max_keepalive_connections=len(paths))
    async with httpx.AsyncClient(base_url=base, timeout=600, limits=limits) as client:
        t0 = time.perf_counter()
        res = await asyncio.gather(*(one(client, p) for p in paths))
        wall = time.perf_counter() - t0
    return [r[0] for r in res], sum(1 for r in res if r[1] != 200), wall


def pct(xs: list[float], q: float) -> float:
    return statistics.quantiles(xs, n=100)[q - 1] if len(xs) > 1 else xs[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "ALLYSCOPE_CACHE": cache}
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
            floor = min(asyncio.run(round_(base, ["/api/states"]))[0][0] for _ in range(5))
            print(
                f"{os.cpu_count()} cores; {args.concurrency} concurrent requests per round; floor (one "
                f"/api/states request) {floor * 1000:.1f} ms"
            )
            print("| round | errors | p50 s | p95 s | max s | wall s | p95 / floor |")
            print("|---|---|---|---|---|---|---|")
            for r in range(1, args.rounds + 1):
                lat, errors, wall = asyncio.run(round_(base, mix(args.concurrency)))
                print(
                    f"| {r} | {errors} | {pct(lat, 50):.2f} | {pct(lat, 95):.2f} | {max(lat):.2f} | {wall:.2f} "
                    f"| {pct(lat, 95) / floor:.0f} |"
                )
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
