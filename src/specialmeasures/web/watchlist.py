"""The early-warning watch list page, its JSON twin and its CSV download (regulators only).

CONFIDENTIAL: every route declares ``watchlist.read``, which the permission table gives to
regulator roles only; the gate audits each read. The page, the JSON and the CSV each carry the
confidential banner.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from specialmeasures.access import Action
from specialmeasures.access.classification import public_dataset_meta
from specialmeasures.monitoring.views import Screen, watchlist_csv, watchlist_view
from specialmeasures.monitoring.watchlist import screen
from specialmeasures.web.gate import permission
from specialmeasures.web.query import AsOf
from specialmeasures.web.rendering import Renderer

__all__ = ["build_watchlist_router"]


def build_watchlist_router(
    renderer: Renderer, today: Callable[[], date], screen_with: Screen = screen
) -> APIRouter:
    router = APIRouter()
    repo = renderer.platform.repository

    def data(as_of: date | None) -> dict[str, Any]:
        view = watchlist_view(repo, as_of or today(), screen_with=screen_with)
        view["dataset"] = public_dataset_meta(repo.meta())
        return view

    @router.get(
        "/watchlist.json",
        tags=["monitoring"],
        summary="The confidential early-warning watch list (JSON twin of /watchlist)",
    )
    @permission(Action.WATCHLIST_READ)
    def watchlist_json(as_of: AsOf = None) -> dict[str, Any]:
        return data(as_of)

    @router.get("/watchlist.csv", include_in_schema=False)
    @permission(Action.WATCHLIST_READ)
    def watchlist_csv_download(as_of: AsOf = None) -> Response:
        day = as_of or today()
        return Response(
            watchlist_csv(repo, day, screen_with=screen_with),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="watchlist-{day.isoformat()}.csv"',
                "Cache-Control": "no-store",
            },
        )

    @router.get("/watchlist", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.WATCHLIST_READ)
    def watchlist_page(request: Request, as_of: AsOf = None) -> HTMLResponse:
        html = renderer.render(
            "watchlist.html", request=request, data=data(as_of), query=str(request.url.query)
        )
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    return router
