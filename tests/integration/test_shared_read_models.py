"""Read models shared through the database: one worker computes, the others read what it
stored; a change to the data makes a fresh result; parallel first requests compute once; on a
SQLite file and a PostgreSQL server, between threads, app instances and separate processes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from access_fixtures import add_role_accounts, client_as, make_app
from specialmeasures.access import Role
from specialmeasures.bootstrap import Platform, bootstrap
from specialmeasures.demo import generate
from specialmeasures.settings import Settings
from specialmeasures.store import audit
from specialmeasures.store.loader import load_country
from specialmeasures.store.read_models import SharedReadModels
from specialmeasures.store.tables import read_models
from specialmeasures.store.versioned import VersionedCache, data_version
from workers_fixtures import audited_change

SRC = Path(__file__).resolve().parents[2] / "src"


def _rows(platform: Platform) -> int:
    with platform.repository.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(read_models)).scalar_one())


def test_one_worker_computes_and_the_other_reads_it(two: tuple[Platform, Platform]) -> None:
    a, b = two
    worker_a, worker_b = VersionedCache(), VersionedCache()
    calls: list[str] = []

    def compute(who: str) -> dict[str, object]:
        calls.append(who)
        return {"as_of": date(2019, 9, 1), "bands": (1, 2.5, None), "who": who}

    first = worker_a.get(a.repository, ("watchlist", date(2019, 9, 1)), lambda: compute("a"))
    second = worker_b.get(b.repository, ("watchlist", date(2019, 9, 1)), lambda: compute("b"))
    assert calls == ["a"]
    assert second == first
    assert second["who"] == "a"
    assert (worker_a.computed, worker_b.computed) == (1, 0)
    assert worker_b.shared is not None
    assert worker_b.shared.loaded == 1
    # A cache that does not share computes for itself.
    alone = VersionedCache(shared=False)
    alone.get(b.repository, ("watchlist", date(2019, 9, 1)), lambda: compute("alone"))
    assert calls == ["a", "alone"]
    # Other parameters are another read model.
    worker_b.get(b.repository, ("watchlist", date(2019, 8, 1)), lambda: compute("b"))
    assert calls == ["a", "alone", "b"]


def test_a_change_to_the_data_makes_every_worker_see_a_fresh_result(
    two: tuple[Platform, Platform],
) -> None:
    a, b = two
    worker_a, worker_b = VersionedCache(), VersionedCache()
    counter = iter(range(100))
    before = worker_a.get(a.repository, "balancing", lambda: next(counter))
    assert worker_b.get(b.repository, "balancing", lambda: next(counter)) == before == 0
    audited_change(b)  # a write through the other worker
    assert data_version(a.repository) == data_version(b.repository) == 1
    assert worker_b.get(b.repository, "balancing", lambda: next(counter)) == 1
    assert worker_a.get(a.repository, "balancing", lambda: next(counter)) == 1
    assert (worker_a.computed, worker_b.computed) == (1, 1)
    assert _rows(a) == 1  # the older version's row was removed when the new one was stored
    # Reads (audited too) do not change the version: the result stays shared.
    with a.repository.transaction() as conn:
        audit.append(
            conn, actor="a", role="r", action="read.watchlist.read", entity="e", entity_key="k",
            payload={}, at=datetime(2026, 1, 1),
        )  # fmt: skip
    assert VersionedCache().get(b.repository, "balancing", lambda: next(counter)) == 1


def test_parallel_first_requests_compute_once(two: tuple[Platform, Platform]) -> None:
    a, b = two
    workers = [(VersionedCache(), a), (VersionedCache(), b)]
    calls: list[int] = []

    def slow() -> list[float]:
        calls.append(1)
        time.sleep(0.5)
        return [0.1, 0.2]

    results: list[object] = []
    threads = [
        threading.Thread(target=lambda c=c, p=p: results.append(c.get(p.repository, "w", slow)))  # type: ignore[misc]
        for c, p in workers
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [[0.1, 0.2]] * 8
    assert len(calls) == 1


def test_a_failed_computation_leaves_the_key_to_the_next_worker(
    two: tuple[Platform, Platform],
) -> None:
    a, b = two

    def fail() -> int:
        raise RuntimeError("the estimate failed")

    with pytest.raises(RuntimeError, match="the estimate failed"):
        VersionedCache().get(a.repository, "impact", fail)
    assert _rows(a) == 0  # the claim was removed
    assert VersionedCache().get(b.repository, "impact", lambda: 7) == 7


def test_a_claim_left_by_a_dead_worker_is_taken_over(two: tuple[Platform, Platform]) -> None:
    a, b = two
    engine = a.repository.engine
    dead = SharedReadModels()
    assert dead._claim(engine, "0" * 64, 0, "x", '"x"')  # never filled in
    # The real claim: the key's own hash.
    from hashlib import sha256

    from specialmeasures.store.read_models import key_text

    digest = sha256(key_text("backtest").encode()).hexdigest()
    assert dead._claim(engine, digest, 0, "backtest", key_text("backtest"))
    # Its last heartbeat an hour ago, by the database's clock.
    with engine.begin() as conn:
        conn.execute(update(read_models).values(heartbeat_at=read_models.c.heartbeat_at - 3600))
    worker = VersionedCache(shared=SharedReadModels(lease_seconds=60))
    assert worker.get(b.repository, "backtest", lambda: "fresh") == "fresh"
    assert worker.computed == 1
    assert worker.shared is not None
    assert worker.shared.taken_over == 1


def test_a_fresh_claim_is_waited_for_not_recomputed(two: tuple[Platform, Platform]) -> None:
    a, b = two
    calls: list[str] = []

    def slow_a() -> str:
        calls.append("a")
        time.sleep(0.6)
        return "from a"

    thread = threading.Thread(target=lambda: VersionedCache().get(a.repository, "bt", slow_a))
    thread.start()
    time.sleep(0.3)  # a has claimed and is computing
    worker_b = VersionedCache()
    assert worker_b.get(b.repository, "bt", lambda: calls.append("b") or "from b") == "from a"
    thread.join()
    assert calls == ["a"]
    assert worker_b.computed == 0


_WORKER = """
import os, sys, time
from specialmeasures.bootstrap import bootstrap
from specialmeasures.settings import Settings
from specialmeasures.store.versioned import VersionedCache

