"""The regulator's writes in the browser, each with a JSON twin: a CQC inspection entered by
hand, a judgement, an Improvement Director's assignment (with the ranked proposal), its end, a
new Director on the roster, and a buddy arrangement (with the ranked suggestions).

Each write calls the same service as its command (so it writes the same audit row) under the
same permission (``access.policy``): ``inspection.record`` (``inspections add``),
``judgement.record`` (``judgement add``), ``intervention.record`` (``ids add|assign|end``,
``buddies record``). A form's own checks and the service's refusals are shown in the NHS.UK
error summary, each linked to its field, and nothing is written; the JSON twin (``POST
....json`` with a JSON object) runs the same checks and answers 400 with the same messages by
field: ``{"error": {"status": 400, "code": "invalid", "message": ..., "fields": [{"field":
..., "message": ...}]}}``. The gate checks the CSRF token (form field, or ``X-CSRF-Token``).

Pages: ``/providers/{code}/inspections/new``, ``/providers/{code}/judgements``,
``/providers/{code}/directors`` (regulators: the proposal is a draft, like a recommendation),
``/providers/{code}/buddies`` (``buddy.suggest``: regulators, and an Improvement Director for
their own trust, who is shown suggestions ranked without the confidential CP list).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from specialmeasures.access import Action, Principal, Resource, can
from specialmeasures.access.classification import public_dataset_meta
from specialmeasures.domain import InputError, KeyQuestion, Rating, SpecialMeasuresError
from specialmeasures.domain.buddying import ArrangedBy, BuddyArrangement, BuddyScope
from specialmeasures.domain.directors import Background, ImprovementDirector
from specialmeasures.interventions import Actor
from specialmeasures.interventions import buddies as buddy_service
from specialmeasures.interventions import directors as director_service
from specialmeasures.interventions.views import regime_status
from specialmeasures.regime.judgements import enter_judgement, list_judgements
from specialmeasures.register.inspections import record_inspection
from specialmeasures.rules import load_policies
from specialmeasures.web import submissions as forms
from specialmeasures.web.gate import Gate, permission
from specialmeasures.web.query import BLANK_IS_ABSENT, AsOf
from specialmeasures.web.rendering import Renderer

__all__ = ["build_regulator_forms_router"]

Code = Annotated[str, Path(max_length=20)]
Recorded = Annotated[
    str | None,
    Query(pattern=r"^(?:[a-z]{1,8}-)?\d{1,12}$", description="What was just recorded."),
    BLANK_IS_ABSENT,
]
ScopeQuery = Annotated[
    str | None, Query(max_length=40, description="The buddying scope."), BLANK_IS_ABSENT
]
RATING_CHOICES = [(r.label, r.label) for r in sorted(Rating, reverse=True)]
QUESTIONS = (KeyQuestion.OVERALL, *KeyQuestion.five())


@dataclass(frozen=True, slots=True)
class Write:
    """One write: its fields, the id prefix of its HTML form, and what it does.

    ``run(request, code, values)`` validates and records, returning what was recorded (its
    JSON answer); it raises :class:`~specialmeasures.web.submissions.FieldProblemsError` with
    every problem by field.
    """

    fields: tuple[str, ...]
    prefix: str
    default_field: str
    run: Callable[[Request, str, dict[str, str]], dict[str, Any]]


def _judgement_facts() -> list[dict[str, str]]:
    """Every judgement a packaged policy declares, once, with its type and label."""
    seen: dict[str, dict[str, str]] = {}
    for policy in load_policies():
        for name, spec in policy.facts.items():
            if name.startswith("judgement.") and name not in seen:
                seen[name] = {"name": name, "type": spec.type, "label": spec.label}
    return sorted(seen.values(), key=lambda f: f["name"])


def build_regulator_forms_router(
    renderer: Renderer, gate: Gate, today: Callable[[], date]
) -> APIRouter:
    router = APIRouter()
    repo = renderer.platform.repository

    def who(request: Request, rationale: str) -> Actor:
        # As at the command line: the role's name stands for the office the CLI's --role names.
        return forms.actor_of(gate, request, "", rationale)

    def may(user: Principal, action: Action, code: str) -> bool:
        """For links between pages: asked of the policy directly, so not audited as a read."""
        return can(user, action, Resource.provider(code)).allowed

    def regulator_links(user: Principal, code: str) -> list[dict[str, str]]:
        links = [
            (Action.INSPECTION_RECORD, f"/providers/{code}/inspections/new",
             "Record an inspection from a published CQC report"),
            (Action.RECOMMENDATION_READ, f"/providers/{code}/judgements", "Judgements"),
            (Action.RECOMMENDATION_READ, f"/providers/{code}/directors",
             "Improvement Director: proposal and assignments"),
            (Action.BUDDY_SUGGEST, f"/providers/{code}/buddies", "Buddy suggestions"),
        ]  # fmt: skip
        return [{"href": h, "text": t} for a, h, t in links if may(user, a, code)]

    renderer.env.globals["regulator_links"] = regulator_links

    def status(request: Request, code: str, day: date) -> dict[str, Any]:
        """The trust's regime status, as every provider page shows it: the CP list only for
        a reader who may see this trust's (asked field by field, audited as a read)."""
        confidential = gate.decide(request, Action.CONFIDENTIAL_READ, code).allowed
        return {
            "regime_status": regime_status(repo, code, day, include_confidential=confidential),
            "confidential": confidential,
        }

    def render(
        request: Request, template: str, data: dict[str, Any], *, status: int = 200,
        errors: forms.FieldErrors | None = None, prefix: str = "",
        form: Mapping[str, str] | None = None, recorded: str | None = None,
    ) -> HTMLResponse:  # fmt: skip
        data["dataset"] = public_dataset_meta(repo.meta())
        html = renderer.render(
            template, request=request, data=data, recorded=recorded,
            errors=forms.summary(errors or [], prefix),
            form=dict(form or {}), query=str(request.url.query),
        )  # fmt: skip
        return HTMLResponse(html, status_code=status, headers=forms.NO_STORE)

    def json_twin(write: Write) -> Callable[[Request, str], Awaitable[Response]]:
        async def endpoint(request: Request, code: Code) -> Response:
            code = code.upper()
            repo.provider(code)
            return await forms.json_write(
                request, write.fields, lambda sent: write.run(request, code, sent),
                lambda _, done: done, flag=("true", "false"),
            )  # fmt: skip

        return endpoint

    async def html_write(
        request: Request, code: str, write: Write, done_url: Callable[[dict[str, Any]], str],
        again: Callable[[forms.FieldErrors, dict[str, str]], HTMLResponse],
    ) -> Response:  # fmt: skip
        code = code.upper()
        repo.provider(code)
        values = forms.form_fields(await gate.form(request), write.fields)
        try:
            done = write.run(request, code, values)
        except forms.FieldProblemsError as refused:
            return again(refused.errors, values)
        return RedirectResponse(done_url(done), status_code=303)

    # -- an inspection entered by hand ----------------------------------------------------------
    def run_inspection(request: Request, code: str, values: dict[str, str]) -> dict[str, Any]:
        r = forms.Reader(values)
        inspected = r.day("inspection_date", "the inspection date")
        published = r.day("publication_date", "the publication date")
        if inspected and published and published < inspected:
            r.problem("publication_date", "The publication date must be on or after the "
                      "inspection date")  # fmt: skip
        if published and published > gate.now().date():
            r.problem("publication_date", "The publication date must not be in the future: "
                      "record a report once it is published")  # fmt: skip
        ratings: dict[KeyQuestion, Rating] = {}
        for kq in QUESTIONS:
            text = values[kq.value]
            if not text:
                if kq is KeyQuestion.OVERALL:
                    r.problem("overall", "Select the overall rating")
                continue
            try:
                ratings[kq] = Rating.parse(text, field=kq.value)
            except SpecialMeasuresError:
                r.problem(kq.value, f"Select the {kq.label.lower()} rating from the list")
        rationale = r.rationale()
        r.done()
        assert inspected is not None
        assert published is not None
        user = gate.user(request)
        try:
            done = record_inspection(
                repo, provider_code=code, inspection_date=inspected, publication_date=published,
                ratings=ratings, actor=user.username, role=user.role.label, rationale=rationale,
                recorded_at=gate.now(), account_role=user.role.value,
            )  # fmt: skip
        except SpecialMeasuresError as error:
            raise forms.FieldProblemsError(
                forms.service_problem(error, "publication_date", inspection_write.fields)
            ) from None
        i = done.inspection
        return {
            "inspection_id": i.id, "provider_code": code,
            "inspection_date": i.inspection_date.isoformat(),
            "publication_date": i.publication_date.isoformat(),
            "ratings": {kq.value: r.label for kq, r in i.ratings.items()},
            "audit_seq": done.audit_seq,
        }  # fmt: skip

    inspection_write = Write(
        ("inspection_date", "publication_date", *(kq.value for kq in QUESTIONS), "rationale"),
        "", "publication_date", run_inspection,
    )  # fmt: skip

    def inspection_page(
        request: Request, code: str, *, errors: forms.FieldErrors | None = None,
        form: Mapping[str, str] | None = None, recorded: str | None = None,
    ) -> HTMLResponse:  # fmt: skip
        provider = repo.provider(code)
        data = {
            "code": code, "name": provider.name, **status(request, code, today()),
            "questions": [{"name": kq.value, "label": kq.label} for kq in QUESTIONS],
            "ratings": RATING_CHOICES,
            "may_read_decisions": may(gate.user(request), Action.RECOMMENDATION_READ, code),
        }  # fmt: skip
        return render(request, "inspection_new.html", data, errors=errors, form=form,
                      recorded=recorded, status=400 if errors else 200)  # fmt: skip

    @router.get(
        "/providers/{code}/inspections/new", response_class=HTMLResponse, include_in_schema=False
    )
    @permission(Action.INSPECTION_RECORD, provider="code")
    def inspection_form(request: Request, code: Code, recorded: Recorded = None) -> HTMLResponse:
        return inspection_page(request, code.upper(), recorded=recorded)

    @router.post("/providers/{code}/inspections", include_in_schema=False)
    @permission(Action.INSPECTION_RECORD, provider="code")
    async def inspection_record(request: Request, code: Code) -> Response:
        return await html_write(
            request, code, inspection_write,
            lambda d: f"/providers/{d['provider_code']}/inspections/new"
            f"?recorded={d['inspection_id']}",
            lambda e, v: inspection_page(request, code.upper(), errors=e, form=v),
        )  # fmt: skip

    router.add_api_route(
        "/providers/{code}/inspections.json", permission(Action.INSPECTION_RECORD,
        provider="code")(json_twin(inspection_write)), methods=["POST"], tags=["regulator writes"],
        summary="Record a CQC inspection by hand (JSON twin of the form)", status_code=201,
        openapi_extra=_body(inspection_write.fields, required=("inspection_date", "publication_date",
                            "overall", "rationale")),
    )  # fmt: skip

    # -- judgements -----------------------------------------------------------------------------
    facts = _judgement_facts()

    def run_judgement(request: Request, code: str, values: dict[str, str]) -> dict[str, Any]:
        r = forms.Reader(values)
        if not values["fact"]:
            r.problem("fact", "Select the judgement")
        r.text("value", "the judgement's value")
        on = r.day("on", "the date it is in force from")
        rationale = r.rationale()
        r.done()
        assert on is not None
        user = gate.user(request)
        try:
            done = enter_judgement(
                repo, provider_code=code, fact=values["fact"], value=values["value"],
                actor=user.username, role=user.role.label, rationale=rationale, on=on,
                recorded_at=gate.now(), account_role=user.role.value,
            )  # fmt: skip
        except SpecialMeasuresError as error:
            raise forms.FieldProblemsError(
                forms.service_problem(error, "value", judgement_write.fields)
            ) from None
        j = done.judgement
        return {
            "judgement_id": j.id, "provider_code": code, "fact": f"judgement.{j.name}",
            "value": j.value, "on": j.entered_on.isoformat(), "audit_seq": done.audit_seq,
        }  # fmt: skip

    judgement_write = Write(("fact", "value", "on", "rationale"), "", "value", run_judgement)

    def judgement_data(request: Request, code: str) -> dict[str, Any]:
        provider = repo.provider(code)
        return {
            "code": code, "name": provider.name, "facts": facts,
            **status(request, code, today()),
            "judgements": [
                {"id": j.id, "fact": f"judgement.{j.name}", "value": j.value,
                 "on": j.entered_on.isoformat(), "by": j.entered_by, "rationale": j.rationale}
                for j in list_judgements(repo, code)
            ],
        }  # fmt: skip

    def judgement_page(
        request: Request, code: str, *, errors: forms.FieldErrors | None = None,
        form: Mapping[str, str] | None = None, recorded: str | None = None,
    ) -> HTMLResponse:  # fmt: skip
        data = judgement_data(request, code)
        data["can_record"] = gate.decide(request, Action.JUDGEMENT_RECORD, code).allowed
        data["fact_options"] = [(x["name"], f"{x['name']}: {x['label']}") for x in facts]
        shown = dict(form or {"on": today().isoformat(),
                              "fact": request.query_params.get("fact", "")})  # fmt: skip
        return render(request, "judgements.html", data, errors=errors, form=shown,
                      recorded=recorded, status=400 if errors else 200)  # fmt: skip

    @router.get(
        "/providers/{code}/judgements.json", tags=["regulator writes"],
        summary="A provider's judgements, oldest first (JSON twin)",
    )  # fmt: skip
    @permission(Action.RECOMMENDATION_READ, provider="code")
    def judgements_json(request: Request, code: Code) -> dict[str, Any]:
        return judgement_data(request, code.upper())

    @router.get("/providers/{code}/judgements", response_class=HTMLResponse,
                include_in_schema=False)  # fmt: skip
    @permission(Action.RECOMMENDATION_READ, provider="code")
    def judgements_page(request: Request, code: Code, recorded: Recorded = None) -> HTMLResponse:
        return judgement_page(request, code.upper(), recorded=recorded)

    @router.post("/providers/{code}/judgements", include_in_schema=False)
    @permission(Action.JUDGEMENT_RECORD, provider="code")
    async def judgement_record(request: Request, code: Code) -> Response:
        return await html_write(
            request, code, judgement_write,
            lambda d: f"/providers/{d['provider_code']}/judgements?recorded={d['judgement_id']}",
            lambda e, v: judgement_page(request, code.upper(), errors=e, form=v),
        )  # fmt: skip

    router.add_api_route(
        "/providers/{code}/judgements.json", permission(Action.JUDGEMENT_RECORD,
        provider="code")(json_twin(judgement_write)), methods=["POST"], tags=["regulator writes"],
        summary="Record a judgement (JSON twin of the form)", status_code=201,
        openapi_extra=_body(judgement_write.fields, required=judgement_write.fields),
    )  # fmt: skip

    # -- Improvement Directors ------------------------------------------------------------------
    def run_assign(request: Request, code: str, values: dict[str, str]) -> dict[str, Any]:
        r = forms.Reader(values)
        if not values["director"]:
            r.problem("director", "Select the Improvement Director")
        start = r.day("start", "the start date")
        intensive = r.whole("intensive_months", "the intensive months", 1, 3)
        maintenance = r.whole("maintenance_months", "the maintenance months", 0, 24)
        rationale = r.rationale()
        r.done()
        assert start is not None
        try:
            new_id = director_service.assign_director(
                repo, director=values["director"], provider_code=code, start=start,
                who=who(request, rationale), intensive_months=intensive,
                maintenance_months=maintenance,
            )  # fmt: skip
        except SpecialMeasuresError as error:
            raise forms.FieldProblemsError(
                forms.service_problem(error, "director", assign_write.fields)
            ) from None
        return {"assignment_id": new_id, "provider_code": code, "director": values["director"],
                "start": start.isoformat()}  # fmt: skip

    assign_write = Write(
        ("director", "start", "intensive_months", "maintenance_months", "rationale"),
        "assign-", "director", run_assign,
    )  # fmt: skip

    def run_end(request: Request, code: str, values: dict[str, str]) -> dict[str, Any]:
        r = forms.Reader(values)
        mine = {str(a.id) for a in director_service.assignments(repo) if a.provider_code == code}
        if values["assignment"] not in mine:
            r.problem("assignment", "Select an assignment of this trust")
        end = r.day("end", "the end date")
        r.text("reason", "the reason it ends")
        rationale = r.rationale()
        r.done()
        assert end is not None
        try:
            director_service.end_assignment(
                repo, int(values["assignment"]), end=end, reason=values["reason"],
                who=who(request, rationale),
            )  # fmt: skip
        except SpecialMeasuresError as error:
            raise forms.FieldProblemsError(
                forms.service_problem(error, "end", end_write.fields)
            ) from None
        return {"assignment_id": int(values["assignment"]), "provider_code": code,
                "end": end.isoformat()}  # fmt: skip

    end_write = Write(("assignment", "end", "reason", "rationale"), "end-", "assignment", run_end)

    def run_roster(request: Request, code: str, values: dict[str, str]) -> dict[str, Any]:
        r = forms.Reader(values)
        r.text("name", "the Director's name")
        if values["background"] not in {b.value for b in Background}:
            r.problem("background", "Select the Director's background")
        if values["previous_smq"] not in ("true", "false"):
            r.problem("previous_smq", "Say whether they have supported a trust in "
                      "special measures before")  # fmt: skip
        most = r.whole("max_trusts", "the most trusts at once", 1, 6, required=True)
        rationale = r.rationale()
        r.done()
        assert most is not None
        try:
            new_id = director_service.add_director(
                repo, ImprovementDirector(values["name"], Background(values["background"]),
                                          values["previous_smq"] == "true", most),
                who(request, rationale),
            )  # fmt: skip
        except SpecialMeasuresError as error:
            raise forms.FieldProblemsError(
                forms.service_problem(error, "name", roster_write.fields)
            ) from None
        return {"director_id": new_id, "name": values["name"], "provider_code": code}

    roster_write = Write(("name", "background", "previous_smq", "max_trusts", "rationale"), "roster-",
                   "name", run_roster)  # fmt: skip

    def director_data(request: Request, code: str, as_of: date | None) -> dict[str, Any]:
        day = as_of or today()
        provider = repo.provider(code)
        roster = {d.id: d for d in director_service.directors(repo)}
        return {
            "code": code, "name": provider.name, "as_of": day.isoformat(),
            **status(request, code, day),
            "proposals": [
                {"director_id": p.director.id, "director": p.director.name,
                 "background": p.director.background.label, "score": p.score,
                 "eligible": p.eligible, "trusts_now": p.active_trusts, "why": p.explain()}
                for p in director_service.propose(repo, code, day)
            ],
            "assignments": [
                {"id": a.id, "director": roster[a.director_id].name if a.director_id in roster
                 else str(a.director_id), "start": a.start.isoformat(),
                 "end": a.end.isoformat() if a.end else None, "end_reason": a.end_reason,
                 "intensive_months": a.intensive_months,
                 "maintenance_months": a.maintenance_months}
                for a in director_service.assignments(repo) if a.provider_code == code
            ],
            "backgrounds": [(b.value, b.label) for b in Background],
            "can_record": may(gate.user(request), Action.INTERVENTION_RECORD, code),
        }  # fmt: skip

    def director_page(
        request: Request, code: str, *, errors: forms.FieldErrors | None = None,
        prefix: str = "", form: Mapping[str, str] | None = None, recorded: str | None = None,
    ) -> HTMLResponse:  # fmt: skip
        shown = {f"{prefix}{k}": v for k, v in (form or {}).items()}
        shown.setdefault("assign-start", today().isoformat())
        shown.setdefault("end-end", today().isoformat())
        return render(request, "directors.html", director_data(request, code, None),
                      errors=errors, prefix=prefix, form=shown, recorded=_change(recorded),
                      status=400 if errors else 200)  # fmt: skip

    @router.get(
        "/providers/{code}/directors.json", tags=["regulator writes"],
        summary="Improvement Directors ranked for a trust, and its assignments (JSON twin)",
    )  # fmt: skip
    @permission(Action.RECOMMENDATION_READ, provider="code")
    def directors_json(request: Request, code: Code, as_of: AsOf = None) -> dict[str, Any]:
        return director_data(request, code.upper(), as_of)

    @router.get("/providers/{code}/directors", response_class=HTMLResponse,
                include_in_schema=False)  # fmt: skip
    @permission(Action.RECOMMENDATION_READ, provider="code")
    def directors_page(request: Request, code: Code, recorded: Recorded = None) -> HTMLResponse:
        return director_page(request, code.upper(), recorded=recorded)

    for path, write, action_text in (
        (
            "/providers/{code}/directors",
            assign_write,
            "Assign an Improvement Director to the trust",
        ),
        ("/providers/{code}/directors/end", end_write, "End an Improvement Director's assignment"),
        (
            "/providers/{code}/directors/roster",
            roster_write,
            "Add an Improvement Director to the roster",
        ),
    ):
        router.add_api_route(
            path, permission(Action.INTERVENTION_RECORD, provider="code")(
                _director_form(write, html_write, director_page)),
            methods=["POST"], include_in_schema=False,
        )  # fmt: skip
        router.add_api_route(
            f"{path}.json", permission(Action.INTERVENTION_RECORD, provider="code")(
                json_twin(write)), methods=["POST"], tags=["regulator writes"],
            summary=f"{action_text} (JSON twin of the form)", status_code=201,
            openapi_extra=_body(write.fields, required=_required(write)),
        )  # fmt: skip

    # -- buddies --------------------------------------------------------------------------------
    def run_buddy(request: Request, code: str, values: dict[str, str]) -> dict[str, Any]:
        r = forms.Reader(values)
        buddy = values["buddy"].upper()
        if not buddy:
            r.problem("buddy", "Enter the buddy trust's code")
        if values["scope"] not in {s.value for s in BuddyScope}:
            r.problem("scope", "Select the scope")
        if values["arranged_by"] not in {a.value for a in ArrangedBy}:
            r.problem("arranged_by", "Select who arranged it")
        start = r.day("start", "the start date")
        end = r.day("end", "the end date", required=False)
        review = r.day("review", "the review date", required=False)
        mou = r.day("mou", "the date of the MoU", required=False)
        if values["paid"] not in ("", "true", "false"):
            r.problem("paid", "Say whether the buddy is paid")
        rationale = r.rationale()
        r.done()
        assert start is not None
        try:
            new_id = buddy_service.record_arrangement(
                repo, BuddyArrangement(code, buddy, BuddyScope(values["scope"]),
                                       ArrangedBy(values["arranged_by"]), start,
                                       values["paid"] == "true", mou, review, end),
                who(request, rationale),
            )  # fmt: skip
        except SpecialMeasuresError as error:
            raise forms.FieldProblemsError(
                forms.service_problem(error, "buddy", buddy_write.fields)
            ) from None
        return {"arrangement_id": new_id, "provider_code": code, "buddy": buddy,
                "scope": values["scope"], "start": start.isoformat()}  # fmt: skip

    buddy_write = Write(
        ("buddy", "scope", "arranged_by", "start", "end", "review", "mou", "paid", "rationale"),
        "", "buddy", run_buddy,
    )  # fmt: skip

    def buddy_data(request: Request, code: str, scope: str, as_of: date | None) -> dict[str, Any]:
        day = as_of or today()
        provider = repo.provider(code)
        # Without confidential.read on every provider (an Improvement Director's is their own
        # trust's), the ranking leaves the CP list out, so that it tells nothing about it.
        reach = can(gate.user(request), Action.CONFIDENTIAL_READ)
        sees_cp = reach.allowed and reach.scope is None
        found = buddy_service.suggest_buddies(
            repo, code, scope=scope, as_of=day, public_only=not sees_cp
        )
        return {
            "code": code, "name": provider.name, "as_of": day.isoformat(), "scope": scope,
            **status(request, code, day),
            "scopes": [s.value for s in BuddyScope],
            "arranged_by": [a.value for a in ArrangedBy],
            "suggestions": [
                {"buddy": c.provider.code, "name": c.provider.name, "score": c.score,
                 "km": None if c.distance_km is None else round(c.distance_km), "why": c.explain()}
                for c in found if c.eligible
            ][:10],
            "arrangements": [
                {"id": a.id, "buddy": a.buddy_code, "scope": a.scope.value,
                 "arranged_by": a.arranged_by.value, "start": a.start.isoformat(),
                 "end": a.end.isoformat() if a.end else None, "paid": a.paid}
                for a in buddy_service.arrangements(repo) if a.provider_code == code
            ],
            "can_record": may(gate.user(request), Action.INTERVENTION_RECORD, code),
        }  # fmt: skip

    def scope_of(text: str | None) -> str:
        if text and text not in {s.value for s in BuddyScope}:
            raise InputError("scope: must be one of " + ", ".join(s.value for s in BuddyScope),
                             value=text)  # fmt: skip
        return text or BuddyScope.TRUST_WIDE.value

    def buddy_page(
        request: Request, code: str, *, errors: forms.FieldErrors | None = None,
        form: Mapping[str, str] | None = None, recorded: str | None = None,
    ) -> HTMLResponse:  # fmt: skip
        scope = scope_of(request.query_params.get("scope") if not form else form.get("scope"))
        if form and form.get("scope") not in {s.value for s in BuddyScope}:
            scope = BuddyScope.TRUST_WIDE.value
        shown = dict(form or {"scope": scope, "arranged_by": "nhsi",
                              "start": today().isoformat()})  # fmt: skip
        return render(request, "buddies.html", buddy_data(request, code, scope, None),
                      errors=errors, form=shown, recorded=recorded,
                      status=400 if errors else 200)  # fmt: skip

    @router.get(
        "/providers/{code}/buddies.json", tags=["regulator writes"],
        summary="Buddy suggestions for a trust, each explained, and its arrangements (JSON twin)",
    )  # fmt: skip
    @permission(Action.BUDDY_SUGGEST, provider="code")
    def buddies_json(
        request: Request, code: Code, scope: ScopeQuery = None, as_of: AsOf = None
    ) -> dict[str, Any]:
        return buddy_data(request, code.upper(), scope_of(scope), as_of)

    @router.get("/providers/{code}/buddies", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.BUDDY_SUGGEST, provider="code")
    def buddies_page(
        request: Request, code: Code, scope: ScopeQuery = None, recorded: Recorded = None
    ) -> HTMLResponse:
        scope_of(scope)
        return buddy_page(request, code.upper(), recorded=recorded)

    @router.post("/providers/{code}/buddies", include_in_schema=False)
    @permission(Action.INTERVENTION_RECORD, provider="code")
    async def buddy_record(request: Request, code: Code) -> Response:
        return await html_write(
            request, code, buddy_write,
            lambda d: f"/providers/{d['provider_code']}/buddies?recorded={d['arrangement_id']}",
            lambda e, v: buddy_page(request, code.upper(), errors=e, form=v),
        )  # fmt: skip

    router.add_api_route(
        "/providers/{code}/buddies.json", permission(Action.INTERVENTION_RECORD,
        provider="code")(json_twin(buddy_write)), methods=["POST"], tags=["regulator writes"],
        summary="Record a buddy arrangement (JSON twin of the form)", status_code=201,
        openapi_extra=_body(buddy_write.fields, required=("buddy", "scope", "arranged_by", "start",
                                                    "rationale")),
    )  # fmt: skip

    return router


