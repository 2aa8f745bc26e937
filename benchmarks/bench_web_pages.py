"""Every regulator page and its JSON twin under 50 concurrent users: first request and repeated.

Builds the synthetic demo on each database of ``SM_BENCH_DATABASES`` (default "sqlite
postgresql"; for SQLite ``SM_BENCH_DEMO_DB`` names an existing demo file to reuse; PostgreSQL is
a throw-away server started like the tests' one, see ``benchmarks/_postgres.py``, and is skipped
with the reason printed when there is none), serves it with ``specialmeasures serve --workers
W`` for W in ``SM_BENCH_WORKERS`` (default "1 2"), signs in as the demo regulator decision maker
and measures, per page:

- ``first_s``: the first request after the server started (its read models are being
  precomputed in the background: the request waits for that computation, never starts another);
- ``after_change_s``: the first request after a change to the data (an audited write made
  from another process, as an import or a decision would be), asked at once; with
  ``SM_BENCH_AFTER_CHANGES=N`` the median of N changes (each after the previous one's
  precomputation has finished) and ``after_change_max_s`` the slowest;
- ``after_precompute_s``: after another such change, the server is left alone until every read
  model the pages used is stored again for the new data version (computed at write time by the
  workers' refreshers, no request asking: ``precompute_s`` in the summary row says how long
  that took), then each page's first request;
- ``p50_ms``/``p95_ms``: 50 users requesting random pages with no pause for
  ``SM_BENCH_PAGES_SECONDS`` (default 30) seconds, every page audited as a confidential read.

Per server, a summary row: the requests per second and the read models the workers shared
(``store.read_models``): how many were stored at the final data version, and the seconds their
one computation each took (every other worker read them instead of computing).

Goals (speed issue): p95 under 1 s on repeated requests with 50 users, and the first request
after a data change under 5 s. Peer, measured in the same run: ``/providers.json`` (a public
list, no cache), the same server's floor for a small database read. The load generator shares
the 2 cores with the server, so read the ratios, not the absolute times.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
import numpy as np
from sqlalchemy import func, select

from benchmarks._postgres import PostgresUnavailableError, postgres
from specialmeasures.access import create_demo_accounts
from specialmeasures.bootstrap import bootstrap
from specialmeasures.settings import Settings
from specialmeasures.store import audit
from specialmeasures.store import data_version as versions
from specialmeasures.store.tables import read_models

USERS = 50
USERNAME = "demo-regulator-decision-maker"
PAGES = (
    "/watchlist",
    "/systems/{system}",
    "/overview",
    "/backtest",
    "/providers/{code}/decisions",
    "/evaluation/impact?indicator=ae_four_hour",
    "/evaluation/balancing",
)
PEER = "/providers.json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _twin(page: str) -> str:
    path, _, query = page.partition("?")
    return f"{path}.json" + (f"?{query}" if query else "")


def _demo(url: str) -> str:
    subprocess.run(
        [sys.executable, "-m", "specialmeasures", "demo", "--no-serve"],
        env={**os.environ, "SPECIALMEASURES_DATABASE_URL": url},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return url


def _password(url: str) -> str:
    platform = bootstrap(Settings(database_url=url), upgrade=True)
    try:
        accounts = create_demo_accounts(platform.repository)
    finally:
        platform.close()
    return next(a.password for a in accounts if a.username == USERNAME)


def _change_data(url: str) -> None:
    """An audited write from another process: every worker's caches go stale."""
    platform = bootstrap(Settings(database_url=url))
    try:
        with platform.repository.transaction() as conn:
            audit.append(
                conn, actor="benchmark", role="cli", action="benchmark.touch", entity="dataset",
                entity_key="demo", payload={}, at=datetime.now(UTC),
            )  # fmt: skip
    finally:
        platform.close()


