"""Load test: 50 concurrent users browsing provider pages on the demo data, over loopback.

Builds the synthetic demo into a temporary SQLite file, starts ``specialmeasures serve`` (Uvicorn,
one worker) on a free loopback port in a separate process, and runs 50 simulated users for
``SM_BENCH_LOAD_SECONDS`` seconds (default 60), each fetching a random provider's page or its JSON
twin, then pausing ``SM_BENCH_THINK_SECONDS`` (default 1 s, a person reading the page) before the
next. A second run with no pause at all (a stress test: every user hammering) reports the
saturation throughput. Reports throughput, p50/p95/p99 latency and errors per kind of
request. Goals (web issue): zero errors and p95 under 150 ms for the provider page and its twin.
Peer, measured in the same run: a small static file from the same server (the framework's floor).
The load generator shares the 2 cores with the server, so read the ratio, not the absolute times.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2
import numpy as np

from specialmeasures.bootstrap import bootstrap
from specialmeasures.demo import generate
from specialmeasures.settings import Settings
from specialmeasures.store.loader import load_country

USERS = 50


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _user(
    client: httpx2.AsyncClient,
    paths: dict[str, list[str]],
    stop: float,
    seed: int,
    out: dict[str, list[float]],
    errors: dict[str, int],
    think: float,
) -> None:
    rng = random.Random(seed)
    kinds = list(paths)
    while time.perf_counter() < stop:
        kind = rng.choice(kinds)
        path = rng.choice(paths[kind])
        started = time.perf_counter()
        try:
            response = await client.get(path)
            ok = response.status_code == 200
        except httpx2.HTTPError:
            ok = False
        elapsed = time.perf_counter() - started
        if ok:
            out[kind].append(elapsed)
        else:
            errors[kind] += 1
        if think:
            # Jitter keeps the users from marching in step.
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))


async def _load(
    base: str, paths: dict[str, list[str]], seconds: float, think: float
) -> tuple[dict[str, list[float]], dict[str, int], float]:
    out: dict[str, list[float]] = {k: [] for k in paths}
    errors = dict.fromkeys(paths, 0)
    limits = httpx2.Limits(max_connections=USERS, max_keepalive_connections=USERS)
    async with httpx2.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        started = time.perf_counter()
        stop = started + seconds
        await asyncio.gather(
            *(_user(client, paths, stop, i, out, errors, think) for i in range(USERS))
        )
        return out, errors, time.perf_counter() - started


def run() -> list[dict[str, Any]]:
    seconds = float(os.environ.get("SM_BENCH_LOAD_SECONDS", "60"))
    think = float(os.environ.get("SM_BENCH_THINK_SECONDS", "1.0"))
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        platform = bootstrap(Settings(database_url=url), upgrade=True)
        country = generate(2013)
        load_country(platform.repository, country)
        platform.close()
        codes = [p.code for p in country.providers]
        port = _free_port()
        env = {**os.environ, "SPECIALMEASURES_DATABASE_URL": url}
        server = subprocess.Popen(
            [sys.executable, "-m", "specialmeasures", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 60
            while time.time() < deadline:
                try:
                    if httpx2.get(f"{base}/providers.json", timeout=5).status_code == 200:
                        break
                except httpx2.HTTPError:
                    time.sleep(0.3)
            paths = {
                "provider page": [f"/providers/{c}?as_of=2019-10-01" for c in codes],
                "provider JSON twin": [f"/providers/{c}.json?as_of=2019-10-01" for c in codes],
                "static file (peer)": ["/assets/images/favicon.svg"],
            }
            runs = [
                (f"think {think:g} s", *asyncio.run(_load(base, paths, seconds, think))),
                ("no think time (stress)", *asyncio.run(_load(base, paths, min(seconds, 20), 0.0))),
            ]
        finally:
            server.terminate()
            server.wait(timeout=30)
    rows: list[dict[str, Any]] = []
    for label, timings, errors, elapsed in runs:
        static = timings["static file (peer)"]
        floor = float(np.percentile(static, 95)) * 1000 if static else float("nan")
        for kind, values in timings.items():
            ms = np.asarray(values) * 1000
            p95 = float(np.percentile(ms, 95)) if ms.size else float("nan")
            row: dict[str, Any] = {
                "name": f"{USERS} users, {label}, {kind}",
                "requests": int(ms.size),
                "errors": errors[kind],
                "per_second": ms.size / elapsed,
                "p50_ms": float(np.percentile(ms, 50)) if ms.size else float("nan"),
                "p95_ms": p95,
                "p99_ms": float(np.percentile(ms, 99)) if ms.size else float("nan"),
            }
            if kind != "static file (peer)":
                row.update(goal_p95_ms=150.0, within_goal=p95 < 150.0 and errors[kind] == 0)
                row.update(peer="static file, same server", ratio_p95=p95 / floor)
            rows.append(row)
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
