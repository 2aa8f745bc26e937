"""Forms on a trust's interventions page that record what the command line records, and their
JSON twins: funding (apply, approve, spend), improvement-plan actions and their progress, deep
dives, leadership changes.

Each write is a POST to ``/providers/{code}/...`` (a form; on success it returns to the
interventions page, on a problem it shows the page again with the NHS.UK error summary) and to
the same path with ``.json`` (a JSON object; 201 with the new id, or 400 with every field's
problem). Both check the input with ``web.intervention_checks``, call the same service as the
CLI (which audits the change) and need the same permission, declared on the route:

=========================  ================================  =====================
write                      path                              permission
=========================  ================================  =====================
apply for funding          ``/providers/{code}/funding``      ``funding.apply``
approve an application     ``.../funding/approve``            ``funding.approve``
record spend               ``.../funding/spend``              ``funding.spend``
add a plan action          ``/providers/{code}/plan``         ``plan.record``
update an action           ``.../plan/update``                ``plan.record``
record a deep dive         ``/providers/{code}/deep-dives``   ``plan.record``
record a leader            ``/providers/{code}/leaders``      ``intervention.record``
record that a leader left  ``.../leaders/end``                ``intervention.record``
=========================  ================================  =====================

An application, action or term named in the body must belong to ``{code}``: the permission was
decided for that trust.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from specialmeasures.access import Action, Principal, Resource, can
from specialmeasures.access.classification import public_dataset_meta, redact_interventions
from specialmeasures.domain import Regime, SpecialMeasuresError
from specialmeasures.domain.funding import (
    APPROVER_ROLE,
    FundingStage,
    PolicyRefusalError,
    SpendCategory,
)
from specialmeasures.domain.leadership import LeadershipTerm, Post
from specialmeasures.domain.oversight import (
    ActionStatus,
    DeepDive,
    DriverDomain,
    FindingKind,
    PlanAction,
)
from specialmeasures.interventions import Actor, funding, leadership, plans
from specialmeasures.interventions.views import provider_interventions, regime_status
from specialmeasures.web import intervention_checks as checks
from specialmeasures.web.gate import Gate, permission
from specialmeasures.web.rendering import Renderer, words

__all__ = ["build_intervention_forms_router"]

Code = Annotated[str, Path(max_length=20)]
NO_STORE = {"Cache-Control": "no-store"}
Outcome = tuple[int | None, list[checks.Problem], PolicyRefusalError | None]


@dataclass(frozen=True)
class Write:
    """One write: its path under the trust, permission, form prefix, page anchor and summary."""

    path: str
    action: Action
    prefix: str
    anchor: str
    summary: str
    schema: dict[str, Any]


def _object(required: list[str], **properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


_DAY = {"type": "string", "format": "date"}
_TEXT = {"type": "string"}
_POUNDS = {"type": "integer", "minimum": 1, "description": "Whole pounds."}
_ID = {"type": "integer", "minimum": 1}
_RATIONALE = {"type": "string", "description": "Why: recorded in the audit log."}

WRITES = {
    "apply": Write("funding", Action.FUNDING_APPLY, "apply", "funding",
                   "Apply for funding within the policy's cap (JSON twin of the form)",
                   _object(["stage", "on", "rationale"],
                           stage={"type": "string", "enum": [s.value for s in FundingStage]},
                           aim=_TEXT, amount=_POUNDS,
                           more_aims={"type": "string",
                                      "description": "Further aims, one a line: AIM = AMOUNT"},
                           aims={"type": "array", "items": _object(["aim", "amount"], aim=_TEXT,
                                                                    amount=_POUNDS)},
                           on=_DAY, rationale=_RATIONALE)),
    "approve": Write("funding/approve", Action.FUNDING_APPROVE, "approve", "funding",
                     "Approve all or part of a funding application (JSON twin of the form)",
                     _object(["application", "on", "rationale"], application=_ID,
                             amount=_POUNDS, on=_DAY, rationale=_RATIONALE)),
    "spend": Write("funding/spend", Action.FUNDING_SPEND, "spend", "funding",
                   "Record spend against approved funding (JSON twin of the form)",
                   _object(["application", "category", "amount", "on", "rationale"],
                           application=_ID,
                           category={"type": "string", "enum": [c.value for c in SpendCategory]},
                           amount=_POUNDS, on=_DAY, description=_TEXT, rationale=_RATIONALE)),
    "plan": Write("plan", Action.PLAN_RECORD, "plan", "plan",
                  "Add an improvement-plan action, with the date it was set (JSON twin)",
                  _object(["finding_kind", "finding", "action", "domains", "owner", "due", "on",
                           "rationale"],
                          finding_kind={"type": "string", "enum": [k.value for k in FindingKind]},
                          finding=_TEXT, action=_TEXT,
                          domains={"type": "array", "items": {
                              "type": "string", "enum": [d.value for d in DriverDomain]}},
                          owner=_TEXT, due=_DAY, on=_DAY, rationale=_RATIONALE)),
    "update": Write("plan/update", Action.PLAN_RECORD, "update", "plan",
                    "Record a plan action's status on a date (JSON twin of the form)",
                    _object(["action", "status", "on", "rationale"], action=_ID,
                            status={"type": "string", "enum": [s.value for s in ActionStatus]},
                            on=_DAY, evidence=_TEXT, note=_TEXT, rationale=_RATIONALE)),
    "dive": Write("deep-dives", Action.PLAN_RECORD, "dive", "plan",
                  "Record a deep dive attached to the trust's plan (JSON twin of the form)",
                  _object(["topic", "start", "rationale"], topic=_TEXT, start=_DAY, end=_DAY,
                          findings=_TEXT, rationale=_RATIONALE)),
    "leader": Write("leaders", Action.INTERVENTION_RECORD, "leader", "leadership",
                    "Record the holder of a senior post (JSON twin of the form)",
                    _object(["post", "holder", "start", "rationale"],
                            post={"type": "string", "enum": [p.value for p in Post]},
                            holder=_TEXT, start=_DAY, end=_DAY, interim={"type": "boolean"},
                            previous_smq={"type": "boolean"}, rationale=_RATIONALE)),
    "end": Write("leaders/end", Action.INTERVENTION_RECORD, "end", "leadership",
                 "Record that the holder of a post left (JSON twin of the form)",
                 _object(["term", "end", "rationale"], term=_ID, end=_DAY,
                         rationale=_RATIONALE)),
}  # fmt: skip


class _Forms:
    """What the page's forms offer one person for one trust (asked of the policy, not audited)."""

    def __init__(self, repo: Any, user: Principal, code: str) -> None:
        self.repo, self.code = repo, code
        resource = Resource.provider(code)
        self.apply = bool(can(user, Action.FUNDING_APPLY, resource))
        self.approve = bool(can(user, Action.FUNDING_APPROVE, resource))
        self.spend = bool(can(user, Action.FUNDING_SPEND, resource))
        self.plan = bool(can(user, Action.PLAN_RECORD, resource))
        self.leaders = bool(can(user, Action.INTERVENTION_RECORD, resource))
        self.any = self.apply or self.approve or self.spend or self.plan or self.leaders
        sees_cp = bool(can(user, Action.CONFIDENTIAL_READ, resource))
        self.stages = [(s.value, s.label) for s in stages_for(sees_cp).values()]
        self.categories = [(c.value, c.label) for c in SpendCategory]
        self.finding_kinds = [(k.value, words(k)) for k in FindingKind]
        self.domains = [(d.value, d.label) for d in DriverDomain]
        self.statuses = [(s.value, words(s)) for s in ActionStatus]
        self.posts = [(p.value, p.label) for p in Post]

    @property
    def open_terms(self) -> list[tuple[int, str]]:
        if not self.leaders:
            return []
        return [
            (t.id, f"{t.holder}, {t.post.label} since {t.start}")
            for t in leadership.terms(self.repo, self.code)
            if t.end is None and t.id is not None
        ]

    @staticmethod
    def awaiting(applications: list[dict[str, Any]]) -> list[tuple[int, str]]:
        return [(a["id"], _label(a)) for a in applications if a["status"] == "applied"]

    @staticmethod
    def approved(applications: list[dict[str, Any]]) -> list[tuple[int, str]]:
        return [(a["id"], _label(a)) for a in applications if a["status"] == "approved"]

    @staticmethod
    def actions(actions: list[dict[str, Any]]) -> list[tuple[int, str]]:
        return [(a["id"], f"{a['id']}: {a['action'][:80]} ({words(a['status'])})") for a in actions]


