"""The national overview (the home page): providers by regime status and by rating as of a
date, the number in each regime over time, and links to the local systems. Public; the
confidential Challenged Provider counts are included only for roles that may see the whole CP
list (regulators), and left out of the page and the JSON for everyone else.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from specialmeasures.access import Action
from specialmeasures.access.classification import public_dataset_meta
from specialmeasures.register.overview import national_overview
from specialmeasures.reports.regime_chart import regime_counts_svg
from specialmeasures.web.backtest import backtest_end, cached_backtest
from specialmeasures.web.gate import Gate, permission
from specialmeasures.web.query import AsOf
from specialmeasures.web.rendering import Renderer

__all__ = ["build_overview_router"]


def build_overview_router(renderer: Renderer, gate: Gate, today: Callable[[], date]) -> APIRouter:
    router = APIRouter()
    repo = renderer.platform.repository

    def data(request: Request, as_of: date | None) -> dict[str, Any]:
        view = national_overview(
            repo, as_of or today(), include_confidential=gate.sees_whole_cp_list(request)
        )
        window_end = backtest_end(as_of or today())  # as of: no later episodes
        if window_end and gate.decide(request, Action.RECOMMENDATION_READ).allowed:
            # The replay of the entry policy over the seed's window: regulator roles only.
            headline = cached_backtest(request, end=window_end)
            view["backtest"] = {k: v for k, v in headline.items() if k != "cases"}
        view["dataset"] = public_dataset_meta(repo.meta())
        return view

    def page(request: Request, as_of: date | None) -> str:
        view = data(request, as_of)
        return renderer.render(
            "overview.html",
            request=request,
            data=view,
            chart=regime_counts_svg(view["series"]),
            query=str(request.url.query),
        )

    @router.get("/overview.json", tags=["overview"], summary="National overview (JSON twin)")
    @permission(Action.PUBLIC_READ)
    def overview_json(request: Request, as_of: AsOf = None) -> dict[str, Any]:
        return data(request, as_of)

    @router.get("/overview", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.PUBLIC_READ)
    def overview_page(request: Request, as_of: AsOf = None) -> str:
        return page(request, as_of)

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.PUBLIC_READ)
    def home(request: Request, as_of: AsOf = None) -> str:
        return page(request, as_of)

    return router
