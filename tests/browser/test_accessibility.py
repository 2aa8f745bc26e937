"""axe-core in Chromium: no serious or critical WCAG 2.2 A/AA violations on the main pages."""

from __future__ import annotations

import hashlib

import pytest
from playwright.sync_api import Page

from access_fixtures import FOREIGN, OWN
from browser_support import AXE, LiveServer, axe_violations, describe, sign_in
from specialmeasures.access import Role

pytestmark = pytest.mark.browser

AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"


def test_vendored_axe_is_the_recorded_release() -> None:
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256


PUBLIC_PAGES = [
    "/providers",
    f"/providers/{FOREIGN}",
    f"/providers/{OWN}",
    "/login",
    "/providers/NOPE",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages(page: Page, live_server: LiveServer, path: str) -> None:
    page.goto(live_server.url + path)
    assert describe(axe_violations(page)) == []


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.REGULATOR_ANALYST, "/providers"),
        (Role.REGULATOR_ANALYST, f"/providers/{OWN}"),
        (Role.TRUST_USER, "/account"),
        (Role.ADMINISTRATOR, "/admin/users"),
        (Role.REGULATOR_DECISION_MAKER, f"/providers/{OWN}/oag"),
        (Role.IMPROVEMENT_DIRECTOR, f"/providers/{OWN}/id-notes"),
        (Role.TRUST_USER, f"/providers/{OWN}/evidence"),
        (Role.ADMINISTRATOR, "/admin/users/administrator"),
        (Role.REGULATOR_ANALYST, "/evaluation/evidence/sources"),
    ],
)
def test_signed_in_pages(page: Page, live_server: LiveServer, role: Role, path: str) -> None:
    sign_in(page, live_server, role)
    page.goto(live_server.url + path)
    assert describe(axe_violations(page)) == []


def test_login_error_state(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/login")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector(".nhsuk-error-summary")
    assert describe(axe_violations(page)) == []
