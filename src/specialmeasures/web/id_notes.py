"""Improvement Director notes in the browser: ``/providers/{code}/id-notes`` lists a trust's
notes for the roles allowed ``id_notes.read`` for it (regulators, the trust's own Director) and
carries the form the trust's own Director writes one with (``id_notes.write``); the JSON twins
are ``GET`` and ``POST /providers/{code}/id-notes.json``.

Notes are confidential: nothing here (not even how many notes a trust has) is shown on any other
page, and the audit row of a note names it without its text (``interventions.id_notes``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from specialmeasures.access import Action, Principal, Resource, can
from specialmeasures.domain import SpecialMeasuresError
from specialmeasures.interventions.id_notes import NOTE_MAX_LENGTH, add_note, notes
from specialmeasures.interventions.views import regime_status
from specialmeasures.web import submissions as forms
from specialmeasures.web.dates import EARLIEST
from specialmeasures.web.gate import Gate, permission
from specialmeasures.web.rendering import Renderer

__all__ = ["build_id_notes_router"]

Code = Annotated[str, Path(max_length=20)]
FIELDS = ("on", "note", "office", "rationale")


class NoteIn(BaseModel):
    """An Improvement Director's note about the trust."""

    on: str = Field(description="The date the note is about (YYYY-MM-DD), not in the future")
    note: str = Field(description=f"The note (at most {NOTE_MAX_LENGTH:,} characters)")
    office: str = Field("", description="The office acted for (recorded)")
    rationale: str = Field(description="Why it is recorded (recorded in the audit log)")


def build_id_notes_router(renderer: Renderer, gate: Gate, today: Callable[[], date]) -> APIRouter:
    router = APIRouter()
    repo = renderer.platform.repository

    def may_read_id_notes(user: Principal, code: str) -> bool:
        """For the interventions page's link: asked of the policy (a link is not a read)."""
        return can(user, Action.ID_NOTES_READ, Resource.provider(code)).allowed

    renderer.env.globals["may_read_id_notes"] = may_read_id_notes

    def data(request: Request, code: str) -> dict[str, Any]:
        provider = repo.provider(code)
        user = gate.user(request)
        return {
            "code": code,
            "name": provider.name,
            "regime_status": regime_status(
                repo,
                code,
                today(),
                include_confidential=gate.decide(request, Action.CONFIDENTIAL_READ, code).allowed,
            ),
            "notes": [n.as_dict() for n in notes(repo, code)],
            "may_write": can(user, Action.ID_NOTES_WRITE, Resource.provider(code)).allowed,
        }

    def write(request: Request, code: str, sent: dict[str, Any]) -> int:
        reader = forms.Reader(sent)
        on = reader.day("on", "the date")
        if on is not None and on > today():
            reader.problem("on", f"Enter a date from {EARLIEST} to today")
        reader.text("note", "the note", limit=NOTE_MAX_LENGTH)
        reader.rationale()
        reader.done()
        assert on is not None
        try:
            who = forms.actor_of(gate, request, sent["office"], sent["rationale"])
            return add_note(repo, code, on, sent["note"], who)
        except SpecialMeasuresError as error:
            raise forms.FieldProblemsError(forms.service_problem(error, "note")) from error

    def page(request: Request, code: str, errors: list[dict[str, str]] | None = None,
             form: dict[str, str] | None = None, status: int = 200,
             added: bool = False) -> HTMLResponse:  # fmt: skip
        html = renderer.render(
            "id_notes.html", request=request, data=data(request, code), errors=errors or [],
            form=form or {"on": today().isoformat()}, added=added, query=str(request.url.query),
        )  # fmt: skip
        return HTMLResponse(html, status_code=status, headers=forms.NO_STORE)

    @router.get("/providers/{code}/id-notes.json", tags=["interventions"],
                summary="Improvement Director notes about a trust (JSON twin; confidential)")  # fmt: skip
    @permission(Action.ID_NOTES_READ, provider="code")
    def notes_json(request: Request, code: Code) -> dict[str, Any]:
        return data(request, code.upper())

    @router.get("/providers/{code}/id-notes", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.ID_NOTES_READ, provider="code")
    def notes_page(request: Request, code: Code) -> HTMLResponse:
        return page(request, code.upper(), added=request.query_params.get("added") == "1")

    @router.post("/providers/{code}/id-notes", include_in_schema=False)
    @permission(Action.ID_NOTES_WRITE, provider="code")
    async def notes_form(request: Request, code: Code) -> Response:
        code = code.upper()
        repo.provider(code)
        raw = await gate.form(request)
        sent = forms.form_fields(raw, FIELDS)
        try:
            write(request, code, sent)
        except forms.FieldProblemsError as problems:
            return page(request, code, forms.summary(problems.errors, "note-"),
                        {k: raw.get(k, "") for k in FIELDS}, status=400)  # fmt: skip
        return RedirectResponse(f"/providers/{code}/id-notes?added=1", status_code=303)

    @router.post(
        "/providers/{code}/id-notes.json", tags=["interventions"], status_code=201,
        summary="Write an Improvement Director note about one's own trust (JSON twin of the form)",
        openapi_extra=forms.body_schema(NoteIn),
    )  # fmt: skip
    @permission(Action.ID_NOTES_WRITE, provider="code")
    async def notes_post_json(request: Request, code: Code) -> Response:
        code = code.upper()
        repo.provider(code)
        return await forms.json_write(
            request, FIELDS, lambda sent: write(request, code, sent),
            lambda _, note_id: {"ok": True, "id": note_id},
        )  # fmt: skip

    return router
