"""Support cases in Chromium: a decision-maker opens an RSP system case with three providers and
agreed exit criteria, records progress, is refused an early exit, exits; axe on both pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from browser_support import LiveServer, axe_violations, describe, sign_in
from specialmeasures.access import Role

pytestmark = pytest.mark.browser


def test_rsp_system_case_opened_progressed_and_exited(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, Role.REGULATOR_DECISION_MAKER)
    page.goto(f"{live_server.url}/support")
    assert describe(axe_violations(page)) == []
    page.get_by_label("Case name").fill("Browser system")
    page.get_by_label("Provider codes (separated by spaces or commas)").fill("ZA1 ZA2 ZA3")
    page.get_by_label("ICB (a system case)").fill("Test ICB (synthetic)")
    page.get_by_label("System Improvement Director (a system case)").fill("Grace Hopper")
    page.locator("#criteria").fill("ZA1: well-led Good\nZA2: plan delivered\nsystem: plan agreed")
    page.get_by_label("Entry date (YYYY-MM-DD)").fill("2025-05-01")
    page.locator("#rationale").fill("Serious, complex issues across the system.")
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_selector("#case-criteria")
    assert "Grace Hopper" in page.content()
    assert describe(axe_violations(page)) == []
    page.get_by_label("Exit date (YYYY-MM-DD)").fill("2025-09-01")
    page.locator("#exit-rationale").fill("Trying early.")
    page.get_by_role("button", name="Exit the case").click()
    page.wait_for_selector(".nhsuk-error-summary")
    assert "Exit refused" in page.inner_text(".nhsuk-error-summary")
    for index in range(3):
        page.locator("#criterion").select_option(index=index)
        page.locator("#status").select_option("met")
        page.get_by_label("Evidence (required to mark it met)").fill("CQC report")
        page.get_by_label("Date (YYYY-MM-DD)", exact=True).fill("2025-08-01")
        page.locator("#criterion-rationale").fill("Seen the report.")
        page.get_by_role("button", name="Record progress").click()
        page.wait_for_selector("#case-criteria")
    assert "exit recommended" in page.inner_text("#recommendation")
    page.get_by_label("Exit date (YYYY-MM-DD)").fill("2025-09-01")
    page.locator("#exit-rationale").fill("Every agreed criterion met.")
    page.get_by_role("button", name="Exit the case").click()
    page.wait_for_selector("#case-status")
    assert "exited" in page.inner_text("#case-status")
