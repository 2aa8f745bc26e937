"""The regulator's write forms in Chromium, on a server with a database of its own: each form's
happy path, its validation errors in the NHS.UK error summary, the refusal to another role or
another trust, the audit row read back from /audit, axe on every page; and the acceptance
journey: a decision-maker records an inspection and a judgement, sees the recommendation and
records the decision, all in the browser."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from access_fixtures import FOREIGN, OWN
from browser_support import LiveServer, axe_violations, describe, sign_in
from specialmeasures.access import Role

pytestmark = pytest.mark.browser


def audit_rows(browser: Browser, server: LiveServer, action: str) -> list[dict[str, Any]]:
    """The audit rows of ``action``, read as the administrator reads them (/audit.json: who,
    what and which provider; the payloads of regime writes are withheld from the role, so
    their contents are checked by tests/e2e/test_web_regulator_forms.py)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        sign_in(page, server, Role.ADMINISTRATOR)
        answer = page.request.get(f"{server.url}/audit.json?action={action}")
        assert answer.status == 200
        rows: list[dict[str, Any]] = answer.json()["rows"]
        return rows
    finally:
        context.close()


def summary(page: Page) -> str:
    page.wait_for_selector(".nhsuk-error-summary")
    return page.inner_text(".nhsuk-error-summary")


def test_inspection_form(page: Page, browser: Browser, own_server: LiveServer) -> None:
    server = own_server
    sign_in(page, server, Role.REGULATOR_ANALYST)
    page.goto(f"{server.url}/providers/ZA2")
    page.get_by_role("link", name="Record an inspection from a published CQC report").click()
    assert describe(axe_violations(page)) == []
    page.get_by_label("Inspection date (YYYY-MM-DD)").fill("2016-04-01")
    page.get_by_label("Publication date (YYYY-MM-DD)").fill("2016-03-01")
    page.get_by_role("button", name="Record the inspection").click()
    found = summary(page)
    assert "The publication date must be on or after the inspection date" in found
    assert "Select the overall rating" in found
    assert "Enter the rationale" in found
    assert describe(axe_violations(page)) == []
    page.get_by_role("link", name="Select the overall rating").click()
    assert page.evaluate("document.activeElement.id") == "overall"
    page.get_by_label("Publication date (YYYY-MM-DD)").fill("2016-05-03")
    page.get_by_label("Overall rating").select_option("Requires improvement")
    page.get_by_label("Well-led rating").select_option("Inadequate")
    page.get_by_label("Rationale").fill("CQC report of 3 May 2016 (synthetic)")
    page.get_by_role("button", name="Record the inspection").click()
    page.wait_for_selector("#recorded")
    assert "recorded, with its audit entry" in page.inner_text("#recorded")
    page.goto(f"{server.url}/providers/ZA2")
    assert "2016-05-03" in page.inner_text("#inspections")
    rows = audit_rows(browser, server, "inspection.add")
    assert [(r["actor"], r["role"], r["entity_key"]) for r in rows] == [
        (server.accounts[Role.REGULATOR_ANALYST].username, "regulator_analyst", "ZA2")
    ]


def test_inspection_form_is_refused_to_other_roles(page: Page, own_server: LiveServer) -> None:
    sign_in(page, own_server, Role.IMPROVEMENT_DIRECTOR)
    page.goto(f"{own_server.url}/providers/{OWN}")
    assert (
        page.get_by_role("link", name="Record an inspection from a published CQC report").count()
        == 0
    )
    answer = page.goto(f"{own_server.url}/providers/{OWN}/inspections/new")
    assert answer is not None
    assert answer.status == 403


def test_judgement_form(page: Page, browser: Browser, own_server: LiveServer) -> None:
    server = own_server
    sign_in(page, server, Role.REGULATOR_DECISION_MAKER)
    page.goto(f"{server.url}/providers/{FOREIGN}/judgements")
    assert describe(axe_violations(page)) == []
    page.get_by_label("Judgement", exact=True).select_option("judgement.capability")
    page.get_by_label("In force from (YYYY-MM-DD)").fill("2016-13-01")
    page.get_by_role("button", name="Record the judgement").click()
    found = summary(page)
    assert "Enter the judgement's value" in found
    assert "Enter the date it is in force from as a real date, YYYY-MM-DD" in found
    assert describe(axe_violations(page)) == []
    page.get_by_label("Value").fill("low")
    page.get_by_label("In force from (YYYY-MM-DD)").fill("2016-05-01")
    page.get_by_label("Rationale").fill("Capability review (synthetic)")
    page.get_by_role("button", name="Record the judgement").click()
    page.wait_for_selector("#recorded")
    assert "judgement.capability" in page.inner_text("#judgements-table")
    rows = audit_rows(browser, server, "judgement.add")
    assert [(r["entity_key"], r["role"]) for r in rows] == [(FOREIGN, "regulator_decision_maker")]


