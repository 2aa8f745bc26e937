"""Every response that depends on the signed-in user says ``Cache-Control: no-store`` and
``Vary: Cookie``, on every route (enumerated from the app) and in every format.

Signed-in requests of every role, to every GET route, for an own and a foreign trust: whatever
the status (a page, a JSON twin, a CSV download, a refusal), no-store and Vary: Cookie. Anonymous
requests: no-store on every route that needs more than ``public.read`` (and on the sign-in page,
which sets a CSRF cookie), Vary: Cookie on every dynamic response; static files are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from access_fixtures import (
    CP_FOREIGN,
    OWN,
    add_role_accounts,
    client_as,
    load_small_register,
    make_app,
)
from specialmeasures.access import Account, Action, Role
from specialmeasures.bootstrap import bootstrap
from specialmeasures.settings import Settings
from specialmeasures.web.gate import PUBLIC_FRAMEWORK_PATHS, route_permission

try:
    from fastapi.routing import iter_route_contexts
except ImportError:  # pragma: no cover
    iter_route_contexts = None


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[FastAPI, dict[Role, Account]]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('caching') / 'caching.db'}"
    platform = bootstrap(Settings(database_url=url), upgrade=True)
    load_small_register(platform)
    app, book = make_app(platform)
    try:
        yield app, add_role_accounts(book)
    finally:
        platform.close()


def get_routes(app: FastAPI) -> list[tuple[str, Action | None]]:
    """Every GET route as (concrete path, its action), ``{code}`` as an own and a CP trust."""
    out: list[tuple[str, Action | None]] = []
    contexts = iter_route_contexts(app.routes) if iter_route_contexts else app.routes
    for ctx in contexts:
        if "GET" not in (getattr(ctx, "methods", None) or set()):
            continue
        if ctx.path in PUBLIC_FRAMEWORK_PATHS:
            continue
        rule = route_permission(getattr(ctx, "original_route", ctx))
        action = rule.action if rule else None
        for code in (OWN, CP_FOREIGN) if "{" in ctx.path else (None,):
            path = re.sub(r"\{code\}", code, ctx.path) if code else ctx.path
            out.append((re.sub(r"\{[^}]+\}", "x", path), action))
    return out


def cookie_varies(response: object) -> bool:
    vary = response.headers.get("vary", "")
    return "cookie" in {v.strip().lower() for v in vary.split(",")}


SIGNED_IN = [r for r in Role if r is not Role.PUBLIC]


@pytest.mark.parametrize("role", SIGNED_IN, ids=[r.value for r in SIGNED_IN])
def test_signed_in_responses_are_never_stored(
    world: tuple[FastAPI, dict[Role, Account]], role: Role
) -> None:
    app, accounts = world
    client, _ = client_as(app, accounts[role])
    failures = []
    routes = get_routes(app)
    assert len(routes) > 40
    for path, _ in routes:
        for suffix in ("", "?as_of=2016-06-01"):
            response = client.get(path + suffix, follow_redirects=False)
            where = f"{role.value} GET {path}{suffix} -> {response.status_code}"
            if response.headers.get("cache-control") != "no-store":
                failures.append(f"{where}: Cache-Control {response.headers.get('cache-control')}")
            if not cookie_varies(response):
                failures.append(f"{where}: no Vary: Cookie")
    assert failures == []


def test_anonymous_responses(world: tuple[FastAPI, dict[Role, Account]]) -> None:
    app, _ = world
    client, _ = client_as(app, None)
    failures = []
    for path, action in get_routes(app):
        response = client.get(path, follow_redirects=False)
        where = f"public GET {path} -> {response.status_code}"
        if not cookie_varies(response):
            failures.append(f"{where}: no Vary: Cookie")
        per_user = action is not Action.PUBLIC_READ
        if per_user and response.headers.get("cache-control") != "no-store":
            failures.append(f"{where}: {action} response without no-store")
    assert failures == []
    # A public page read anonymously stays cacheable; a static file is left alone.
    assert "no-store" not in client.get("/providers.json").headers.get("cache-control", "")
    static = client.get("/static/init.js")
    assert static.status_code == 200
    assert (
        "cache-control" not in static.headers or "no-store" not in static.headers["cache-control"]
    )


def test_the_reported_twins_send_no_store(world: tuple[FastAPI, dict[Role, Account]]) -> None:
    app, accounts = world
    client, _ = client_as(app, accounts[Role.REGULATOR_ANALYST])
    for path in (
        "/watchlist.json",
        f"/providers/{OWN}/decisions.json",
        f"/providers/{OWN}/returns.json",
        "/interventions/caseload.json",
        "/interventions/caseload.csv",
        "/interventions/matrix.csv",
        "/evaluation/trajectories.json",
        "/backtest",
        "/providers",
        "/providers.json",
        f"/providers/{OWN}",
        f"/providers/{OWN}.json",
        "/systems.json",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path
        assert cookie_varies(response), path
