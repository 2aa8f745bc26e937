"""Cached read models are reused until the data changes (a new audit row), on both databases."""

from __future__ import annotations

from datetime import datetime

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
