"""The interventions and evaluation pages in Chromium: they work by links and forms alone, and
axe-core finds no serious or critical WCAG 2.2 A/AA violations on them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from access_fixtures import OWN
from browser_support import LiveServer, serious_violations, sign_in
from specialmeasures.access import Role

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.TRUST_USER, f"/providers/{OWN}/interventions"),
        (Role.REGULATOR_ANALYST, f"/providers/{OWN}/interventions"),
        (Role.TRUST_USER, f"/providers/{OWN}/returns"),
        (Role.REGULATOR_ANALYST, "/interventions/caseload"),
        (Role.REGULATOR_ANALYST, "/interventions/matrix"),
        (Role.REGULATOR_ANALYST, "/evaluation/trajectories"),
        (Role.REGULATOR_ANALYST, "/evaluation/sample"),
        (Role.REGULATOR_ANALYST, "/evaluation/impact"),
        (Role.REGULATOR_ANALYST, "/evaluation/sustainability"),
        (Role.REGULATOR_ANALYST, "/evaluation/balancing"),
        (Role.REGULATOR_ANALYST, "/evaluation/costs"),
        (Role.REGULATOR_ANALYST, "/evaluation/evidence"),
        (Role.TRUST_USER, "/evaluation/evidence"),
    ],
)
def test_pages_have_no_serious_violations(
    page: Page, live_server: LiveServer, role: Role, path: str
) -> None:
    sign_in(page, live_server, role)
    page.goto(live_server.url + path)
    assert page.locator("h1").count() == 1
    assert serious_violations(page) == []


def test_trust_user_follows_the_provider_page_to_its_interventions(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, Role.TRUST_USER)
    page.goto(f"{live_server.url}/providers/{OWN}")
    page.get_by_role("link", name="Interventions:").click()
    page.wait_for_url(f"{live_server.url}/providers/{OWN}/interventions")
    assert page.get_by_role("heading", name="Improvement Director", exact=True).is_visible()
    assert "Challenged provider" not in page.content()


def test_trajectory_figure_for_chosen_trusts_without_javascript(
    browser: Browser, live_server: LiveServer
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, live_server, Role.REGULATOR_ANALYST)
        page.goto(f"{live_server.url}/evaluation/trajectories")
        page.get_by_label("Trusts in the figure").fill(f"{OWN},ZA1")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**/evaluation/trajectories?*codes=*")
        figure = page.locator("svg.sm-trajectory")
        assert figure.is_visible()
        assert figure.get_attribute("role") == "img"
        assert page.locator("#figure-table tbody tr").count() > 0
    finally:
        context.close()
