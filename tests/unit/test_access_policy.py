"""The permission table: the facts DESIGN.md asks for, and the documented table agrees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from specialmeasures.access import (
    ANONYMOUS,
    CONFIDENTIAL,
    Action,
    Principal,
    Resource,
    Role,
    Scope,
    can,
    permission_table,
)
from specialmeasures.access.policy import PERMISSIONS

DOC = Path(__file__).resolve().parents[2] / "docs" / "access-control.md"
OWN, FOREIGN = Resource.provider("ZA1"), Resource.provider("ZA2")


def person(role: Role) -> Principal:
    return Principal(role.value, role, frozenset({"ZA1"}) if role.scoped else frozenset())


@pytest.mark.parametrize("role", [Role.PUBLIC, Role.TRUST_USER, Role.ADMINISTRATOR])
def test_never_confidential(role: Role) -> None:
    for action in CONFIDENTIAL - {Action.AUDIT_READ, Action.RETURN_READ, Action.EVIDENCE_READ}:
        for resource in (OWN, FOREIGN, None):
            assert not can(person(role), action, resource), (role, action, resource)


def test_public_reads_published_data_only() -> None:
    allowed = {a for a in Action if can(ANONYMOUS, a, FOREIGN)}
    assert allowed == {Action.PUBLIC_READ, Action.SIGN_IN, Action.SIGN_OUT}


@pytest.mark.parametrize("role", [r for r in Role if r.scoped])
def test_scoped_roles_reach_their_own_trust_only(role: Role) -> None:
    for action, scopes in PERMISSIONS.items():
        if scopes.get(role) is Scope.OWN:
            assert can(person(role), action, OWN)
            decision = can(person(role), action, FOREIGN)
            assert not decision
            assert "outside the scope" in decision.reason
            assert can(person(role), action).scope == frozenset({"ZA1"})


def test_regulators_see_the_cp_list_everywhere_and_only_decision_makers_decide() -> None:
    for role in (Role.REGULATOR_ANALYST, Role.REGULATOR_DECISION_MAKER):
        decision = can(person(role), Action.CONFIDENTIAL_READ)
        assert decision
        assert decision.scope is None
    assert can(person(Role.REGULATOR_DECISION_MAKER), Action.DECISION_RECORD, FOREIGN)
    assert not can(person(Role.REGULATOR_ANALYST), Action.DECISION_RECORD, FOREIGN)
    assert [r for r in Role if can(person(r), Action.ACCOUNTS_MANAGE)] == [Role.ADMINISTRATOR]


def test_documented_table_matches_the_code() -> None:
    text = DOC.read_text()
    rows = {
        m.group(1): [c.strip() for c in m.group(2).split("|")]
        for m in re.finditer(r"^\| `([a-z_.]+)` \|(.*)\|$", text, flags=re.MULTILINE)
    }
    marks = {Scope.ANY: "any", Scope.OWN: "own", None: "–"}
    for action, by_role in permission_table():
        assert action.value in rows, f"{action.value} missing from docs/access-control.md"
        cells = rows[action.value][1:]  # the first cell describes the action
        assert cells == [marks[by_role[r]] for r in Role], action.value
