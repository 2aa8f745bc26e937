"""The backtest page: a policy replayed over history, compared with the episodes that happened.

Regulator roles only (``recommendation.read``): the replay shows what the engine would have
recommended, and its reasons can name the confidential Challenged Provider list.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from specialmeasures.access import Action
from specialmeasures.domain import SpecialMeasuresError
from specialmeasures.regime.backtest_views import (
    DEFAULT_END,
    DEFAULT_POLICY,
    DEFAULT_START,
    BacktestCache,
    backtest_summary,
)
from specialmeasures.web.gate import permission
from specialmeasures.web.query import BLANK_IS_ABSENT
from specialmeasures.web.rendering import Renderer

__all__ = ["build_backtest_router", "cached_backtest"]

Policy = Annotated[str, Query(pattern=r"^[a-z0-9-]{1,40}$", description="Policy id.")]
From = Annotated[
    date | None,
    Query(alias="from", description="First month (default 2013-07-01)."),
    BLANK_IS_ABSENT,
]
To = Annotated[
    date | None, Query(alias="to", description="Last month (default 2019-09-01)."), BLANK_IS_ABSENT
]
#: The longest replay one request may ask for: its cost grows with every month replayed.
MAX_YEARS = 20


def backtest_end(as_of: date) -> date | None:
    """The end of the backtest window a view as of ``as_of`` may show: the default window cut at
    the as-of date (a replay compares with episodes that happened, so no later ones), or None
    when the date is not after the window's start."""
    end = min(as_of, DEFAULT_END)
    # The replay runs in whole months, so a window may only end at a month whose every day is
    # known: the as-of date's own month would show events of its later days.
    following = end + timedelta(days=1)
    if following.month == end.month:
        end = date(end.year, end.month, 1) - timedelta(days=1)
    return end if end > DEFAULT_START else None


def cached_backtest(
    request: Request,
    *,
    policy: str = DEFAULT_POLICY,
    start: date | None = None,
    end: date | None = None,
    provider: str | None = None,
) -> dict[str, Any]:
    """The backtest summary from the app's cache (the whole country's replay is computed once)."""
    cache: BacktestCache = request.app.state.backtest_cache
    start = start or DEFAULT_START
    end = end or DEFAULT_END
    if end < start:
        raise SpecialMeasuresError(f"to ({end}) must not be before from ({start})")
    if (end.year - start.year) * 12 + end.month - start.month > MAX_YEARS * 12:
        raise SpecialMeasuresError(
            f"from ({start}) to ({end}) is more than {MAX_YEARS} years: ask for a shorter span"
        )
    result = cache.get(request.app.state.platform.repository, policy, start, end)
    return backtest_summary(result, provider=provider)


def build_backtest_router(renderer: Renderer) -> APIRouter:
    router = APIRouter()

    @router.get("/backtest.json", tags=["regime"], summary="Policy backtest (JSON twin)")
    @permission(Action.RECOMMENDATION_READ)
    def backtest_json(
        request: Request, policy: Policy = DEFAULT_POLICY, start: From = None, end: To = None
    ) -> dict[str, Any]:
        return cached_backtest(request, policy=policy, start=start, end=end)

    @router.get("/backtest", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.RECOMMENDATION_READ)
    def backtest_page(
        request: Request, policy: Policy = DEFAULT_POLICY, start: From = None, end: To = None
    ) -> str:
        data = cached_backtest(request, policy=policy, start=start, end=end)
        return renderer.render(
            "backtest.html", request=request, data=data, query=str(request.url.query)
        )

    return router
