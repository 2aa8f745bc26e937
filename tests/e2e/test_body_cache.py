"""The rendered-body cache of the regulator pages (web/body_cache.py): what it may and may not do.

A repeated request is answered from the stored body, byte for byte what the page would have been;
but never across roles or scopes, never after the account is disabled or signed out, never after
a change to the data, and every answer still writes the audit rows the page writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from access_fixtures import (
    CP_MARKERS,
    OWN,
    TODAY,
    add_role_accounts,
    client_as,
    load_small_register,
    make_app,
)
from specialmeasures.access import Account, Accounts, Role
from specialmeasures.bootstrap import Platform, bootstrap
from specialmeasures.domain import Regime
from specialmeasures.regime import record_decision
from specialmeasures.settings import Settings
from specialmeasures.store import audit
from specialmeasures.store.tables import audit_log
from specialmeasures.web.app import create_app
from specialmeasures.web.body_cache import BodyCache

REGULATOR_PAGES = (
    "/watchlist",
    "/watchlist.json",
    "/overview",
    "/overview.json",
    "/backtest",
    "/backtest.json",
    f"/providers/{OWN}/decisions",
    f"/providers/{OWN}/decisions.json",
    "/evaluation/balancing",
    "/evaluation/balancing.json",
    "/providers.json",
)


@dataclass
class World:
    platform: Platform
    app: FastAPI
    plain: FastAPI  #: the same database served without the body cache
    book: Accounts
    accounts: dict[Role, Account]


@pytest.fixture
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    url = f"sqlite:///{tmp_path_factory.mktemp('bodies') / 'bodies.db'}"
    platform = bootstrap(Settings(database_url=url), upgrade=True)
    load_small_register(platform)
    app, book = make_app(platform)
    plain = create_app(platform, today=lambda: TODAY, accounts=book)
    plain.state.gate.bodies = None
    try:
        yield World(platform, app, plain, book, add_role_accounts(book))
    finally:
        platform.close()


def _cache(app: FastAPI) -> BodyCache:
    bodies = app.state.gate.bodies
    assert isinstance(bodies, BodyCache)
    return bodies


def _reads(platform: Platform) -> list[tuple[str, str, str, str]]:
    """The audit log's read rows: actor, action, entity, key (in order)."""
    with platform.repository.engine.connect() as conn:
        return [
            (e.actor, e.action, e.entity, e.entity_key)
            for e in audit.entries(conn)
            if e.action.startswith("read.")
        ]


def test_a_repeated_request_is_the_page_byte_for_byte(world: World) -> None:
    account = world.accounts[Role.REGULATOR_DECISION_MAKER]
    client, _ = client_as(world.app, account)
    session = client.cookies.get("sm_session")
    plain, _ = client_as(world.plain, None)
    plain.cookies.set("sm_session", str(session))
    cache = _cache(world.app)
    for path in REGULATOR_PAGES:
        first = client.get(path)
        assert first.status_code == 200, path
        hits = cache.hits
        again = client.get(path)
        assert cache.hits == hits + 1, path  # answered from the cache
        built = plain.get(path)  # the same request, the page built
        assert again.content == first.content == built.content, path
        assert again.headers["content-type"] == built.headers["content-type"]
        assert again.headers["cache-control"] == "no-store"
        assert int(again.headers["content-length"]) == len(again.content)
    page = client.get("/watchlist").text
    assert cache.name_mark not in page
    assert cache.csrf_mark not in page


def test_each_reader_gets_their_own_name_and_token(world: World) -> None:
    first = world.accounts[Role.REGULATOR_ANALYST]
    second = world.book.add(
        "second-analyst",
        Role.REGULATOR_ANALYST,
        password="another long password here",
        display_name="Ann O'Neil & <Partners>",
        actor="test",
    )
    one, token_one = client_as(world.app, first)
    two, token_two = client_as(world.app, second)
    assert first.display_name in one.get("/watchlist").text
    hits = _cache(world.app).hits
    page = two.get("/watchlist").text  # the same key: answered from the analyst's body
    assert _cache(world.app).hits == hits + 1
    assert "Ann O&#39;Neil &amp; &lt;Partners&gt;" in page
    assert token_two in page
    assert token_one not in page
    assert first.display_name not in page
    plain, _ = client_as(world.plain, None)
    plain.cookies.set("sm_session", str(two.cookies.get("sm_session")))
    assert plain.get("/watchlist").text == page


