"""The JSON twins of the browser's writes, over HTTP, on SQLite and PostgreSQL: OAG members and
requests, Improvement Director notes, qualitative evidence (one record and a CSV), accounts.

Each twin is checked four ways: it writes through its service with the service's audit row (the
account, its role, the office and rationale, as at the command line); bad input is answered
400 with the field named in ``error.fields`` and writes nothing; a role without the permission
is refused 403 and writes nothing; a request without the CSRF header is refused.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from access_fixtures import OWN, add_role_accounts, client_as, load_small_register, make_app
from specialmeasures.access import Account, Role
from specialmeasures.bootstrap import Platform
from specialmeasures.store import audit
from specialmeasures.store.tables import evidence_sources, id_notes, oag_members

EVIDENCE_HEADER = (
    "ref,site,date,source_type,tier,title,rap_context,rap_interventions,rap_drivers,"
    "rap_barriers,rap_unintended_consequences,rap_sustainability,quote,codes\n"
)


@pytest.fixture
def world(platform: Platform) -> tuple[FastAPI, dict[Role, Account]]:
    load_small_register(platform)
    app, book = make_app(platform)
    return app, add_role_accounts(book)


def as_role(
    world: tuple[FastAPI, dict[Role, Account]], role: Role
) -> tuple[TestClient, dict[str, str]]:
    app, accounts = world
    client, token = client_as(app, accounts[role])
    return client, {"x-csrf-token": token}


def rows(platform: Platform, table: Any) -> int:
    with platform.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def last_audit(platform: Platform) -> audit.AuditEntry:
    """The last audit row of a change (the reads a page's answer audits are left aside)."""
    with platform.engine.connect() as conn:
        return [e for e in audit.entries(conn) if not e.action.startswith("read.")][-1]


def fields(response: Any) -> list[str]:
    return [f["field"] for f in response.json()["error"]["fields"]]


def test_oag_member_and_request(platform: Platform, world: Any) -> None:
    client, headers = as_role(world, Role.REGULATOR_DECISION_MAKER)
    before = rows(platform, oag_members)
    sent = {"body": "cqc", "name": "Ann Example", "office": "Provider Regulation Committee",
            "rationale": "the CQC joins the group"}  # fmt: skip
    done = client.post(f"/providers/{OWN}/oag/members.json", json=sent, headers=headers)
    assert done.status_code == 201
    assert {"body": "cqc", "body_label": "Care Quality Commission", "name": "Ann Example"} in (
        done.json()["oag"]["members"]
    )
    entry = last_audit(platform)
    assert (entry.actor, entry.role, entry.action) == (
        "regulator-decision-maker", "regulator_decision_maker", "oag.member_added",
    )  # fmt: skip
    assert entry.payload["office"] == "Provider Regulation Committee"
    assert entry.payload["rationale"] == "the CQC joins the group"
    assert rows(platform, oag_members) == before + 1
    # The same member again, an unknown body, no rationale: 400 naming the fields, no row.
    again = client.post(f"/providers/{OWN}/oag/members.json", json=sent, headers=headers)
    assert again.status_code == 400
    assert "already" in again.json()["error"]["message"]
    bad = client.post(f"/providers/{OWN}/oag/members.json",
                      json={"body": "nobody", "name": "", "rationale": ""}, headers=headers)  # fmt: skip
    assert bad.status_code == 400
    assert fields(bad) == ["body", "name", "rationale"]
    assert rows(platform, oag_members) == before + 1
    asked = client.post(f"/providers/{OWN}/oag/requests.json", headers=headers,
                        json={"body": "cqc", "items": ["staff_vacancies"], "rationale": "monthly"})  # fmt: skip
    assert asked.status_code == 201
    assert last_audit(platform).action == "oag.items_requested"
    refused = client.post(f"/providers/{OWN}/oag/requests.json", headers=headers,
                          json={"body": "hee", "items": ["x"], "rationale": "r"})  # fmt: skip
    assert refused.status_code == 400
    assert "no member" in refused.json()["error"]["message"]


def test_oag_writes_are_refused_to_other_roles_and_without_the_token(
    platform: Platform, world: Any
) -> None:
    before = rows(platform, oag_members)
    sent = {"body": "cqc", "name": "Ann Example", "rationale": "r"}
    for role in (Role.TRUST_USER, Role.REGULATOR_ANALYST, Role.IMPROVEMENT_DIRECTOR):
        client, headers = as_role(world, role)
        answer = client.post(f"/providers/{OWN}/oag/members.json", json=sent, headers=headers)
        assert answer.status_code == 403, role
    client, _ = as_role(world, Role.REGULATOR_DECISION_MAKER)
    assert client.post(f"/providers/{OWN}/oag/members.json", json=sent).status_code == 403
    assert rows(platform, oag_members) == before


def test_id_notes(platform: Platform, world: Any) -> None:
    director, headers = as_role(world, Role.IMPROVEMENT_DIRECTOR)
    sent = {"on": "2016-05-20", "note": "Met the board; governance review on track.",
            "rationale": "weekly note"}  # fmt: skip
    done = director.post(f"/providers/{OWN}/id-notes.json", json=sent, headers=headers)
    assert done.status_code == 201
    entry = last_audit(platform)
    assert (entry.action, entry.entity_key, entry.role) == (
        "id_note.added", OWN, "improvement_director",
    )  # fmt: skip
    assert "governance" not in str(entry.payload)  # the audit row names the note, not its text
    notes = director.get(f"/providers/{OWN}/id-notes.json").json()["notes"]
    assert [n["body"] for n in notes] == [sent["note"]]
    # The page names the author as the audit log names them: username (role).
    page = director.get(f"/providers/{OWN}/id-notes").text
    assert f"By {entry.actor} (Improvement Director)" in page
    bad = director.post(f"/providers/{OWN}/id-notes.json", headers=headers,
                        json={"on": "2016-02-30", "note": "", "rationale": ""})  # fmt: skip
    assert bad.status_code == 400
    assert fields(bad) == ["on", "note", "rationale"]
    unknown = director.post(f"/providers/{OWN}/id-notes.json", headers=headers,
                            json={**sent, "author": "someone else"})  # fmt: skip
    assert unknown.status_code == 400
    assert fields(unknown) == ["author"]
    # Readers: regulators; writers: the Director of the trust only.
    analyst, analyst_headers = as_role(world, Role.REGULATOR_ANALYST)
    assert analyst.get(f"/providers/{OWN}/id-notes.json").status_code == 200
    posted = analyst.post(f"/providers/{OWN}/id-notes.json", json=sent, headers=analyst_headers)
    assert posted.status_code == 403
    for role in (Role.TRUST_USER, Role.OAG_MEMBER, Role.ADMINISTRATOR, Role.RESEARCHER):
        client, role_headers = as_role(world, role)
        assert client.get(f"/providers/{OWN}/id-notes.json").status_code == 403, role
        answer = client.post(f"/providers/{OWN}/id-notes.json", json=sent, headers=role_headers)
        assert answer.status_code == 403, role
    assert (
        director.post("/providers/ZA1/id-notes.json", json=sent, headers=headers).status_code == 403
    )
    assert rows(platform, id_notes) == 1


def test_evidence_record_and_csv(platform: Platform, world: Any) -> None:
    trust, headers = as_role(world, Role.TRUST_USER)
    before = rows(platform, evidence_sources)
    record = {"ref": "WEB-1", "date": "2016-04-02", "source_type": "interview", "tier": "senior",
              "title": "Chief executive interview", "quote": "We asked for help", "codes": ""}  # fmt: skip
    done = trust.post(f"/providers/{OWN}/evidence.json", json=record, headers=headers)
    assert done.status_code == 201
    assert done.json()["counts"]["records"] == 1
    entry = last_audit(platform)
    assert (entry.action, entry.actor, entry.role) == (
        "evidence.imported",
        "trust-user",
        "trust_user",
    )
    bad = trust.post(f"/providers/{OWN}/evidence.json", json={**record, "ref": "WEB-2",
                     "tier": "board"}, headers=headers)  # fmt: skip
    assert bad.status_code == 400
    assert fields(bad) == ["tier"]
    text = EVIDENCE_HEADER + f"CSV-1,{OWN},2016-04-03,document,senior,Board paper,,,,,,,,\n"
    upload = {"file_name": "trust-evidence.csv", "csv": text}
    assert trust.post(f"/providers/{OWN}/evidence/import.json", json=upload,
                      headers=headers).status_code == 201  # fmt: skip
    assert rows(platform, evidence_sources) == before + 2
    # One bad row: the error names file, row, column and value, and nothing of the file is saved.
    broken = text.replace("CSV-1", "CSV-2") + f"CSV-3,{OWN},2016-04-31,document,senior,X,,,,,,,,\n"
    answer = trust.post(f"/providers/{OWN}/evidence/import.json",
                        json={"file_name": "broken.csv", "csv": broken}, headers=headers)  # fmt: skip
    assert answer.status_code == 400
    message = answer.json()["error"]["message"]
    for part in ("broken.csv", "row 3", "'date'"):
        assert part in message
    assert "2016-04-31" in message
    # Another trust's row is refused: the trust submits for itself only.
    foreign = EVIDENCE_HEADER + "CSV-4,ZA1,2016-04-03,document,senior,X,,,,,,,,\n"
    answer = trust.post(f"/providers/{OWN}/evidence/import.json",
                        json={"file_name": "f.csv", "csv": foreign}, headers=headers)  # fmt: skip
    assert answer.status_code == 400
    assert rows(platform, evidence_sources) == before + 2
    for role in (Role.REGULATOR_DECISION_MAKER, Role.RESEARCHER, Role.OAG_MEMBER):
        client, role_headers = as_role(world, role)
        answer = client.post(f"/providers/{OWN}/evidence.json", json=record, headers=role_headers)
        assert answer.status_code == 403, role
    assert rows(platform, evidence_sources) == before + 2


def test_accounts(platform: Platform, world: Any) -> None:
    admin, headers = as_role(world, Role.ADMINISTRATOR)
    made = admin.post("/admin/users.json", headers=headers, json={
        "username": "new-trust-user", "role": "trust_user", "providers": ["ZA1"], "generate": True,
    })  # fmt: skip
    assert made.status_code == 201
    password = made.json()["password"]
    assert len(password) >= 12
    entry = last_audit(platform)
    assert (entry.action, entry.actor, entry.entity_key) == (
        "account.create", "administrator", "new-trust-user",
    )  # fmt: skip
    app, _ = world
    assert app.state.gate.accounts.authenticate("new-trust-user", password) is not None
    weak = admin.post("/admin/users/new-trust-user/password.json", headers=headers,
                      json={"password": "password"})  # fmt: skip
    assert weak.status_code == 400
    assert fields(weak) == ["password"]
    assert admin.post("/admin/users/new-trust-user/password.json", headers=headers,
                      json={"password": "a long and unusual passphrase"}).status_code == 200  # fmt: skip
    assert last_audit(platform).action == "account.set_password"
    two = admin.post("/admin/users/new-trust-user/providers.json", headers=headers,
                     json={"change": "assign", "code": OWN})  # fmt: skip
    assert two.status_code == 400  # a trust user belongs to exactly one trust
    off = admin.post("/admin/users/new-trust-user/active.json", headers=headers,
                     json={"active": "no"})  # fmt: skip
    assert off.status_code == 200
    assert off.json()["account"]["active"] is False
    assert last_audit(platform).action == "account.disable"
    self_off = admin.post("/admin/users/administrator/active.json", headers=headers,
                          json={"active": "no"})  # fmt: skip
    assert self_off.status_code == 400
    assert fields(self_off) == ["active"]
    assert app.state.gate.accounts.get("administrator").active
    duplicate = admin.post("/admin/users.json", headers=headers, json={
        "username": "new-trust-user", "role": "researcher", "password": "another long passphrase",
    })  # fmt: skip
    assert duplicate.status_code == 400
    for role in (Role.REGULATOR_DECISION_MAKER, Role.TRUST_USER):
        client, role_headers = as_role(world, role)
        answer = client.post("/admin/users/new-trust-user/active.json", headers=role_headers,
                             json={"active": "yes"})  # fmt: skip
        assert answer.status_code == 403, role
    assert not app.state.gate.accounts.get("new-trust-user").active


def test_malformed_json_is_a_field_error(platform: Platform, world: Any) -> None:
    client, headers = as_role(world, Role.REGULATOR_DECISION_MAKER)
    answer = client.post(f"/providers/{OWN}/oag/members.json", content=b"{not json",
                         headers={**headers, "content-type": "application/json"})  # fmt: skip
    assert answer.status_code == 400
    assert fields(answer) == ["body"]
    listed = client.post(f"/providers/{OWN}/oag/members.json", json=["a"], headers=headers)
    assert listed.status_code == 400


def test_an_upload_over_the_request_limit_is_refused_and_saves_nothing(sqlite_url: str) -> None:
    from specialmeasures.bootstrap import bootstrap
    from specialmeasures.settings import Settings

    limit = 200_000
    platform = bootstrap(Settings(database_url=sqlite_url, max_request_bytes=limit), upgrade=True)
    try:
        load_small_register(platform)
        app, book = make_app(platform)
        trust, token = client_as(app, add_role_accounts(book)[Role.TRUST_USER])
        before = rows(platform, evidence_sources)
        line = f"BIG-{{}},{OWN},2016-04-03,document,senior,Board paper,,,,,,,,\n"
        big = EVIDENCE_HEADER + "".join(line.format(n) for n in range(4000))
        assert len(big) > limit
        answer = trust.post(f"/providers/{OWN}/evidence/import", data={"csrf_token": token},
                            files={"file": ("e.csv", big.encode(), "text/csv")})  # fmt: skip
        assert answer.status_code == 413
        over = trust.post(f"/providers/{OWN}/evidence/import.json",
                          headers={"x-csrf-token": token}, json={"file_name": "b.csv", "csv": big})  # fmt: skip
        assert over.status_code == 413
        assert rows(platform, evidence_sources) == before
        # Under the request limit but over the forms' 64 KiB: the upload and its twin take it.
        medium = EVIDENCE_HEADER + "".join(line.format(n) for n in range(1500))
        assert 64 * 1024 < len(medium) < limit
        answer = trust.post(f"/providers/{OWN}/evidence/import", data={"csrf_token": token},
                            files={"file": ("m.csv", medium.encode(), "text/csv")},
                            follow_redirects=False)  # fmt: skip
        assert answer.status_code == 303
        again = trust.post(f"/providers/{OWN}/evidence/import.json",
                           headers={"x-csrf-token": token}, json={"file_name": "m.csv", "csv": medium})  # fmt: skip
        assert again.status_code == 201
        assert again.json()["counts"]["replaced"] == 1500
        assert rows(platform, evidence_sources) == before + 1500
    finally:
        platform.close()
