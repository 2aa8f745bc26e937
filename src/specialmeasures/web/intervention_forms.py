"""Forms on a trust's interventions page that record what the command line records, and their
JSON twins: funding (apply, approve, spend), improvement-plan actions and their progress, deep
dives, leadership changes.

Each write is a POST to ``/providers/{code}/...`` (a form; on success it returns to the
interventions page, on a problem it shows the page again with the NHS.UK error summary) and to
the same path with ``.json`` (a JSON object; 201 with the new id, or 400 with every field's
problem). Both check the input once (the ``check_*`` functions below, with
``web.submissions.Reader``), call the same service as the CLI (which audits the change) and need
the same permission, declared on the route:

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
from specialmeasures.web import submissions as forms
from specialmeasures.web.gate import Gate, permission
from specialmeasures.web.rendering import Renderer, words

__all__ = ["build_intervention_forms_router"]

Code = Annotated[str, Path(max_length=20)]
Checked = tuple[dict[str, Any], forms.FieldErrors]


@dataclass(frozen=True)
class Write:
    """One write: its path under the trust, permission, form prefix, page anchor and summary."""

    path: str
    action: Action
    prefix: str
    anchor: str
    summary: str
    schema: dict[str, Any]


_DAY = {"type": "string", "format": "date"}
_TEXT = {"type": "string"}
_POUNDS = {"type": "integer", "minimum": 1, "description": "Whole pounds."}
_ID = {"type": "integer", "minimum": 1}
_RATIONALE = {"type": "string", "description": "Why: recorded in the audit log."}

WRITES = {
    "apply": Write("funding", Action.FUNDING_APPLY, "apply", "funding",
                   "Apply for funding within the policy's cap (JSON twin of the form)",
                   forms.object_schema(["stage", "on", "rationale"],
                           stage={"type": "string", "enum": [s.value for s in FundingStage]},
                           aim=_TEXT, amount=_POUNDS,
                           more_aims={"type": "string",
                                      "description": "Further aims, one a line: AIM = AMOUNT"},
                           aims={"type": "array", "items": forms.object_schema(["aim", "amount"], aim=_TEXT,
                                                                    amount=_POUNDS)},
                           on=_DAY, rationale=_RATIONALE)),
    "approve": Write("funding/approve", Action.FUNDING_APPROVE, "approve", "funding",
                     "Approve all or part of a funding application (JSON twin of the form)",
                     forms.object_schema(["application", "on", "rationale"], application=_ID,
                             amount=_POUNDS, on=_DAY, rationale=_RATIONALE)),
    "spend": Write("funding/spend", Action.FUNDING_SPEND, "spend", "funding",
                   "Record spend against approved funding (JSON twin of the form)",
                   forms.object_schema(["application", "category", "amount", "on", "rationale"],
                           application=_ID,
                           category={"type": "string", "enum": [c.value for c in SpendCategory]},
                           amount=_POUNDS, on=_DAY, description=_TEXT, rationale=_RATIONALE)),
    "plan": Write("plan", Action.PLAN_RECORD, "plan", "plan",
                  "Add an improvement-plan action, with the date it was set (JSON twin)",
                  forms.object_schema(["finding_kind", "finding", "action", "domains", "owner", "due", "on",
                           "rationale"],
                          finding_kind={"type": "string", "enum": [k.value for k in FindingKind]},
                          finding=_TEXT, action=_TEXT,
                          domains={"type": "array", "items": {
                              "type": "string", "enum": [d.value for d in DriverDomain]}},
                          owner=_TEXT, due=_DAY, on=_DAY, rationale=_RATIONALE)),
    "update": Write("plan/update", Action.PLAN_RECORD, "update", "plan",
                    "Record a plan action's status on a date (JSON twin of the form)",
                    forms.object_schema(["action", "status", "on", "rationale"], action=_ID,
                            status={"type": "string", "enum": [s.value for s in ActionStatus]},
                            on=_DAY, evidence=_TEXT, note=_TEXT, rationale=_RATIONALE)),
    "dive": Write("deep-dives", Action.PLAN_RECORD, "dive", "plan",
                  "Record a deep dive attached to the trust's plan (JSON twin of the form)",
                  forms.object_schema(["topic", "start", "rationale"], topic=_TEXT, start=_DAY, end=_DAY,
                          findings=_TEXT, rationale=_RATIONALE)),
    "leader": Write("leaders", Action.INTERVENTION_RECORD, "leader", "leadership",
                    "Record the holder of a senior post (JSON twin of the form)",
                    forms.object_schema(["post", "holder", "start", "rationale"],
                            post={"type": "string", "enum": [p.value for p in Post]},
                            holder=_TEXT, start=_DAY, end=_DAY, interim={"type": "boolean"},
                            previous_smq={"type": "boolean"}, rationale=_RATIONALE)),
    "end": Write("leaders/end", Action.INTERVENTION_RECORD, "end", "leadership",
                 "Record that the holder of a post left (JSON twin of the form)",
                 forms.object_schema(["term", "end", "rationale"], term=_ID, end=_DAY,
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


# -- what each write accepts, checked once for the form and the JSON twin ---------------------
def _aims(sent: Mapping[str, Any], reader: forms.Reader) -> list[tuple[str, int]]:
    """One aim (``aim`` and ``amount``) or, in JSON, a list ``aims`` of {aim, amount}."""
    listed = sent.get("aims")
    if listed is None:
        aim = reader.text("aim", "the improvement aim the money is for")
        amount = reader.pounds("amount", "the amount")
        first = [(aim, amount)] if aim and amount is not None else []
        return first + _more_aims(reader)
    if not isinstance(listed, list) or not listed:
        reader.problems.append(("aims", "Enter one or more aims, each with its amount"))
        return []
    aims: list[tuple[str, int]] = []
    for index, item in enumerate(listed):
        one = forms.Reader(item if isinstance(item, Mapping) else {})
        for key in sorted(set(one.sent) - {"aim", "amount"}):  # as unknown as a top-level field
            reader.problems.append((f"aims[{index}].{key}", f"unknown field {key!r}"))
        aim = one.text("aim", "the improvement aim the money is for")
        amount = one.pounds("amount", "the amount")
        reader.problems += [(f"aims[{index}].{f}", m) for f, m in one.problems]
        if aim and amount is not None:
            aims.append((aim, amount))
    return aims


def _more_aims(reader: forms.Reader) -> list[tuple[str, int]]:
    """Further aims of a form, one a line as ``AIM = AMOUNT`` (the CLI's ``--aim TEXT=N``)."""
    aims: list[tuple[str, int]] = []
    for number, line in enumerate(reader.raw("more_aims").splitlines(), start=1):
        if not line.strip():
            continue
        aim, sep, value = line.rpartition("=")
        amount = value.strip().replace(",", "").removeprefix("£")
        if not sep or not aim.strip() or not amount.isdigit() or int(amount) <= 0:
            reader.problems.append(
                ("more_aims", f"Write further aim {number} as the aim, then = and whole pounds")
            )
            continue
        aims.append((aim.strip(), int(amount)))
    return aims


def check_apply(sent: Mapping[str, Any], stages: Mapping[str, FundingStage]) -> Checked:
    reader = forms.Reader(sent)
    values = {
        "stage": reader.choice("stage", "the regime stage", stages),
        "aims": _aims(sent, reader),
        "on": reader.day("on", "the date of the application"),
        "rationale": reader.rationale(),
    }
    return values, reader.problems


def check_approve(sent: Mapping[str, Any]) -> Checked:
    reader = forms.Reader(sent)
    values = {
        "application": reader.number("application", "the application"),
        "amount": reader.pounds("amount", "the amount approved", required=False),
        "on": reader.day("on", "the date of approval"),
        "rationale": reader.rationale(),
    }
    return values, reader.problems


def check_spend(sent: Mapping[str, Any]) -> Checked:
    reader = forms.Reader(sent)
    values = {
        "application": reader.number("application", "the application"),
        "category": reader.choice(
            "category", "what it was spent on", {c.value: c for c in SpendCategory}
        ),
        "amount": reader.pounds("amount", "the amount spent"),
        "on": reader.day("on", "the date of the spend"),
        "description": reader.text("description", "a description", required=False),
        "rationale": reader.rationale(),
    }
    return values, reader.problems


def check_plan_action(sent: Mapping[str, Any]) -> Checked:
    reader = forms.Reader(sent)
    listed = sent.get("domains")
    domains: list[DriverDomain] = []
    if isinstance(listed, list):
        for index, item in enumerate(listed):
            found = {d.value: d for d in DriverDomain}.get(str(item))
            if found is None:
                reader.problems.append((f"domains[{index}]", "Select a driver domain"))
            else:
                domains.append(found)
        if not listed:
            reader.problems.append(("domains", "Select one or more driver domains"))
    else:
        one = reader.choice("domain", "the driver domain", {d.value: d for d in DriverDomain})
        domains = [one] if one is not None else []
    values = {
        "finding_kind": reader.choice(
            "finding_kind", "the kind of finding", {k.value: k for k in FindingKind}
        ),
        "finding": reader.text("finding", "the inspection's finding"),
        "action": reader.text("action", "the action"),
        "domains": domains,
        "owner": reader.text("owner", "the owner"),
        "due": reader.day("due", "the due date"),
        "on": reader.day("on", "the date the action was set"),
        "rationale": reader.rationale(),
    }
    return values, reader.problems


def check_plan_update(sent: Mapping[str, Any]) -> Checked:
    reader = forms.Reader(sent)
    values = {
        "action": reader.number("action", "the action"),
        "status": reader.choice("status", "the status", {s.value: s for s in ActionStatus}),
        "on": reader.day("on", "the date of the change"),
        "evidence": reader.text("evidence", "the evidence", required=False),
        "note": reader.text("note", "a note", required=False),
        "rationale": reader.rationale(),
    }
    return values, reader.problems


def check_deep_dive(sent: Mapping[str, Any]) -> Checked:
    reader = forms.Reader(sent)
    start = reader.day("start", "the start date")
    end = reader.day("end", "the end date", required=False)
    values = {
        "topic": reader.text("topic", "the topic"),
        "start": start,
        "end": end,
        "findings": reader.text(
            "findings", "the findings", required=False, limit=forms.MAX_RATIONALE
        ),
        "rationale": reader.rationale(),
    }
    if start and end and end < start:
        reader.problems.append(("end", "Enter an end date on or after the start date"))
    return values, reader.problems


_YES_NO = {"yes": True, "no": False, "true": True, "false": False, "": False}


def check_leader(sent: Mapping[str, Any]) -> Checked:
    reader = forms.Reader(sent)
    values = {
        "post": reader.choice("post", "the post", {p.value: p for p in Post}),
        "holder": reader.text("holder", "the holder's name"),
        "start": reader.day("start", "the start date"),
        "end": reader.day("end", "the end date", required=False),
        "interim": reader.choice("interim", "substantive or interim", _YES_NO),
        "previous_smq": reader.choice(
            "previous_smq", "whether they led a trust in special measures before", _YES_NO
        ),
        "rationale": reader.rationale(),
    }
    return values, reader.problems


def check_leader_end(sent: Mapping[str, Any]) -> Checked:
    reader = forms.Reader(sent)
    values = {
        "term": reader.number("term", "the holder"),
        "end": reader.day("end", "the date they left"),
        "rationale": reader.rationale(),
    }
    return values, reader.problems


def build_intervention_forms_router(
    renderer: Renderer, gate: Gate, today: Callable[[], date]
) -> APIRouter:
    router = APIRouter()
    repo = renderer.platform.repository
    renderer.env.globals["intervention_forms"] = lambda user, code: _Forms(repo, user, code)
    renderer.env.globals["recorded_write"] = recorded_write

    def who(request: Request, rationale: str, office: str = "") -> Actor:
        return forms.actor_of(gate, request, office, rationale)

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
        return HTMLResponse(html, status_code=400, headers=forms.NO_STORE)

    # -- the writes: checked values in, the service's id out -------------------------------
    def owned(
        ids: list[int | None], wanted: int | None, field: str, what: str
    ) -> forms.FieldErrors:
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

    def belongs(kind: str, code: str, v: dict[str, Any]) -> forms.FieldErrors:
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

    runs: dict[str, tuple[Callable[..., Checked], Callable[..., int], str]] = {
        "apply": (check_apply, apply, "stage"),
        "approve": (check_approve, approve, "application"),
        "spend": (check_spend, spend, "amount"),
        "plan": (check_plan_action, plan_add, "action"),
        "update": (check_plan_update, plan_update, "status"),
        "dive": (check_deep_dive, dive, "topic"),
        "leader": (check_leader, leader, "start"),
        "end": (check_leader_end, leader_end, "end"),
    }

    def run(kind: str, request: Request, code: str, sent: Mapping[str, Any]) -> int:
        """Checks, then records; raises every problem by field (a policy's refusal with it)."""
        check, act, default = runs[kind]
        if kind == "apply":
            values, problems = check(sent, stages_for(sees_cp(request, code)))
        else:
            values, problems = check(sent)
        if not problems:
            problems = belongs(kind, code, values)
        if problems:
            raise forms.FieldProblemsError(problems)
        try:
            return int(act(request, code, values))
        except SpecialMeasuresError as error:
            fields = WRITES[kind].schema["properties"]
            refusal = error if isinstance(error, PolicyRefusalError) else None
            problem = forms.service_problem(error, default, fields, _DOMAIN_FIELDS)
            raise forms.FieldProblemsError(problem, refusal) from error

    # -- the routes -------------------------------------------------------------------------
    def html_route(kind: str, spec: Write) -> Callable[[Request, str], Awaitable[Response]]:
        async def post_form(request: Request, code: Code) -> Response:
            code = code.upper()
            repo.provider(code)
            sent = await gate.form(request)
            try:
                new_id = run(kind, request, code, sent)
            except forms.FieldProblemsError as problems:
                shown = [(_html_field(field), text) for field, text in problems.errors]
                form = {f"{spec.prefix}-{k}": v for k, v in sent.items() if k != "csrf_token"}
                return page(request, code, forms.summary(shown, f"{spec.prefix}-"), form)
            return RedirectResponse(
                f"/providers/{code}/interventions?recorded={kind}-{new_id}#{spec.anchor}",
                status_code=303,
            )

        post_form.__name__ = f"record_{kind}"
        return permission(spec.action, provider="code")(post_form)

    def json_route(kind: str, spec: Write) -> Callable[[Request, str], Awaitable[Response]]:
        async def post_json(request: Request, code: Code) -> Response:
            code = code.upper()
            repo.provider(code)
            try:
                sent = await forms.read_json(request, spec.schema["properties"])
                new_id = run(kind, request, code, sent)
            except forms.FieldProblemsError as problems:
                return forms.json_problems(problems.errors, refusal=problems.refusal)
            return JSONResponse({"id": new_id, "provider": code, "recorded": kind},
                                status_code=201, headers=forms.NO_STORE)  # fmt: skip

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
                **forms.body_schema(spec.schema),
                "responses": {"400": {"description": "Refused: every field's problem "
                                      "(error.fields), and the policy rule (error.rule)"}},
            },
        )  # fmt: skip
    return router


#: The domain model's field names (``action.created_on``) that the forms call otherwise.
_DOMAIN_FIELDS = {"created_on": "on", "previous_smq_experience": "previous_smq"}


def _html_field(field: str) -> str:
    """The form field a JSON field's problem belongs to (the form has one aim and one domain)."""
    if field.startswith("aims["):
        return field.rsplit(".", 1)[-1]
    return {"domains": "domain", "aims": "aim"}.get(field.split("[")[0], field.split("[")[0])