def test_judgement_form_is_refused_to_an_analyst(page: Page, own_server: LiveServer) -> None:
    sign_in(page, own_server, Role.REGULATOR_ANALYST)
    page.goto(f"{own_server.url}/providers/{FOREIGN}/judgements")
    assert page.locator("form[action$='/judgements']").count() == 0  # reads, but no form
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = page.request.post(
        f"{own_server.url}/providers/{FOREIGN}/judgements",
        form={"csrf_token": token or "", "fact": "judgement.capability", "value": "low",
              "on": "2016-05-01", "rationale": "x"},
    )  # fmt: skip
    assert answer.status == 403


def test_director_forms(page: Page, browser: Browser, own_server: LiveServer) -> None:
    server = own_server
    sign_in(page, server, Role.REGULATOR_DECISION_MAKER)
    page.goto(f"{server.url}/providers/{FOREIGN}/interventions")
    page.get_by_role("link", name="Improvement Director: proposal and assignments").click()
    assert describe(axe_violations(page)) == []
    page.locator("#roster-name").fill("Synthetic Director Browser")
    page.locator("#roster-background").select_option("nursing")
    page.locator("#roster-max_trusts").fill("9")
    page.locator("#roster-rationale").fill("Recruited (synthetic)")
    page.get_by_role("button", name="Add to the roster").click()
    assert "Enter the most trusts at once as a whole number from 1 to 6" in summary(page)
    assert describe(axe_violations(page)) == []
    page.locator("#roster-max_trusts").fill("2")
    page.get_by_role("button", name="Add to the roster").click()
    page.wait_for_selector("#recorded")
    assert "Synthetic Director Browser" in page.inner_text("#proposals")
    page.get_by_label("Improvement Director", exact=True).select_option(
        label="Synthetic Director Browser"
    )
    page.locator("#assign-start").fill("2016-05-02")
    page.locator("#assign-rationale").fill("Nursing background fits the safe rating")
    page.get_by_role("button", name="Assign the Director").click()
    page.wait_for_selector("#recorded")
    assert re.search(r"\bAssignment \d+ recorded", page.inner_text("#recorded"))
    assert "Synthetic Director Browser" in page.inner_text("#assignments-table")
    page.locator("#end-assignment").select_option(index=1)
    page.locator("#end-end").fill("2016-04-01")
    page.locator("#end-reason").fill("Withdrawn")
    page.locator("#end-rationale").fill("Moved to another trust")
    page.get_by_role("button", name="End the assignment").click()
    assert "must be after the assignment's start" in summary(page)
    page.locator("#end-end").fill("2016-05-30")
    page.get_by_role("button", name="End the assignment").click()
    page.wait_for_selector("#recorded")
    assert "2016-05-30" in page.inner_text("#assignments-table")
    newest = audit_rows(browser, server, "director.")[:3]  # the fixture's own come before
    assert [(r["action"], r["actor"]) for r in newest] == [
        (action, server.accounts[Role.REGULATOR_DECISION_MAKER].username)
        for action in ("director.assignment_ended", "director.assigned", "director.added")
    ]


def test_director_page_is_refused_to_the_trusts_director(
    page: Page, own_server: LiveServer
) -> None:
    sign_in(page, own_server, Role.IMPROVEMENT_DIRECTOR)
    answer = page.goto(f"{own_server.url}/providers/{OWN}/directors")
    assert answer is not None
    assert answer.status == 403