def test_no_body_crosses_roles_or_scopes(world: World) -> None:
    """A regulator's overview (with the CP list) is stored first; a scoped role's answer is its
    own, without a CP marker, and each scope has its own entry."""
    regulator, _ = client_as(world.app, world.accounts[Role.REGULATOR_ANALYST])
    assert any(m in regulator.get("/overview.json").text for m in CP_MARKERS)
    assert any(m in regulator.get("/overview").text for m in CP_MARKERS)
    other_scope = world.book.add(
        "oag-elsewhere",
        Role.OAG_MEMBER,
        password="another long password here",
        display_name="Test OAG member elsewhere",
        providers=["ZA1"],
        actor="test",
    )
    cache = _cache(world.app)
    for account in (world.accounts[Role.OAG_MEMBER], other_scope, world.accounts[Role.RESEARCHER]):
        client, _ = client_as(world.app, account)
        stored, hits = cache.stored, cache.hits
        for path in ("/overview.json", "/overview"):
            text = client.get(path).text
            assert not any(m in text for m in CP_MARKERS), (account.username, path)
        assert (cache.stored, cache.hits) == (stored + 2, hits), account.username  # built anew
    anonymous, _ = client_as(world.app, None)
    assert not any(m in anonymous.get("/overview.json").text for m in CP_MARKERS)


def test_a_disabled_or_signed_out_reader_is_refused_at_once(world: World) -> None:
    account = world.accounts[Role.REGULATOR_ANALYST]
    client, _ = client_as(world.app, account)
    for _ in range(2):
        assert client.get("/watchlist.json").status_code == 200
    world.book.set_active(account.username, False, actor="test")
    assert client.get("/watchlist.json").status_code == 401
    assert client.get("/watchlist", follow_redirects=False).status_code == 303
    world.book.set_active(account.username, True, actor="test")
    again, _ = client_as(world.app, account)
    assert again.get("/watchlist.json").status_code == 200
    world.app.state.gate.sessions.end(again.cookies.get("sm_session"))
    assert again.get("/watchlist.json").status_code == 401


def test_a_change_to_the_data_changes_the_next_answer(world: World) -> None:
    client, _ = client_as(world.app, world.accounts[Role.REGULATOR_DECISION_MAKER])
    path = "/providers/ZA2/decisions.json"
    before = client.get(path).json()
    assert client.get(path).json() == before
    record_decision(
        world.platform.repository,
        provider_code="ZA2",
        regime=Regime.SMQ,
        transition="recommend_entry",
        actor="Dana Chair",
        role="Provider Regulation Committee",
        rationale="Recorded for the body cache test",
        on=date(2016, 5, 2),
        recorded_at=world.app.state.gate.now(),
    )
    after = client.get(path).json()
    assert after != before
    assert "Recorded for the body cache test" in client.get(path).text
    assert "Recorded for the body cache test" in client.get(path.removesuffix(".json")).text


def test_every_answer_writes_the_audit_rows_of_the_page(world: World) -> None:
    account = world.accounts[Role.REGULATOR_DECISION_MAKER]
    client, _ = client_as(world.app, account)
    for path in (f"/providers/{OWN}/decisions", "/overview.json", "/watchlist"):
        rows: list[list[tuple[str, str, str, str]]] = []
        for _ in range(3):
            seen = len(_reads(world.platform))
            assert client.get(path).status_code == 200
            rows.append(_reads(world.platform)[seen:])
        assert rows[0], path  # the page writes at least one read row
        assert rows[1] == rows[2] == rows[0], path  # each answer from the cache writes the same
    with world.platform.repository.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(audit_log)).scalar_one() > 0
        assert audit.verify(conn) == []
