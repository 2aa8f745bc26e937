"""The writes of every role in Chromium: OAG members (a decision-maker), Improvement Director
notes (the trust's Director), qualitative evidence by form and by CSV upload (a trust user) and
account administration (the administrator). Each form: the happy path, a validation error in
the NHS.UK error summary (axe on the page with the errors), a role without the permission
refused, and the audit row written, read back by the administrator from ``/audit.json``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from access_fixtures import OWN
from browser_support import LiveServer, describe, serious_violations, sign_in
from specialmeasures.access import Role

pytestmark = pytest.mark.browser


def audit_rows(browser: Browser, server: LiveServer, action: str) -> list[dict[str, Any]]:
    """The audit rows whose action starts with ``action``, as the administrator reads them."""
    context = browser.new_context()
    try:
        page = context.new_page()
        sign_in(page, server, Role.ADMINISTRATOR)
        answer = page.request.get(f"{server.url}/audit.json", params={"action": action})
        assert answer.ok
        rows: list[dict[str, Any]] = answer.json()["rows"]
        return rows
    finally:
        context.close()


def summary_text(page: Page) -> str:
    page.wait_for_selector(".nhsuk-error-summary")
    return page.inner_text(".nhsuk-error-summary")


def refused(page: Page, server: LiveServer, role: Role, path: str) -> None:
    """``role`` sees no form at ``path`` (or is refused the page) and a POST is refused 403."""
    sign_in(page, server, role)
    response = page.goto(f"{server.url}{path}")
    assert response is not None
    assert response.status == 403 or page.locator("form[method=post] .nhsuk-button").count() <= 1
    posted = page.request.post(f"{server.url}{path}.json", data={"x": "y"},
                               headers={"content-type": "application/json"})  # fmt: skip
    assert posted.status == 403


def test_oag_member_added_by_a_decision_maker(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    sign_in(page, live_server, Role.REGULATOR_DECISION_MAKER)
    page.goto(f"{live_server.url}/providers/{OWN}/oag")
    assert describe([]) == serious_violations(page)
    page.get_by_role("button", name="Add member").click()
    text = summary_text(page)
    assert "Select the body" in text
    assert "Enter the member's name" in text
    assert serious_violations(page) == []
    page.locator("#member-body").select_option("healthwatch")
    page.get_by_label("Member's name").fill("Browser Healthwatch lead")
    page.locator("#member-rationale").fill("Healthwatch joins the group")
    page.get_by_role("button", name="Add member").click()
    page.wait_for_selector("text=Member added.")
    assert "Browser Healthwatch lead" in page.inner_text("#oag-members")
    rows = audit_rows(browser, live_server, "oag.member_added")
    assert any(r["actor"] == "regulator-decision-maker" and r["entity_key"] == OWN for r in rows)


def test_oag_form_refused_to_a_trust_user(page: Page, live_server: LiveServer) -> None:
    refused(page, live_server, Role.TRUST_USER, f"/providers/{OWN}/oag/members")
    page.goto(f"{live_server.url}/providers/{OWN}/oag")
    assert page.locator("#member-name").count() == 0


def test_id_note_written_by_the_trusts_director(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    sign_in(page, live_server, Role.IMPROVEMENT_DIRECTOR)
    page.goto(f"{live_server.url}/providers/{OWN}/interventions")
    page.get_by_role("link", name="Improvement Director notes").click()
    assert serious_violations(page) == []
    page.get_by_label("Date (YYYY-MM-DD)").fill("2016-02-30")
    page.get_by_role("button", name="Record note").click()
    text = summary_text(page)
    assert "Enter the date as a real date, YYYY-MM-DD" in text
    assert "Enter the note" in text
    assert serious_violations(page) == []
    page.get_by_label("Date (YYYY-MM-DD)").fill("2016-05-20")
    page.get_by_label("Note", exact=True).fill("Browser note: the board met the CQC.")
    page.locator("#note-rationale").fill("weekly note")
    page.get_by_role("button", name="Record note").click()
    page.wait_for_selector("text=Note recorded.")
    assert "Browser note: the board met the CQC." in page.content()
    rows = audit_rows(browser, live_server, "id_note.added")
    assert any(r["actor"] == "improvement-director" for r in rows)


def test_id_notes_refused_to_a_trust_user(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, Role.TRUST_USER)
    response = page.goto(f"{live_server.url}/providers/{OWN}/id-notes")
    assert response is not None
    assert response.status == 403
    assert "Browser note" not in page.content()
    page.goto(f"{live_server.url}/providers/{OWN}/interventions")
    assert page.get_by_role("link", name="Improvement Director notes").count() == 0


def test_evidence_by_form_and_by_upload(
    page: Page, browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    sign_in(page, live_server, Role.TRUST_USER)
    page.goto(f"{live_server.url}/providers/{OWN}/evidence")
    assert serious_violations(page) == []
    page.get_by_label("Reference").fill("BROWSER-1")
    page.get_by_label("Date collected (YYYY-MM-DD)").fill("2016-04-31")
    page.get_by_role("button", name="Save record").click()
    text = summary_text(page)
    assert "2016-04-31" in text
    assert serious_violations(page) == []
    page.get_by_label("Date collected (YYYY-MM-DD)").fill("2016-04-30")
    page.locator("#record-source_type").select_option("observation")
    page.locator("#record-tier").select_option("senior")
    page.get_by_label("Title").fill("Board meeting observed")
    page.get_by_role("button", name="Save record").click()
    page.wait_for_selector("text=1 record(s) saved.")
    header = ("ref,site,date,source_type,tier,title,rap_context,rap_interventions,rap_drivers,"
              "rap_barriers,rap_unintended_consequences,rap_sustainability,quote,codes\n")  # fmt: skip
    bad = tmp_path / "bad-evidence.csv"
    bad.write_text(header + f"BROWSER-2,{OWN},2016-05-01,podcast,senior,Show,,,,,,,,\n")
    page.set_input_files("#upload-file", str(bad))
    page.get_by_role("button", name="Upload").click()
    text = summary_text(page)
    for part in ("bad-evidence.csv", "row 2", "source_type", "podcast"):
        assert part in text
    assert serious_violations(page) == []
    assert "BROWSER-2" not in page.inner_text("#evidence-records")
    good = tmp_path / "evidence.csv"
    good.write_text(header + f"BROWSER-2,{OWN},2016-05-01,document,senior,Board paper,,,,,,,,\n")
    page.set_input_files("#upload-file", str(good))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_selector("text=1 record(s) saved.")
    assert "BROWSER-2" in page.inner_text("#evidence-records")
    files = {r["entity_key"] for r in audit_rows(browser, live_server, "evidence.imported")}
    assert {"evidence form", "evidence.csv"} <= files
    assert "bad-evidence.csv" not in files


def test_evidence_refused_to_an_oag_member(page: Page, live_server: LiveServer) -> None:
    refused(page, live_server, Role.OAG_MEMBER, f"/providers/{OWN}/evidence")


def test_accounts_administered_in_the_browser(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    sign_in(page, live_server, Role.ADMINISTRATOR)
    page.goto(f"{live_server.url}/admin/users")
    assert serious_violations(page) == []
    page.get_by_label("Username").fill("browser-researcher")
    page.locator("#add-role").select_option("researcher")
    page.locator("#add-providers").fill(OWN)
    page.get_by_label("Password", exact=True).fill("password")
    page.get_by_role("button", name="Add account").click()
    assert "Password must be at least" in summary_text(page)
    assert serious_violations(page) == []
    page.get_by_label("Generate a password instead (shown once)").check()
    page.get_by_role("button", name="Add account").click()
    page.wait_for_selector("#generated-password")
    assert len(page.inner_text("#generated-password")) >= 12
    page.goto(f"{live_server.url}/admin/users/browser-researcher")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Disable account").click()
    page.wait_for_selector("text=Account status changed.")
    assert page.inner_text("#status") == "Disabled"
    page.goto(f"{live_server.url}/admin/users/administrator")
    assert "You cannot disable your own account." in page.content()
    assert page.get_by_role("button", name="Disable account").count() == 0
    actions = [r["action"] for r in audit_rows(browser, live_server, "account.")
               if r["entity_key"] == "browser-researcher"]  # fmt: skip
    assert {"account.create", "account.disable"} <= set(actions)


def test_accounts_refused_to_a_regulator(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, Role.REGULATOR_DECISION_MAKER)
    response = page.goto(f"{live_server.url}/admin/users")
    assert response is not None
    assert response.status == 403
    posted = page.request.post(f"{live_server.url}/admin/users.json", data={"username": "x"},
                               headers={"content-type": "application/json"})  # fmt: skip
    assert posted.status == 403


def test_oag_items_requested(page: Page, browser: Browser, live_server: LiveServer) -> None:
    sign_in(page, live_server, Role.REGULATOR_DECISION_MAKER)
    page.goto(f"{live_server.url}/providers/{OWN}/oag")
    page.locator("#request-body").select_option("nhsi")
    page.get_by_label("Items", exact=True).fill("Not An Item")
    page.locator("#request-rationale").fill("monthly figures")
    page.get_by_role("button", name="Request items").click()
    assert "Not An Item" in summary_text(page)
    assert serious_violations(page) == []
    page.get_by_label("Items", exact=True).fill("agency_spend\nstaff_turnover")
    page.get_by_role("button", name="Request items").click()
    page.wait_for_selector("text=Items requested.")
    assert "Staff turnover" in page.inner_text("#oag-requests")
    rows = audit_rows(browser, live_server, "oag.items_requested")
    assert any(r["actor"] == "regulator-decision-maker" for r in rows)


def test_account_providers_password_and_enable(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    sign_in(page, live_server, Role.ADMINISTRATOR)
    page.goto(f"{live_server.url}/admin/users")
    page.get_by_label("Username").fill("browser-director")
    page.locator("#add-role").select_option("improvement_director")
    page.get_by_label("Password", exact=True).fill("a long browser passphrase")
    page.get_by_role("button", name="Add account").click()
    page.wait_for_selector("text=Account created.")
    page.goto(f"{live_server.url}/admin/users/browser-director")
    page.get_by_label("Provider code").fill("NOPE9")
    page.get_by_role("button", name="Change providers").click()
    assert "NOPE9 is not a provider code" in summary_text(page)
    assert serious_violations(page) == []
    page.get_by_label("Provider code").fill(OWN)
    page.get_by_role("button", name="Change providers").click()
    page.wait_for_selector("text=Providers changed.")
    assert page.inner_text("#providers") == OWN
    page.locator("#scope-change").select_option("remove")
    page.get_by_label("Provider code").fill(OWN)
    page.get_by_role("button", name="Change providers").click()
    page.wait_for_selector("text=Providers changed.")
    assert page.inner_text("#providers") == "–"
    page.get_by_label("New password").fill("browser-director")
    page.get_by_role("button", name="Set password").click()
    assert "password" in summary_text(page).lower()
    page.get_by_label("New password").fill("another long browser passphrase")
    page.get_by_role("button", name="Set password").click()
    page.wait_for_selector("text=Password set; the account's sessions have ended.")
    page.get_by_role("button", name="Disable account").click()
    page.wait_for_selector("text=Account status changed.")
    page.get_by_role("button", name="Enable account").click()
    page.wait_for_selector("text=Account status changed.")
    assert page.inner_text("#status") == "Active"
    actions = [r["action"] for r in audit_rows(browser, live_server, "account.")
               if r["entity_key"] == "browser-director"]  # fmt: skip
    assert {"account.assign", "account.unassign", "account.set_password", "account.enable"} <= set(
        actions
    )
