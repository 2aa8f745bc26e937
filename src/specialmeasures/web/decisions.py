"""The decision page: recommendations with their reasons, the regime timeline, past decisions,
and the form a regulator decision-maker records a decision with.

The page and its JSON twin need ``recommendation.read`` (draft recommendations are
confidential: regulator roles only); the form posts to the same path and needs
``decision.record``. The gate checks the CSRF token before the route runs. A decision that the
regime service refuses (an illegal transition, a recommendation it does not follow, a missing
rationale) is shown with the NHS.UK error summary and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from specialmeasures.access import Action
from specialmeasures.access.classification import public_dataset_meta
from specialmeasures.domain import Regime, SpecialMeasuresError
from specialmeasures.regime import record_decision
from specialmeasures.regime.views import decision_view
from specialmeasures.web import submissions as forms
from specialmeasures.web.backtest import backtest_end, cached_backtest
from specialmeasures.web.dates import in_window
from specialmeasures.web.gate import Gate, permission
from specialmeasures.web.query import BLANK_IS_ABSENT, AsOf
from specialmeasures.web.rendering import Renderer

__all__ = ["build_decisions_router"]

Code = Annotated[str, Path(max_length=20)]
Recorded = Annotated[
    int | None, Query(ge=1, description="The decision just recorded."), BLANK_IS_ABSENT
]
FIELDS = ("decision", "on", "rationale", "recommendation", "verdict")


def build_decisions_router(renderer: Renderer, gate: Gate, today: Callable[[], date]) -> APIRouter:
    router = APIRouter()
    repo = renderer.platform.repository

    def data(request: Request, code: str, as_of: date | None) -> dict[str, Any]:
        code = code.upper()
        repo.provider(code)  # unknown codes are 404 before anything is audited
        confidential = gate.decide(request, Action.CONFIDENTIAL_READ, code).allowed
        view = decision_view(repo, code, as_of or today(), include_confidential=confidential)
        view["can_record"] = gate.decide(request, Action.DECISION_RECORD, code).allowed
        window_end = backtest_end(as_of or today())  # as of: no later episodes
        view["backtest"] = (
            cached_backtest(request, provider=code, end=window_end) if window_end else None
        )
        view["dataset"] = public_dataset_meta(repo.meta())
        return view

    def page(
        request: Request,
        view: dict[str, Any],
        *,
        errors: list[dict[str, str]] | None = None,
        form: dict[str, str] | None = None,
        recorded: int | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        html = renderer.render(
            "decisions.html",
            request=request,
            data=view,
            errors=errors or [],
            form=form or {"on": view["as_of"], "verdict": "accept"},
            recorded=recorded,
            query=str(request.url.query),
        )
        return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})

    @router.get(
        "/providers/{code}/decisions.json",
        tags=["regime"],
        summary="Recommendations, timeline and decisions of one provider (JSON twin)",
    )
    @permission(Action.RECOMMENDATION_READ, provider="code")
    def decisions_json(request: Request, code: Code, as_of: AsOf = None) -> dict[str, Any]:
        return data(request, code, as_of)

    @router.get("/providers/{code}/decisions", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.RECOMMENDATION_READ, provider="code")
    def decisions_page(
        request: Request, code: Code, as_of: AsOf = None, recorded: Recorded = None
    ) -> HTMLResponse:
        return page(request, data(request, code, as_of), recorded=recorded)

    @router.post(
        "/providers/{code}/decisions", response_class=HTMLResponse, include_in_schema=False
    )
    @permission(Action.DECISION_RECORD, provider="code")
    async def record(request: Request, code: Code) -> Response:
        code = code.upper()
        repo.provider(code)
        form = forms.form_fields(await gate.form(request), FIELDS)
        errors = forms.summary(_check(form))
        if not errors:
            user = gate.user(request)
            ref = form["recommendation"] or None
            regime, transition = form["decision"].split(":", 1)
            try:
                done = record_decision(
                    repo,
                    provider_code=code,
                    regime=Regime(regime),
                    transition=transition,
                    actor=user.username,
                    role=user.role.label,
                    rationale=form["rationale"],
                    on=date.fromisoformat(form["on"]),
                    recorded_at=gate.now(),
                    recommendation_ref=ref,
                    overridden=ref is not None and form["verdict"] == "override",
                )
            except SpecialMeasuresError as error:
                errors = forms.summary(forms.service_problem(error, "decision", FIELDS))
            else:
                return RedirectResponse(
                    f"/providers/{code}/decisions?recorded={done.decision_id}", status_code=303
                )
        on = _day(form["on"])
        shown = on if on is not None and in_window(on) else None
        return page(request, data(request, code, shown), errors=errors, form=form, status=400)

    return router


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _check(form: dict[str, str]) -> forms.FieldErrors:
    """The form's own checks (the service checks the rest), each by field."""
    reader = forms.Reader(form)
    regime, _, transition = form["decision"].partition(":")
    if regime not in {r.value for r in Regime} or not transition:
        reader.problem("decision", "Select the decision")
    reader.day("on", "the date it takes effect")
    reader.text("rationale", "the rationale for the decision", limit=forms.MAX_RATIONALE)
    if form["verdict"] not in ("accept", "override"):
        reader.problem("verdict", "Say whether the decision follows the recommendation")
    return reader.problems
