"""The JSON twins of the intervention forms, over HTTP, on SQLite and PostgreSQL: the same checks
as the forms and the CLI, 4xx with every field's problem, the permission of the route, and the
audit row of the service (web/intervention_forms.py)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from access_fixtures import FOREIGN, OWN, client_as
from intervention_forms_fixtures import application_count, audit_actions, forms_world
from specialmeasures.access import Account, Role
from specialmeasures.bootstrap import Platform
from specialmeasures.interventions import funding, leadership, plans


class As:
    """A client signed in as one role, posting JSON with the session's CSRF header."""

    def __init__(self, app: FastAPI, account: Account) -> None:
        self.client: TestClient
        self.client, self.token = client_as(app, account)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(path, json=body, headers={"x-csrf-token": self.token})


def fields(response: Any) -> dict[str, str]:
    return {f["field"]: f["message"] for f in response.json()["error"]["fields"]}


def test_funding_applied_for_within_the_cap_approved_and_spent(platform: Platform) -> None:
    app, accounts = forms_world(platform)
    director = As(app, accounts[Role.IMPROVEMENT_DIRECTOR])
    maker = As(app, accounts[Role.REGULATOR_DECISION_MAKER])
    before = application_count(platform)

    over = director.post(f"/providers/{OWN}/funding.json", {
        "stage": "rsp", "aim": "Board development", "amount": 300_000, "on": "2025-11-03",
        "rationale": "Agreed with the board",
    })  # fmt: skip
    assert over.status_code == 400
    error = over.json()["error"]
    assert error["code"] == "refused"
    assert error["rule"]["id"] == "rsp.funding.available"
    assert "illustrative" in error["rule"]["text"]
    assert "£250,000" in fields(over)["amount"]
    assert application_count(platform) == before
    assert "funding.applied" not in [e.action for e in audit_actions(platform)]

    made = director.post(f"/providers/{OWN}/funding.json", {
        "stage": "rsp", "aims": [{"aim": "Board development", "amount": 150_000},
                                 {"aim": "Ward leadership", "amount": 50_000}],
        "on": "2025-11-03", "rationale": "Agreed with the board",
    })  # fmt: skip
    assert made.status_code == 201, made.text
    new_id = made.json()["id"]
    entry = audit_actions(platform)[-1]
    assert (entry.action, entry.actor, entry.role) == (
        "funding.applied",
        accounts[Role.IMPROVEMENT_DIRECTOR].username,
        "improvement_director",
    )
    assert entry.payload["amount"] == 200_000
    assert entry.payload["rationale"] == "Agreed with the board"

    refused = director.post(f"/providers/{OWN}/funding/approve.json", {
        "application": new_id, "on": "2025-11-10", "rationale": "mine"})  # fmt: skip
    assert refused.status_code == 403
    approved = maker.post(f"/providers/{OWN}/funding/approve.json", {
        "application": new_id, "amount": 180_000, "on": "2025-11-10", "rationale": "Fits"})  # fmt: skip
    assert approved.status_code == 201, approved.text
    entry = audit_actions(platform)[-1]
    assert (entry.action, entry.payload["approved_amount"]) == ("funding.approved", 180_000)
    assert entry.payload["office"] == "Executive Medical Director"

    overspend = director.post(f"/providers/{OWN}/funding/spend.json", {
        "application": new_id, "category": "posts", "amount": 180_001, "on": "2025-11-20",
        "rationale": "Director of QI"})  # fmt: skip
    assert overspend.status_code == 400
    assert "over the approved £180,000" in fields(overspend)["amount"]
    spent = director.post(f"/providers/{OWN}/funding/spend.json", {
        "application": new_id, "category": "posts", "amount": 60_000, "on": "2025-11-20",
        "description": "Director of QI", "rationale": "Director of QI"})  # fmt: skip
    assert spent.status_code == 201
    views = {v.application.id: v for v in funding.applications(platform.repository, OWN)}
    assert views[new_id].spent == 60_000
    assert audit_actions(platform)[-1].action == "funding.spent"


