"""The regime and monitoring pages in Chromium: recording a decision through the form as a
decision-maker, the watch list refused to a trust user, and axe on every new page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from access_fixtures import FOREIGN, OWN
from browser_support import LiveServer, axe_violations, describe, sign_in
from specialmeasures.access import Role

pytestmark = pytest.mark.browser


def test_decision_maker_records_a_decision_through_the_form(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, Role.REGULATOR_DECISION_MAKER)
    page.goto(f"{live_server.url}/providers/{FOREIGN}/decisions")
    page.get_by_role("button", name="Record decision").click()  # nothing filled in
    page.wait_for_selector(".nhsuk-error-summary")
    assert "Enter the rationale" in page.inner_text(".nhsuk-error-summary")
    assert describe(axe_violations(page)) == []
    page.get_by_label("Special measures for quality: recommend entry").check()
    page.get_by_label("Date it takes effect (YYYY-MM-DD)").fill("2016-05-20")
    page.get_by_label("Rationale").fill("CQC's letter of 20 May 2016 recommends special measures.")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_selector("#recorded")
    assert "recorded, with its audit entry" in page.inner_text("#recorded")
    assert "CQC's letter of 20 May 2016" in page.inner_text("#decisions-table")


def test_watch_list_is_refused_to_a_trust_user(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, Role.TRUST_USER)
    assert page.get_by_role("link", name="Watch list").count() == 0
    response = page.goto(f"{live_server.url}/watchlist")
    assert response is not None
    assert response.status == 403
    assert "CONFIDENTIAL" not in page.content()


@pytest.mark.parametrize(
    "path", ["/", "/systems", f"/providers/{OWN}/indicators", f"/providers/{FOREIGN}/indicators"]
)
def test_public_regime_pages_pass_axe(page: Page, live_server: LiveServer, path: str) -> None:
    page.goto(live_server.url + path)
    assert describe(axe_violations(page)) == []


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.REGULATOR_ANALYST, "/overview"),
        (Role.REGULATOR_ANALYST, "/watchlist"),
        (Role.REGULATOR_ANALYST, "/backtest"),
        (Role.REGULATOR_ANALYST, "/systems"),
        (Role.REGULATOR_DECISION_MAKER, f"/providers/{OWN}/decisions"),
    ],
)
def test_signed_in_regime_pages_pass_axe(
    page: Page, live_server: LiveServer, role: Role, path: str
) -> None:
    sign_in(page, live_server, role)
    page.goto(live_server.url + path)
    assert describe(axe_violations(page)) == []