def test_buddy_forms(page: Page, browser: Browser, own_server: LiveServer) -> None:
    server = own_server
    sign_in(page, server, Role.REGULATOR_DECISION_MAKER)
    page.goto(f"{server.url}/providers/{FOREIGN}/buddies")
    assert describe(axe_violations(page)) == []
    page.get_by_label("Buddy trust's code").fill(FOREIGN)
    page.get_by_label("Start date (YYYY-MM-DD)").fill("2016-05-01")
    page.get_by_role("button", name="Record the arrangement").click()
    found = summary(page)
    assert "Enter the rationale" in found
    assert describe(axe_violations(page)) == []
    page.locator("#rationale").fill("Peer support (synthetic)")
    page.get_by_role("button", name="Record the arrangement").click()
    assert "must not be the trust itself" in summary(page)
    page.get_by_label("Buddy trust's code").fill("ZA2")
    page.get_by_role("button", name="Record the arrangement").click()
    page.wait_for_selector("#recorded")
    assert "ZA2" in page.inner_text("#arrangements-table")
    rows = audit_rows(browser, server, "buddy.arranged")
    assert [(r["entity_key"], r["role"]) for r in rows] == [(FOREIGN, "regulator_decision_maker")]


def test_director_suggests_buddies_for_their_own_trust_only(
    page: Page, own_server: LiveServer
) -> None:
    sign_in(page, own_server, Role.IMPROVEMENT_DIRECTOR)
    page.goto(f"{own_server.url}/providers/{OWN}/interventions")
    page.get_by_role("link", name="Buddy suggestions").click()
    page.wait_for_selector("#suggestions-table")
    assert describe(axe_violations(page)) == []
    # Recording stays with the decision-maker: no form to post an arrangement.
    assert page.locator("form[method=post][action$='/buddies']").count() == 0
    page.get_by_label("Scope of the buddying").select_option("maternity")
    page.get_by_role("button", name="Show suggestions").click()
    page.wait_for_url("**scope=maternity")
    answer = page.goto(f"{own_server.url}/providers/{FOREIGN}/buddies")
    assert answer is not None
    assert answer.status == 403


def test_acceptance_journey_inspection_judgement_recommendation_decision(
    page: Page, browser: Browser, own_server: LiveServer
) -> None:
    """ZA2, Good until now, is rated Inadequate with well-led Inadequate: the SMQ policy needs
    the leadership judgement; once it is recorded, it recommends entry and the decision-maker
    records it, accepting the recommendation."""
    server = own_server
    sign_in(page, server, Role.REGULATOR_DECISION_MAKER)
    page.goto(f"{server.url}/providers/ZA2")
    page.get_by_role("link", name="Record an inspection from a published CQC report").click()
    page.get_by_label("Inspection date (YYYY-MM-DD)").fill("2016-04-11")
    page.get_by_label("Publication date (YYYY-MM-DD)").fill("2016-05-20")
    for question in ("Overall", "Safe", "Effective", "Well-led"):
        page.get_by_label(f"{question} rating").select_option("Inadequate")
    page.get_by_label("Rationale").fill("CQC report of 20 May 2016 (synthetic)")
    page.get_by_role("button", name="Record the inspection").click()
    page.wait_for_selector("#recorded")
    page.get_by_role("link", name="See the recommendation on the decision page").click()
    page.wait_for_selector("#recommendations")
    assert "judgement needed" in page.inner_text("main")
    page.get_by_role("link", name="Record the judgement judgement.leadership_cannot_fix").click()
    assert page.locator("#fact").input_value() == "judgement.leadership_cannot_fix"
    page.get_by_label("Value").fill("yes")
    page.get_by_label("In force from (YYYY-MM-DD)").fill("2016-05-25")
    page.get_by_label("Rationale").fill("The board cannot improve without intensive support")
    page.get_by_role("button", name="Record the judgement").click()
    page.wait_for_selector("#recorded")
    page.get_by_role("link", name="See the recommendations on the decision page").click()
    page.wait_for_selector("#recommendations")
    assert "recommend entry" in page.inner_text("main")
    page.get_by_label("Special measures for quality: recommend entry").check()
    page.get_by_label("Date it takes effect (YYYY-MM-DD)").fill("2016-06-01")
    page.locator("#recommendation").select_option(index=1)
    page.get_by_label("Rationale").fill("Accepting CQC's recommendation (synthetic)")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_selector("#recorded")
    assert "Accepting CQC's recommendation" in page.inner_text("#decisions-table")
    assert "Accepted" in page.inner_text("#decisions-table")
    keys = {
        action: [r["entity_key"] for r in audit_rows(browser, server, action)]
        for action in ("inspection.add", "judgement.add", "decision.")
    }
    assert "ZA2" in keys["inspection.add"]
    assert "ZA2" in keys["judgement.add"]
    assert "ZA2" in keys["decision."]
