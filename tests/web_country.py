"""A small generated country with its demo interventions, an app over it and clients per role.

Used by the interventions and evaluation web tests: ``generate(7, end=2016-12-01)`` loaded with
``load_country``, the demo's interventions written through the services, and one account per
role whose scope is a trust with a Director, an OAG and monthly returns (``own``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from access_fixtures import BASE_URL, FAST_HASHER
from specialmeasures.access import Account, Accounts, Role
from specialmeasures.bootstrap import Platform, bootstrap
from specialmeasures.demo.country import generate
from specialmeasures.interventions.demo_load import load_interventions
from specialmeasures.settings import Settings
from specialmeasures.store.loader import load_country
from specialmeasures.store.tables import director_assignments, monthly_returns
from specialmeasures.web.app import create_app
from specialmeasures.web.gate import COOKIE_SESSION

try:  # FastAPI >= 0.16x keeps included routers lazily; older versions flatten them.
    from fastapi.routing import iter_route_contexts
except ImportError:  # pragma: no cover
    iter_route_contexts = None

TODAY = date(2016, 12, 1)
AT = datetime(2016, 12, 1, 9, tzinfo=UTC)


@dataclass
class World:
    platform: Platform
    app: FastAPI
    accounts: dict[Role, Account]
    own: str  # the scoped roles' trust: a Director, an OAG and returns
    foreign: str  # another trust in a regime


def build_world(folder: Path) -> World:
    platform = bootstrap(Settings(database_url=f"sqlite:///{folder / 'country.db'}"), upgrade=True)
    country = generate(7, end=TODAY)
    load_country(platform.repository, country, at=AT)
    load_interventions(platform.repository, country, at=AT)
    with platform.engine.connect() as conn:
        with_returns = (
            conn.execute(
                select(monthly_returns.c.provider_code)
                .group_by(monthly_returns.c.provider_code)
                .order_by(func.count().desc(), monthly_returns.c.provider_code)
            )
            .scalars()
            .all()
        )
        directed = set(conn.execute(select(director_assignments.c.provider_code)).scalars())
    own = next(c for c in with_returns if c in directed)
    foreign = sorted(directed - {own})[0]
    book = Accounts(platform.repository, hasher=FAST_HASHER)
    app = create_app(platform, today=lambda: TODAY, now=lambda: AT, accounts=book)
    accounts = {
        role: book.add(
            role.value.replace("_", "-"),
            role,
            password="correct horse battery staple",
            display_name=f"Test {role.label}",
            providers=[own] if role.scoped else [],
            actor="test",
        )
        for role in Role
        if role is not Role.PUBLIC
    }
    return World(platform, app, accounts, own, foreign)


def client_for(world: World, role: Role) -> TestClient:
    client = TestClient(world.app, base_url=BASE_URL)
    if role is not Role.PUBLIC:
        session = world.app.state.gate.sessions.start(world.accounts[role])
        client.cookies.set(COOKIE_SESSION, session.token)
    return client


def country_html_pages(world: World, skip: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Every HTML page of the app (GET routes but the JSON, CSV, SVG and PDF twins and ``skip``)
    with ``{code}`` as the scoped roles' trust, and the impact page with an estimate and costs
    by trust (pages a query opens)."""
    paths = []
    routes = iter_route_contexts(world.app.routes) if iter_route_contexts else world.app.routes
    for ctx in routes:
        original = getattr(ctx, "original_route", ctx)
        path = ctx.path
        if not isinstance(original, APIRoute) or "GET" not in (ctx.methods or set()):
            continue
        if path.endswith((".json", ".csv", ".svg", ".pdf")) or path in skip:
            continue
        paths.append(path.replace("{code}", world.own))
    # The impact page with an estimate (its tables carried 17-digit floats), and costs by trust.
    indicator = world.platform.repository.indicators()[0].id
    paths += [f"/evaluation/impact?indicator={indicator}", "/evaluation/costs?by=trust"]
    return sorted({p for p in paths if "{" not in p})
