"""The Oversight and Assurance Group in the browser: a trust's members and the items each body
asks for, with the forms a regulator decision-maker adds them with (``intervention.record``),
as ``specialmeasures returns member`` and ``returns request`` do.

* ``GET /providers/{code}/oag`` (and ``.json``): members and requests (``interventions.read``);
* ``POST /providers/{code}/oag/members`` (form) and ``/providers/{code}/oag/members.json``;
* ``POST /providers/{code}/oag/requests`` (form) and ``/providers/{code}/oag/requests.json``.

Every write goes through ``interventions.returns`` (its audit row names the account, the office
and the rationale, as at the command line).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from specialmeasures.access import Action
from specialmeasures.domain import SpecialMeasuresError
from specialmeasures.domain.oversight import Body
from specialmeasures.interventions import returns as service
from specialmeasures.interventions.views import regime_status
from specialmeasures.web import submissions as forms
from specialmeasures.web.gate import Gate, permission
from specialmeasures.web.rendering import Renderer

__all__ = ["build_oversight_forms_router"]

Code = Annotated[str, Path(max_length=20)]
BODIES = [(b.value, b.label) for b in Body]
MEMBER_FIELDS = ("body", "name", "office", "rationale")
REQUEST_FIELDS = ("body", "items", "office", "rationale")


_Write = Callable[[Request, str, dict[str, Any]], str]


class MemberIn(BaseModel):
    """A member to add to the trust's OAG."""

    body: str = Field(
        description="The body the member comes from: " + ", ".join(b.value for b in Body)
    )
    name: str = Field(description="The member's name")
    office: str = Field("", description="The committee or office acted for (recorded)")
    rationale: str = Field(description="Why (recorded in the audit log)")


class RequestIn(BaseModel):
    """Items a body on the OAG needs from the trust every month."""

    body: str = Field(description="The body asking: " + ", ".join(b.value for b in Body))
    items: list[str] = Field(description="Item names (lower-case, digits and _)")
    office: str = Field("", description="The committee or office acted for (recorded)")
    rationale: str = Field(description="Why (recorded in the audit log)")


def _common(sent: dict[str, Any]) -> forms.Reader:
    """The check both writes make first: the body."""
    reader = forms.Reader(sent)
    reader.choice("body", "the body", {b.value: b for b in Body})
    return reader


