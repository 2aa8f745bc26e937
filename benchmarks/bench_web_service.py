"""The server's service time per request: CPU milliseconds for one page, one reader at a time.

Builds (or reuses, ``SM_BENCH_DEMO_DB``) the synthetic demo on SQLite, serves it with
``specialmeasures serve`` (one worker) and, for each demo account (one per role) and the public,
requests every regulator page and its JSON twin, and the peer ``/providers.json``, once to warm
it and then ``SM_BENCH_SERVICE_REQUESTS`` (default 100) times in a row over one keep-alive
connection. The figure is the server process's CPU time over those requests (``/proc``, user and
system) divided by their number: what one request costs the server when it is not queueing, the
quantity that, times 50 users over the cores, gives the stress run's latency. Pages a role may
not read are reported with the status they answered (and their cost: a refusal is audited).

Peer: ``/providers.json`` for the same reader in the same run.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
from datetime import UTC, datetime
from typing import Any

from benchmarks._loadgen import Connection, process_tree_cpu
from benchmarks.bench_web_pages import (
    PAGES,
    PEER,
    _free_port,
    _serve,
    _twin,
    _wait_ready,
    demo_sqlite_url,
)
from specialmeasures.access import Accounts, Sessions, create_demo_accounts
from specialmeasures.bootstrap import bootstrap
from specialmeasures.settings import Settings

READERS = (
    "demo-regulator-decision-maker",
    "demo-regulator-analyst",
    "demo-researcher",
    "demo-improvement-director",
    "demo-oag-member",
    "demo-trust-user",
    "demo-administrator",
    None,  # the public
)


def _cookies(url: str) -> dict[str | None, str]:
    platform = bootstrap(Settings(database_url=url), upgrade=True)
    try:
        create_demo_accounts(platform.repository)
        accounts = Accounts(platform.repository)
        sessions = Sessions(platform.repository, accounts, now=lambda: datetime.now(UTC))
        made: dict[str | None, str] = {None: ""}
        for name in READERS:
            if name is not None:
                made[name] = f"sm_session={sessions.start(accounts.get(name)).token}"
        return made
    finally:
        platform.close()


async def _measure(
    base: str, pid: int, cookie: str, paths: list[str], count: int
) -> list[tuple[str, int, float, float]]:
    """(path, status, server CPU ms per request, wall ms per request) for each path."""
    host, _, port = base.removeprefix("http://").partition(":")
    conn = Connection(host, int(port), {"Cookie": cookie} if cookie else {})
    out = []
    try:
        for path in paths:
            status, _ = await conn.get(path)
            await conn.get(path)
            cpu, wall = process_tree_cpu(pid), time.perf_counter()
            for _ in range(count):
                await conn.get(path)
            cpu_ms = 1000 * (process_tree_cpu(pid) - cpu) / max(count, 1)
            out.append((path, status, cpu_ms, 1000 * (time.perf_counter() - wall) / max(count, 1)))
    finally:
        conn.close()
    return out


def _first_paths(base: str, cookie: str) -> list[str]:
    async def ask(path: str) -> bytes:
        host, _, port = base.removeprefix("http://").partition(":")
        conn = Connection(host, int(port), {"Cookie": cookie})
        try:
            return (await conn.get(path))[1]
        finally:
            conn.close()

    system = json.loads(asyncio.run(ask("/systems.json")))["systems"][0]
    name = str(system.get("name") or system.get("system"))
    code = json.loads(asyncio.run(ask("/providers.json")))["providers"][0]["code"]
    pages = [p.format(system=name, code=code) for p in PAGES]
    return [PEER, *(x for p in pages for x in (p, _twin(p)))]


def _quiet(pid: int, timeout: float = 180.0) -> None:
    """Wait until the server has finished its background precomputation (two half-second
    spells with under 10 ms of CPU), so that none of it is counted against a page."""
    deadline = time.perf_counter() + timeout
    calm = 0
    while calm < 2 and time.perf_counter() < deadline:
        before = process_tree_cpu(pid)
        time.sleep(0.5)
        calm = calm + 1 if process_tree_cpu(pid) - before < 0.01 else 0


def run() -> list[dict[str, Any]]:
    count = int(os.environ.get("SM_BENCH_SERVICE_REQUESTS", "100"))
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = demo_sqlite_url(tmp)
        cookies = _cookies(url)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = _serve(url, port, 1)
        try:
            _wait_ready(base)
            paths = _first_paths(base, cookies[READERS[0]])
            for reader in READERS:  # every first request (read models computed), then quiet
                asyncio.run(_measure(base, server.pid, cookies[reader], paths, 0))
            _quiet(server.pid)
            for reader in READERS:
                measured = asyncio.run(_measure(base, server.pid, cookies[reader], paths, count))
                peer = next(cpu for path, _, cpu, _ in measured if path == PEER)
                for path, status, cpu_ms, wall_ms in measured:
                    row: dict[str, Any] = {
                        "name": f"{reader or 'public'}: {path}",
                        "status": status,
                        "server_cpu_ms": cpu_ms,
                        "wall_ms": wall_ms,
                        "load_average_1min": os.getloadavg()[0],
                    }
                    if path != PEER:
                        row.update(peer=f"{PEER} (same reader)", ratio=cpu_ms / peer)
                    rows.append(row)
        finally:
            server.terminate()
            server.wait(timeout=60)
    return rows


if __name__ == "__main__":
    for measurement in run():
        print(measurement)
