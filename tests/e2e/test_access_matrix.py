"""Every route of the app, as every role, for an own and a foreign trust.

Routes are enumerated from the app itself, so a new route is covered the moment it is added; a
route that declares no permission fails here (and is refused by the gate at run time). For each
request the expected outcome comes from the permission table (access.policy), which
tests/unit/test_access_policy.py pins to the documented one; this test checks the web layer
enforces it, and that confidential regime status is absent from every response of every role
that may not see it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Mount

from access_fixtures import (
    CP_MARKERS,
    FOREIGN,
    OWN,
    PASSWORD,
    add_role_accounts,
    client_as,
    load_small_register,
    make_app,
)
from specialmeasures.access import ANONYMOUS, Account, Action, Resource, Role, can
from specialmeasures.bootstrap import Platform, bootstrap
from specialmeasures.settings import Settings
from specialmeasures.store import audit
from specialmeasures.web.gate import PUBLIC_FRAMEWORK_PATHS, permission, route_permission

try:  # FastAPI >= 0.16x keeps included routers lazily; older versions flatten them.
    from fastapi.routing import iter_route_contexts
except ImportError:  # pragma: no cover
    iter_route_contexts = None


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    route: Any


def endpoints(app: FastAPI) -> list[Endpoint]:
    found: list[Endpoint] = []
    contexts = iter_route_contexts(app.routes) if iter_route_contexts else app.routes
    for ctx in contexts:
        original = getattr(ctx, "original_route", ctx)
        path = ctx.path
        for method in sorted(ctx.methods or {"GET"}) if not isinstance(original, Mount) else []:
            if method != "HEAD":
                found.append(Endpoint(method, path, original))
        if isinstance(original, Mount):
            found.append(Endpoint("MOUNT", path, original))
    return found


def undeclared(app: FastAPI) -> list[str]:
    """Routes with no permission that are not the framework's own public routes."""
    problems = []
    for e in endpoints(app):
        framework = e.path in PUBLIC_FRAMEWORK_PATHS and not isinstance(e.route, APIRoute)
        if route_permission(e.route) is None and not framework:
            problems.append(f"{e.method} {e.path}")
    return problems


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[FastAPI, dict[Role, Account]]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'matrix.db'}"
    platform = bootstrap(Settings(database_url=url), upgrade=True)
    load_small_register(platform)
    app, book = make_app(platform)
    accounts = add_role_accounts(book)
    try:
        yield app, accounts
    finally:
        platform.close()


def test_every_route_declares_a_permission(world: tuple[FastAPI, dict[Role, Account]]) -> None:
    app, _ = world
    assert undeclared(app) == []
    assert {e.path for e in endpoints(app)} >= {"/providers", "/login", "/admin/users"}


def test_a_route_without_a_permission_fails_the_check_and_is_refused(tmp_path: Any) -> None:
    platform = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}"), upgrade=True)
    try:
        app, book = make_app(platform)

        @app.get("/forgotten.json")
        def forgotten() -> dict[str, str]:
            return {"secret": "yes"}

        @app.get("/remembered")
        @permission(Action.PUBLIC_READ)
        def remembered() -> dict[str, str]:
            return {"public": "yes"}

        assert undeclared(app) == ["GET /forgotten.json"]
        regulator = book.add("reg", Role.REGULATOR_ANALYST, password=PASSWORD, actor="test")
        for account in (None, regulator):
            client, _ = client_as(app, account)
            assert client.get("/forgotten.json").status_code in (401, 403)
            assert client.get("/remembered").status_code == 200
        with platform.engine.connect() as conn:
            denied = audit.entries(conn, entity="route", entity_key="GET /forgotten.json")
        assert [e.action for e in denied] == ["access.denied", "access.denied"]
        assert denied[0].payload["reason"] == "the route declares no permission"
    finally:
        platform.close()


def requests_for(app: FastAPI) -> list[tuple[Endpoint, str, str | None]]:
    """(endpoint, concrete path, provider code) with {code} filled in as own and foreign."""
    out: list[tuple[Endpoint, str, str | None]] = []
    for e in endpoints(app):
        if e.method == "MOUNT" or e.path in PUBLIC_FRAMEWORK_PATHS:
            continue
        if "{" in e.path:
            for code in (OWN, FOREIGN):
                out.append((e, re.sub(r"\{[^}]+\}", code, e.path), code))
        else:
            out.append((e, e.path, None))
    return out