def test_funding_input_is_checked_field_by_field(platform: Platform) -> None:
    app, accounts = forms_world(platform)
    director = As(app, accounts[Role.IMPROVEMENT_DIRECTOR])
    bad = director.post(f"/providers/{OWN}/funding.json", {
        "stage": "smq-entry-ish", "aim": "", "amount": -5, "on": "2025-13-01"})  # fmt: skip
    assert bad.status_code == 400
    assert set(fields(bad)) == {"stage", "aim", "amount", "on", "rationale"}
    lines = director.post(f"/providers/{OWN}/funding.json", {
        "stage": "rsp", "aim": "Board", "amount": 1_000, "more_aims": "Wards = 2,000\nno amount",
        "on": "2025-11-03", "rationale": "x"})  # fmt: skip
    assert "further aim 2" in fields(lines)["more_aims"]
    assert director.post(f"/providers/{OWN}/funding.json", ["not", "an", "object"]).json()[
        "error"]["fields"][0]["field"] == "body"  # fmt: skip
    # A field the write does not take is refused, as on every JSON twin.
    extra = director.post(f"/providers/{OWN}/funding.json", {
        "stage": "rsp", "aim": "Board", "amount": 1_000, "on": "2025-11-03", "rationale": "x",
        "approved": True})  # fmt: skip
    assert extra.status_code == 400
    assert set(fields(extra)) == {"approved"}
    nested = director.post(f"/providers/{OWN}/funding.json", {
        "stage": "rsp", "aims": [{"aim": "Board", "amount": 1_000, "approved": True}],
        "on": "2025-11-03", "rationale": "x"})  # fmt: skip
    assert nested.status_code == 400
    assert fields(nested) == {"aims[0].approved": "unknown field 'approved'"}
    # The application must belong to the trust the permission was decided for.
    foreign = [v.application.id for v in funding.applications(platform.repository, "ZA4")]
    maker = As(app, accounts[Role.REGULATOR_DECISION_MAKER])
    wrong = maker.post(f"/providers/{OWN}/funding/approve.json", {
        "application": foreign[0], "on": "2025-11-10", "rationale": "x"})  # fmt: skip
    assert wrong.status_code == 400
    assert "application" in fields(wrong)
    # Without the CSRF header a JSON write is refused, and nothing is written.
    before = application_count(platform)
    response = director.client.post(f"/providers/{OWN}/funding.json", json={
        "stage": "rsp", "aim": "x", "amount": 1, "on": "2025-11-03", "rationale": "x"})  # fmt: skip
    assert response.status_code == 403
    assert application_count(platform) == before


def test_writes_are_refused_to_other_roles_and_other_trusts(platform: Platform) -> None:
    app, accounts = forms_world(platform)
    body = {"stage": "rsp", "aim": "x", "amount": 1, "on": "2025-11-03", "rationale": "x"}
    for role in (Role.TRUST_USER, Role.OAG_MEMBER, Role.REGULATOR_ANALYST, Role.RESEARCHER):
        assert (
            As(app, accounts[role]).post(f"/providers/{OWN}/funding.json", body).status_code == 403
        )
    director = As(app, accounts[Role.IMPROVEMENT_DIRECTOR])
    assert director.post(f"/providers/{FOREIGN}/funding.json", body).status_code == 403
    assert director.post(f"/providers/{FOREIGN}/plan.json", {}).status_code == 403
    assert director.post(f"/providers/{OWN}/leaders.json", {}).status_code == 403
    anonymous, _ = client_as(app, None)
    assert anonymous.post(f"/providers/{OWN}/plan.json", json={}).status_code in (401, 403)


def test_plan_actions_with_the_date_they_were_set(platform: Platform) -> None:
    app, accounts = forms_world(platform)
    director = As(app, accounts[Role.IMPROVEMENT_DIRECTOR])
    action = {
        "finding_kind": "must_do", "finding": "Serious incidents not investigated in time",
        "action": "Weekly serious-incident panel", "domains": ["governance"],
        "owner": "Medical director", "due": "2026-03-01", "rationale": "Agreed at the OAG",
    }  # fmt: skip
    future = director.post(f"/providers/{OWN}/plan.json",
                           {**action, "due": "2099-06-01", "on": "2099-01-01"})  # fmt: skip
    assert future.status_code == 400
    assert "in the future" in fields(future)["on"]
    early = director.post(f"/providers/{OWN}/plan.json", {**action, "on": "2014-06-01"})
    assert early.status_code == 400
    assert "before ZA3's first regime episode began (2015-02-02)" in fields(early)["on"]
    missing = director.post(f"/providers/{OWN}/plan.json", {"domains": ["nope"]})
    assert {"finding_kind", "finding", "action", "domains[0]", "owner", "due", "on"} <= set(
        fields(missing)
    )
    made = director.post(f"/providers/{OWN}/plan.json", {**action, "on": "2025-05-12"})
    assert made.status_code == 201, made.text
    action_id = made.json()["id"]
    stored = {a.id: a for a in plans.plan_of(platform.repository, OWN)}[action_id]
    assert stored.created_on is not None
    assert stored.created_on.isoformat() == "2025-05-12"
    assert audit_actions(platform)[-1].action == "plan.action_added"

    update = {"action": action_id, "status": "complete", "on": "2025-10-01", "rationale": "Seen"}
    no_evidence = director.post(f"/providers/{OWN}/plan/update.json", update)
    assert no_evidence.status_code == 400
    assert "evidence" in fields(no_evidence)
    before_set = director.post(f"/providers/{OWN}/plan/update.json",
                               {**update, "on": "2025-05-01", "evidence": "Panel minutes"})  # fmt: skip
    assert "before the action was set" in fields(before_set)["on"]
    done = director.post(f"/providers/{OWN}/plan/update.json",
                         {**update, "evidence": "Panel minutes"})  # fmt: skip
    assert done.status_code == 201
    assert {a.id: a for a in plans.plan_of(platform.repository, OWN)}[action_id].evidence == (
        "Panel minutes"
    )
    assert audit_actions(platform)[-1].action == "plan.action_updated"
    # An action of another trust cannot be updated through this trust's route.
    foreign = [a.id for a in plans.plan_of(platform.repository, "ZA4")]
    wrong = director.post(f"/providers/{OWN}/plan/update.json", {**update, "action": foreign[0]})
    assert "action" in fields(wrong)


