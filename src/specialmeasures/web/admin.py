"""Administration pages: the accounts (read-only here; changes go through the CLI for now)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from specialmeasures.access import Action
from specialmeasures.web.gate import Gate, permission
from specialmeasures.web.rendering import Renderer
from specialmeasures.web.signin import AUTH_RESPONSES

__all__ = ["build_admin_router"]


def build_admin_router(renderer: Renderer, gate: Gate) -> APIRouter:
    router = APIRouter()

    def users_data() -> dict[str, Any]:
        accounts = gate.accounts.all()
        return {
            "count": len(accounts),
            "accounts": [{**a.as_dict(), "role_label": a.role.label} for a in accounts],
        }

    @router.get(
        "/admin/users.json",
        tags=["administration"],
        summary="Accounts (JSON twin of /admin/users)",
        responses=AUTH_RESPONSES,
    )
    @permission(Action.ACCOUNTS_MANAGE)
    def users_json() -> dict[str, Any]:
        return users_data()

    @router.get("/admin/users", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.ACCOUNTS_MANAGE)
    def users_page(request: Request) -> str:
        return renderer.render("users.html", request=request, data=users_data())

    return router
