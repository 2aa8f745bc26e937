"""Results kept in process until the data changes.

Every write to the store appends to the hash-chained audit log in the same transaction, so the
newest audit row's sequence number is the data's version: a cached result computed at version N
is reused while the newest row is still N, and recomputed after any import, decision or change.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any, TypeVar, cast

from sqlalchemy import func, select

from specialmeasures.store.repository import Repository
from specialmeasures.store.tables import audit_log

__all__ = ["VersionedCache", "data_version"]

T = TypeVar("T")


def data_version(repository: Repository) -> int:
    """The sequence number of the newest audit row (0 for a database never written to)."""
    with repository.engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(audit_log.c.seq), 0))).scalar_one())


class VersionedCache:
    """A small cache of expensive read models, keyed by database, data version and parameters."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._values: dict[tuple[Hashable, ...], Any] = {}
        self._lock = Lock()

    def get(self, repository: Repository, key: Hashable, compute: Callable[[], T]) -> T:
        full = (str(repository.engine.url), data_version(repository), key)
        with self._lock:
            if full in self._values:
                return cast(T, self._values[full])
        value = compute()
        with self._lock:
            while len(self._values) >= self.size:
                self._values.pop(next(iter(self._values)))
            self._values[full] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
