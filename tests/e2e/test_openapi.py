"""The OpenAPI document: committed copy up to date, and Schemathesis finds no server error.

Regenerate the committed copy with ``specialmeasures openapi --output docs/openapi.json``.
Schemathesis generates a few requests per operation (driven directly through Hypothesis) from the document (kept small so the suite
stays fast) and calls the app in process, as the public and as a regulator.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from access_fixtures import add_role_accounts, load_small_register, make_app
from specialmeasures.access import Role
from specialmeasures.bootstrap import bootstrap
from specialmeasures.settings import Settings
from specialmeasures.web.gate import COOKIE_SESSION
from specialmeasures.web.openapi import openapi_document

DOC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_committed_openapi_document_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == openapi_document(), (
        "docs/openapi.json is out of date: run "
        "'specialmeasures openapi --output docs/openapi.json' and commit it"
    )


def test_every_json_route_is_in_the_document() -> None:
    paths = json.loads(DOC.read_text(encoding="utf-8"))["paths"]
    assert set(paths) >= {"/providers.json", "/providers/{code}.json", "/account.json"}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'api.db'}"
    platform = bootstrap(Settings(database_url=url), upgrade=True)
    load_small_register(platform)
    app, book = make_app(platform)
    accounts = add_role_accounts(book)
    token = app.state.gate.sessions.start(accounts[Role.REGULATOR_ANALYST]).token
    try:
        yield app, token
    finally:
        platform.close()


def exercise(app: FastAPI, cookies: dict[str, str] | None) -> int:
    """Call every operation with a few generated requests; return how many operations ran."""
    api_schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    count = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=6,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def call(case: Any) -> None:
            case.call_and_validate(cookies=cookies, checks=[not_a_server_error])

        call()
        count += 1
    return count


def test_no_server_errors_for_the_public(api: tuple[FastAPI, str]) -> None:
    app, _ = api
    assert exercise(app, None) >= 3


def test_no_server_errors_for_a_regulator(api: tuple[FastAPI, str]) -> None:
    app, token = api
    assert exercise(app, {COOKIE_SESSION: token}) >= 3
