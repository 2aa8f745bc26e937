"""Layout that only a browser can check honestly, at a 1280 px desktop viewport: the provider
page's inspection history fits without sideways scrolling and shows the overall rating; the
overview chart's end labels neither overlap nor fall outside the picture."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from access_fixtures import FOREIGN
from browser_support import LiveServer, axe_violations, describe, sign_in
from specialmeasures.access import Role

pytestmark = pytest.mark.browser

WIDTH = 1280


@pytest.fixture
def desktop(browser: Browser) -> Any:
    context = browser.new_context(viewport={"width": WIDTH, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_inspection_history_fits_at_1280_with_overall_visible(
    desktop: Page, live_server: LiveServer
) -> None:
    desktop.goto(f"{live_server.url}/providers/{FOREIGN}")
    table = desktop.locator("#inspections")
    # Neither the page nor any box around the table scrolls sideways.
    assert desktop.evaluate("document.documentElement.scrollWidth") <= WIDTH
    widths = desktop.evaluate(
        """() => { const out = []; let e = document.querySelector('#inspections');
           while (e && e !== document.body) { out.push([e.scrollWidth, e.clientWidth,
             getComputedStyle(e).overflowX]); e = e.parentElement; } return out; }"""
    )
    scrolling = [w for w in widths if w[2] in ("auto", "scroll") and w[0] > w[1]]
    assert scrolling == []
    headers = table.locator("thead th")
    assert headers.nth(2).inner_text().strip() == "Overall"
    overall = headers.nth(2).bounding_box()
    assert overall is not None
    assert overall["x"] >= 0
    assert overall["x"] + overall["width"] <= WIDTH
    # Every overall rating cell is on screen horizontally and says a rating.
    for i in range(table.locator("tbody tr").count()):
        cell = table.locator("tbody tr").nth(i).locator("td").nth(2)
        box = cell.bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= WIDTH
        assert cell.locator(".sm-rating").count() == 1
    # Dates do not wrap mid-value: each date's box is one line tall.
    line = desktop.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('#inspections td')).lineHeight)"
    )
    for date_box in table.locator("tbody td .sm-nowrap").all():
        box = date_box.bounding_box()
        assert box is not None
        assert box["height"] <= line * 1.2
    assert describe(axe_violations(desktop)) == []


def test_inspection_history_stacks_on_a_phone(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        phone = context.new_page()
        phone.goto(f"{live_server.url}/providers/{FOREIGN}")
        box = phone.locator("#inspections").bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= 375 + 4  # NHS.UK tables overhang by 4 px by design
        first = phone.locator("#inspections tbody tr").first
        assert "Overall" in first.inner_text()
    finally:
        context.close()


def test_overview_end_labels_do_not_overlap(desktop: Page, live_server: LiveServer) -> None:
    sign_in(desktop, live_server, Role.REGULATOR_ANALYST)  # every regime, the CP list included
    for as_of in ("2016-06-01", "2025-12-01"):
        desktop.goto(f"{live_server.url}/overview?as_of={as_of}")
        svg = desktop.locator("svg.sm-chart").bounding_box()
        assert svg is not None
        labels = desktop.locator("svg.sm-chart text.sm-end-label")
        boxes = [b for b in (labels.nth(i).bounding_box() for i in range(labels.count())) if b]
        assert len(boxes) == labels.count() >= 2
        assert [(a, b) for a, b in combinations(boxes, 2) if _overlap(a, b)] == []
        for b in boxes:  # nothing clipped by the picture's edge
            assert b["y"] >= svg["y"]
            assert b["y"] + b["height"] <= svg["y"] + svg["height"] + 0.5
            assert b["x"] + b["width"] <= svg["x"] + svg["width"] + 0.5
