"""Support cases of the Recovery Support Programme and the Provider Improvement Programme in
the browser: the list (and a form to open a case), one case with its agreed exit criteria,
evidence and status, costs and exit recommendation, and forms to progress a criterion and to
exit. Regulators read (``recommendation.read``); decision-makers record (``decision.record``);
every write goes through ``regime.support_cases`` and is audited there.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from specialmeasures.access import Action
from specialmeasures.domain import NotFoundError, Regime, SpecialMeasuresError
from specialmeasures.domain.support import CRITERION_STATUSES
from specialmeasures.regime.support_cases import (
    Who,
    case_view,
    exit_case,
    list_cases,
    open_case,
    update_criterion,
)
from specialmeasures.web.gate import Gate, permission
from specialmeasures.web.rendering import Renderer

__all__ = ["build_support_router"]

CaseId = Annotated[str, Path(max_length=12)]
OPEN_FIELDS = ("regime", "name", "providers", "icb", "director", "criteria", "on", "rationale")


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _case_id(text: str) -> int:
    if not text.isdigit():
        raise NotFoundError("support case", text)
    return int(text)


def build_support_router(renderer: Renderer, gate: Gate) -> APIRouter:
    router = APIRouter()
    repo = renderer.platform.repository

    def who(request: Request, rationale: str) -> Who:
        user = gate.user(request)
        return Who(user.username, user.role.label, rationale, gate.now())

    def can_record(request: Request) -> bool:
        return gate.decide(request, Action.DECISION_RECORD).allowed

    def listing(request: Request, errors: list[dict[str, str]] | None = None,
                form: dict[str, str] | None = None, status: int = 200) -> HTMLResponse:  # fmt: skip
        html = renderer.render(
            "support.html", request=request,
            data={"cases": list_cases(repo), "can_record": can_record(request)},
            errors=errors or [], form=form or {"regime": "rsp"}, query=str(request.url.query),
        )  # fmt: skip
        return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})

    def one(request: Request, case: int, errors: list[dict[str, str]] | None = None,
            status: int = 200) -> HTMLResponse:  # fmt: skip
        view = case_view(repo, case)
        view["can_record"] = can_record(request) and view["status"] == "open"
        view["statuses"] = CRITERION_STATUSES
        html = renderer.render("support_case.html", request=request, data=view,
                               errors=errors or [], query=str(request.url.query))  # fmt: skip
        return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})

    @router.get("/support.json", tags=["support"], summary="RSP and PIP support cases (JSON twin)")
    @permission(Action.RECOMMENDATION_READ)
    def support_json() -> list[dict[str, Any]]:
        return list_cases(repo)

    @router.get("/support", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.RECOMMENDATION_READ)
    def support_page(request: Request) -> HTMLResponse:
        return listing(request)

    @router.post("/support", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.DECISION_RECORD)
    async def support_open(request: Request) -> Response:
        sent = await gate.form(request)
        form = {k: sent.get(k, "").strip() for k in OPEN_FIELDS}
        errors = []
        if form["regime"] not in ("rsp", "pip"):
            errors.append({"text": "Select the programme", "href": "#regime"})
        if not form["name"]:
            errors.append({"text": "Enter the case's name", "href": "#name"})
        codes = [c.strip() for c in form["providers"].replace(",", " ").split() if c.strip()]
        if not codes:
            errors.append({"text": "Enter one or more provider codes", "href": "#providers"})
        criteria: list[tuple[str | None, str]] = []
        for line in form["criteria"].splitlines():
            if not line.strip():
                continue
            head, sep, body = line.partition(":")
            if not sep or not body.strip():
                errors.append({"text": f"Write each criterion as CODE: text or system: text "
                               f"({line.strip()[:60]})", "href": "#criteria"})  # fmt: skip
                break
            target = head.strip()
            criteria.append((None if target.lower() == "system" else target, body.strip()))
        if not criteria and not any(e["href"] == "#criteria" for e in errors):
            errors.append({"text": "Enter the exit criteria agreed at entry", "href": "#criteria"})
        if _day(form["on"]) is None:
            errors.append({"text": "Enter the entry date as YYYY-MM-DD", "href": "#on"})
        if not form["rationale"]:
            errors.append({"text": "Enter the rationale", "href": "#rationale"})
        if not errors:
            try:
                on = _day(form["on"])
                assert on is not None
                case = open_case(
                    repo, regime=Regime(form["regime"]), name=form["name"], members=codes,
                    criteria=criteria, on=on, who=who(request, form["rationale"]),
                    icb=form["icb"] or None, director=form["director"] or None,
                )  # fmt: skip
            except SpecialMeasuresError as error:
                errors = [{"text": str(error), "href": "#name"}]
            else:
                return RedirectResponse(f"/support/{case}", status_code=303)
        return listing(request, errors, form, status=400)

    @router.get("/support/{case}.json", tags=["support"], summary="One support case (JSON twin)")
    @permission(Action.RECOMMENDATION_READ)
    def support_case_json(case: CaseId) -> dict[str, Any]:
        return case_view(repo, _case_id(case))

    @router.get("/support/{case}", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.RECOMMENDATION_READ)
    def support_case_page(request: Request, case: CaseId) -> HTMLResponse:
        return one(request, _case_id(case))

    @router.post("/support/{case}/criteria", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.DECISION_RECORD)
    async def support_criterion(request: Request, case: CaseId) -> Response:
        case_id = _case_id(case)
        view = case_view(repo, case_id)
        sent = await gate.form(request)
        form = {k: sent.get(k, "").strip() for k in ("criterion", "status", "evidence", "on",
                                                     "rationale")}  # fmt: skip
        ids = {str(c["id"]) for c in view["criteria"]}
        errors = []
        if form["criterion"] not in ids:
            errors.append({"text": "Select the criterion", "href": "#criterion"})
        if form["status"] not in CRITERION_STATUSES:
            errors.append({"text": "Select the status", "href": "#status"})
        if _day(form["on"]) is None:
            errors.append({"text": "Enter the date as YYYY-MM-DD", "href": "#criterion-on"})
        if not form["rationale"]:
            errors.append({"text": "Enter the rationale", "href": "#criterion-rationale"})
        if not errors:
            on = _day(form["on"])
            assert on is not None
            try:
                update_criterion(repo, int(form["criterion"]), status=form["status"],
                                 evidence=form["evidence"], on=on,
                                 who=who(request, form["rationale"]))  # fmt: skip
            except SpecialMeasuresError as error:
                errors = [{"text": str(error), "href": "#evidence"}]
            else:
                return RedirectResponse(f"/support/{case_id}", status_code=303)
        return one(request, case_id, errors, status=400)

    @router.post("/support/{case}/exit", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.DECISION_RECORD)
    async def support_exit(request: Request, case: CaseId) -> Response:
        case_id = _case_id(case)
        case_view(repo, case_id)
        sent = await gate.form(request)
        on = _day(sent.get("on", ""))
        rationale = sent.get("rationale", "").strip()
        errors = []
        if on is None:
            errors.append({"text": "Enter the exit date as YYYY-MM-DD", "href": "#exit-on"})
        if not rationale:
            errors.append({"text": "Enter the rationale", "href": "#exit-rationale"})
        if not errors:
            assert on is not None
            try:
                exit_case(repo, case_id, on=on, who=who(request, rationale))
            except SpecialMeasuresError as error:
                errors = [{"text": str(error), "href": "#exit-on"}]
            else:
                return RedirectResponse(f"/support/{case_id}", status_code=303)
        return one(request, case_id, errors, status=400)

    return router
