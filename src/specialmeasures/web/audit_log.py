"""The audit log as a page, with its JSON twin and CSV download (``audit.read``: the
administrator). Filterable by entity, action, actor, dates and kind (reads or writes); newest
first, a page at a time. See ``access.audit_view``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from specialmeasures.access import Action, can
from specialmeasures.access.audit_view import (
    AUDIT_COLUMNS,
    KINDS,
    PER_PAGE,
    AuditFilter,
    search,
    withhold_regime_content,
)
from specialmeasures.domain import InputError
from specialmeasures.web.dates import date_problem
from specialmeasures.web.downloads import csv_response
from specialmeasures.web.gate import permission
from specialmeasures.web.query import BLANK_IS_ABSENT, blank_is
from specialmeasures.web.rendering import Renderer
from specialmeasures.web.signin import AUTH_RESPONSES

__all__ = ["build_audit_router"]

Text = Annotated[
    str | None,
    Query(max_length=120, description="Matches the start of the field."),
    BLANK_IS_ABSENT,
]
# Dates as text, checked by ``_day`` (a bad one is 400 naming it); empty: no limit.
_DAY = r"^\d{4}-\d{2}-\d{2}$"
From = Annotated[str | None, Query(alias="from", pattern=_DAY, description="First day, "
                                   "YYYY-MM-DD (empty: no limit)."), BLANK_IS_ABSENT]  # fmt: skip
To = Annotated[str | None, Query(alias="to", pattern=_DAY, description="Last day, YYYY-MM-DD "
                                 "(empty: no limit)."), BLANK_IS_ABSENT]  # fmt: skip
Kind = Annotated[
    str, Query(pattern=f"^({'|'.join(KINDS)})$", description="all (or empty), read (who "
               "looked or tried) or write (a change)."),
    blank_is("all"),
]  # fmt: skip
Page = Annotated[int, Query(ge=1, le=1_000_000, description="Page, newest first."), blank_is(1)]
#: Rows of one CSV download (newest first).
CSV_ROWS = 500
NO_STORE = {"Cache-Control": "no-store"}


def _day(name: str, text: str | None) -> date | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{name}: give a real date as YYYY-MM-DD", value=text) from None
    problem = date_problem(name, day)
    if problem:
        raise InputError(problem)
    return day


def build_audit_router(renderer: Renderer) -> APIRouter:
    router = APIRouter()
    engine = renderer.platform.repository.engine

    def data(request: Request, entity: str | None, action: str | None, actor: str | None,
             start: str | None, end: str | None, kind: str, page: int,
             per_page: int = PER_PAGE) -> dict[str, Any]:  # fmt: skip
        wanted = AuditFilter(entity, action, actor, _day("from", start), _day("to", end), kind,
                             page, per_page)  # fmt: skip
        found = {"confidential": True, **search(engine, wanted)}
        user = request.app.state.gate.user(request)
        if not can(user, Action.CONFIDENTIAL_READ).allowed:
            found = withhold_regime_content(found)
        return found

    @router.get("/audit.json", tags=["administration"], responses=AUTH_RESPONSES,
                summary="The audit log, filtered and paged (JSON twin of /audit)")  # fmt: skip
    @permission(Action.AUDIT_READ)
    def audit_json(request: Request, entity: Text = None, action: Text = None, actor: Text = None,
                   start: From = None, end: To = None,
                   kind: Kind = "all", page: Page = 1) -> Response:  # fmt: skip
        from fastapi.responses import JSONResponse

        return JSONResponse(data(request, entity, action, actor, start, end, kind, page),
                            headers=NO_STORE)  # fmt: skip

    @router.get("/audit.csv", include_in_schema=False)
    @permission(Action.AUDIT_READ)
    def audit_csv(request: Request, entity: Text = None, action: Text = None, actor: Text = None,
                  start: From = None, end: To = None,
                  kind: Kind = "all", page: Page = 1) -> Response:  # fmt: skip
        found = data(request, entity, action, actor, start, end, kind, page, CSV_ROWS)
        return csv_response(AUDIT_COLUMNS, found["rows"], "audit-log.csv", confidential=True)

    @router.get("/audit", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.AUDIT_READ)
    def audit_page(request: Request, entity: Text = None, action: Text = None,
                   actor: Text = None, start: From = None,
                   end: To = None, kind: Kind = "all",
                   page: Page = 1) -> HTMLResponse:  # fmt: skip
        found = data(request, entity, action, actor, start, end, kind, page)
        params = {k: v for k, v in request.query_params.items() if k != "page" and v}
        html = renderer.render(
            "audit.html", request=request, data=found, query=urlencode(params),
            kinds=[("read", "Reads (who looked or tried)"), ("write", "Writes (changes)")],
        )  # fmt: skip
        return HTMLResponse(html, headers=NO_STORE)

    return router
