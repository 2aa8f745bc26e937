"""Read models computed after a write, before anyone asks: the workers' refreshers notice the
new data version, one worker claims its precomputation (in ``read_models``) and computes each
read model once, the others compute nothing and read what it stored; within a precomputation a
read model another worker is computing is skipped and read at the end. On a SQLite file and a
PostgreSQL server."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import select

from specialmeasures.bootstrap import Platform
from specialmeasures.store.read_models import SharedReadModels, key_text, stored_keys
from specialmeasures.store.tables import read_models
from specialmeasures.store.versioned import PRECOMPUTE, Refresher, VersionedCache, data_version
from workers_fixtures import audited_change


def _ready(platform: Platform, version: int) -> set[str]:
    t = read_models
    query = select(t.c.key_text).where(
        t.c.version == version, t.c.state == "ready", t.c.name != PRECOMPUTE[0]
    )
    with platform.repository.engine.connect() as conn:
        return {str(k) for (k,) in conn.execute(query)}


def _until(check: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


class Worker:
    """One worker's cache and refresher, warming the read models ``keys``."""

    def __init__(self, platform: Platform, name: str, keys: tuple[str, ...], calls: list) -> None:
        self.platform = platform
        self.cache = VersionedCache()
        self.refresher = Refresher(platform.repository, interval=0.05)
        for key in keys:
            self.refresher.add(key, self._warm(key, name, calls))

    def _warm(self, key: str, name: str, calls: list) -> Callable[[], object]:
        repo = self.platform.repository

        def compute() -> dict[str, object]:
            version = data_version(repo)
            calls.append((name, key, version))
            time.sleep(0.3)  # long enough for the other worker to find it claimed
            return {"key": key, "version": version}

        return lambda: self.cache.get(repo, key, compute)

    def cached(self, key: str) -> object:
        """What this worker's own cache holds for ``key`` at the current version, if anything."""
        repo = self.platform.repository
        return self.cache._values.get((str(repo.engine.url), data_version(repo), key))


def test_a_write_makes_the_read_models_ready_once_without_a_request(
    two: tuple[Platform, Platform],
) -> None:
    a, b = two
    calls: list[tuple[str, str, int]] = []
    keys = ("watch list", "backtest", "balancing")
    workers = [Worker(a, "a", keys, calls), Worker(b, "b", keys, calls)]
    for worker in workers:
        worker.refresher.start()
    try:
        _until(lambda: sum(w.refresher.refreshed + w.refresher.skipped for w in workers) >= 2)
        before = data_version(a.repository)
        assert len(calls) == len(keys)  # at start: each computed once, by one worker
        audited_change(a)
        after = data_version(b.repository)
        assert after != before
        # Nobody asks: a refresher notices the new version and fills the shared table.
        _until(lambda: _ready(a, after) == {key_text(k) for k in keys})
        _until(lambda: sum(w.refresher.refreshed + w.refresher.skipped for w in workers) >= 4)
        fresh = [c for c in calls if c[2] == after]
        assert sorted(k for _, k, _ in fresh) == sorted(keys)  # each once
        assert len({who for who, _, _ in fresh}) == 1  # by the worker that claimed the version
        assert sum(w.refresher.refreshed for w in workers) == 2  # one per version
        assert sum(w.refresher.skipped for w in workers) == 2
        (done,) = [w for w in workers if w.cached(keys[0]) is not None]
        (other,) = [w for w in workers if w is not done]
        for key in keys:
            assert done.cached(key) == {"key": key, "version": after}
            assert other.cached(key) is None
            # The other worker's first request reads the stored result and computes nothing.
            assert other.cache.get(other.platform.repository, key, dict) == {
                "key": key,
                "version": after,
            }
        assert len(calls) == 2 * len(keys)
        assert _ready(a, before) == set()  # older versions' rows are removed
    finally:
        for worker in workers:
            worker.refresher.stop()


def test_a_read_model_claimed_elsewhere_is_waited_for_not_computed_beside(
    two: tuple[Platform, Platform],
) -> None:
    a, b = two
    version = data_version(a.repository)
    # Worker a (a request) has claimed "watch list" and is computing it.
    shared_a = SharedReadModels()
    claimed = threading.Event()
    release = threading.Event()

    def slow() -> dict[str, str]:
        claimed.set()
        assert release.wait(60)
        return {"by": "a"}

    thread = threading.Thread(
        target=lambda: shared_a.get(a.repository.engine, version, "watch list", slow)
    )
    thread.start()
    assert claimed.wait(60)
    calls: list[tuple[str, str, int]] = []
    worker = Worker(b, "b", ("watch list", "backtest"), calls)
    done = threading.Thread(target=worker.refresher.refresh)
    done.start()
    # b's precomputation waits for a's watch list: it does not start the next read model
    # beside it (two computations at once would halve a's share of the machine).
    time.sleep(1.0)
    assert calls == []
    assert _ready(b, version) == set()
    assert done.is_alive()
    release.set()
    thread.join(60)
    done.join(60)
    assert not done.is_alive()
    assert [k for _, k, _ in calls] == ["backtest"]  # never computed "watch list" itself
    assert worker.cached("watch list") == {"by": "a"}
    assert _ready(b, version) == {key_text("watch list"), key_text("backtest")}
    assert worker.refresher.refreshed == 1


def test_the_keys_asked_for_before_a_change_can_be_listed(
    two: tuple[Platform, Platform],
) -> None:
    a, b = two
    key = ("impact", "ae_four_hour", "entry", "matched", (-12, 24), 0.95)
    other = ("impact", "shmi", "exit", "did", (-12, 24), 0.95)
    SharedReadModels().get(a.repository.engine, data_version(a.repository), key, dict)
    audited_change(a)
    SharedReadModels().get(a.repository.engine, data_version(a.repository), other, dict)
    # Newest first, rebuilt as the keys they were (tuples, floats); other names left out.
    SharedReadModels().get(a.repository.engine, data_version(a.repository), "watch list", dict)
    assert stored_keys(b.repository.engine, "impact") == [other]  # storing removed the older
    audited_change(b)
    assert stored_keys(b.repository.engine, "impact") == [other]  # until a newer is stored
