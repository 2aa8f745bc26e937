"""Sign in, the provider page and the confidential CP status, in a real Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from access_fixtures import CP_FOREIGN, OWN
from browser_support import LiveServer, sign_in
from specialmeasures.access import Role

pytestmark = pytest.mark.browser


def test_sign_in_shows_who_is_signed_in_and_sign_out_works(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, Role.REGULATOR_ANALYST)
    header = page.locator("header")
    expect(header).to_contain_text("Test Regulator analyst")
    page.get_by_role("link", name="Your account").click()
    expect(page.locator("#account")).to_contain_text("regulator-analyst")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/providers")
    expect(page.locator("header")).to_contain_text("Sign in")
    assert all(c["name"] != "sm_session" for c in page.context.cookies())


def test_wrong_password_shows_an_error_summary(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Username").fill("trust-user")
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("not right")
    expect(page).to_have_title("Error: Sign in – specialmeasures")


def test_trust_user_sees_own_provider_page_without_cp_status(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, Role.TRUST_USER)
    page.goto(f"{live_server.url}/providers/{OWN}")
    expect(page.locator("h1")).to_contain_text(OWN)
    expect(page.locator("#ratings-in-force")).to_be_visible()
    assert "Challenged provider" not in page.content()
    page.goto(f"{live_server.url}/providers")
    assert "Challenged provider" not in page.content()
    assert page.locator("#f-regime option[value=cp]").count() == 0


def test_regulator_sees_cp_status_and_the_cp_filter(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, Role.REGULATOR_DECISION_MAKER)
    page.goto(f"{live_server.url}/providers/{OWN}")
    expect(page.locator("#episodes")).to_contain_text("Challenged provider")
    page.goto(f"{live_server.url}/providers")
    page.select_option("#f-regime", "cp")
    page.get_by_role("button", name="Apply filters").click()
    rows = page.locator("#providers-table tbody tr")
    expect(rows).to_have_count(2)  # the scoped roles' own CP trust and the second one
    expect(rows.first).to_contain_text(OWN)
    expect(rows.nth(1)).to_contain_text(CP_FOREIGN)


def test_public_is_sent_to_sign_in_for_a_restricted_page(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(f"{live_server.url}/admin/users")
    expect(page).to_have_url(f"{live_server.url}/login?next=%2Fadmin%2Fusers")
    expect(page.locator("h1")).to_have_text("Sign in")