def _precomputed(url: str, wanted: int, timeout: float = 120.0) -> float:
    """Seconds from now until ``wanted`` read models are stored for the current data version
    (NaN if they were not within ``timeout``)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if _shared(url)["shared_read_models"] >= wanted:
            return time.perf_counter() - started
        time.sleep(0.1)
    return float("nan")


def _shared(url: str) -> dict[str, Any]:
    """The read models stored for the current data version, and their computing time."""
    platform = bootstrap(Settings(database_url=url))
    try:
        with platform.repository.engine.connect() as conn:
            version = versions.current(conn)
            t = read_models
            count, seconds = conn.execute(
                select(func.count(), func.coalesce(func.sum(t.c.compute_seconds), 0.0)).where(
                    t.c.version == version, t.c.state == "ready", t.c.name != "precompute"
                )
            ).one()
    finally:
        platform.close()
    return {"shared_read_models": int(count), "shared_compute_s": float(seconds)}


def _sign_in(base: str, password: str) -> dict[str, str]:
    with httpx2.Client(base_url=base, timeout=120) as client:
        token = client.get("/login").text.split('name="csrf_token" value="', 1)[1].split('"')[0]
        form = {"username": USERNAME, "password": password, "csrf_token": token}
        response = client.post("/login", data=form, follow_redirects=False)
        assert response.status_code == 303, response.text[:300]
        return dict(client.cookies)


def _timed(client: httpx2.Client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    response.raise_for_status()
    return time.perf_counter() - started


async def _user(
    client: httpx2.AsyncClient, paths: list[str], stop: float, seed: int,
    out: dict[str, list[float]], errors: dict[str, int],
) -> None:  # fmt: skip
    rng = random.Random(seed)
    while time.perf_counter() < stop:
        path = rng.choice(paths)
        started = time.perf_counter()
        try:
            ok = (await client.get(path)).status_code == 200
        except httpx2.HTTPError:
            ok = False
        if ok:
            out[path].append(time.perf_counter() - started)
        else:
            errors[path] += 1


async def _load(
    base: str, cookies: dict[str, str], paths: list[str], seconds: float
) -> tuple[dict[str, list[float]], dict[str, int]]:
    out: dict[str, list[float]] = {p: [] for p in paths}
    errors = dict.fromkeys(paths, 0)
    limits = httpx2.Limits(max_connections=USERS, max_keepalive_connections=USERS)
    async with httpx2.AsyncClient(
        base_url=base, cookies=cookies, limits=limits, timeout=120
    ) as client:
        stop = time.perf_counter() + seconds
        await asyncio.gather(*(_user(client, paths, stop, i, out, errors) for i in range(USERS)))
    return out, errors


def _serve(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "specialmeasures", "serve", "--port", str(port),
         "--workers", str(workers)],
        env={**os.environ, "SPECIALMEASURES_DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _wait_ready(base: str) -> None:
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx2.get(f"{base}/login", timeout=5).status_code == 200:
                return
        except httpx2.HTTPError:
            time.sleep(0.3)
    raise RuntimeError("the server did not start")


def _one_server(
    label: str, url: str, password: str, workers: int, seconds: float
) -> list[dict[str, Any]]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    load_at_start = os.getloadavg()[0]
    server = _serve(url, port, workers)
    try:
        _wait_ready(base)
        cookies = _sign_in(base, password)
        with httpx2.Client(base_url=base, cookies=cookies, timeout=300) as client:
            system = client.get("/systems.json").json()["systems"][0]
            name = str(system.get("name") or system.get("system"))
            code = client.get("/providers.json").json()["providers"][0]["code"]
            pages = [p.format(system=name, code=code) for p in PAGES]
            paths = [x for p in pages for x in (p, _twin(p))]
            first = {p: _timed(client, p) for p in paths}
            changes: dict[str, list[float]] = {p: [] for p in paths}
            models = 0
            for repeat in range(_after_changes()):
                if repeat:  # the previous change's precomputation done: a fresh change
                    _precomputed(url, models)
                _change_data(url)
                for p in paths:
                    changes[p].append(_timed(client, p))
                models = _shared(url)["shared_read_models"]
            after = {p: float(np.median(t)) for p, t in changes.items()}
            _change_data(url)
            precompute_s = _precomputed(url, models)
            ready = {p: _timed(client, p) for p in paths}
        started = time.perf_counter()
        timings, errors = asyncio.run(_load(base, cookies, [*paths, PEER], seconds))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=60)
    peer = np.asarray(timings[PEER]) * 1000
    peer_p95 = float(np.percentile(peer, 95)) if peer.size else float("nan")
    rows: list[dict[str, Any]] = []
    for path in [*paths, PEER]:
        ms = np.asarray(timings[path]) * 1000
        p95 = float(np.percentile(ms, 95)) if ms.size else float("nan")
        row: dict[str, Any] = {
            "name": f"{label}, {workers} worker(s): {path}",
            "requests": int(ms.size),
            "errors": errors[path],
            "p50_ms": float(np.percentile(ms, 50)) if ms.size else float("nan"),
            "p95_ms": p95,
        }
        if path != PEER:
            row.update(
                first_s=first[path],
                after_change_s=after[path],
                after_change_max_s=max(changes[path]),
                after_precompute_s=ready[path],
                within_goal=p95 < 1000 and max(changes[path]) < 5 and errors[path] == 0,
                peer=f"{PEER} (same run)",
                ratio_p95=p95 / peer_p95,
            )
        rows.append(row)
    total = sum(len(v) for v in timings.values())
    rows.append(
        {
            "name": f"{label}, {workers} worker(s): all pages",
            "requests": total,
            "per_second": total / elapsed,
            "errors": sum(errors.values()),
            "load_average_1min_start": load_at_start,
            "load_average_1min": os.getloadavg()[0],
            "precompute_s": precompute_s,
            **_shared(url),
        }
    )
    return rows


def _after_changes() -> int:
    """How many changes to time the first requests after (``SM_BENCH_AFTER_CHANGES``)."""
    return max(1, int(os.environ.get("SM_BENCH_AFTER_CHANGES", "1")))


def _databases() -> list[str]:
    return re.split(r"[ ,]+", os.environ.get("SM_BENCH_DATABASES", "sqlite postgresql").strip())


def run() -> list[dict[str, Any]]:
    seconds = float(os.environ.get("SM_BENCH_PAGES_SECONDS", "30"))
    workers = [int(w) for w in re.split(r"[ ,]+", os.environ.get("SM_BENCH_WORKERS", "1 2"))]
    rows: list[dict[str, Any]] = []
    for database in _databases():
        if database == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                given = os.environ.get("SM_BENCH_DEMO_DB")
                url = (
                    f"sqlite:///{Path(given).resolve()}"
                    if given
                    else _demo(f"sqlite:///{Path(tmp) / 'demo.db'}")
                )
                password = _password(url)
                for count in workers:
                    rows += _one_server("SQLite", url, password, count, seconds)
        elif database == "postgresql":
            state = os.environ.get("XDG_STATE_HOME")
            try:
                with tempfile.TemporaryDirectory() as keys, postgres() as url:
                    # The throw-away database's audit key goes with it, not to ~/.local/state.
                    os.environ["XDG_STATE_HOME"] = keys
                    _demo(url)
                    password = _password(url)
                    for count in workers:
                        rows += _one_server("PostgreSQL", url, password, count, seconds)
            except PostgresUnavailableError as error:
                print(f"   PostgreSQL part skipped: {error}", flush=True)
                rows.append({"name": "PostgreSQL", "skipped": str(error)})
            finally:
                if state is None:
                    os.environ.pop("XDG_STATE_HOME", None)
                else:
                    os.environ["XDG_STATE_HOME"] = state
        else:
            raise ValueError(f"SM_BENCH_DATABASES: unknown database {database!r}")
    return rows


if __name__ == "__main__":
    for measurement in run():
        print(measurement)