def test_deep_dives_and_leadership_changes(platform: Platform) -> None:
    app, accounts = forms_world(platform)
    director = As(app, accounts[Role.IMPROVEMENT_DIRECTOR])
    maker = As(app, accounts[Role.REGULATOR_DECISION_MAKER])
    backwards = director.post(f"/providers/{OWN}/deep-dives.json", {
        "topic": "Maternity", "start": "2025-09-01", "end": "2025-08-01", "rationale": "x"})  # fmt: skip
    assert "end" in fields(backwards)
    dive = director.post(f"/providers/{OWN}/deep-dives.json", {
        "topic": "Maternity", "start": "2025-09-01", "end": "2025-10-01",
        "findings": "Escalation unclear", "rationale": "Requested by the OAG"})  # fmt: skip
    assert dive.status_code == 201
    assert [d.topic for d in plans.deep_dives_of(platform.repository, OWN)] == ["Maternity"]
    assert audit_actions(platform)[-1].action == "plan.deep_dive"

    term = {"post": "chief_executive", "holder": "Alex Synthetic", "start": "2025-06-01",
            "interim": True, "rationale": "Board appointment"}  # fmt: skip
    made = maker.post(f"/providers/{OWN}/leaders.json", term)
    assert made.status_code == 201, made.text
    overlap = maker.post(f"/providers/{OWN}/leaders.json", {**term, "holder": "Sam Synthetic"})
    assert overlap.status_code == 400
    term_id = made.json()["id"]
    too_early = maker.post(f"/providers/{OWN}/leaders/end.json",
                           {"term": term_id, "end": "2025-05-01", "rationale": "Left"})  # fmt: skip
    assert "before the start" in fields(too_early)["end"]
    ended = maker.post(f"/providers/{OWN}/leaders/end.json",
                       {"term": term_id, "end": "2025-11-01", "rationale": "Left"})  # fmt: skip
    assert ended.status_code == 201
    stored = {t.id: t for t in leadership.terms(platform.repository, OWN)}[term_id]
    assert stored.interim
    assert stored.end is not None
    assert [e.action for e in audit_actions(platform)][-2:] == [
        "leader.appointed",
        "leader.left",
    ]


def test_the_interventions_page_names_who_approved_and_who_set_each_action(
    platform: Platform,
) -> None:
    app, accounts = forms_world(platform)
    director = As(app, accounts[Role.IMPROVEMENT_DIRECTOR])
    maker = As(app, accounts[Role.REGULATOR_DECISION_MAKER])
    made = director.post(f"/providers/{OWN}/plan.json", {
        "finding_kind": "must_do", "finding": "Serious incidents not investigated in time",
        "action": "Weekly serious-incident panel", "domains": ["governance"],
        "owner": "Medical director", "due": "2026-03-01", "on": "2025-05-12",
        "rationale": "Agreed at the OAG"})  # fmt: skip
    assert made.status_code == 201, made.text
    applied = director.post(f"/providers/{OWN}/funding.json", {
        "stage": "rsp", "aim": "Board development", "amount": 100_000, "on": "2025-11-03",
        "rationale": "Agreed with the board"})  # fmt: skip
    assert applied.status_code == 201, applied.text
    assert maker.post(f"/providers/{OWN}/funding/approve.json", {
        "application": applied.json()["id"], "on": "2025-11-10", "rationale": "Fits"},
    ).status_code == 201  # fmt: skip
    director_name = accounts[Role.IMPROVEMENT_DIRECTOR].username
    maker_name = accounts[Role.REGULATOR_DECISION_MAKER].username
    # Every role that reads the trust's interventions sees who recorded them, as username (role).
    for role in (Role.TRUST_USER, Role.OAG_MEMBER, Role.IMPROVEMENT_DIRECTOR,
                 Role.REGULATOR_ANALYST):  # fmt: skip
        client, _ = client_as(app, accounts[role])
        data = client.get(f"/providers/{OWN}/interventions.json").json()
        action = next(a for a in data["plan"]["actions"] if a["id"] == made.json()["id"])
        assert (action["recorded_by"], action["recorded_role"]) == (
            director_name, "improvement_director",
        ), role  # fmt: skip
        application = next(a for a in data["funding"]["applications"]
                           if a["id"] == applied.json()["id"])  # fmt: skip
        assert application["approved_by"] == maker_name, role
        page = client.get(f"/providers/{OWN}/interventions").text
        assert f"{director_name} ({Role.IMPROVEMENT_DIRECTOR.label})" in page, role
        assert f"{maker_name} ({Role.REGULATOR_DECISION_MAKER.label})" in page, role
    # Not yet approved on the day before: no approver, as known then.
    client, _ = client_as(app, accounts[Role.REGULATOR_ANALYST])
    before = client.get(f"/providers/{OWN}/interventions.json?as_of=2025-11-09").json()
    application = next(a for a in before["funding"]["applications"]
                       if a["id"] == applied.json()["id"])  # fmt: skip
    assert application["approved_by"] is None
