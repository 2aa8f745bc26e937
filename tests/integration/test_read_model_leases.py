"""Read-model claims are leases held by the database: a worker killed mid-computation is taken
over once its lease expires (a request's read model and a whole version's precomputation); a live
worker's heartbeat keeps its claim; parallel claimants get one claim per (model, version); a
result computed while the data changed is never stored or returned as the new version's. On a
SQLite file and a PostgreSQL server, with real processes killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from hashlib import sha256
from pathlib import Path

import pytest
from sqlalchemy import select, update

from specialmeasures.bootstrap import Platform
from specialmeasures.store.read_models import (
    ClaimedElsewhereError,
    SharedReadModels,
    decode,
    deferring_claimed,
    key_text,
)
from specialmeasures.store.tables import read_models
from specialmeasures.store.versioned import PRECOMPUTE, Refresher, VersionedCache, data_version
from workers_fixtures import audited_change

SRC = Path(__file__).resolve().parents[2] / "src"
LEASE = 1.0


def _until(check: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _row(platform: Platform, key: object, version: int) -> dict[str, object] | None:
    digest = sha256(key_text(key).encode()).hexdigest()  # type: ignore[arg-type]
    t = read_models
    with platform.repository.engine.connect() as conn:
        row = conn.execute(
            select(t.c.state, t.c.owner, t.c.payload).where(
                t.c.key_hash == digest, t.c.version == version
            )
        ).first()
    return None if row is None else dict(row._mapping)


# A worker process that claims a read model (or a whole version's precomputation) and then
# hangs in the computation until it is killed; its heartbeat thread keeps the lease meanwhile.
_HANGING_WORKER = """
import os, sys, time
from specialmeasures.bootstrap import bootstrap
from specialmeasures.settings import Settings
from specialmeasures.store.read_models import SharedReadModels
from specialmeasures.store.versioned import Refresher, VersionedCache, data_version

platform = bootstrap(Settings(database_url=os.environ["URL"]))
lease = float(os.environ["LEASE"])

def hang():
    with open(os.environ["STARTED"], "w") as f:
        f.write(str(os.getpid()))
    time.sleep(600)
    return "never"

if os.environ["MODE"] == "model":
    SharedReadModels(lease_seconds=lease).get(
        platform.repository.engine, data_version(platform.repository), "watch list", hang
    )
else:
    cache = VersionedCache(shared=SharedReadModels(lease_seconds=lease))
    refresher = Refresher(platform.repository, interval=0.05,
                          shared=SharedReadModels(lease_seconds=lease))
    refresher.add("watch list", lambda: cache.get(platform.repository, "watch list", hang))
    refresher._refresh_version(data_version(platform.repository))
