"""Local systems: every integrated care system (ICS), and one system's providers side by side
(type, ratings in force, regime status and, for regulators, the watch-list band) so that
failure can be seen at system level. Public; the CP list and watch-list bands only for roles
that may see them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from specialmeasures.access import Action
from specialmeasures.access.classification import public_dataset_meta
from specialmeasures.monitoring.views import Screen, provider_bands
from specialmeasures.monitoring.watchlist import screen
from specialmeasures.register.overview import system_view, systems_index
from specialmeasures.web.gate import Gate, permission
from specialmeasures.web.query import AsOf
from specialmeasures.web.rendering import Renderer

__all__ = ["build_systems_router"]

Name = Annotated[str, Path(max_length=200)]


def build_systems_router(
    renderer: Renderer, gate: Gate, today: Callable[[], date], screen_with: Screen = screen
) -> APIRouter:
    router = APIRouter()
    repo = renderer.platform.repository

    def index_data(request: Request, as_of: date | None) -> dict[str, Any]:
        view = systems_index(
            repo, as_of or today(), include_confidential=gate.sees_whole_cp_list(request)
        )
        view["dataset"] = public_dataset_meta(repo.meta())
        return view

    def system_data(request: Request, name: str, as_of: date | None) -> dict[str, Any]:
        day = as_of or today()
        confidential = gate.sees_whole_cp_list(request)
        bands = (
            provider_bands(repo, day, screen_with=screen_with)
            if gate.decide(request, Action.WATCHLIST_READ).allowed
            else None
        )
        view = system_view(repo, name, day, include_confidential=confidential, bands=bands)
        view["dataset"] = public_dataset_meta(repo.meta())
        return view

    @router.get("/systems.json", tags=["systems"], summary="Local systems (JSON twin)")
    @permission(Action.PUBLIC_READ)
    def systems_json(request: Request, as_of: AsOf = None) -> dict[str, Any]:
        return index_data(request, as_of)

    @router.get("/systems", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.PUBLIC_READ)
    def systems_page(request: Request, as_of: AsOf = None) -> str:
        return renderer.render(
            "systems.html",
            request=request,
            data=index_data(request, as_of),
            query=str(request.url.query),
        )

    @router.get("/systems/{name}.json", tags=["systems"], summary="One local system (JSON twin)")
    @permission(Action.PUBLIC_READ)
    def system_json(request: Request, name: Name, as_of: AsOf = None) -> dict[str, Any]:
        return system_data(request, name, as_of)

    @router.get("/systems/{name}", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.PUBLIC_READ)
    def system_page(request: Request, name: Name, as_of: AsOf = None) -> str:
        return renderer.render(
            "system.html",
            request=request,
            data=system_data(request, name, as_of),
            query=str(request.url.query),
        )

    return router
