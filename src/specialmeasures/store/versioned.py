"""Results kept until the data changes: in process, and shared through the database.

Every change to the data bumps the data version in the same transaction
(``store.data_version``; page views, which are audited too, do not): a cached result computed
at version N is reused while the version is still N, and recomputed after any import, decision
or change. Behind each process's own cache is the database's (``store.read_models``): a result
one worker computed at version N is read, not recomputed, by every other worker and process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterable
from threading import Event, Lock, Thread
from typing import Any, TypeVar, cast

from sqlalchemy.exc import DBAPIError

from specialmeasures.store import data_version as _versions
from specialmeasures.store.read_models import (
    ClaimedElsewhereError,
    SharedReadModels,
    deferring_claimed,
)
from specialmeasures.store.repository import Repository

__all__ = ["PRECOMPUTE", "Refresher", "VersionedCache", "data_version"]

#: The key of a data version's precomputation in ``read_models`` (claimed by one worker).
PRECOMPUTE = ("precompute",)
#: How many data versions one ``VersionedCache.get`` follows when the data changes under it.
VERSION_ATTEMPTS = 5

T = TypeVar("T")
_log = logging.getLogger(__name__)


def data_version(repository: Repository) -> int:
    """The version of the data: it changes with every change to the data, not with reads."""
    return _versions.current(repository.engine)


def _shared_models(shared: SharedReadModels | bool) -> SharedReadModels | None:
    """The shared read models given, a new one for ``True``, none for ``False``."""
    if isinstance(shared, SharedReadModels):
        return shared
    return SharedReadModels() if shared else None


class VersionedCache:
    """A small cache of expensive read models, keyed by database, data version and parameters.

    Concurrent requests for the same missing entry wait for one computation (fifty users
    arriving after a change make one watch list, not fifty); other keys are not held up.
    A miss looks in the database's shared cache (``shared``, ``store.read_models``) before
    computing, so several workers make one watch list too; ``shared=False`` keeps results in
    process only. Cache only results that are the same for every reader (filter per role after
    the cache): what is stored is read by every worker, for every user.
    ``computed`` counts the results this cache computed itself.
    """

    def __init__(self, size: int = 16, *, shared: SharedReadModels | bool = True) -> None:
        self.size = size
        self.shared = _shared_models(shared)
        self.computed = 0
        self._values: dict[tuple[Hashable, ...], Any] = {}
        self._lock = Lock()
        self._computing: dict[tuple[Hashable, ...], Lock] = {}

    def get(self, repository: Repository, key: Hashable, compute: Callable[[], T]) -> T:
        """The read model for ``key`` at the current data version.

        The version is read again after the result is found: if the data changed meanwhile,
        the result belongs to an older version (or was computed while the data changed under
        it) and the newer version's is found instead, so that a result is returned only while
        its version is the current one (up to ``VERSION_ATTEMPTS`` changes in one call; data
        changing faster than that gets the newest result made)."""
        version = data_version(repository)
        for _ in range(VERSION_ATTEMPTS):
            value = self._at(repository, version, key, compute)
            now = data_version(repository)
            if now == version:
                return value
            version = now
        return value

    def _at(
        self, repository: Repository, version: int, key: Hashable, compute: Callable[[], T]
    ) -> T:
        full = (str(repository.engine.url), version, key)
        with self._lock:
            if full in self._values:
                return cast(T, self._values[full])
            flight = self._computing.setdefault(full, Lock())
        with flight:
            with self._lock:
                if full in self._values:  # computed by the request this one waited for
                    return cast(T, self._values[full])
            try:
                value = self._shared_or_computed(repository, version, key, compute)
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

    def _shared_or_computed(
        self, repository: Repository, version: int, key: Hashable, compute: Callable[[], T]
    ) -> T:
        ran: list[bool] = []

        def counted() -> T:
            ran.append(True)
            self.computed += 1
            return compute()

        if self.shared is None:
            return counted()
        try:
            return self.shared.get(repository.engine, version, key, counted)
        except DBAPIError:
            if ran:  # the computation's own database error: report it
                raise
            # The shared cache is unusable (a database not migrated yet, a read-only one):
            # compute in process rather than fail the page.
            _log.warning("shared read-model cache unavailable for %r", key, exc_info=True)
            return counted()

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


class Refresher:
    """Keeps the expensive read models computed ahead of the first request.

    Each registered ``warm`` function computes one read model through a :class:`VersionedCache`
    (so the result lands where requests look for it). A background thread runs them all at
    start and again whenever the data version changes (a write by this process or any other;
    polled every ``interval`` seconds, one small query), so a page's first request after an
    import or a decision usually finds its result ready, and otherwise waits for the
    computation already under way instead of starting another.

    With several workers each runs a refresher, and one of them precomputes each data
    version: it claims the version in the database (``store.read_models``, the key
    ``PRECOMPUTE``) and the others leave it to that one (``skipped`` counts the versions they
    left); their requests read what it stores. The claim is a lease renewed while the worker
    precomputes: if that worker dies part-way, another refresher (which keeps looking at the
    claim every ``interval`` until the version is done) takes the version over once the lease
    expires, without waiting for the next change (``taken_over``). On a small machine one
    computation at a time gets the page asked for first ready soonest: within the
    precomputation, a read model a request of another worker is already computing is waited
    for, not skipped for the next one (computing both at once split the two cores and made
    that first request take twice as long). Nothing here runs on a request's path, and a
    request never gets a result of another data version (the caches are keyed on the version
    the request reads). ``shared=False`` precomputes in every process, without the database's
    claim; a :class:`SharedReadModels` sets the lease.
    """

    def __init__(
        self,
        repository: Repository,
        *,
        interval: float = 0.5,
        shared: SharedReadModels | bool = True,
    ) -> None:
        self.repository = repository
        self.interval = interval
        self.shared = _shared_models(shared)
        self.skipped = 0  # data versions another worker precomputed
        self.taken_over = 0  # data versions taken over from a worker whose lease expired
        self._warm: list[tuple[str, Callable[[], Iterable[Callable[[], object]]]]] = []
        self._stop = Event()
        self._thread: Thread | None = None
        self.refreshed = 0  # how many times the read models were recomputed

    def add(self, name: str, warm: Callable[[], object]) -> None:
        self._warm.append((name, lambda: [warm]))

    def add_each(self, name: str, warms: Callable[[], Iterable[Callable[[], object]]]) -> None:
        """Warm functions found at each refresh (e.g. for the parameters asked for lately)."""
        self._warm.append((name, warms))

    def refresh(self) -> None:
        """Run every warm function once, in order (errors are logged: a request will report
        them). A read model another worker is computing is waited for."""
        listed: list[tuple[str, list[Callable[[], object]]]] = []
        for name, warms in self._warm:  # all listed first: before anything new is stored
            try:
                listed.append((name, list(warms())))
            except Exception:
                _log.exception("listing what to precompute for %s failed", name)
        with deferring_claimed(False):
            for name, found in listed:
                for warm in found:
                    if self._stop.is_set():
                        return
                    try:
                        warm()
                    except Exception:
                        _log.exception("precomputing %s failed", name)
        self.refreshed += 1

    def _run(self) -> None:
        seen: int | None = None
        pending = False  # ``seen`` is being precomputed by another worker: watch its lease
        while not self._stop.is_set():
            version: int | None = seen
            try:
                version = data_version(self.repository)
            except Exception:
                _log.exception("reading the data version failed")
            if version is not None and (version != seen or pending):
                fresh = version != seen
                seen = version
                pending = not self._refresh_version(version, fresh=fresh)
            self._stop.wait(self.interval)

    def _refresh_version(self, version: int, *, fresh: bool = True) -> bool:
        """Precompute ``version`` here unless another worker holds its claim (False: look
        again later, in case that worker dies); True once the version is done."""
        if self.shared is None:
            self.refresh()
            return True
        ran: list[bool] = []

        def refreshed() -> None:
            ran.append(True)
            self.refresh()

        taken = self.shared.taken_over
        try:
            with deferring_claimed():
                self.shared.get(self.repository.engine, version, PRECOMPUTE, refreshed)
        except ClaimedElsewhereError:
            if fresh:
                self.skipped += 1
            return False
        except DBAPIError:  # no shared table (a database not migrated yet): precompute here
            _log.warning("could not claim the precomputation", exc_info=True)
            if not ran:
                self.refresh()
        if self.shared.taken_over > taken:
            self.taken_over += 1
        return True

    def start(self) -> None:
        if self._thread is None:
            self._thread = Thread(target=self._run, name="read-model-refresher", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