ROLES = list(Role)
#: A trust code of the small register, as a whole word (pseudonyms are SITE- and hex digits).
REAL_CODE = re.compile(r"(?<![\w])ZA\d+(?![\w])")


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_matrix(world: tuple[FastAPI, dict[Role, Account]], role: Role) -> None:
    app, accounts = world
    account = accounts.get(role)
    user = account.principal() if account else ANONYMOUS
    sees_cp = {
        code: can(user, Action.CONFIDENTIAL_READ, Resource.provider(code)).allowed
        for code in (OWN, FOREIGN)
    }
    identifies = can(user, Action.SITE_IDENTIFY).allowed
    failures: list[str] = []
    for endpoint, path, code in requests_for(app):
        rule = route_permission(endpoint.route)
        assert rule is not None
        resource = Resource.provider(code) if code and rule.provider_param else None
        allowed = can(user, rule.action, resource).allowed
        # A fresh session per request: signing out (POST /logout) must not spoil the next one.
        client, csrf = client_as(app, account)
        if endpoint.method == "GET":
            response = client.get(path, follow_redirects=False)
        else:
            response = client.request(
                endpoint.method, path, data={"csrf_token": csrf}, follow_redirects=False
            )
        status = response.status_code
        where = f"{role.value} {endpoint.method} {path} -> {status}"
        if status >= 500:
            failures.append(f"{where}: server error")
        elif allowed and status in (401, 403):
            failures.append(f"{where}: denied, but the policy allows {rule.action.value}")
        elif not allowed:
            redirect_to_login = status == 303 and response.headers["location"].startswith(
                "/login?next="
            )
            expected = (401,) if role is Role.PUBLIC else (403,)
            if status not in expected and not (role is Role.PUBLIC and redirect_to_login):
                failures.append(f"{where}: expected {expected[0]} for {rule.action.value}")
        cp_visible = sees_cp[OWN] if path.startswith(f"/providers/{OWN}") else False
        whole_list = can(user, Action.CONFIDENTIAL_READ).scope is None and sees_cp[OWN]
        if path.startswith("/providers") and "/" not in path.removeprefix("/providers"):
            cp_visible = whole_list
        # CP status may appear wherever the role may read it: on the pages of a provider it
        # may see, and anywhere at all for roles that see the whole list (regulators).
        may_see = whole_list or (sees_cp[code] if code and rule.provider_param else False)
        # The evaluation rests on the CP list: a reader of it (a researcher) sees CP episodes
        # there, but only under pseudonyms; no trust code may reach a reader who may not
        # identify sites.
        may_see = may_see or (rule.action is Action.EVALUATION_READ and allowed)
        body = response.text
        evaluation = rule.action in (Action.EVALUATION_READ, Action.EVIDENCE_READ)
        if evaluation and not identifies and allowed and REAL_CODE.search(body):
            failures.append(f"{where}: a real trust code for a reader of pseudonyms")
        if not may_see and any(m in body for m in CP_MARKERS):
            failures.append(f"{where}: confidential CP status in the response")
        if cp_visible and status == 200 and "Challenged provider" not in body:
            failures.append(f"{where}: CP status missing for a role that may see it")
    assert failures == []


def test_framework_routes_and_static_files_are_public(
    world: tuple[FastAPI, dict[Role, Account]],
) -> None:
    app, _ = world
    client, _ = client_as(app, None)
    paths = {e.path for e in endpoints(app) if e.path in PUBLIC_FRAMEWORK_PATHS}
    assert paths == {"/openapi.json", "/static", "/assets"}
    for path in ("/openapi.json", "/api/docs", "/static/init.js", "/assets/images/favicon.svg"):
        assert client.get(path).status_code == 200, path


def test_denials_and_confidential_reads_are_audited(
    world: tuple[FastAPI, dict[Role, Account]],
) -> None:
    app, accounts = world
    trust, _ = client_as(app, accounts[Role.TRUST_USER])
    # Denials are aggregated per minute: write the counts of the matrix above first, so this
    # denial is the first of its kind again and is written at once.
    app.state.gate.denials.flush()
    assert trust.get("/admin/users.json").status_code == 403
    regulator, _ = client_as(app, accounts[Role.REGULATOR_ANALYST])
    assert "Challenged provider" in regulator.get(f"/providers/{OWN}").text
    platform: Platform = app.state.platform
    with platform.engine.connect() as conn:
        rows = audit.entries(conn)
        assert audit.verify(conn) == []
    denied = [r for r in rows if r.action == "access.denied" and r.actor == "trust-user"]
    assert denied
    assert denied[-1].payload["action"] == "accounts.manage"
    reads = [r for r in rows if r.action == "read.confidential.read" and r.entity_key == OWN]
    assert reads
    assert reads[-1].actor == "regulator-analyst"


@pytest.mark.parametrize("path", ["/overview", "/overview.json", "/providers.json", "/systems"])
def test_a_list_read_is_audited_as_confidential_only_when_it_shows_the_cp_list(
    world: tuple[FastAPI, dict[Role, Account]], path: str
) -> None:
    """Lists and counts show confidential regimes to roles that see every provider's; a scoped
    role (Improvement Director, OAG member) sees them on its providers' own pages only, so its
    list read is not written as a confidential read."""
    app, accounts = world
    platform: Platform = app.state.platform

    def collection_reads() -> list[str]:
        with platform.engine.connect() as conn:
            return [
                r.actor
                for r in audit.entries(conn)
                if r.action == "read.confidential.read" and r.entity == "collection"
            ]

    for role in (Role.REGULATOR_ANALYST, Role.IMPROVEMENT_DIRECTOR, Role.OAG_MEMBER):
        before = len(collection_reads())
        client, _ = client_as(app, accounts[role])
        assert client.get(path).status_code == 200
        after = collection_reads()
        shown = can(accounts[role].principal(), Action.CONFIDENTIAL_READ, Resource("collection"))
        if shown.allowed and shown.scope is None:
            assert len(after) > before, role
        else:
            assert len(after) == before, (role, after[before:])
