"""The web app under hostile use: parallel sign-ins, hammered usernames, session rotation,
passwords at the limits, floods of denials, forged Host headers and the security headers."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx2
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from access_fixtures import BASE_URL, FAST_HASHER, OWN, PASSWORD, TODAY, load_small_register
from specialmeasures.access import MAX_PASSWORD_LENGTH, Accounts, LoginThrottle, Role
from specialmeasures.bootstrap import Platform, bootstrap
from specialmeasures.cli.main import cli
from specialmeasures.domain import InputError
from specialmeasures.settings import Settings
from specialmeasures.store import audit
from specialmeasures.store.versioned import data_version
from specialmeasures.web.app import create_app
from specialmeasures.web.middleware import NHSUK_BODY_SCRIPT, NHSUK_BODY_SCRIPT_HASH


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


class World:
    def __init__(self, platform: Platform, url: str, *, base_url: str | None = None) -> None:
        self.platform = platform
        self.url = url
        self.clock = Clock()
        self.book = Accounts(platform.repository, hasher=FAST_HASHER, now=self.clock)
        self.throttle = LoginThrottle()  # the app's defaults
        settings = Settings(database_url=url, base_url=base_url)
        object.__setattr__(platform, "settings", settings)
        self.app = create_app(
            platform,
            today=lambda: TODAY,
            now=self.clock,
            accounts=self.book,
            throttle=self.throttle,
        )

    def client(self, address: str = "10.0.0.1", base_url: str = BASE_URL) -> TestClient:
        client = TestClient(self.app, base_url=base_url, client=(address, 50000))
        client.raise_server_exceptions = False
        return client

    def audit_actions(self) -> list[str]:
        with self.platform.engine.connect() as conn:
            return [e.action for e in audit.entries(conn)]


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    """On SQLite and on PostgreSQL: the audit rows and sessions are written to either."""
    platform = bootstrap(Settings(database_url=database_url), upgrade=True)
    load_small_register(platform)
    made = World(platform, database_url)
    made.book.add("tina", Role.TRUST_USER, password=PASSWORD, providers=[OWN], actor="test")
    made.book.add("rex", Role.REGULATOR_ANALYST, password=PASSWORD, actor="test")
    try:
        yield made
    finally:
        platform.close()


def csrf_of(client: TestClient) -> str:
    page = client.get("/login").text
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> httpx2.Response:
    form = {"username": username, "password": password, "csrf_token": csrf_of(client)}
    return client.post("/login", data=form, follow_redirects=False)


# -- throttling ----------------------------------------------------------------------------------
def test_sixty_parallel_wrong_attempts_are_mostly_refused_with_429(world: World) -> None:
    # Each thread has its own client (own CSRF cookie), all from one address, one username.
    clients = [world.client("192.0.2.7") for _ in range(60)]
    tokens = [csrf_of(c) for c in clients]
    barrier = threading.Barrier(60)
    statuses: list[int] = []
    lock = threading.Lock()

    def attempt(client: TestClient, token: str) -> None:
        form = {"username": "tina", "password": "wrong password, guessed", "csrf_token": token}
        barrier.wait()
        status = client.post("/login", data=form, follow_redirects=False).status_code
        with lock:
            statuses.append(status)

    threads = [
        threading.Thread(target=attempt, args=ct) for ct in zip(clients, tokens, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(statuses)) == [401, 429]
    assert statuses.count(401) == world.throttle.per_account  # 5: the free failures only
    assert statuses.count(429) == 60 - world.throttle.per_account


def test_a_hammered_username_still_signs_in_from_home_at_once_and_elsewhere_after_a_delay(
    world: World,
) -> None:
    home, attacker, travelling = (
        world.client("10.0.0.1"),
        world.client("198.51.100.9"),
        world.client("10.9.9.9"),
    )
    assert sign_in(home, "tina").status_code == 303
    waits = []
    for _ in range(12):
        response = sign_in(attacker, "tina", "guess guess guess")
        if response.status_code == 429:
            waits.append(int(response.headers["retry-after"]))
            world.clock.at += timedelta(seconds=int(response.headers["retry-after"]))
    assert waits == sorted(waits)
    assert waits[0] < waits[-1]  # the delays grow
    assert all(w <= world.throttle.max_delay.total_seconds() for w in waits)
    if sign_in(attacker, "tina", "guess guess guess").status_code == 429:
        world.clock.at += world.throttle.max_delay
        assert sign_in(attacker, "tina", "guess guess guess").status_code == 401
    # Her own address is trusted: no wait at all, while the attacker is still held off.
    assert sign_in(home, "tina").status_code == 303
    assert sign_in(attacker, "tina", "guess guess guess").status_code == 429
    # A new address waits, but never more than the maximum delay.
    refused = sign_in(travelling, "tina")
    assert refused.status_code == 429
    wait = int(refused.headers["retry-after"])
    assert wait <= world.throttle.max_delay.total_seconds()
    assert "Try again in" in refused.text
    world.clock.at += timedelta(seconds=wait)
    assert sign_in(travelling, "tina").status_code == 303


def test_throttled_attempts_are_audited_once_a_minute_with_a_count(world: World) -> None:
    attacker = world.client("198.51.100.9")
    statuses = [sign_in(attacker, "tina", "guess guess guess").status_code for _ in range(40)]
    assert statuses.count(429) == 35
    actions = world.audit_actions()
    assert actions.count("login.throttled") == 1
    world.clock.at += timedelta(minutes=1)
    attacker.get("/providers")  # any request after the minute writes its counts
    with world.platform.engine.connect() as conn:
        repeated = [e for e in audit.entries(conn) if e.action == "login.throttled.repeated"]
    assert [e.payload["count"] for e in repeated] == [34]


# -- sessions ------------------------------------------------------------------------------------
def test_signing_in_again_ends_the_first_session_and_mints_a_fresh_token(world: World) -> None:
    client = world.client()
    assert sign_in(client, "rex").status_code == 303
    first = client.cookies.get("sm_session")
    assert sign_in(client, "tina").status_code == 303
    second = client.cookies.get("sm_session")
    assert first
    assert second
    assert first != second
    assert client.get("/account.json").json()["username"] == "tina"
    stale = world.client()
    stale.cookies.set("sm_session", first)
    assert stale.get("/account.json").status_code == 401  # rex's session is gone
    assert sign_in(client, "tina").status_code == 303
    third = client.cookies.get("sm_session")
    assert third not in (None, second)
    stale.cookies.set("sm_session", second or "")
    assert stale.get("/account.json").status_code == 401


# -- passwords -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "password", [" " * 12, "\t" * 20, "1qaz2wsx3edc", "x" * (MAX_PASSWORD_LENGTH + 1)]
)
def test_weak_or_overlong_passwords_cannot_be_set(world: World, password: str) -> None:
    before = world.audit_actions()
    with pytest.raises(InputError):
        world.book.set_password("rex", password, actor="test")
    with pytest.raises(InputError):
        world.book.add("newcomer", Role.REGULATOR_ANALYST, password=password, actor="test")
    assert world.audit_actions() == before


def test_a_password_of_the_maximum_length_set_by_the_cli_signs_in_on_the_web(
    world: World,
) -> None:
    longest = "CLI-set " + "p" * (MAX_PASSWORD_LENGTH - 9) + "!"
    assert len(longest) == MAX_PASSWORD_LENGTH
    env = {"SPECIALMEASURES_DATABASE_URL": world.url}
    runner = CliRunner()
    done = runner.invoke(cli, ["users", "set-password", "rex", "--password", longest], env=env)
    assert done.exit_code == 0, done.output
    too_long = runner.invoke(
        cli, ["users", "set-password", "rex", "--password", longest + "x"], env=env
    )
    assert too_long.exit_code == 2
    assert "at most 1,024 characters" in too_long.output
    client = world.client()
    assert sign_in(client, "rex", longest + "x").status_code == 401  # never truncated
    assert sign_in(client, "rex", longest).status_code == 303


# -- denials -------------------------------------------------------------------------------------
def test_an_anonymous_flood_of_denials_writes_a_bounded_number_of_audit_rows(
    world: World,
) -> None:
    client = world.client("203.0.113.5")
    before = len(world.audit_actions())
    version = data_version(world.platform.repository)
    for i in range(300):
        path = "/watchlist.json" if i % 2 else f"/providers/ZZ{i}/decisions.json"
        assert client.get(path).status_code == 401
    written = world.audit_actions()[before:]
    assert written.count("access.denied") <= 10  # one per kind, at most ten kinds a client
    assert data_version(world.platform.repository) - version == len(written)
    world.clock.at += timedelta(minutes=1)
    client.get("/providers")
    with world.platform.engine.connect() as conn:
        rows = [e for e in audit.entries(conn) if e.action.startswith("access.denied")]
    total = sum(e.payload.get("count", 1) for e in rows)
    assert total == 300
    assert len(rows) <= 21


# -- links and headers ---------------------------------------------------------------------------
def test_the_next_link_never_comes_from_the_host_header(world: World) -> None:
    client = world.client(base_url="http://evil.example")
    page = client.get("/providers.json", params={"per_page": 1}).json()["page"]
    assert page["next"] == "/providers.json?per_page=1&page=2"


def test_the_next_link_uses_the_configured_base_url(sqlite_url: str) -> None:
    platform = bootstrap(Settings(database_url=sqlite_url), upgrade=True)
    try:
        load_small_register(platform)
        world = World(platform, sqlite_url, base_url="https://sm.example.org/app")
        client = world.client(base_url="http://evil.example")
        response = client.get("/providers.json", params={"per_page": 1})
        assert response.json()["page"]["next"] == (
            "https://sm.example.org/app/providers.json?per_page=1&page=2"
        )
        assert response.headers["strict-transport-security"] == "max-age=31536000"
    finally:
        platform.close()


def test_security_headers_on_pages_json_errors_and_static_files(world: World) -> None:
    client = world.client()
    for path in ("/providers", "/providers.json", "/no/such/page", "/static/init.js"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
        assert script_src.strip() == f"script-src 'self' '{NHSUK_BODY_SCRIPT_HASH}'"
        assert "unsafe-inline" not in script_src
        assert "object-src 'none'" in csp
        assert "camera=()" in headers["permissions-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert "strict-transport-security" not in headers  # plain http, no https base URL
    secure = world.client(base_url="https://sm.example.org")
    assert secure.get("/providers").headers["strict-transport-security"] == "max-age=31536000"


def test_the_only_inline_script_of_every_page_is_the_hashed_nhs_one(world: World) -> None:
    client = world.client()
    sign_in(client, "rex")
    for path in ("/providers", f"/providers/{OWN}", "/login", "/account", "/no/such/page"):
        html = client.get(path).text
        inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S)
        assert inline == [NHSUK_BODY_SCRIPT], path
        assert re.findall(r"<[^>]+\son[a-z]+=", html) == [], path  # no event handlers


def test_a_bad_base_url_setting_is_refused_naming_the_variable() -> None:
    for bad in ("sm.example.org", "https://sm.example.org/?x=1", "javascript:alert(1)"):
        with pytest.raises(InputError, match="SPECIALMEASURES_BASE_URL"):
            Settings.from_env({"SPECIALMEASURES_BASE_URL": bad})
    assert Settings.from_env({"SPECIALMEASURES_BASE_URL": "https://a.example/"}).base_url == (
        "https://a.example"
    )
