"""A provider's CQC single assessment framework (SAF) results: the key question scores,
percentages, ratings and positions each published assessment implies, and the quality statement
scores behind them. Public, as CQC publishes them (the import's provenance stays out); the
provider's confidential regime status is shown only to those who may see it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from specialmeasures.access import Action
from specialmeasures.access.classification import public_dataset_meta
from specialmeasures.domain.saf import EVIDENCE_CATEGORIES
from specialmeasures.ingest.saf_assessments import saf_view
from specialmeasures.web.gate import Gate, permission
from specialmeasures.web.query import BLANK_IS_ABSENT
from specialmeasures.web.rendering import Renderer

__all__ = ["build_saf_router"]

Code = Annotated[str, Path(max_length=20)]
AsOf = Annotated[
    date | None,
    Query(description="Only assessments published on or before this date; default today."),
    BLANK_IS_ABSENT,
]

KEY_QUESTION_LABELS = {
    "safe": "Safe",
    "effective": "Effective",
    "caring": "Caring",
    "responsive": "Responsive",
    "well_led": "Well-led",
    "overall": "Overall",
}
LEVEL_LABELS = {"service": "Service assessment", "trust_well_led": "Trust-level well-led"}


def _labelled(view: dict[str, Any]) -> dict[str, Any]:
    """One assessment with the labels a reader needs beside the ids the JSON keeps."""
    return {
        **view,
        "level_label": LEVEL_LABELS.get(view["level"], view["level"]),
        # The overall result first, as on the provider page.
        "key_questions": sorted(
            (
                {**k, "label": KEY_QUESTION_LABELS.get(k["key_question"], k["key_question"])}
                for k in view["key_questions"]
            ),
            key=lambda k: k["key_question"] != "overall",
        ),
        "statements": [
            {
                **s,
                "key_question_label": KEY_QUESTION_LABELS.get(s["key_question"], s["key_question"]),
                "evidence": [
                    {"category": EVIDENCE_CATEGORIES.get(c, c), "score": v}
                    for c, v in sorted(s["categories"].items())
                ],
            }
            for s in view["statements"]
        ],
    }


def build_saf_router(renderer: Renderer, gate: Gate, today: Callable[[], date]) -> APIRouter:
    router = APIRouter()
    repo = renderer.platform.repository

    def data(request: Request, code: str, as_of: date | None) -> dict[str, Any]:
        code = code.upper()
        p = repo.provider(code)  # an unknown code is 404
        day = as_of or today()
        views = [v for v in saf_view(repo, code) if date.fromisoformat(v["published_on"]) <= day]
        # Regime status as on the provider's other pages: the confidential Challenged Provider
        # list only for those who may see it.
        confidential = gate.decide(request, Action.CONFIDENTIAL_READ, code).allowed
        active = repo.active_episodes(day, [code]).get(code, [])
        return {
            "provider": {"code": p.code, "name": p.name, "synthetic": p.synthetic},
            "as_of": day.isoformat(),
            "confidential": confidential,
            "regime_status": [
                e.regime.label for e in active if confidential or not e.regime.confidential
            ],
            "assessments": [_labelled(v) for v in views],
            "dataset": public_dataset_meta(repo.meta()),
        }

    @router.get(
        "/providers/{code}/saf.json",
        tags=["providers"],
        summary="A provider's CQC single assessment framework results (JSON twin)",
    )
    @permission(Action.PUBLIC_READ, provider="code")
    def saf_json(request: Request, code: Code, as_of: AsOf = None) -> dict[str, Any]:
        return data(request, code, as_of)

    @router.get("/providers/{code}/saf", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.PUBLIC_READ, provider="code")
    def saf_page(request: Request, code: Code, as_of: AsOf = None) -> str:
        return renderer.render(
            "saf.html",
            request=request,
            data=data(request, code, as_of),
            query=str(request.url.query),
        )

    return router
