"""Pages of a whole synthetic country in Chromium at 1280 px (web_country: ``generate(7)``, more
than a hundred trusts): the trajectories page is one bounded page of 20 trusts with a key to its
regime bars, and its next page is one link away."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page

from browser_support import LiveServer, axe_violations, describe, sign_in
from specialmeasures.access import Role
from web_country import World, build_world

pytestmark = pytest.mark.browser

WIDTH = 1280
#: The trajectories page was ~39,000 px tall with every trust on it; one page of 20 trusts,
#: the figure and the forms fit well within this.
MAX_HEIGHT = 8000


@pytest.fixture(scope="module")
def country(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, World]]:
    folder: Path = tmp_path_factory.mktemp("country-browser")
    world = build_world(folder)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = uvicorn.Config(
        world.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-country", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"Uvicorn did not start on 127.0.0.1:{port}")
        time.sleep(0.05)
    try:
        yield (
            LiveServer(f"http://127.0.0.1:{port}", world.accounts, "correct horse battery staple"),
            world,
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        world.platform.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": WIDTH, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def test_trajectories_is_one_bounded_page_with_a_key(
    desktop: Page, country: tuple[LiveServer, World]
) -> None:
    server, _ = country
    sign_in(desktop, server, Role.REGULATOR_ANALYST)
    desktop.goto(f"{server.url}/evaluation/trajectories")
    assert desktop.locator("#trajectories-table tbody tr").count() == 20
    assert desktop.evaluate("document.documentElement.scrollHeight") <= MAX_HEIGHT
    assert desktop.evaluate("document.documentElement.scrollWidth") <= WIDTH
    key = desktop.locator("svg.sm-trajectory g.sm-legend")
    assert key.count() == 1
    key_text = key.inner_html()
    bars = {
        t.strip()
        for t in desktop.locator("svg.sm-trajectory rect title").all_text_contents()
        if "Special measures for quality" in t or "Challenged provider" in t
    }
    assert bars  # the default figure draws regime bars ...
    for regime in ("Special measures for quality", "Challenged provider"):
        if any(regime in b for b in bars):
            assert regime in key_text  # ... and the key names each of them
    box = key.bounding_box()
    svg = desktop.locator("svg.sm-trajectory").bounding_box()
    assert box is not None
    assert svg is not None
    assert box["y"] + box["height"] <= svg["y"] + svg["height"] + 0.5  # not clipped
    first = desktop.locator("#trajectories-table tbody tr").first.inner_text()
    desktop.get_by_role("link", name="Next").click()
    desktop.wait_for_url("**page=2**")
    assert desktop.locator("#trajectories-table tbody tr").count() >= 1
    assert desktop.locator("#trajectories-table tbody tr").first.inner_text() != first
    assert describe(axe_violations(desktop)) == []
