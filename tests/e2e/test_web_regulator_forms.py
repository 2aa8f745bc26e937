"""The regulator's writes over HTTP, on SQLite and PostgreSQL: the JSON twins record through the
services with the same audit rows as the command line, refuse bad input with errors by field
and change nothing, and are refused to roles the permission table does not name; the
``inspections add`` command writes the same audit row as the web form."""

from __future__ import annotations

from datetime import date
from typing import Any

from click.testing import CliRunner
from fastapi.testclient import TestClient

from access_fixtures import (
    CP_FOREIGN,
    FOREIGN,
    OWN,
    add_role_accounts,
    client_as,
    load_small_register,
    make_app,
)
from specialmeasures.access import Role
from specialmeasures.bootstrap import Platform
from specialmeasures.cli.main import cli
from specialmeasures.domain import KeyQuestion, Rating
from specialmeasures.store import audit
from specialmeasures.store.data_version import changes_data


def _changes(platform: Platform) -> list[audit.AuditEntry]:
    with platform.engine.connect() as conn:
        return [e for e in audit.entries(conn) if changes_data(e.action)]


def _post(client: TestClient, csrf: str, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json=body, headers={"X-CSRF-Token": csrf})


def test_json_twins_record_with_their_audit_rows(platform: Platform) -> None:
    load_small_register(platform)
    app, book = make_app(platform)
    accounts = add_role_accounts(book)
    client, csrf = client_as(app, accounts[Role.REGULATOR_DECISION_MAKER])
    before = len(_changes(platform))

    made = _post(client, csrf, f"/providers/{FOREIGN}/inspections.json", {
        "inspection_date": "2016-03-01", "publication_date": "2016-05-10", "overall": "Inadequate",
        "safe": "Inadequate", "effective": "Requires improvement", "caring": "Good",
        "responsive": "Requires improvement", "well_led": "Inadequate", "rationale": "Report RX1",
    })  # fmt: skip
    assert made.status_code == 201, made.text
    inspection = made.json()
    # As-of safe: in force from its publication date, not a day before.
    repo = platform.repository
    assert repo.ratings_in_force(date(2016, 5, 9))[FOREIGN][KeyQuestion.OVERALL].rating is (
        Rating.REQUIRES_IMPROVEMENT
    )
    after = repo.ratings_in_force(date(2016, 5, 10))[FOREIGN]
    assert after[KeyQuestion.OVERALL].rating is Rating.INADEQUATE
    assert after[KeyQuestion.CARING].inspection_id == inspection["inspection_id"]

    judged = _post(client, csrf, f"/providers/{FOREIGN}/judgements.json", {
        "fact": "judgement.leadership_cannot_fix", "value": True, "on": "2016-05-12",
        "rationale": "Board lacks grip",
    })  # fmt: skip
    assert judged.status_code == 201, judged.text
    assert judged.json()["value"] is True

    roster = _post(client, csrf, f"/providers/{FOREIGN}/directors/roster.json", {
        "name": "Synthetic Director Two", "background": "governance", "previous_smq": True,
        "max_trusts": 2, "rationale": "Recruited",
    })  # fmt: skip
    assert roster.status_code == 201, roster.text
    director = roster.json()["director_id"]
    proposal = client.get(f"/providers/{FOREIGN}/directors.json").json()
    assert director in [p["director_id"] for p in proposal["proposals"]]
    assigned = _post(client, csrf, f"/providers/{FOREIGN}/directors.json", {
        "director": str(director), "start": "2016-05-16", "intensive_months": 2,
        "rationale": "Best fit",
    })  # fmt: skip
    assert assigned.status_code == 201, assigned.text
    assignment = assigned.json()["assignment_id"]
    ended = _post(client, csrf, f"/providers/{FOREIGN}/directors/end.json", {
        "assignment": assignment, "end": "2016-05-30", "reason": "Withdrawn",
        "rationale": "Moved on",
    })  # fmt: skip
    assert ended.status_code == 201, ended.text

    buddy = _post(client, csrf, f"/providers/{FOREIGN}/buddies.json", {
        "buddy": "ZA2", "scope": "trust-wide", "arranged_by": "nhsi", "start": "2016-05-20",
        "paid": False, "rationale": "Good neighbour",
    })  # fmt: skip
    assert buddy.status_code == 201, buddy.text
    shown = client.get(f"/providers/{FOREIGN}/buddies.json").json()["arrangements"]
    assert [(a["buddy"], a["start"]) for a in shown] == [("ZA2", "2016-05-20")]

    rows = _changes(platform)[before:]
    assert [(e.action, e.entity_key) for e in rows] == [
        ("inspection.add", FOREIGN),
        ("judgement.add", FOREIGN),
        ("director.added", str(director)),
        ("director.assigned", FOREIGN),
        ("director.assignment_ended", FOREIGN),
        ("buddy.arranged", FOREIGN),
    ]
    username = accounts[Role.REGULATOR_DECISION_MAKER].username
    assert {(e.actor, e.role) for e in rows} == {(username, "regulator_decision_maker")}
    assert {e.payload["office"] for e in rows} == {"Regulator decision-maker"}
    assert rows[0].payload["ratings"]["caring"] == "Good"
    assert rows[0].payload["publication_date"] == "2016-05-10"
    assert rows[1].payload["value"] is True
    assert rows[3].payload["intensive_until"] == "2016-07-16"  # two intensive months
    with platform.engine.connect() as conn:
        assert audit.verify(conn) == []


