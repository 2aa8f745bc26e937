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
- ``p50_ms``/``p95_ms``: 50 users, each with a session of its own (made in the database, as a
  sign-in would) and one keep-alive connection, requesting random pages with no pause for
  ``SM_BENCH_PAGES_SECONDS`` (default 30) seconds, every page audited as a confidential read
  (the stress case);
- ``think_p50_ms``/``think_p95_ms``: the same 50 users reading between pages, each pause drawn
  uniformly from ``SM_BENCH_THINK_SECONDS`` (default "1 5"), for the same time (the realistic
  case). ``SM_BENCH_THINK_SECONDS=""`` skips it; ``SM_BENCH_PAGES_FIRST=0`` skips the first
  requests above (only the repeated ones are measured).

The load generator is ``benchmarks/_loadgen.py`` (raw asyncio streams, HTTP/1.1 keep-alive, a
minimal parser), cheap so that it takes little of the cores it shares with the server.

Per server and run, a summary row: the requests per second; the CPU seconds of the server (all
its worker processes) and of the load generator over the run, their milliseconds per request
(``server_ms_per_request`` is the server's service time under load) and the client's share of
the CPU used; the load average (1 min) before and after; and the read models the workers shared
(``store.read_models``): how many were stored at the final data version, and the seconds their
one computation each took (every other worker read them instead of computing).

Goals (speed issue): p95 under 1 s on repeated requests with 50 users, and the first request
after a data change under 5 s. Peer, measured in the same run: ``/providers.json`` (a public
list; its body is kept per data version like the regulator pages', so it is the floor of a
request the server answers: session, gate, any audit row). The load generator shares the 2
cores with the server, so read the ratios, not the absolute times.
"""

from __future__ import annotations

import os
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

from benchmarks._loadgen import LoadResult, client_cpu, process_tree_cpu, run_users
from benchmarks._postgres import PostgresUnavailableError, postgres
from specialmeasures.access import Accounts, Sessions, create_demo_accounts
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


def demo_sqlite_url(folder: str) -> str:
    """The demo on SQLite: the file ``SM_BENCH_DEMO_DB`` names, or one built in ``folder``."""
    given = os.environ.get("SM_BENCH_DEMO_DB")
    if given:
        return f"sqlite:///{Path(given).resolve()}"
    return _demo(f"sqlite:///{Path(folder) / 'demo.db'}")


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


def _sessions(url: str, count: int) -> list[str]:
    """``count`` sessions of the demo regulator, made in the database as a sign-in makes them
    (one per simulated user, without the sign-in form's password hashing and throttle)."""
    platform = bootstrap(Settings(database_url=url))
    try:
        accounts = Accounts(platform.repository)
        account = accounts.get(USERNAME)
        sessions = Sessions(platform.repository, accounts, now=lambda: datetime.now(UTC))
        return [f"sm_session={sessions.start(account).token}" for _ in range(count)]
    finally:
        platform.close()


def _think() -> tuple[float, float] | None:
    text = os.environ.get("SM_BENCH_THINK_SECONDS", "1 5").strip()
    if not text:
        return None
    low, high = (float(x) for x in re.split(r"[ ,]+", text))
    return low, high


def _measured_load(
    base: str, server: subprocess.Popen[bytes], cookies: list[str], paths: list[str],
    seconds: float, think: tuple[float, float] | None,
) -> tuple[LoadResult, dict[str, Any]]:  # fmt: skip
    """One run of the users, with the CPU both sides used and the load average around it."""
    load_before = os.getloadavg()[0]
    server_before, client_before = process_tree_cpu(server.pid), client_cpu()
    pause = (lambda rng: rng.uniform(*think)) if think else None
    result = run_users(base, paths, seconds, users=USERS, cookies=cookies, think=pause)
    server_s = process_tree_cpu(server.pid) - server_before
    client_s = client_cpu() - client_before
    total = sum(len(v) for v in result.timings.values())
    return result, {
        "requests": total,
        "per_second": total / result.elapsed,
        "errors": sum(result.errors.values()),
        "server_cpu_s": server_s,
        "client_cpu_s": client_s,
        "server_ms_per_request": 1000 * server_s / max(total, 1),
        "client_ms_per_request": 1000 * client_s / max(total, 1),
        "client_cpu_share": client_s / max(server_s + client_s, 1e-9),
        "load_average_1min_start": load_before,
        "load_average_1min": os.getloadavg()[0],
    }


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
    first_requests = os.environ.get("SM_BENCH_PAGES_FIRST", "1") != "0"
    server = _serve(url, port, workers)
    first: dict[str, float] = {}
    after: dict[str, float] = {}
    ready: dict[str, float] = {}
    changes: dict[str, list[float]] = {}
    precompute_s = float("nan")
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
            changes = {p: [] for p in paths}
            if first_requests:
                models = 0
                for repeat in range(_after_changes()):
                    if repeat:  # the previous change's precomputation done: a fresh change
                        _precomputed(url, models)
                    _change_data(url)
                    for p in paths:
                        changes[p].append(_timed(client, p))
                    models = _shared(url)["shared_read_models"]
                after = {p: float(np.median(t)) for p, t in changes.items() if t}
                _change_data(url)
                precompute_s = _precomputed(url, models)
                ready = {p: _timed(client, p) for p in paths}
            for p in [*paths, PEER]:  # every page once more: the runs measure repeated requests
                _timed(client, p)
        sessions = _sessions(url, USERS)
        stress, stress_row = _measured_load(base, server, sessions, [*paths, PEER], seconds, None)
        think = _think()
        reading = (
            _measured_load(base, server, sessions, [*paths, PEER], seconds, think)
            if think
            else None
        )
    finally:
        server.terminate()
        server.wait(timeout=60)
    timings, errors = stress.timings, stress.errors
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
        if reading is not None:
            read_ms = np.asarray(reading[0].timings[path]) * 1000
            row.update(
                think_requests=int(read_ms.size),
                think_errors=reading[0].errors[path],
                think_p50_ms=float(np.percentile(read_ms, 50)) if read_ms.size else float("nan"),
                think_p95_ms=float(np.percentile(read_ms, 95)) if read_ms.size else float("nan"),
            )
        if path != PEER:
            row.update(
                first_s=first.get(path, float("nan")),
                after_change_s=after.get(path, float("nan")),
                after_change_max_s=max(changes.get(path) or [float("nan")]),
                after_precompute_s=ready.get(path, float("nan")),
                within_goal=p95 < 1000
                and max(changes.get(path) or [0.0]) < 5
                and errors[path] == 0,
                peer=f"{PEER} (same run)",
                ratio_p95=p95 / peer_p95,
            )
        rows.append(row)
    shared = _shared(url)
    rows.append(
        {
            "name": f"{label}, {workers} worker(s): all pages, no pause (stress)",
            **stress_row,
            "precompute_s": precompute_s,
            **shared,
        }
    )
    if reading is not None:
        low, high = think or (0.0, 0.0)
        rows.append(
            {
                "name": f"{label}, {workers} worker(s): all pages, {low:g}-{high:g} s reading",
                **reading[1],
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
                url = demo_sqlite_url(tmp)
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
