"""A provider's indicators as Making Data Count XmR charts: the list with variation and
assurance icons, and one chart with its data table. Public, as published indicators are; the
provider's confidential regime status is shown only to those who may see it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from specialmeasures.access import Action
from specialmeasures.access.classification import public_dataset_meta
from specialmeasures.domain import InputError
from specialmeasures.register.indicators import indicator_chart, indicators_view
from specialmeasures.reports.spc_chart import (
    assurance_icon_svg,
    variation_icon_svg,
    xmr_chart_svg,
)
from specialmeasures.web.gate import Gate, permission
from specialmeasures.web.query import BLANK_IS_ABSENT, AsOf
from specialmeasures.web.rendering import Renderer

__all__ = ["build_indicators_router"]

Code = Annotated[str, Path(max_length=20)]
IndicatorId = Annotated[str, Path(max_length=63, pattern=r"^[a-z][a-z0-9_]*$")]
Rebase = Annotated[
    str | None,
    Query(max_length=120, description="Recalculate the limits at these dates (YYYY-MM-DD, "
          "separated by commas; each moves to the first period on or after it)."),
    BLANK_IS_ABSENT,
]  # fmt: skip
#: Rebase dates one request may name.
MAX_REBASE_DATES = 8


def _rebase_dates(text: str | None) -> list[date]:
    """The dates of the ``rebase`` parameter; InputError naming the parameter and the value."""
    parts = [t.strip() for t in (text or "").split(",") if t.strip()]
    if len(parts) > MAX_REBASE_DATES:
        raise InputError(f"rebase: at most {MAX_REBASE_DATES} dates", column="rebase", value=text)
    out = []
    for part in parts:
        try:
            out.append(date.fromisoformat(part))
        except ValueError:
            raise InputError(
                "rebase: each date must be YYYY-MM-DD", column="rebase", value=part
            ) from None
    return out


def build_indicators_router(renderer: Renderer, gate: Gate, today: Callable[[], date]) -> APIRouter:
    router = APIRouter()
    repo = renderer.platform.repository
    renderer.env.globals.setdefault("variation_icon_svg", variation_icon_svg)
    renderer.env.globals.setdefault("assurance_icon_svg", assurance_icon_svg)

    def list_data(request: Request, code: str, as_of: date | None) -> dict[str, Any]:
        code = code.upper()
        repo.provider(code)  # unknown codes are 404 before anything is audited
        confidential = gate.decide(request, Action.CONFIDENTIAL_READ, code).allowed
        view = indicators_view(repo, code, as_of or today(), include_confidential=confidential)
        view["dataset"] = public_dataset_meta(repo.meta())
        return view

    def chart_data(
        request: Request,
        code: str,
        indicator_id: str,
        as_of: date | None,
        rebase: str | None = None,
    ) -> dict[str, Any]:
        dates = _rebase_dates(rebase)
        view = list_data(request, code, as_of)
        del view["indicators"]
        chart = indicator_chart(repo, code.upper(), indicator_id, as_of or today(), dates)
        return {**view, **chart}

    @router.get(
        "/providers/{code}/indicators.json",
        tags=["indicators"],
        summary="A provider's indicators with SPC icons (JSON twin)",
    )
    @permission(Action.PUBLIC_READ, provider="code")
    def indicators_json(request: Request, code: Code, as_of: AsOf = None) -> dict[str, Any]:
        return list_data(request, code, as_of)

    @router.get(
        "/providers/{code}/indicators", response_class=HTMLResponse, include_in_schema=False
    )
    @permission(Action.PUBLIC_READ, provider="code")
    def indicators_page(request: Request, code: Code, as_of: AsOf = None) -> str:
        return renderer.render(
            "indicators.html",
            request=request,
            data=list_data(request, code, as_of),
            query=str(request.url.query),
        )

    @router.get(
        "/providers/{code}/indicators/{indicator_id}.json",
        tags=["indicators"],
        summary="One indicator's XmR chart: summary and points (JSON twin)",
    )
    @permission(Action.PUBLIC_READ, provider="code")
    def indicator_json(
        request: Request,
        code: Code,
        indicator_id: IndicatorId,
        as_of: AsOf = None,
        rebase: Rebase = None,
    ) -> dict[str, Any]:
        return chart_data(request, code, indicator_id, as_of, rebase)

    @router.get(
        "/providers/{code}/indicators/{indicator_id}",
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    @permission(Action.PUBLIC_READ, provider="code")
    def indicator_page(
        request: Request,
        code: Code,
        indicator_id: IndicatorId,
        as_of: AsOf = None,
        rebase: Rebase = None,
    ) -> str:
        data = chart_data(request, code, indicator_id, as_of, rebase)
        return renderer.render(
            "indicator.html",
            request=request,
            data=data,
            chart=xmr_chart_svg(data),
            query=str(request.url.query),
        )

    return router
