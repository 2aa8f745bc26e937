"""Signing in and out through the forms: cookies, CSRF, throttling, disabled accounts, audit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx2
import pytest
from fastapi.testclient import TestClient

from access_fixtures import (
    BASE_URL,
    FAST_HASHER,
    OWN,
    PASSWORD,
    TODAY,
    load_small_register,
)
from specialmeasures.access import Accounts, LoginThrottle, Role
from specialmeasures.bootstrap import Platform, bootstrap
from specialmeasures.settings import Settings
from specialmeasures.store import audit
from specialmeasures.web.app import create_app


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


Setup = tuple[TestClient, Platform, Accounts, "Clock"]


@pytest.fixture
def setup(sqlite_url: str) -> Iterator[Setup]:
    platform = bootstrap(Settings(database_url=sqlite_url), upgrade=True)
    load_small_register(platform)
    clock = Clock()
    book = Accounts(platform.repository, hasher=FAST_HASHER, now=clock)
    book.add("tina", Role.TRUST_USER, password=PASSWORD, providers=[OWN], actor="test")
    book.add("rex", Role.REGULATOR_ANALYST, password=PASSWORD, actor="test")
    app = create_app(
        platform,
        today=lambda: TODAY,
        now=clock,
        accounts=book,
        throttle=LoginThrottle(per_account=3, per_address=5, window=timedelta(minutes=15)),
    )
    try:
        yield TestClient(app, base_url=BASE_URL), platform, book, clock
    finally:
        platform.close()


def csrf_of(client: TestClient, path: str = "/login") -> str:
    return client.get(path).text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def sign_in(
    client: TestClient, username: str, password: str = PASSWORD, **extra: str
) -> httpx2.Response:
    token = csrf_of(client)
    form = {"username": username, "password": password, "csrf_token": token, **extra}
    return client.post("/login", data=form, follow_redirects=False)


def test_sign_in_sets_a_hardened_session_cookie_and_shows_who_is_signed_in(setup: Setup) -> None:
    client, platform, _, _ = setup
    response = sign_in(client, "tina", next="/providers/ZA3")
    assert response.status_code == 303
    assert response.headers["location"] == "/providers/ZA3"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("sm_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # loopback host, automatic setting
    page = client.get("/providers/ZA3").text
    assert "tina" in page
    assert "Sign out" in page
    assert "Challenged provider" not in page  # a trust user never sees the CP list
    assert client.get("/account.json").json()["providers"] == [OWN]
    with platform.engine.connect() as conn:
        assert [e.action for e in audit.entries(conn, entity="session")] == ["login.success"]


def test_cookies_are_secure_away_from_loopback(setup: Setup) -> None:
    client, *_ = setup
    remote = TestClient(client.app, base_url="http://sm.example.org")
    response = remote.get("/login")
    assert "Secure" in response.headers["set-cookie"]


def test_next_cannot_leave_the_site(setup: Setup) -> None:
    client, *_ = setup
    for target in ("https://evil.example", "//evil.example", "/\\evil.example"):
        response = sign_in(client, "rex", next=target)
        assert response.headers["location"] == "/overview"  # his own start page instead


def test_a_form_without_the_csrf_token_is_refused_and_audited(setup: Setup) -> None:
    client, platform, _, _ = setup
    csrf_of(client)  # has the CSRF cookie, but does not send the token
    response = client.post("/login", data={"username": "rex", "password": PASSWORD})
    assert response.status_code == 403
    assert sign_in(client, "rex").status_code == 303
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert client.get("/account.json").status_code == 200  # still signed in
    with platform.engine.connect() as conn:
        reasons = [
            e.payload.get("reason") for e in audit.entries(conn) if e.action == "access.denied"
        ]
    assert reasons == ["missing or wrong CSRF token"] * 2


def test_sign_out_ends_the_session(setup: Setup) -> None:
    client, *_ = setup
    sign_in(client, "rex")
    token = client.cookies.get("sm_session")
    response = client.post("/logout", data={"csrf_token": csrf_of(client, "/account")})
    assert response.status_code == 200  # followed to /providers
    assert client.get("/account.json").status_code == 401
    client.cookies.set("sm_session", token or "")
    assert client.get("/account.json").status_code == 401  # the old token is dead server-side


def test_wrong_password_then_throttled_per_account(setup: Setup) -> None:
    client, platform, _, clock = setup
    for _ in range(3):
        response = sign_in(client, "tina", "not the password")
        assert response.status_code == 401
        assert "The username or password is not right" in response.text
    throttled = sign_in(client, "tina")  # right password, but locked for now
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0
    assert sign_in(client, "rex").status_code == 303  # another account is not locked
    clock.at += timedelta(minutes=16)
    assert sign_in(client, "tina").status_code == 303
    with platform.engine.connect() as conn:
        actions = [e.action for e in audit.entries(conn, entity="session")]
    assert actions.count("login.failure") == 3
    assert "login.throttled" in actions


def test_throttled_per_client_address(setup: Setup) -> None:
    client, *_ = setup
    for name in ("a1", "a2", "a3", "a4", "a5"):
        assert sign_in(client, name, "whatever-password").status_code == 401
    assert sign_in(client, "rex").status_code == 429


def test_disabled_accounts_and_expired_sessions_are_signed_out(setup: Setup) -> None:
    client, _, book, clock = setup
    sign_in(client, "rex")
    assert client.get("/account.json").status_code == 200
    clock.at += timedelta(hours=8, seconds=1)
    assert client.get("/account.json").status_code == 401
    sign_in(client, "rex")
    book.set_active("rex", False, actor="test")
    assert client.get("/account.json").status_code == 401
    assert sign_in(client, "rex").status_code == 401


def test_anonymous_pages_redirect_to_sign_in_and_json_says_401(setup: Setup) -> None:
    client, *_ = setup
    page = client.get("/admin/users", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Fadmin%2Fusers"
    body = client.get("/admin/users.json").json()
    assert body == {
        "error": {"status": 401, "code": "unauthenticated", "message": "sign in to see this page"}
    }


START_PAGES = {
    Role.TRUST_USER: f"/providers/{OWN}",
    Role.OAG_MEMBER: f"/providers/{OWN}",
    Role.IMPROVEMENT_DIRECTOR: "/interventions/caseload",
    Role.REGULATOR_ANALYST: "/overview",
    Role.REGULATOR_DECISION_MAKER: "/overview",
    Role.ADMINISTRATOR: "/admin/users",
    Role.RESEARCHER: "/evaluation/trajectories",
}


def test_each_role_lands_on_its_own_start_page_unless_next_says_otherwise(setup: Setup) -> None:
    client, _, book, _ = setup
    assert set(START_PAGES) == {r for r in Role if r is not Role.PUBLIC}  # a new role is listed
    for role, start in START_PAGES.items():
        name = f"start-{role.value.replace('_', '-')}"
        book.add(name, role, password=PASSWORD, providers=[OWN] if role.scoped else [],
                 actor="test")  # fmt: skip
        landed = sign_in(client, name)
        assert landed.status_code == 303, role
        assert landed.headers["location"] == start, role
        assert client.get(start).status_code == 200, role  # the start page is the role's own
        asked = sign_in(client, name, next="/providers/ZA1")
        assert asked.headers["location"] == "/providers/ZA1", role


def test_account_json_gives_a_json_client_its_own_csrf_token(setup: Setup) -> None:
    client, *_ = setup
    assert client.get("/account.json").status_code == 401  # nobody's token for the public
    assert sign_in(client, "tina").status_code == 303
    answer = client.get("/account.json")
    token = answer.json()["csrf_token"]
    assert len(token) >= 20
    assert "no-store" in answer.headers["cache-control"]
    other = TestClient(client.app, base_url=BASE_URL)
    assert sign_in(other, "rex").status_code == 303
    assert other.get("/account.json").json()["csrf_token"] != token  # each session its own
    # Rex's token does not work for tina, hers does: a JSON write with the header alone.
    wrong = client.post("/logout", headers={"X-CSRF-Token": other.get("/account.json").json()[
        "csrf_token"]}, follow_redirects=False)  # fmt: skip
    assert wrong.status_code == 403
    done = client.post("/logout", headers={"X-CSRF-Token": token}, follow_redirects=False)
    assert done.status_code == 303
    assert client.get("/account.json").status_code == 401