platform = bootstrap(Settings(database_url=os.environ["URL"]))

def compute():
    with open(os.environ["LOG"], "a") as log:
        log.write(f"{os.getpid()}\\n")
    time.sleep(1.0)
    return {"computed_by": os.getpid()}

cache = VersionedCache()
print(cache.get(platform.repository, ("watchlist", "2019-09-01"), compute)["computed_by"])
platform.close()
"""


def _processes(url: str, log: Path, n: int) -> list[str]:
    env = {**os.environ, "URL": url, "LOG": str(log), "PYTHONPATH": str(SRC)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(n)
    ]
    outs = [p.communicate(timeout=180)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    return outs


def test_worker_processes_compute_once_and_share(database_url: str, tmp_path: Path) -> None:
    bootstrap(Settings(database_url=database_url), upgrade=True).close()
    log = tmp_path / "computations.log"
    started = _processes(database_url, log, 3)  # three processes asking at the same moment
    computed = log.read_text().split()
    assert len(computed) == 1
    assert started == [computed[0]] * 3  # every process answered with the one result
    assert _processes(database_url, log, 1) == [computed[0]]  # a later process reads it
    assert len(log.read_text().split()) == 1


def test_two_app_instances_share_the_watch_list_and_filter_per_role(database_url: str) -> None:
    platform = bootstrap(Settings(database_url=database_url), upgrade=True)
    other = bootstrap(Settings(database_url=database_url))
    try:
        load_country(platform.repository, generate(7, n_providers=150, end=date(2016, 6, 1)))
        app_a, book = make_app(platform)
        app_b, _ = make_app(other)
        accounts = add_role_accounts(book)
        regulator_a, _ = client_as(app_a, accounts[Role.REGULATOR_ANALYST])
        regulator_b, _ = client_as(app_b, accounts[Role.REGULATOR_ANALYST])
        first = regulator_a.get("/watchlist.json")
        assert first.status_code == 200
        assert app_a.state.cache.computed == 1
        second = regulator_b.get("/watchlist.json")
        assert second.status_code == 200
        assert second.json() == first.json()
        assert app_b.state.cache.computed == 0  # read from the database, not recomputed
        system = platform.repository.providers()[0].system
        banded = regulator_b.get(f"/systems/{system}.json").json()
        assert app_b.state.cache.computed == 0
        # The shared watch list is filtered after the cache: a trust user sees no bands.
        trust, _ = client_as(app_b, accounts[Role.TRUST_USER])
        plain = trust.get(f"/systems/{system}.json")
        assert plain.status_code == 200
        assert banded["watchlist"] is True
        assert "watchlist_band" in banded["providers"][0]
        assert plain.json()["watchlist"] is False
        assert "watchlist_band" not in plain.text
        assert trust.get("/watchlist.json").status_code == 403
    finally:
        other.close()
        platform.close()