"""


def _hanging_worker(url: str, tmp_path: Path, mode: str) -> subprocess.Popen[bytes]:
    started = tmp_path / f"started-{mode}"
    env = {
        **os.environ, "URL": url, "LEASE": str(LEASE), "MODE": mode,
        "STARTED": str(started), "PYTHONPATH": str(SRC),
    }  # fmt: skip
    process = subprocess.Popen([sys.executable, "-c", _HANGING_WORKER], env=env)
    _until(started.exists, 120)
    return process


def _kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def test_a_live_worker_keeps_its_claim_and_a_killed_one_is_taken_over(
    two: tuple[Platform, Platform], database_url: str, tmp_path: Path
) -> None:
    a, _ = two
    version = data_version(a.repository)
    worker = _hanging_worker(database_url, tmp_path, "model")
    try:
        shared = SharedReadModels(lease_seconds=LEASE)
        calls: list[str] = []
        # Three leases long, the other worker's heartbeat keeps its claim alive.
        deadline = time.monotonic() + 3 * LEASE
        while time.monotonic() < deadline:
            with pytest.raises(ClaimedElsewhereError), deferring_claimed():
                shared.get(a.repository.engine, version, "watch list", lambda: calls.append("x"))
            time.sleep(0.1)
        assert calls == []
        row = _row(a, "watch list", version)
        assert row is not None
        assert row["state"] == "computing"
        assert row["owner"] != shared.owner
    finally:
        _kill(worker)
    # Killed mid-computation: its lease runs out and this worker takes the read model over.
    started = time.monotonic()
    value = shared.get(a.repository.engine, version, "watch list", lambda: {"by": "survivor"})
    assert value == {"by": "survivor"}
    assert time.monotonic() - started < LEASE + 10  # within a lease (and a loaded machine)
    assert (shared.taken_over, shared.computed) == (1, 1)
    row = _row(a, "watch list", version)
    assert row is not None
    assert row["state"] == "ready"
    assert row["owner"] == shared.owner
    assert decode(row["payload"]) == {"by": "survivor"}  # type: ignore[arg-type]


def test_a_version_whose_precomputing_worker_is_killed_is_precomputed_by_another(
    two: tuple[Platform, Platform], database_url: str, tmp_path: Path
) -> None:
    a, _ = two
    version = data_version(a.repository)
    worker = _hanging_worker(database_url, tmp_path, "precompute")
    cache = VersionedCache(shared=SharedReadModels(lease_seconds=LEASE))
    calls: list[int] = []

    def compute() -> dict[str, object]:
        calls.append(data_version(a.repository))
        return {"version": calls[-1]}

    refresher = Refresher(a.repository, interval=0.05, shared=SharedReadModels(lease_seconds=LEASE))
    refresher.add("watch list", lambda: cache.get(a.repository, "watch list", compute))
    refresher.start()
    try:
        _until(lambda: refresher.skipped == 1)  # the other worker holds this version
        time.sleep(2 * LEASE)  # while it lives, its claim holds: nothing is computed here
        assert calls == []
        assert refresher.refreshed == 0
        _kill(worker)
        # No new change to the data: the refresher takes the version over by itself.
        _until(lambda: refresher.refreshed == 1)
    finally:
        refresher.stop()
    assert refresher.taken_over == 1
    assert calls == [version]
    precompute = _row(a, PRECOMPUTE, version)
    model = _row(a, "watch list", version)
    assert precompute is not None
    assert model is not None
    assert (precompute["state"], model["state"]) == ("ready", "ready")
    assert decode(model["payload"]) == {"version": version}  # type: ignore[arg-type]


def _race(two: tuple[Platform, Platform], n: int) -> tuple[list[object], list[str], int]:
    """``n`` claimants (own owners, alternating engines) ask for one read model at once."""
    a, b = two
    version = data_version(a.repository)
    barrier = threading.Barrier(n)
    lock = threading.Lock()
    active = [0, 0]  # now, most at once
    computed_by: list[str] = []
    results: list[object] = []
    claimants = [SharedReadModels(lease_seconds=30, poll=0.01) for _ in range(n)]

    def ask(i: int) -> None:
        shared = claimants[i]
        engine = (a if i % 2 else b).repository.engine

        def compute() -> str:
            with lock:
                active[0] += 1
                active[1] = max(active)
                computed_by.append(shared.owner)
            time.sleep(0.3)
            with lock:
                active[0] -= 1
            return shared.owner

        barrier.wait()
        results.append(shared.get(engine, version, "backtest", compute))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results, computed_by, active[1]


def test_parallel_claimants_make_one_claim_per_model_and_version(
    two: tuple[Platform, Platform],
) -> None:
    a, _ = two
    results, computed_by, most = _race(two, 8)
    assert len(computed_by) == 1
    assert most == 1
    assert results == computed_by * 8  # everyone got the one computation
    row = _row(a, "backtest", data_version(a.repository))
    assert row is not None
    assert row["owner"] == computed_by[0]


def test_parallel_claimants_take_an_expired_claim_over_once(
    two: tuple[Platform, Platform],
) -> None:
    a, _ = two
    version = data_version(a.repository)
    dead = SharedReadModels(lease_seconds=30)
    digest = sha256(key_text("backtest").encode()).hexdigest()
    assert dead._claim(a.repository.engine, digest, version, "backtest", key_text("backtest"))
    with a.repository.engine.begin() as conn:  # its last heartbeat an hour ago
        conn.execute(update(read_models).values(heartbeat_at=read_models.c.heartbeat_at - 3600))
    results, computed_by, most = _race(two, 8)
    assert len(computed_by) == 1
    assert most == 1
    assert computed_by[0] != dead.owner
    assert results == computed_by * 8
    # The dead worker, were it to come back, can neither renew nor store the claim.
    assert dead._beat(a.repository.engine, digest, version) is False
    row = _row(a, "backtest", version)
    assert row is not None
    assert row["owner"] == computed_by[0]


def _take_over_race(two: tuple[Platform, Platform], version: int, n: int) -> list[bool]:
    """``n`` workers try at the same moment to take over one expired claim."""
    a, b = two
    dead = SharedReadModels()
    digest = sha256(f"k{version}".encode()).hexdigest()
    assert dead._claim(a.repository.engine, digest, version, "k", '"k"')
    with a.repository.engine.begin() as conn:
        conn.execute(
            update(read_models)
            .where(read_models.c.key_hash == digest)
            .values(heartbeat_at=read_models.c.heartbeat_at - 3600)
        )
    takers = [SharedReadModels(lease_seconds=30) for _ in range(n)]
    barrier = threading.Barrier(n)
    won: list[bool] = []

    def take(i: int) -> None:
        engine = (a if i % 2 else b).repository.engine
        barrier.wait()
        won.append(takers[i]._take_over(engine, digest, version, dead.owner))

    threads = [threading.Thread(target=take, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return won


def test_only_one_of_many_simultaneous_take_overs_wins(two: tuple[Platform, Platform]) -> None:
    for version in range(1000, 1005):
        assert sorted(_take_over_race(two, version, 6)) == [False] * 5 + [True]


def test_a_result_computed_while_the_data_changed_is_not_stored_or_returned(
    two: tuple[Platform, Platform],
) -> None:
    a, b = two
    before = data_version(a.repository)
    calls: list[int] = []

    def compute() -> str:
        calls.append(data_version(a.repository))
        if len(calls) == 1:
            audited_change(b)  # another worker's write lands while this is being computed
            return "mixed"
        return f"made at {calls[-1]}"

    cache = VersionedCache()
    value = cache.get(a.repository, "balancing", compute)
    after = data_version(a.repository)
    assert after == before + 1
    assert value == f"made at {after}"  # the current version's, computed again
    assert _row(a, "balancing", before) is None  # the mixed result was not shared
    row = _row(a, "balancing", after)
    assert row is not None
    assert decode(row["payload"]) == f"made at {after}"  # type: ignore[arg-type]


def test_readers_under_parallel_writers_get_only_results_of_one_version(
    two: tuple[Platform, Platform],
) -> None:
    a, b = two
    stop = threading.Event()
    problems: list[str] = []
    seen: set[int] = set()

    def writer() -> None:
        while not stop.is_set():
            audited_change(b)
            time.sleep(0.25)  # a get follows up to five changes (VERSION_ATTEMPTS)

    def reader(platform: Platform) -> None:
        cache = VersionedCache(size=4, shared=SharedReadModels(poll=0.01))
        repo = platform.repository

        def compute() -> tuple[int, int]:
            start = data_version(repo)
            time.sleep(0.03)
            return (start, data_version(repo))

        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline:
            asked_at = data_version(repo)
            start, end = cache.get(repo, "watch list", compute)
            seen.add(start)
            if start != end:
                problems.append(f"computed across a change: {start}..{end}")
            if start < asked_at:
                problems.append(f"version {start} returned after {asked_at} was current")
            time.sleep(0.005)

    writers = [threading.Thread(target=writer)]
    readers = [threading.Thread(target=reader, args=(p,)) for p in (a, b, a, b)]
    for t in writers + readers:
        t.start()
    for t in readers:
        t.join(120)
    stop.set()
    for t in writers:
        t.join(60)
    assert problems == []
    assert len(seen) >= 5  # the readers did read across several changes
    # Every stored result is its own version's.
    with a.repository.engine.connect() as conn:
        stored = conn.execute(
            select(read_models.c.version, read_models.c.payload).where(
                read_models.c.state == "ready"
            )
        ).all()
    assert stored
    for version, payload in stored:
        assert decode(payload) == (version, version)
