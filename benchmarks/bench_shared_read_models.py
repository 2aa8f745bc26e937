"""Several worker processes asking for the watch list at once after a change to the data:
computed once and shared through the database, against each computing its own (the peer: what
``serve --workers N`` did before ``store.read_models``).

Builds the synthetic demo into a temporary SQLite file (or reuses ``SM_BENCH_DEMO_DB``), then for
N in ``SM_BENCH_SHARED_WORKERS`` (default "2 4") changes the data and starts N processes at the
same moment, each asking its own ``VersionedCache`` for the watch list as of the demo's last
month, once with the shared level and once without. Reports the wall time until every process
has its answer, how many computed it, and the CPU seconds all of them used (``ratio_cpu``:
unshared over shared). The machine is shared: read the ratios.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.bench_web_pages import demo_sqlite_url
from specialmeasures.bootstrap import bootstrap
from specialmeasures.settings import Settings
from specialmeasures.store import audit

_WORKER = """
import json, os, resource, sys, time
from datetime import date
from specialmeasures.bootstrap import bootstrap
from specialmeasures.monitoring.watchlist import screen
from specialmeasures.settings import Settings
from specialmeasures.store.versioned import VersionedCache

platform = bootstrap(Settings(database_url=os.environ["URL"]))
repo = platform.repository
day = date.fromisoformat(repo.meta()["period_end"])
cache = VersionedCache() if os.environ["SHARED"] == "1" else VersionedCache(shared=False)
sys.stdout.write("ready\\n"); sys.stdout.flush()
sys.stdin.readline()  # start together
before = resource.getrusage(resource.RUSAGE_SELF)
started = time.perf_counter()
watchlist = cache.get(repo, ("watchlist", day), lambda: screen(repo, day))
after = resource.getrusage(resource.RUSAGE_SELF)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
print(json.dumps({"seconds": time.perf_counter() - started, "cpu": cpu,
                  "computed": cache.computed, "providers": len(watchlist.providers)}))
platform.close()
"""


def _change(url: str) -> None:
    platform = bootstrap(Settings(database_url=url))
    try:
        with platform.repository.transaction() as conn:
            audit.append(
                conn, actor="benchmark", role="cli", action="benchmark.touch", entity="dataset",
                entity_key="demo", payload={}, at=datetime.now(UTC),
            )  # fmt: skip
    finally:
        platform.close()


def _round(url: str, workers: int, shared: bool) -> dict[str, Any]:
    _change(url)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "URL": url, "SHARED": "1" if shared else "0", "PYTHONPATH": src}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER],
            env=env,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        for _ in range(workers)
    ]
    for p in procs:  # every process imported and connected: start them at once
        assert p.stdout is not None
        assert p.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    answers = [json.loads(p.communicate(timeout=1800)[0]) for p in procs]
    wall = time.perf_counter() - started
    assert len({a["providers"] for a in answers}) == 1  # one and the same watch list
    return {
        "wall_s": wall,
        "computed": sum(a["computed"] for a in answers),
        "cpu_s": sum(a["cpu"] for a in answers),
        "slowest_s": max(a["seconds"] for a in answers),
    }


def run() -> list[dict[str, Any]]:
    counts = [int(n) for n in re.split(r"[ ,]+", os.environ.get("SM_BENCH_SHARED_WORKERS", "2 4"))]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = demo_sqlite_url(tmp)
        bootstrap(Settings(database_url=url), upgrade=True).close()
        for n in counts:
            unshared = _round(url, n, shared=False)
            shared = _round(url, n, shared=True)
            rows.append(
                {
                    "name": f"{n} processes, watch list after a change, shared",
                    **shared,
                    "peer": "each process computing its own (unshared), same run",
                    "peer_wall_s": unshared["wall_s"],
                    "peer_computed": unshared["computed"],
                    "peer_cpu_s": unshared["cpu_s"],
                    "ratio_wall": unshared["wall_s"] / shared["wall_s"],
                    "ratio_cpu": unshared["cpu_s"] / shared["cpu_s"],
                    "load_average_1min": os.getloadavg()[0],
                }
            )
    return rows


if __name__ == "__main__":
    for measurement in run():
        print(measurement)