def test_json_twins_refuse_bad_input_by_field_and_change_nothing(platform: Platform) -> None:
    load_small_register(platform)
    app, book = make_app(platform)
    accounts = add_role_accounts(book)
    client, csrf = client_as(app, accounts[Role.REGULATOR_DECISION_MAKER])
    before = len(_changes(platform))

    def fields(path: str, body: dict[str, Any]) -> dict[str, str]:
        answer = _post(client, csrf, path, body)
        assert answer.status_code == 400, answer.text
        error = answer.json()["error"]
        assert error["code"] == "invalid"
        return {f["field"]: f["message"] for f in error["fields"]}

    found = fields(f"/providers/{FOREIGN}/inspections.json", {
        "inspection_date": "2016-05-01", "publication_date": "2016-04-01", "overall": "Superb",
        "safe": "Good",
    })  # fmt: skip
    assert found == {
        "publication_date": "The publication date must be on or after the inspection date",
        "overall": "Select the overall rating from the list",
        "rationale": "Enter the rationale",
    }
    found = fields(f"/providers/{FOREIGN}/inspections.json", {
        "inspection_date": "2016-05-01", "publication_date": "2099-01-01", "overall": "Good",
        "rationale": "x",
    })  # fmt: skip
    assert list(found) == ["publication_date"]
    # The same publication entered twice: the service refuses it, naming the field.
    first = {"inspection_date": "2016-05-01", "publication_date": "2016-05-02", "overall": "G",
             "rationale": "x"}  # fmt: skip
    assert _post(client, csrf, f"/providers/{FOREIGN}/inspections.json", first).status_code == 201
    before += 1
    found = fields(f"/providers/{FOREIGN}/inspections.json", first)
    assert "already has inspection" in found["publication_date"]
    found = fields(f"/providers/{FOREIGN}/judgements.json", {
        "fact": "judgement.leadership_cannot_fix", "value": "perhaps", "on": "2016-05-01",
        "rationale": "x",
    })  # fmt: skip
    assert found == {"value": "Must be true or false (yes/no) (value 'perhaps')"}
    found = fields(f"/providers/{FOREIGN}/directors.json", {
        "director": "Nobody", "start": "2016-05-01", "intensive_months": 9, "rationale": "x",
    })  # fmt: skip
    assert found == {"intensive_months": "Enter the intensive months as a whole number from 1 to 3"}
    found = fields(f"/providers/{FOREIGN}/directors.json", {
        "director": "Nobody", "start": "2016-05-01", "rationale": "x",
    })  # fmt: skip
    assert list(found) == ["director"]
    found = fields(f"/providers/{FOREIGN}/buddies.json", {
        "buddy": FOREIGN, "scope": "everything", "arranged_by": "nhsi", "start": "2016-13-01",
        "rationale": "x",
    })  # fmt: skip
    assert found == {
        "scope": "Select the scope",
        "start": "Enter the start date as a real date, YYYY-MM-DD",
    }
    found = fields(f"/providers/{FOREIGN}/buddies.json", {
        "buddy": FOREIGN, "scope": "trust-wide", "arranged_by": "nhsi", "start": "2016-05-01",
        "rationale": "x",
    })  # fmt: skip
    assert "must not be the trust itself" in found["buddy"]
    found = fields(f"/providers/{FOREIGN}/buddies.json", {"colour": "red"})
    assert list(found) == ["colour"]
    answer = client.post(f"/providers/{FOREIGN}/judgements.json", content=b"[1",
                         headers={"X-CSRF-Token": csrf, "content-type": "application/json"})  # fmt: skip
    assert answer.status_code == 400
    assert len(_changes(platform)) == before