def _director_form(
    write: Write,
    html_write: Callable[..., Awaitable[Response]],
    director_page: Callable[..., HTMLResponse],
) -> Callable[[Request, str], Awaitable[Response]]:
    async def endpoint(request: Request, code: Code) -> Response:
        return await html_write(
            request, code, write,
            lambda d: f"/providers/{code.upper()}/directors?recorded={write.prefix}"
            f"{d.get('assignment_id', d.get('director_id'))}",
            lambda e, v: director_page(request, code.upper(), errors=e, prefix=write.prefix,
                                       form=v),
        )  # fmt: skip

    return endpoint


def _change(recorded: str | None) -> str | None:
    """``assign-4`` (what the Director page's forms redirect with) as words."""
    kind, _, number = (recorded or "").partition("-")
    names = {"assign": "Assignment", "end": "The end of assignment", "roster": "Director"}
    return f"{names[kind]} {number}" if kind in names and number.isdigit() else None


def _required(write: Write) -> tuple[str, ...]:
    optional = {"intensive_months", "maintenance_months"}
    return tuple(f for f in write.fields if f not in optional)


def _body(fields: tuple[str, ...], *, required: tuple[str, ...]) -> dict[str, Any]:
    """The JSON request body of a write, for the OpenAPI document (values as strings; dates
    YYYY-MM-DD; booleans true/false)."""
    return forms.body_schema(forms.object_schema(
        required, **{f: {"type": ["string", "boolean", "integer"]} for f in fields}))  # fmt: skip
