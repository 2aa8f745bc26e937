"""The providers open on a day with their rating in force and regimes, kept until the data changes.

Every register view (the providers list and its twin, the national overview, the systems index
and each system's page) starts from ``Repository.provider_summaries``: about 2,000 providers,
their ratings in force and their episodes, some 10 ms of queries and mapping on the demo, which
the overview did twice per request. The result is the same for every reader (the confidential
regimes are in it; ``register.views.provider_list`` drops them per request for a reader who may
not see them), so it is kept per database, day and data version (``store.versioned``), in process
only, and made again after any change to the data.
"""

from __future__ import annotations

from datetime import date
from threading import Lock
from weakref import WeakKeyDictionary

from sqlalchemy import Engine

from specialmeasures.store import Repository
from specialmeasures.store.repository import ProviderSummary
from specialmeasures.store.versioned import VersionedCache

__all__ = ["provider_summaries"]

#: One cache per engine: two in-memory SQLite databases have the same URL.
_CACHES: WeakKeyDictionary[Engine, VersionedCache] = WeakKeyDictionary()
_LOCK = Lock()


def _cache(engine: Engine) -> VersionedCache:
    with _LOCK:
        found = _CACHES.get(engine)
        if found is None:
            found = _CACHES[engine] = VersionedCache(size=8, shared=False)
        return found


def provider_summaries(repo: Repository, as_of: date) -> tuple[ProviderSummary, ...]:
    """``repo.provider_summaries(as_of)``, computed once per data version (read-only tuple)."""
    return _cache(repo.engine).get(
        repo, ("provider_summaries", as_of), lambda: tuple(repo.provider_summaries(as_of))
    )