def build_oversight_forms_router(
    renderer: Renderer, gate: Gate, today: Callable[[], date]
) -> APIRouter:
    router = APIRouter()
    repo = renderer.platform.repository

    def data(request: Request, code: str) -> dict[str, Any]:
        provider = repo.provider(code)
        found = service.requests(repo, code)
        return {
            "code": code,
            "name": provider.name,
        "regime_status": regime_status(
            repo, code, today(),
            include_confidential=gate.decide(request, Action.CONFIDENTIAL_READ, code).allowed,
        ),
            "members": [{"body": b.value, "body_label": b.label, "name": n}
                        for b, n in service.members(repo, code)],
            "requests": [{"body": b.value, "body_label": b.label, "items": found[b]}
                         for b in Body if b in found],
            "may_record": gate.decide(request, Action.INTERVENTION_RECORD, code).allowed,
        }  # fmt: skip

    def page(request: Request, code: str, errors: list[dict[str, str]] | None = None,
             form: dict[str, str] | None = None, status: int = 200,
             done: str | None = None) -> HTMLResponse:  # fmt: skip
        html = renderer.render(
            "oag.html", request=request, data=data(request, code), bodies=BODIES,
            errors=errors or [], form=form or {}, done=done, query=str(request.url.query),
        )  # fmt: skip
        return HTMLResponse(html, status_code=status, headers=forms.NO_STORE)

    def add_member(request: Request, code: str, sent: dict[str, Any]) -> str:
        reader = _common(sent)
        reader.text("name", "the member's name")
        reader.rationale()
        reader.done()
        try:
            who = forms.actor_of(gate, request, sent["office"], sent["rationale"])
            service.add_member(repo, code, sent["body"], sent["name"], who)
        except SpecialMeasuresError as error:
            raise forms.FieldProblemsError(forms.service_problem(error, "name")) from error
        return f"{sent['name']} ({Body(sent['body']).label}) joins {code}'s OAG"

    def request_items(request: Request, code: str, sent: dict[str, Any]) -> str:
        reader = _common(sent)
        if not sent["items"]:
            reader.problem("items", "Enter one or more items")
        reader.rationale()
        reader.done()
        try:
            who = forms.actor_of(gate, request, sent["office"], sent["rationale"])
            added = service.request_items(repo, code, sent["body"], sent["items"], who)
        except SpecialMeasuresError as error:
            raise forms.FieldProblemsError(forms.service_problem(error, "items")) from error
        return f"{added} item(s) requested by {Body(sent['body']).label}"

    def form_route(write: _Write, fields: tuple[str, ...], prefix: str
                   ) -> Callable[[Request, str], Awaitable[Response]]:  # fmt: skip
        async def endpoint(request: Request, code: Code) -> Response:
            code = code.upper()
            repo.provider(code)
            raw = await gate.form(request)
            sent: dict[str, Any] = forms.form_fields(raw, fields)
            if "items" in sent:
                sent["items"] = [i.strip() for i in sent["items"].replace(",", "\n").splitlines()
                                 if i.strip()]  # fmt: skip
            try:
                write(request, code, sent)
            except forms.FieldProblemsError as problems:
                shown = {k: raw.get(k, "") for k in fields}
                return page(request, code, forms.summary(problems.errors, prefix),
                            {**shown, "form": prefix}, status=400)  # fmt: skip
            return RedirectResponse(f"/providers/{code}/oag?done={prefix.rstrip('-')}",
                                    status_code=303)  # fmt: skip

        return endpoint

    def json_route(write: _Write, fields: tuple[str, ...], lists: tuple[str, ...] = ()
                   ) -> Callable[[Request, str], Awaitable[Response]]:  # fmt: skip
        async def endpoint(request: Request, code: Code) -> Response:
            code = code.upper()
            repo.provider(code)
            return await forms.json_write(
                request, fields, lambda sent: write(request, code, sent),
                lambda _, done: {"ok": True, "message": done, "oag": _public(data(request, code))},
                lists=lists,
            )  # fmt: skip

        return endpoint

    @router.get("/providers/{code}/oag.json", tags=["interventions"],
                summary="A trust's OAG members and requested items (JSON twin)")  # fmt: skip
    @permission(Action.INTERVENTIONS_READ, provider="code")
    def oag_json(request: Request, code: Code) -> dict[str, Any]:
        return data(request, code.upper())

    @router.get("/providers/{code}/oag", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.INTERVENTIONS_READ, provider="code")
    def oag_page(request: Request, code: Code) -> HTMLResponse:
        done = request.query_params.get("done")
        return page(request, code.upper(), done=done if done in ("member", "request") else None)

    member_form = permission(Action.INTERVENTION_RECORD, provider="code")(
        form_route(add_member, MEMBER_FIELDS, "member-")
    )
    router.post("/providers/{code}/oag/members", include_in_schema=False)(member_form)
    member_json = permission(Action.INTERVENTION_RECORD, provider="code")(
        json_route(add_member, MEMBER_FIELDS)
    )
    router.post(
        "/providers/{code}/oag/members.json", tags=["interventions"], status_code=201,
        summary="Add a member to a trust's OAG (JSON twin of the form)",
        openapi_extra=forms.body_schema(MemberIn),
    )(member_json)  # fmt: skip
    request_form = permission(Action.INTERVENTION_RECORD, provider="code")(
        form_route(request_items, REQUEST_FIELDS, "request-")
    )
    router.post("/providers/{code}/oag/requests", include_in_schema=False)(request_form)
    request_json = permission(Action.INTERVENTION_RECORD, provider="code")(
        json_route(request_items, REQUEST_FIELDS, ("items",))
    )
    router.post(
        "/providers/{code}/oag/requests.json", tags=["interventions"], status_code=201,
        summary="Declare items a body on a trust's OAG needs monthly (JSON twin of the form)",
        openapi_extra=forms.body_schema(RequestIn),
    )(request_json)  # fmt: skip
    return router


def _public(view: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in view.items() if k != "may_record"}
