"""Support cases of the Recovery Support Programme and the Provider Improvement Programme in
the browser: the list (and a form to open a case), one case with its agreed exit criteria,
evidence and status, costs and exit recommendation, and forms to progress a criterion and to
exit. Regulators read (``recommendation.read``); decision-makers record (``decision.record``);
every write goes through ``regime.support_cases`` and is audited there.
"""

from __future__ import annotations

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
from specialmeasures.web import submissions as forms
from specialmeasures.web.gate import Gate, permission
from specialmeasures.web.rendering import Renderer

__all__ = ["build_support_router"]

CaseId = Annotated[str, Path(max_length=12)]
OPEN_FIELDS = ("regime", "name", "providers", "icb", "director", "criteria", "on", "rationale")
CRITERION_FIELDS = ("criterion", "status", "evidence", "on", "rationale")


#: The ids of the case page's fields (its two forms both have ``on`` and ``rationale``).
CRITERION_IDS = {"on": "criterion-on", "rationale": "criterion-rationale"}
EXIT_IDS = {"on": "exit-on", "rationale": "exit-rationale"}


def _shown(problems: forms.FieldErrors, ids: dict[str, str]) -> list[dict[str, str]]:
    """The error summary of a case-page form: each problem linked to its field's id."""
    return forms.summary([(ids.get(field, field), text) for field, text in problems])


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
        return HTMLResponse(html, status_code=status, headers=forms.NO_STORE)

    def one(request: Request, case: int, errors: list[dict[str, str]] | None = None,
            status: int = 200, form: dict[str, str] | None = None) -> HTMLResponse:  # fmt: skip
        view = case_view(repo, case)
        view["can_record"] = can_record(request) and view["status"] == "open"
        view["statuses"] = CRITERION_STATUSES
        html = renderer.render("support_case.html", request=request, data=view,
                               errors=errors or [], form=form or {},
                               query=str(request.url.query))  # fmt: skip
        return HTMLResponse(html, status_code=status, headers=forms.NO_STORE)

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
        form = forms.form_fields(await gate.form(request), OPEN_FIELDS)
        reader = forms.Reader(form)
        reader.choice("regime", "the programme", {"rsp": Regime.RSP, "pip": Regime.PIP})
        reader.text("name", "the case's name")
        codes = [c.strip() for c in form["providers"].replace(",", " ").split() if c.strip()]
        if not codes:
            reader.problem("providers", "Enter one or more provider codes")
        criteria: list[tuple[str | None, str]] = []
        for line in form["criteria"].splitlines():
            if not line.strip():
                continue
            head, sep, body = line.partition(":")
            if not sep or not body.strip():
                reader.problem("criteria", "Write each criterion as CODE: text or system: text "
                               f"({line.strip()[:60]})")  # fmt: skip
                break
            target = head.strip()
            criteria.append((None if target.lower() == "system" else target, body.strip()))
        if not criteria and not any(f == "criteria" for f, _ in reader.problems):
            reader.problem("criteria", "Enter the exit criteria agreed at entry")
        on = reader.day("on", "the entry date")
        rationale = reader.rationale()
        errors = forms.summary(reader.problems)
        if not errors:
            assert on is not None
            try:
                case = open_case(
                    repo, regime=Regime(form["regime"]), name=form["name"], members=codes,
                    criteria=criteria, on=on, who=who(request, rationale),
                    icb=form["icb"] or None, director=form["director"] or None,
                )  # fmt: skip
            except SpecialMeasuresError as error:
                errors = forms.summary(forms.service_problem(error, "name", OPEN_FIELDS))
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
        form = forms.form_fields(await gate.form(request), CRITERION_FIELDS)
        reader = forms.Reader(form)
        reader.choice("criterion", "the criterion", {str(c["id"]): c for c in view["criteria"]})
        reader.choice("status", "the status", {s: s for s in CRITERION_STATUSES})
        on = reader.day("on", "the date")
        rationale = reader.rationale()
        problems = reader.problems
        if not problems:
            assert on is not None
            try:
                update_criterion(repo, int(form["criterion"]), status=form["status"],
                                 evidence=form["evidence"], on=on,
                                 who=who(request, rationale))  # fmt: skip
            except SpecialMeasuresError as error:
                problems = forms.service_problem(error, "evidence", CRITERION_FIELDS)
            else:
                return RedirectResponse(f"/support/{case_id}", status_code=303)
        shown = {CRITERION_IDS.get(k, k): v for k, v in form.items()}
        return one(request, case_id, _shown(problems, CRITERION_IDS), status=400, form=shown)

    @router.post("/support/{case}/exit", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.DECISION_RECORD)
    async def support_exit(request: Request, case: CaseId) -> Response:
        case_id = _case_id(case)
        case_view(repo, case_id)
        form = forms.form_fields(await gate.form(request), ("on", "rationale"))
        reader = forms.Reader(form)
        on = reader.day("on", "the exit date")
        rationale = reader.rationale()
        problems = reader.problems
        if not problems:
            assert on is not None
            try:
                exit_case(repo, case_id, on=on, who=who(request, rationale))
            except SpecialMeasuresError as error:
                problems = forms.service_problem(error, "on", ("on", "rationale"))
            else:
                return RedirectResponse(f"/support/{case_id}", status_code=303)
        shown = {EXIT_IDS[k]: v for k, v in form.items()}
        return one(request, case_id, _shown(problems, EXIT_IDS), status=400, form=shown)

    return router
