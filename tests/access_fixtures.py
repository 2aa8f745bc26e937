"""Accounts for every role over the small register, and clients signed in as them.

The small register (factories.small_register): ZA1 was in SMQ (public), ZA3 is on the
confidential CP list from 2016-01-01. Scoped roles are given ZA3 as their own trust, so a trust
user's own trust is on the CP list and the tests can check that its status never reaches them.
"""

from __future__ import annotations

from datetime import date

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

import factories
from specialmeasures.access import Account, Accounts, Role
from specialmeasures.bootstrap import Platform
from specialmeasures.web.app import create_app
from specialmeasures.web.gate import COOKIE_SESSION

#: Cheap argon2 parameters for tests only (the app's default costs ~50 ms a hash).
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery staple"
OWN = "ZA3"
FOREIGN = "ZA1"
TODAY = date(2016, 6, 1)
#: The browser-like base URL: a loopback host, so cookies are not marked Secure (auto setting).
BASE_URL = "http://127.0.0.1"
CP_MARKERS = ("Challenged provider", '"cp"')


def load_small_register(platform: Platform) -> None:
    factories.load_small_register(platform.repository, meta=factories.SYNTHETIC_META)


def add_role_accounts(book: Accounts) -> dict[Role, Account]:
    """One account per role (not public), named after it; scoped roles own ``OWN``."""
    made: dict[Role, Account] = {}
    for role in Role:
        if role is Role.PUBLIC:
            continue
        made[role] = book.add(
            role.value.replace("_", "-"),
            role,
            password=PASSWORD,
            display_name=f"Test {role.label}",
            providers=[OWN] if role.scoped else [],
            actor="test",
        )
    return made


def make_app(platform: Platform) -> tuple[FastAPI, Accounts]:
    book = Accounts(platform.repository, hasher=FAST_HASHER)
    return create_app(platform, today=lambda: TODAY, accounts=book), book


def client_as(app: FastAPI, account: Account | None) -> tuple[TestClient, str]:
    """A client signed in as ``account`` (None: the public) and the CSRF token its forms carry.

    Signs in through the session store rather than the form (the sign-in tests drive the form).
    An anonymous client gets its CSRF cookie from the sign-in page, as a browser would.
    """
    client = TestClient(app, base_url=BASE_URL)
    if account is None:
        page = client.get("/login").text
        return client, page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    session = app.state.gate.sessions.start(account)
    client.cookies.set(COOKIE_SESSION, session.token)
    return client, session.csrf_token
