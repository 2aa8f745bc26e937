"""A live server (Uvicorn on a free loopback port, in a background thread) and Debian's Chromium.

The browser is the system ``chromium`` that ``.ci/run`` installs with apt, driven by the
``playwright`` Python package through ``executable_path``; ``playwright install`` is never run.
Without /usr/bin/chromium these tests fail (they are not skipped): install it with
``apt-get install chromium``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from access_fixtures import add_role_accounts, load_small_register, make_app
from browser_support import LiveServer
from specialmeasures.bootstrap import bootstrap
from specialmeasures.settings import Settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with serve_small_register(tmp_path_factory.mktemp("browser") / "browser.db") as server:
        yield server


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live server with a database of its own, for a module whose tests write."""
    with serve_small_register(tmp_path_factory.mktemp("browser-own") / "own.db") as server:
        yield server


@contextmanager
def serve_small_register(database: Path) -> Iterator[LiveServer]:
    """The small register with an account per role, served on a free loopback port (a module
    whose tests write can have its own database and leave the shared server's unchanged)."""
    url = f"sqlite:///{database}"
    platform = bootstrap(Settings(database_url=url), upgrade=True)
    load_small_register(platform)
    app, book = make_app(platform)
    accounts = add_role_accounts(book)
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-browser-tests", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"Uvicorn did not start on 127.0.0.1:{port}")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", accounts)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        platform.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: apt-get install chromium (.ci/run does)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()
