"""Precomputed read models: the slowest regulator pages' data, ready before anyone asks.

The watch list (as of the default date), the entry policy's backtest over its default window
and the balancing measures take seconds to compute. ``serve`` installs a
:class:`~specialmeasures.store.versioned.Refresher` that computes them when the app starts and
again within seconds of each change to the data (the data version in the database, so a change
made by another process or another worker counts too), into the same caches the routes read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

from fastapi import FastAPI

from specialmeasures.monitoring.watchlist import WatchList
from specialmeasures.store import Repository
from specialmeasures.store.versioned import Refresher, VersionedCache

__all__ = ["precompute_read_models"]


def precompute_read_models(
    app: FastAPI,
    repository: Repository,
    today: Callable[[], date],
    cached_screen: Callable[[Repository, date], WatchList],
    balancing_cache: VersionedCache,
) -> None:
    """Compute the slowest regulator read models at start and after every change to the data
    (``store.versioned.Refresher``), so that their pages' first requests find them ready."""
    from specialmeasures.evaluation.documents import balancing_document
    from specialmeasures.regime.backtest_views import DEFAULT_END, DEFAULT_POLICY, DEFAULT_START

    refresher = Refresher(repository)
    refresher.add("watch list", lambda: cached_screen(repository, today()))
    refresher.add(
        "backtest",
        lambda: app.state.backtest_cache.get(
            repository, DEFAULT_POLICY, DEFAULT_START, DEFAULT_END
        ),
    )
    refresher.add(
        "balancing",
        lambda: balancing_cache.get(
            repository, ("balancing", None), lambda: balancing_document(repository, None)
        ),
    )
    app.state.refresher = refresher
    served = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        refresher.start()
        try:
            async with served(application) as state:
                yield state
        finally:
            refresher.stop()

    app.router.lifespan_context = lifespan
