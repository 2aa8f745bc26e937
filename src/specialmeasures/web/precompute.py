"""Precomputed read models: the slowest regulator pages' data, ready before anyone asks.

The watch list (as of the default date), the entry policy's backtest over its default window
and over the window the overview shows (cut at today's month), the balancing measures and the
impact estimates asked for lately take seconds to compute. ``serve`` installs a
:class:`~specialmeasures.store.versioned.Refresher` that computes them when the app starts and
again within a second of each change to the data (the data version in the database, so a change
made by another process or another worker counts too), into the same caches the routes read.
With several workers, each read model is computed by one of them (claimed in
``store.read_models``) and read by the others.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

from fastapi import FastAPI
from sqlalchemy.exc import DBAPIError

from specialmeasures.evaluation.documents import ImpactCache
from specialmeasures.monitoring.watchlist import WatchList
from specialmeasures.store import Repository
from specialmeasures.store.read_models import stored_keys
from specialmeasures.store.versioned import Refresher, VersionedCache

__all__ = ["precompute_read_models"]


def precompute_read_models(
    app: FastAPI,
    repository: Repository,
    today: Callable[[], date],
    cached_screen: Callable[[Repository, date], WatchList],
    balancing_cache: VersionedCache,
    impact_cache: ImpactCache | None = None,
) -> None:
    """Compute the slowest regulator read models at start and after every change to the data
    (``store.versioned.Refresher``), so that their pages' first requests find them ready."""
    from specialmeasures.evaluation.documents import balancing_document
    from specialmeasures.regime.backtest_views import DEFAULT_END, DEFAULT_POLICY, DEFAULT_START

    refresher = Refresher(repository)
    # In the order pages are usually read (the watch list and the overview first), so the
    # pages read first are ready first.
    refresher.add("watch list", lambda: cached_screen(repository, today()))
    refresher.add(
        "overview backtest",
        lambda: _overview_backtest(app, repository, today()),
    )
    refresher.add(
        "backtest",
        lambda: app.state.backtest_cache.get(
            repository, DEFAULT_POLICY, DEFAULT_START, DEFAULT_END
        ),
    )
    if impact_cache is not None:
        refresher.add_each("impact", lambda: _impact_warms(repository, impact_cache))
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


def _overview_backtest(app: FastAPI, repository: Repository, today: date) -> object:
    """The backtest the overview shows as of today (its window ends before today's month)."""
    from specialmeasures.regime.backtest_views import DEFAULT_POLICY, DEFAULT_START
    from specialmeasures.web.backtest import backtest_end

    end = backtest_end(today)
    if end is None:
        return None
    return app.state.backtest_cache.get(repository, DEFAULT_POLICY, DEFAULT_START, end)


#: At most this many impact estimates are computed again after a change.
IMPACT_PRECOMPUTED = 8


def _impact_warms(repository: Repository, cache: ImpactCache) -> list[Callable[[], object]]:
    """One warm function per impact estimate asked for lately, newest first: of this worker,
    then of every worker (those stored in ``read_models`` before the change)."""

    def warm(indicator: str, event: str, design: str, level: float) -> Callable[[], object]:
        return lambda: cache.document(
            repository, indicator, event=event, design=design, level=level
        )

    asked: dict[tuple[str, str, str, float], None] = dict.fromkeys(reversed(cache.recent()))
    try:  # what any worker was asked for before the change (stored until the next is stored)
        stored = stored_keys(repository.engine, "impact")
    except DBAPIError:
        stored = []
    for key in stored:
        if isinstance(key, tuple) and len(key) == 6:
            _, indicator, event, design, _, level = key
            asked.setdefault((str(indicator), str(event), str(design), float(level)), None)
    return [warm(*parameters) for parameters in list(asked)[:IMPACT_PRECOMPUTED]]
