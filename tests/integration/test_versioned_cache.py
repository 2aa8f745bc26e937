"""Cached read models are reused until the data changes (not when someone reads), on both
databases."""

from __future__ import annotations

from datetime import datetime

import factories
from specialmeasures.bootstrap import Platform
from specialmeasures.store import audit
from specialmeasures.store.versioned import VersionedCache, data_version


def test_reused_until_a_write_then_recomputed(platform: Platform) -> None:
    repo = platform.repository
    cache = VersionedCache(size=4)
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert data_version(repo) == 0
    assert cache.get(repo, "k", compute) == 1
    assert cache.get(repo, "k", compute) == 1
    assert cache.get(repo, "other", compute) == 2
    with repo.transaction() as conn:
        audit.append(
            conn, actor="a", role="r", action="x", entity="e", entity_key="k", payload={},
            at=datetime(2026, 1, 1),
        )  # fmt: skip
    assert data_version(repo) == 1
    assert cache.get(repo, "k", compute) == 3
    assert cache.get(repo, "k", compute) == 3


def test_size_is_bounded(platform: Platform) -> None:
    cache = VersionedCache(size=2)
    for i in range(5):
        cache.get(platform.repository, i, lambda i=i: i)  # type: ignore[misc]
    assert len(cache._values) == 2


def _audit(repo: object, action: str) -> None:
    from specialmeasures.store.repository import Repository

    assert isinstance(repo, Repository)
    with repo.transaction() as conn:
        audit.append(
            conn, actor="a", role="r", action=action, entity="e", entity_key="k", payload={},
            at=datetime(2026, 1, 1),
        )  # fmt: skip


def test_audited_reads_leave_the_cache_warm(platform: Platform) -> None:
    repo = platform.repository
    cache = VersionedCache(size=4)
    calls: list[int] = []
    cache.get(repo, "watchlist", lambda: calls.append(1))
    for action in ("read.watchlist.read", "access.denied", "login.success", "logout"):
        _audit(repo, action)
        cache.get(repo, "watchlist", lambda: calls.append(1))
    assert len(calls) == 1
    assert data_version(repo) == 0
    _audit(repo, "decision.enter")
    cache.get(repo, "watchlist", lambda: calls.append(1))
    assert len(calls) == 2


def test_register_writes_change_the_version_and_a_rollback_does_not(platform: Platform) -> None:
    repo = platform.repository
    providers, inspections, episodes = factories.small_register()
    with repo.transaction() as conn:
        repo.add_providers(conn, providers)
    after_providers = data_version(repo)
    assert after_providers > 0
    try:
        with repo.transaction() as conn:
            repo.add_inspections(conn, inspections)
            raise RuntimeError("abandon the import")
    except RuntimeError:
        pass
    assert data_version(repo) == after_providers
    with repo.transaction() as conn:
        repo.add_inspections(conn, inspections)
        for episode in episodes:
            repo.add_episode(conn, episode)
    assert data_version(repo) > after_providers


def test_concurrent_misses_compute_once(platform: Platform) -> None:
    import threading
    import time

    cache = VersionedCache(size=4)
    calls: list[int] = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.3)
        return 42

    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get(platform.repository, "w", slow)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [42] * 8
    assert len(calls) == 1


def test_refresher_recomputes_at_start_and_after_each_change_only(platform: Platform) -> None:
    import time

    from specialmeasures.store.versioned import Refresher

    repo = platform.repository
    cache = VersionedCache(size=4)
    calls: list[int] = []
    refresher = Refresher(repo, interval=0.05)
    refresher.add("model", lambda: cache.get(repo, "model", lambda: calls.append(1) or len(calls)))

    def settle(count: int) -> None:
        deadline = time.monotonic() + 20
        while refresher.refreshed < count and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)  # several more polls: nothing else may run

    refresher.start()
    try:
        settle(1)
        assert (refresher.refreshed, len(calls)) == (1, 1)
        _audit(repo, "read.watchlist.read")
        settle(2)
        assert (refresher.refreshed, len(calls)) == (1, 1)
        _audit(repo, "import.cqc_ratings")
        settle(2)
        assert (refresher.refreshed, len(calls)) == (2, 2)
        # the request after the change finds the model computed
        assert cache.get(repo, "model", lambda: -1) == 2
    finally:
        refresher.stop()
