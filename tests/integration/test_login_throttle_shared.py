"""The login throttle on the database: one count for every worker, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from specialmeasures.access.throttle_shared import database_throttle
from specialmeasures.bootstrap import Platform, bootstrap
from specialmeasures.settings import Settings
from specialmeasures.store.tables import login_failures

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_workers_share_one_count_of_free_attempts(platform: Platform, database_url: str) -> None:
    """Two workers (two engines over one database), 40 parallel attempts: 5 free in all, not 10."""
    second = bootstrap(Settings(database_url=database_url))
    try:
        workers = [
            database_throttle(platform.repository, per_account=5, per_address=1000),
            database_throttle(second.repository, per_account=5, per_address=1000),
        ]
        barrier = threading.Barrier(40)
        results: list[bool] = []
        lock = threading.Lock()

        def attempt(i: int) -> None:
            barrier.wait()
            admitted = workers[i % 2].admit("tina", f"10.0.0.{i}", T0).allowed
            with lock:
                results.append(admitted)

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        second.close()
    assert results.count(True) == 5
    assert results.count(False) == 35


def test_the_rules_hold_on_the_database_book(platform: Platform) -> None:
    throttle = database_throttle(
        platform.repository,
        per_account=2,
        per_address=1000,
        first_delay=timedelta(seconds=2),
        max_delay=timedelta(seconds=10),
        window=timedelta(minutes=10),
    )
    ok = throttle.admit("tina", "10.0.0.1", T0)
    throttle.succeeded(ok)  # her usual address from now on
    assert throttle.admit("tina", "192.0.2.66", T0).allowed
    assert throttle.admit("tina", "192.0.2.66", T0).allowed
    refused = throttle.admit("tina", "192.0.2.66", T0)
    assert refused.retry_after == 2  # delays start after the free failures
    assert throttle.retry_after("tina", "10.0.0.2", T0) == 2  # a new address waits too
    assert throttle.admit("tina", "10.0.0.1", T0).allowed  # her usual address does not
    # ... but its attempt counts: three failures on the account, so the next waits 4 s
    assert throttle.retry_after("tina", "192.0.2.66", T0 + timedelta(seconds=3)) == 1
    later = T0 + timedelta(seconds=4)
    assert throttle.admit("tina", "192.0.2.66", later).allowed
    assert throttle.retry_after("tina", "192.0.2.66", later) == 8  # doubled again
    # after the window everything is forgotten, and the old rows are gone from the table
    gone = T0 + timedelta(minutes=11)
    assert throttle.retry_after("tina", "192.0.2.66", gone) is None
    with platform.engine.connect() as conn:
        assert conn.execute(login_failures.select()).first() is None