def _label(application: dict[str, Any]) -> str:
    stage = application.get("regime_stage") or "funding"
    return f"{application['id']}: {stage}, £{application['amount']:,} applied {application['applied_on']}"


#: What the confirmation after a write calls it (the redirect's ``recorded`` parameter).
_RECORDED = {
    "apply": "Funding application",
    "approve": "Approval",
    "spend": "Spend",
    "plan": "Plan action",
    "update": "Status of the action",
    "dive": "Deep dive",
    "leader": "Leadership change",
    "end": "Departure",
}


def recorded_write(value: str | None) -> str:
    """The confirmation's subject for ``recorded=KIND-ID`` (empty for anything else)."""
    kind, _, number = (value or "").partition("-")
    return f"{_RECORDED[kind]} {number}" if kind in _RECORDED and number.isdigit() else ""


def stages_for(sees_cp: bool) -> dict[str, FundingStage]:
    """The stages a person may apply for: the CP stage only if they may see CP status."""
    return {s.value: s for s in FundingStage if sees_cp or s is not FundingStage.CP}


def build_intervention_forms_router(
    renderer: Renderer, gate: Gate, today: Callable[[], date]
) -> APIRouter:
    router = APIRouter()
    repo = renderer.platform.repository
    renderer.env.globals["intervention_forms"] = lambda user, code: _Forms(repo, user, code)
    renderer.env.globals["recorded_write"] = recorded_write

    def who(request: Request, rationale: str, office: str | None = None) -> Actor:
        user = gate.user(request)
        return Actor(user.username, office or user.role.label, rationale, gate.now(),
                     user.role.value)  # fmt: skip

    def sees_cp(request: Request, code: str) -> bool:
        return bool(can(gate.user(request), Action.CONFIDENTIAL_READ, Resource.provider(code)))

    def page(request: Request, code: str, errors: list[dict[str, str]],
             form: dict[str, str]) -> HTMLResponse:  # fmt: skip
        """The interventions page again, with the problems (as web/interventions.py draws it)."""
        day = today()
        confidential = gate.decide(request, Action.CONFIDENTIAL_READ, code).allowed
        cp_ends = [e.end for e in repo.episodes(code, regime=Regime.CP) if e.end is not None]
        data = redact_interventions(
            provider_interventions(repo, code, day), sees_cp=confidential, cp_ends=cp_ends
        )
        data["regime_status"] = regime_status(repo, code, day, include_confidential=confidential)
        data["confidential"] = confidential
        data["may_read_returns"] = bool(
            can(gate.user(request), Action.RETURN_READ, Resource.provider(code))
        )
        data["dataset"] = public_dataset_meta(repo.meta())
        html = renderer.render("interventions.html", request=request, data=data, errors=errors,
                               form=form, query="")  # fmt: skip
        return HTMLResponse(html, status_code=400, headers=NO_STORE)

    # -- the writes: checked values in, the service's id out -------------------------------
    def owned(
        ids: list[int | None], wanted: int | None, field: str, what: str
    ) -> list[checks.Problem]:
        return [] if wanted in ids else [(field, f"Select {what} of this trust")]

    def apply(request: Request, code: str, v: dict[str, Any]) -> int:
        return funding.apply_for_funding(
            repo, provider_code=code, stage=v["stage"], aims=v["aims"], applied_on=v["on"],
            who=who(request, v["rationale"]),
        )  # fmt: skip

    def approve(request: Request, code: str, v: dict[str, Any]) -> int:
        funding.approve_application(repo, v["application"], on=v["on"], amount=v["amount"],
                                    who=who(request, v["rationale"], APPROVER_ROLE))  # fmt: skip
        return int(v["application"])

    def spend(request: Request, code: str, v: dict[str, Any]) -> int:
        return funding.add_spend(
            repo, v["application"], category=v["category"], amount=v["amount"], on=v["on"],
            description=v["description"], who=who(request, v["rationale"]),
        )  # fmt: skip

    def plan_add(request: Request, code: str, v: dict[str, Any]) -> int:
        action = PlanAction(code, v["finding_kind"], v["finding"], v["action"],
                            frozenset(v["domains"]), v["owner"], v["due"], created_on=v["on"])  # fmt: skip
        return plans.add_action(repo, action, who(request, v["rationale"]))

    def plan_update(request: Request, code: str, v: dict[str, Any]) -> int:
        plans.update_action(repo, v["action"], status=v["status"], on=v["on"], note=v["note"],
                            evidence=v["evidence"] or None,
                            who=who(request, v["rationale"]))  # fmt: skip
        return int(v["action"])

    def dive(request: Request, code: str, v: dict[str, Any]) -> int:
        return plans.add_deep_dive(
            repo, DeepDive(code, v["topic"], v["start"], v["end"], v["findings"]),
            who(request, v["rationale"]),
        )  # fmt: skip

    def leader(request: Request, code: str, v: dict[str, Any]) -> int:
        term = LeadershipTerm(code, v["post"], v["holder"], v["start"], v["end"],
                              bool(v["interim"]), bool(v["previous_smq"]))  # fmt: skip
        return leadership.add_term(repo, term, who(request, v["rationale"]))

    def leader_end(request: Request, code: str, v: dict[str, Any]) -> int:
        leadership.end_term(repo, v["term"], end=v["end"], who=who(request, v["rationale"]))
        return int(v["term"])

    def belongs(kind: str, code: str, v: dict[str, Any]) -> list[checks.Problem]:
        if kind in ("approve", "spend"):
            ids = [a.application.id for a in funding.applications(repo, code)]
            return owned(ids, v["application"], "application", "an application")
        if kind == "update":
            return owned([a.id for a in plans.plan_of(repo, code)], v["action"], "action",
                         "an action")  # fmt: skip
        if kind == "end":
            return owned([t.id for t in leadership.terms(repo, code)], v["term"], "term",
                         "a holder")  # fmt: skip
        return []

    runs: dict[str, tuple[Callable[..., checks.Checked], Callable[..., int], str]] = {
        "apply": (checks.check_apply, apply, "stage"),
        "approve": (checks.check_approve, approve, "application"),
        "spend": (checks.check_spend, spend, "amount"),
        "plan": (checks.check_plan_action, plan_add, "action"),
        "update": (checks.check_plan_update, plan_update, "status"),
        "dive": (checks.check_deep_dive, dive, "topic"),
        "leader": (checks.check_leader, leader, "start"),
        "end": (checks.check_leader_end, leader_end, "end"),
    }

    def run(kind: str, request: Request, code: str, sent: Mapping[str, Any]) -> Outcome:
        check, act, default = runs[kind]
        if kind == "apply":
            values, problems = check(sent, stages_for(sees_cp(request, code)))
        else:
            values, problems = check(sent)
        if not problems:
            problems = belongs(kind, code, values)
        if problems:
            return None, problems, None
        try:
            return act(request, code, values), [], None
        except PolicyRefusalError as error:
            return None, [(checks.field_of(error, default), checks.message_of(error))], error
        except SpecialMeasuresError as error:
            return None, [(checks.field_of(error, default), checks.message_of(error))], None

    # -- the routes -------------------------------------------------------------------------
    def html_route(kind: str, spec: Write) -> Callable[[Request, str], Awaitable[Response]]:
        async def post_form(request: Request, code: Code) -> Response:
            code = code.upper()
            repo.provider(code)
            sent = await gate.form(request)
            new_id, problems, _ = run(kind, request, code, sent)
            if not problems:
                return RedirectResponse(
                    f"/providers/{code}/interventions?recorded={kind}-{new_id}#{spec.anchor}",
                    status_code=303,
                )
            errors = [
                {"text": text, "href": f"#{spec.prefix}-{_html_field(field)}"}
                for field, text in problems
            ]
            form = {f"{spec.prefix}-{k}": v for k, v in sent.items() if k != "csrf_token"}
            return page(request, code, errors, form)

        post_form.__name__ = f"record_{kind}"
        return permission(spec.action, provider="code")(post_form)

    def json_route(kind: str, spec: Write) -> Callable[[Request, str], Awaitable[Response]]:
        async def post_json(request: Request, code: Code) -> Response:
            code = code.upper()
            repo.provider(code)
            sent: Any = None
            if request.headers.get("content-type", "").split(";")[0].strip() == "application/json":
                try:
                    sent = await request.json()
                except ValueError:
                    sent = None
            if not isinstance(sent, dict):
                return _invalid([("body", "Send a JSON object")], None)
            # A field the write does not take is refused, as on every other JSON twin.
            unknown = sorted(set(sent) - set(spec.schema.get("properties", {})))
            if unknown:
                return _invalid([(unknown[0], f"unknown field {unknown[0]!r}")], None)
            new_id, problems, refusal = run(kind, request, code, sent)
            if problems:
                return _invalid(problems, refusal)
            return JSONResponse({"id": new_id, "provider": code, "recorded": kind},
                                status_code=201, headers=NO_STORE)  # fmt: skip

        post_json.__name__ = f"record_{kind}_json"
        return permission(spec.action, provider="code")(post_json)

    for kind, spec in WRITES.items():
        path = f"/providers/{{code}}/{spec.path}"
        router.add_api_route(path, html_route(kind, spec), methods=["POST"],
                             include_in_schema=False)  # fmt: skip
        router.add_api_route(
            f"{path}.json", json_route(kind, spec), methods=["POST"], tags=["interventions"],
            summary=spec.summary, status_code=201,
            openapi_extra={
                "requestBody": {"required": True,
                                "content": {"application/json": {"schema": spec.schema}}},
                "responses": {"400": {"description": "Refused: every field's problem "
                                      "(error.fields), and the policy rule (error.rule)"}},
            },
        )  # fmt: skip
    return router


def _html_field(field: str) -> str:
    """The form field a JSON field's problem belongs to (the form has one aim and one domain)."""
    if field.startswith("aims["):
        return field.rsplit(".", 1)[-1]
    return {"domains": "domain", "aims": "aim"}.get(field.split("[")[0], field.split("[")[0])


def _invalid(problems: list[checks.Problem], refusal: PolicyRefusalError | None) -> JSONResponse:
    error: dict[str, Any] = {
        "status": 400,
        "code": "refused" if refusal else "invalid",
        "message": problems[0][1],
        "fields": [{"field": f, "message": m} for f, m in problems],
    }
    if refusal is not None:
        error["rule"] = {"id": refusal.rule_id, "text": refusal.rule_text}
    return JSONResponse({"error": error}, status_code=400, headers=NO_STORE)