def test_json_twins_keep_to_the_permission_table(platform: Platform) -> None:
    load_small_register(platform)
    app, book = make_app(platform)
    accounts = add_role_accounts(book)
    body = {"inspection_date": "2016-05-01", "publication_date": "2016-05-02", "overall": "Good",
            "rationale": "x"}  # fmt: skip
    analyst, analyst_csrf = client_as(app, accounts[Role.REGULATOR_ANALYST])
    # Either regulator role may enter a published inspection; only the decision-maker judges.
    assert _post(analyst, analyst_csrf, f"/providers/{FOREIGN}/inspections.json",
                 body).status_code == 201  # fmt: skip
    judgement = {"fact": "leadership_cannot_fix", "value": "yes", "on": "2016-05-01",
                 "rationale": "x"}  # fmt: skip
    assert _post(analyst, analyst_csrf, f"/providers/{FOREIGN}/judgements.json",
                 judgement).status_code == 403  # fmt: skip
    for role in (Role.TRUST_USER, Role.OAG_MEMBER, Role.IMPROVEMENT_DIRECTOR, Role.ADMINISTRATOR):
        client, csrf = client_as(app, accounts[role])
        for path in ("inspections.json", "judgements.json", "directors.json", "buddies.json"):
            answer = _post(client, csrf, f"/providers/{OWN}/{path}", body)
            assert answer.status_code == 403, (role, path)
    public, public_csrf = client_as(app, None)
    assert _post(public, public_csrf, f"/providers/{OWN}/buddies.json", body).status_code == 401
    # Without the CSRF token a signed-in decision-maker is refused too.
    maker, _ = client_as(app, accounts[Role.REGULATOR_DECISION_MAKER])
    assert maker.post(f"/providers/{FOREIGN}/judgements.json", json=judgement).status_code == 403

    # An Improvement Director sees buddy suggestions for their own trust only.
    director, _ = client_as(app, accounts[Role.IMPROVEMENT_DIRECTOR])
    assert director.get(f"/providers/{OWN}/buddies.json").status_code == 200
    assert director.get(f"/providers/{FOREIGN}/buddies.json").status_code == 403
    assert director.get(f"/providers/{OWN}/directors.json").status_code == 403
    trust, _ = client_as(app, accounts[Role.TRUST_USER])
    assert trust.get(f"/providers/{OWN}/buddies.json").status_code == 403


def test_director_buddy_suggestions_leave_the_cp_list_out(platform: Platform) -> None:
    """ZA4 is on the confidential CP list and, once rated Good, a buddy candidate: regulators
    see it ruled out for being in CP; an Improvement Director sees a ranking made without the
    list, in which nothing says CP."""
    load_small_register(platform)
    app, book = make_app(platform)
    accounts = add_role_accounts(book)
    maker, csrf = client_as(app, accounts[Role.REGULATOR_DECISION_MAKER])
    good = {"inspection_date": "2016-04-01", "publication_date": "2016-05-02", "overall": "Good",
            "rationale": "Synthetic rating of the CP trust"}  # fmt: skip
    assert _post(maker, csrf, f"/providers/{CP_FOREIGN}/inspections.json", good).status_code == 201
    regulator = maker.get(f"/providers/{OWN}/buddies.json").json()
    assert CP_FOREIGN not in [s["buddy"] for s in regulator["suggestions"]]
    director, _ = client_as(app, accounts[Role.IMPROVEMENT_DIRECTOR])
    answer = director.get(f"/providers/{OWN}/buddies.json")
    assert CP_FOREIGN in [s["buddy"] for s in answer.json()["suggestions"]]
    assert "CP" not in answer.text.replace("CP_", "")
    assert "Challenged" not in director.get(f"/providers/{OWN}/buddies").text.replace(
        "Regime status: Challenged provider", ""
    )


def test_inspections_add_writes_the_same_audit_row_as_the_form(
    platform: Platform, database_url: str
) -> None:
    load_small_register(platform)
    from factories import add_cli_accounts

    add_cli_accounts(platform.repository, trust=FOREIGN)
    env = {"SPECIALMEASURES_DATABASE_URL": database_url}
    args = ["inspections", "add", FOREIGN, "--inspected", "2016-03-01", "--published",
            "2016-05-10", "--overall", "I", "--well-led", "Inadequate", "--safe", "RI",
            "--role", "Chief Inspector", "--rationale", "Report RX1"]  # fmt: skip
    refused = CliRunner().invoke(cli, [*args, "--as", "tara"], env=env)
    assert refused.exit_code == 4, refused.output
    done = CliRunner().invoke(cli, [*args, "--as", "alan"], env=env)
    assert done.exit_code == 0, done.output
    assert f"{FOREIGN} inspected 2016-03-01, published 2016-05-10" in done.output
    bad = CliRunner().invoke(cli, [*args[:-6], "--overall", "Superb", "--as", "alan",
                                   "--role", "x", "--rationale", "y"], env=env)  # fmt: skip
    assert bad.exit_code == 2
    assert "--overall" in bad.output
    rows = [e for e in _changes(platform) if e.action == "inspection.add"]
    assert len(rows) == 1
    assert (rows[0].actor, rows[0].role, rows[0].entity_key) == (
        "alan",
        "regulator_analyst",
        FOREIGN,
    )
    assert rows[0].payload["office"] == "Chief Inspector"
    assert rows[0].payload["ratings"] == {
        "overall": "Inadequate", "safe": "Requires improvement", "well_led": "Inadequate"
    }  # fmt: skip
    with platform.engine.connect() as conn:
        denied = [e for e in audit.entries(conn) if e.action == "access.denied"]
    assert [(e.actor, e.payload["action"]) for e in denied] == [("tara", "inspection.record")]
