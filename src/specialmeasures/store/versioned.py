"""Results kept in process until the data changes.

Every change to the data bumps the data version in the same transaction
(``store.data_version``; page views, which are audited too, do not): a cached result computed
at version N is reused while the version is still N, and recomputed after any import, decision
or change.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any, TypeVar, cast

from specialmeasures.store import data_version as _versions
from specialmeasures.store.repository import Repository

__all__ = ["VersionedCache", "data_version"]

T = TypeVar("T")


def data_version(repository: Repository) -> int:
    """The version of the data: it changes with every change to the data, not with reads."""
    return _versions.current(repository.engine)


class VersionedCache:
    """A small cache of expensive read models, keyed by database, data version and parameters.

    Concurrent requests for the same missing entry wait for one computation (fifty users
    arriving after a change make one watch list, not fifty); other keys are not held up.
    """

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._values: dict[tuple[Hashable, ...], Any] = {}
        self._lock = Lock()
        self._computing: dict[tuple[Hashable, ...], Lock] = {}

    def get(self, repository: Repository, key: Hashable, compute: Callable[[], T]) -> T:
        full = (str(repository.engine.url), data_version(repository), key)
        with self._lock:
            if full in self._values:
                return cast(T, self._values[full])
            flight = self._computing.setdefault(full, Lock())
        with flight:
            with self._lock:
                if full in self._values:  # computed by the request this one waited for
                    return cast(T, self._values[full])
            try:
                value = compute()
            except BaseException:
                with self._lock:
                    self._computing.pop(full, None)
                raise
            with self._lock:
                while len(self._values) >= self.size:
                    self._values.pop(next(iter(self._values)))
                self._values[full] = value
                self._computing.pop(full, None)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
