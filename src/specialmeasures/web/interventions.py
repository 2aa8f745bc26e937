"""Interventions pages, their JSON twins and CSV downloads.

* ``/providers/{code}/interventions``: what was delivered to one trust (``interventions.read``:
  the trust's own users, its OAG members and Improvement Directors, regulators);
* ``/providers/{code}/returns``: its monthly returns and each OAG body's report cut from them
  (``return.read``), and the form to submit one (``return.submit``: the trust's own users);
* ``/interventions/caseload``: Improvement Directors x months and their flags
  (``caseload.read``: regulators; a Director sees their own trusts only);
* ``/interventions/matrix``: the seed's Table 3 (``interventions.read``; scoped roles see their
  own trusts' columns only).

Confidential regime status (the CP list) is in a provider page only for people who may see it
for that trust, asked field by field as on the provider page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from specialmeasures.access import Action, Principal, Resource, can
from specialmeasures.access.classification import public_dataset_meta, redact_interventions
from specialmeasures.domain import InputError, Regime, SpecialMeasuresError
from specialmeasures.domain.directors import add_months
from specialmeasures.domain.oversight import MonthlyReturn
from specialmeasures.interventions import Actor
from specialmeasures.interventions.returns import submit_return
from specialmeasures.interventions.views import (
    CASELOAD_COLUMNS,
    FLAG_COLUMNS,
    caseload_view,
    matrix_view,
    provider_interventions,
    regime_status,
    returns_view,
)
from specialmeasures.web import submissions as forms
from specialmeasures.web.dates import EARLIEST, date_problem
from specialmeasures.web.downloads import csv_response
from specialmeasures.web.gate import Gate, permission
from specialmeasures.web.query import BLANK_IS_ABSENT, AsOf
from specialmeasures.web.rendering import Renderer
from specialmeasures.web.work_due import returns_due

__all__ = ["build_interventions_router"]

Code = Annotated[str, Path(max_length=20)]
Month = Annotated[
    str | None, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM"), BLANK_IS_ABSENT
]
Providers = Annotated[
    str | None,
    Query(max_length=2000, description="Comma-separated provider codes."),
    BLANK_IS_ABSENT,
]
NO_STORE = {"Cache-Control": "no-store"}


def _month(text: str | None, default: date, name: str = "month") -> date:
    if not text:
        return default.replace(day=1)
    try:
        day = date.fromisoformat(f"{text}-01")
    except ValueError:
        raise InputError(f"{name}: give the month as YYYY-MM", value=text) from None
    problem = date_problem(name, day)
    if problem:
        raise InputError(problem)
    return day


def build_interventions_router(
    renderer: Renderer, gate: Gate, today: Callable[[], date]
) -> APIRouter:
    router = APIRouter()
    repo = renderer.platform.repository

    def may_read_interventions(user: Principal, code: str) -> bool:
        """For the provider page's link: asked of the policy, like every other check."""
        return can(user, Action.INTERVENTIONS_READ, Resource.provider(code)).allowed

    renderer.env.globals["may_read_interventions"] = may_read_interventions
    renderer.env.globals["returns_due"] = returns_due(repo, today)

    # -- one trust ---------------------------------------------------------------------------
    def trust_data(request: Request, code: str, as_of: date | None) -> dict[str, Any]:
        code = code.upper()
        day = as_of or today()
        confidential = gate.decide(request, Action.CONFIDENTIAL_READ, code).allowed
        cp_ends = [e.end for e in repo.episodes(code, regime=Regime.CP) if e.end is not None]
        data = redact_interventions(
            provider_interventions(repo, code, day), sees_cp=confidential, cp_ends=cp_ends
        )
        data["regime_status"] = regime_status(repo, code, day, include_confidential=confidential)
        data["confidential"] = confidential
        # A link, not a read: asked of the policy directly so that it is not audited as one.
        user = gate.user(request)
        data["may_read_returns"] = can(user, Action.RETURN_READ, Resource.provider(code)).allowed
        data["dataset"] = public_dataset_meta(repo.meta())
        return data

    @router.get(
        "/providers/{code}/interventions.json",
        tags=["interventions"],
        summary="A trust's interventions (JSON twin of /providers/{code}/interventions)",
    )
    @permission(Action.INTERVENTIONS_READ, provider="code")
    def trust_json(request: Request, code: Code, as_of: AsOf = None) -> dict[str, Any]:
        return trust_data(request, code, as_of)

    @router.get(
        "/providers/{code}/interventions", response_class=HTMLResponse, include_in_schema=False
    )
    @permission(Action.INTERVENTIONS_READ, provider="code")
    def trust_page(request: Request, code: Code, as_of: AsOf = None) -> HTMLResponse:
        data = trust_data(request, code, as_of)
        html = renderer.render(
            "interventions.html", request=request, data=data, query=str(request.url.query)
        )
        return HTMLResponse(html, headers=NO_STORE)

    # -- the monthly return ------------------------------------------------------------------
    def returns_data(request: Request, code: str, as_of: date | None) -> dict[str, Any]:
        code = code.upper()
        # Without an as-of date, every return submitted so far: the demo's "today" is its last
        # month of data, and a return submitted now must still show once it is recorded.
        data = returns_view(repo, code, as_of)
        confidential = gate.decide(request, Action.CONFIDENTIAL_READ, code).allowed
        data["name"] = repo.provider(code).name
        data["regime_status"] = regime_status(
            repo, code, as_of or today(), include_confidential=confidential
        )
        data["confidential"] = confidential
        data["may_submit"] = gate.decide(request, Action.RETURN_SUBMIT, code).allowed
        data["dataset"] = public_dataset_meta(repo.meta())
        return data

    @router.get(
        "/providers/{code}/returns.json",
        tags=["interventions"],
        summary="A trust's monthly returns and each body's report (JSON twin)",
    )
    @permission(Action.RETURN_READ, provider="code")
    def returns_json(request: Request, code: Code, as_of: AsOf = None) -> dict[str, Any]:
        return returns_data(request, code, as_of)

    def returns_html(
        request: Request, data: dict[str, Any], status: int = 200, **extra: Any
    ) -> HTMLResponse:
        html = renderer.render(
            "returns.html",
            request=request,
            data=data,
            query=str(request.url.query),
            default_period=(today().replace(day=1)).isoformat()[:7],
            **extra,
        )
        return HTMLResponse(html, status_code=status, headers=NO_STORE)

    @router.get("/providers/{code}/returns", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.RETURN_READ, provider="code")
    def returns_page(request: Request, code: Code, as_of: AsOf = None) -> HTMLResponse:
        submitted = request.query_params.get("submitted")
        return returns_html(request, returns_data(request, code, as_of), submitted=submitted)

    @router.post("/providers/{code}/returns", include_in_schema=False)
    @permission(Action.RETURN_SUBMIT, provider="code")
    async def submit(request: Request, code: Code) -> Response:
        code = code.upper()
        form = await gate.form(request)
        period = form.get("period", "").strip()
        values = {
            k.removeprefix("item:"): v.strip()
            for k, v in form.items()
            if k.startswith("item:") and v.strip()
        }
        user = gate.user(request)
        try:
            day = _month(period or "-", EARLIEST, "period")
            who = Actor(
                user.username,
                user.role.value,
                "monthly return submitted in the web app",
                gate.now(),
            )
            submit_return(repo, MonthlyReturn(code, day, values), who)
        except (ValueError, SpecialMeasuresError) as error:
            data = returns_data(request, code, None)
            # The field the refusal is about: the month, or an item (drawn as item-N).
            ids = {item: f"item-{n}" for n, item in enumerate(data["items"], start=1)}
            problems = (
                forms.service_problem(error, "period", ("period", *ids))
                if isinstance(error, SpecialMeasuresError)
                else [("period", "Enter the month as YYYY-MM")]
            )
            shown = [(ids.get(field, "period"), text) for field, text in problems]
            return returns_html(
                request,
                data,
                400,
                errors=forms.summary(shown),
                form_values={**values, "period": period},
            )
        return RedirectResponse(f"/providers/{code}/returns?submitted={period}", status_code=303)

    # -- across trusts ------------------------------------------------------------------------
    def caseload_data(
        request: Request, first: str | None, last: str | None, as_of: date | None
    ) -> dict[str, Any]:
        day = as_of or today()
        stop = _month(last, day, "last")
        start = _month(first, add_months(stop, -11), "first")
        # The gate has checked and audited the route; this only asks how far it reaches.
        decision = can(gate.user(request), Action.CASELOAD_READ)
        data = caseload_view(repo, start, stop, day, decision.scope)
        data["dataset"] = public_dataset_meta(repo.meta())
        return data

    @router.get(
        "/interventions/caseload.json",
        tags=["interventions"],
        summary="Improvement Directors' caseload by month and their flags (JSON twin)",
    )
    @permission(Action.CASELOAD_READ)
    def caseload_json(
        request: Request, first: Month = None, last: Month = None, as_of: AsOf = None
    ) -> dict[str, Any]:
        return caseload_data(request, first, last, as_of)

    @router.get("/interventions/caseload.csv", include_in_schema=False)
    @permission(Action.CASELOAD_READ)
    def caseload_csv(
        request: Request, first: Month = None, last: Month = None, as_of: AsOf = None
    ) -> Response:
        data = caseload_data(request, first, last, as_of)
        return csv_response(
            CASELOAD_COLUMNS, data["caseload"], "id-caseload.csv", confidential=True
        )

    @router.get("/interventions/caseload", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.CASELOAD_READ)
    def caseload_page(
        request: Request, first: Month = None, last: Month = None, as_of: AsOf = None
    ) -> HTMLResponse:
        data = caseload_data(request, first, last, as_of)
        html = renderer.render(
            "caseload.html",
            request=request,
            data=data,
            flag_columns=FLAG_COLUMNS,
            query=str(request.url.query),
        )
        return HTMLResponse(html, headers=NO_STORE)

    def matrix_data(request: Request, providers: str | None, as_of: date | None) -> dict[str, Any]:
        codes = [c.strip().upper() for c in (providers or "").split(",") if c.strip()]
        decision = can(gate.user(request), Action.INTERVENTIONS_READ)
        data = matrix_view(repo, as_of or today(), codes or None, decision.scope)
        data["requested"] = codes
        data["dataset"] = public_dataset_meta(repo.meta())
        return data

    @router.get(
        "/interventions/matrix.json",
        tags=["interventions"],
        summary="The delivery matrix, Table 3 (JSON twin of /interventions/matrix)",
    )
    @permission(Action.INTERVENTIONS_READ)
    def matrix_json(
        request: Request, providers: Providers = None, as_of: AsOf = None
    ) -> dict[str, Any]:
        return matrix_data(request, providers, as_of)

    @router.get("/interventions/matrix.csv", include_in_schema=False)
    @permission(Action.INTERVENTIONS_READ)
    def matrix_csv(request: Request, providers: Providers = None, as_of: AsOf = None) -> Response:
        data = matrix_data(request, providers, as_of)
        return csv_response(data["columns"], data["rows"], "interventions-matrix.csv")

    @router.get("/interventions/matrix", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.INTERVENTIONS_READ)
    def matrix_page(
        request: Request, providers: Providers = None, as_of: AsOf = None
    ) -> HTMLResponse:
        data = matrix_data(request, providers, as_of)
        html = renderer.render(
            "intervention_matrix.html",
            request=request,
            data=data,
            providers_text=providers or "",
            query=str(request.url.query),
        )
        return HTMLResponse(html, headers=NO_STORE)

    return router
