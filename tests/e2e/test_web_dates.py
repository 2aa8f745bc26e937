"""Dates the app cannot answer for are refused with 400 in the one error shape, on every route.

Routes are enumerated from the app, so a new route with a date parameter is covered when it is
added. Both ends of the accepted window are asked too, and must not fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from access_fixtures import OWN, add_role_accounts, client_as, load_small_register, make_app
from specialmeasures.access import Role
from specialmeasures.bootstrap import bootstrap
from specialmeasures.settings import Settings
from specialmeasures.store import audit
from specialmeasures.web.dates import EARLIEST, LATEST, date_params

# The last is 1899-12-31 as Unix time, which FastAPI also reads as a date.
OUT_OF_RANGE = ("0001-01-01", "9999-12-31", "1899-12-31", "2100-01-01", "-2209075200")
PATH_VALUES = {"code": OWN, "name": "Testshire ICS", "indicator_id": "x"}


@dataclass(frozen=True)
class DateRoute:
    path: str
    param: str


def date_routes(app: FastAPI) -> list[DateRoute]:
    found = []
    for ctx in iter_route_contexts(app.routes):
        route = getattr(ctx, "original_route", ctx)
        if not isinstance(route, APIRoute) or "GET" not in (ctx.methods or set()):
            continue
        path = ctx.path
        for name, value in PATH_VALUES.items():
            path = path.replace("{" + name + "}", value)
        found.extend(DateRoute(path, name) for name in date_params(route))
    return found


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str, FastAPI]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('dates') / 'dates.db'}"
    platform = bootstrap(Settings(database_url=url), upgrade=True)
    load_small_register(platform)
    app, book = make_app(platform)
    accounts = add_role_accounts(book)
    signed_in, csrf = client_as(app, accounts[Role.REGULATOR_DECISION_MAKER])
    signed_in.raise_server_exceptions = False
    try:
        yield signed_in, csrf, app
    finally:
        platform.close()


def test_every_route_taking_a_date_is_found(client: tuple[TestClient, str, FastAPI]) -> None:
    routes = date_routes(client[2])
    paths = {r.path for r in routes}
    assert {"/providers", "/providers.json", f"/providers/{OWN}", "/backtest.json"} <= paths
    assert {r.param for r in routes} == {"as_of", "from", "to"}
    assert len(routes) >= 40


def test_out_of_range_dates_are_400_in_the_error_shape_on_every_route(
    client: tuple[TestClient, str, FastAPI],
) -> None:
    http, _, app = client
    wrong = []
    for route in date_routes(app):
        for value in OUT_OF_RANGE:
            response = http.get(route.path, params={route.param: value})
            if response.status_code == 403:
                continue  # not this role's route (the audit log: its own test checks dates)
            if route.path.endswith(".json"):
                error = response.json().get("error", {}) if response.status_code == 400 else {}
                ok = error.get("code") == "bad_request" and route.param in error.get("message", "")
            else:
                ok = response.status_code == 400 and "outside the dates" in response.text
                ok = ok and response.headers["content-type"].startswith("text/html")
            if not ok:
                wrong.append(f"{route.path}?{route.param}={value}: {response.status_code}")
    assert wrong == []


def test_both_ends_of_the_window_are_answered_without_a_server_error(
    client: tuple[TestClient, str, FastAPI],
) -> None:
    http, _, app = client
    failed = []
    for route in date_routes(app):
        for day in (EARLIEST, LATEST):
            response = http.get(route.path, params={route.param: day.isoformat()})
            if response.status_code >= 500:
                failed.append(f"{route.path}?{route.param}={day}: {response.status_code}")
    assert failed == []


@pytest.mark.parametrize(
    "params", [{"first": "0001-01"}, {"last": "9999-12"}, {"first": "2016-13"}]
)
def test_caseload_months_out_of_range_or_impossible_are_400(
    client: tuple[TestClient, str, FastAPI], params: dict[str, str]
) -> None:
    http, _, _ = client
    response = http.get("/interventions/caseload.json", params=params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("on", ["0001-01-01", "9999-12-31"])
def test_a_decision_dated_out_of_range_is_refused_and_nothing_is_written(
    client: tuple[TestClient, str, FastAPI], on: str
) -> None:
    http, csrf, app = client
    with app.state.platform.engine.connect() as conn:
        before = len(audit.entries(conn))
    form = {
        "decision": "smq:place_without_recommendation",
        "on": on,
        "verdict": "override",
        "rationale": "a test of the date window",
        "csrf_token": csrf,
    }
    response = http.post(f"/providers/{OWN}/decisions", data=form)
    assert response.status_code == 400
    assert "from 1900-01-01 to 2099-12-31" in response.text
    with app.state.platform.engine.connect() as conn:
        written = [e.action for e in audit.entries(conn)[before:]]
    assert [a for a in written if not a.startswith("read.")] == []  # only the page's reads


@pytest.mark.parametrize("period", ["0001-01", "9999-12"])
def test_a_monthly_return_for_a_month_out_of_range_is_refused(
    client: tuple[TestClient, str, FastAPI], period: str
) -> None:
    _, _, app = client
    trust_user = app.state.gate.accounts.get("trust-user")
    http, csrf = client_as(app, trust_user)
    form = {"period": period, "csrf_token": csrf}
    response = http.post(f"/providers/{OWN}/returns", data=form, follow_redirects=False)
    assert response.status_code == 400
    assert "outside the dates this service answers for" in response.text


def test_a_backtest_longer_than_twenty_years_is_refused(
    client: tuple[TestClient, str, FastAPI],
) -> None:
    http, _, _ = client
    response = http.get("/backtest.json", params={"from": "1990-01-01", "to": "2019-09-01"})
    assert response.status_code == 400
    assert "more than 20 years" in response.json()["error"]["message"]
    within = http.get("/backtest.json", params={"from": "2000-01-01", "to": "2019-12-01"})
    assert within.status_code == 200
