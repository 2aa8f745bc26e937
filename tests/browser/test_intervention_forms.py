"""The intervention forms in Chromium, on a trust's interventions page: funding (apply, approve,
spend), plan actions and their status, deep dives and leadership changes. Each form: the happy
path with its audit row, a problem shown in the NHS.UK error summary, and a refusal for another
role or another trust; axe on the page as drawn. Then the acceptance journey, in the browser
alone: the Improvement Director applies for funding over the cap (refused, the rule named), then
within it (accepted), and records plan actions.

The server here has its own database (intervention_forms_fixtures): ZA3, the scoped roles' trust,
is in the Recovery Support Programme and the app's today is in December 2025.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from playwright.sync_api import Page

from access_fixtures import FOREIGN, OWN
from browser_support import LiveServer, axe_violations, describe, sign_in
from intervention_forms_fixtures import SECOND, audit_actions, forms_world
from specialmeasures.access import Role
from specialmeasures.bootstrap import Platform, bootstrap
from specialmeasures.settings import Settings

pytestmark = pytest.mark.browser

PAGE = f"/providers/{OWN}/interventions"


@pytest.fixture(scope="module")
def forms_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LiveServer, Platform]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('forms') / 'forms.db'}"
    platform = bootstrap(Settings(database_url=url), upgrade=True)
    app, accounts = forms_world(platform)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-forms-tests", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"Uvicorn did not start on 127.0.0.1:{port}")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", accounts), platform
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        platform.close()


def open_page(page: Page, server: LiveServer, role: Role, path: str = PAGE) -> None:
    sign_in(page, server, role)
    page.goto(f"{server.url}{path}")
    assert describe(axe_violations(page)) == []


def summary(page: Page) -> str:
    page.wait_for_selector(".nhsuk-error-summary")
    assert describe(axe_violations(page)) == []
    return page.inner_text(".nhsuk-error-summary")


def last_action(platform: Platform, code: str = OWN) -> tuple[str, str, dict[str, object]]:
    entry = audit_actions(platform, code)[-1]
    return entry.action, entry.actor, dict(entry.payload)


def test_acceptance_the_director_applies_for_funding_and_records_plan_actions(
    page: Page, forms_server: tuple[LiveServer, Platform]
) -> None:
    server, platform = forms_server
    director = server.accounts[Role.IMPROVEMENT_DIRECTOR].username
    open_page(page, server, Role.IMPROVEMENT_DIRECTOR)
    # The Director may apply, not approve.
    assert page.locator("#funding-approve").count() == 0
    page.locator("#apply-stage").select_option("rsp")
    page.get_by_label("Improvement aim the money is for").fill("Board development programme")
    page.get_by_label("Amount in pounds").first.fill("300000")
    page.get_by_label("Date of the application").fill("2025-11-03")
    page.locator("#apply-rationale").fill("Agreed with the trust board")
    page.get_by_role("button", name="Apply for funding").click()
    shown = summary(page)
    assert "rsp.funding.available" in shown
    assert "illustrative cap, not published" in shown
    assert "over the Recovery Support Programme cap of £250,000" in shown
    assert page.locator("#apply-amount-error").is_visible()
    # What was typed is kept; the amount is corrected and the application accepted.
    assert page.locator("#apply-aim").input_value() == "Board development programme"
    page.locator("#apply-amount").fill("200000")
    page.get_by_role("button", name="Apply for funding").click()
    page.wait_for_selector("#recorded")
    assert "Funding application" in page.inner_text("#recorded")
    assert page.locator(".nhsuk-error-summary").count() == 0
    row = page.locator("#funding-table tr", has_text="Recovery Support Programme")
    assert "£200,000" in row.inner_text()
    action, actor, payload = last_action(platform)
    assert (action, actor, payload["amount"]) == ("funding.applied", director, 200_000)

    page.locator("#plan-finding_kind").select_option("must_do")
    page.get_by_label("The inspection's finding").fill("Serious incidents not investigated")
    page.get_by_label("Action", exact=True).fill("Weekly serious-incident panel")
    page.locator("#plan-domain").select_option("governance")
    page.get_by_label("Owner").fill("Medical director")
    page.get_by_label("Due date").fill("2026-03-01")
    page.get_by_label("Date the action was set").fill("2025-06-02")
    page.locator("#plan-rationale").fill("Agreed at the OAG")
    page.get_by_role("button", name="Add the action").click()
    page.wait_for_selector("#plan-actions")
    assert "Weekly serious-incident panel" in page.inner_text("#plan-actions")
    assert last_action(platform)[0] == "plan.action_added"
    option = page.locator("#update-action option", has_text="Weekly serious-incident panel")
    page.locator("#update-action").select_option(option.get_attribute("value"))
    page.locator("#update-status").select_option("in_progress")
    page.get_by_label("Date of the change").fill("2025-07-01")
    page.locator("#update-rationale").fill("First panel held")
    page.get_by_role("button", name="Update the action").click()
    page.wait_for_selector("#plan-actions")
    assert "In progress" in page.locator("#plan-actions tr", has_text="Weekly serious").inner_text()
    assert last_action(platform)[0] == "plan.action_updated"
    assert describe(axe_violations(page)) == []


def test_plan_dates_are_checked_in_the_error_summary(
    page: Page, forms_server: tuple[LiveServer, Platform]
) -> None:
    server, platform = forms_server
    before = len(audit_actions(platform))
    open_page(page, server, Role.IMPROVEMENT_DIRECTOR)
    page.get_by_label("The inspection's finding").fill("Finding")
    page.get_by_label("Action", exact=True).fill("An action set before the episode")
    page.get_by_label("Owner").fill("Chief nurse")
    page.get_by_label("Due date").fill("2026-03-01")
    page.get_by_label("Date the action was set").fill("2014-06-01")
    page.locator("#plan-rationale").fill("Recording a past spell")
    page.get_by_role("button", name="Add the action").click()
    assert "before ZA3's first regime episode began (2015-02-02)" in summary(page)
    page.get_by_role("link", name="before ZA3's first regime episode", exact=False).click()
    assert page.evaluate("document.activeElement.id") == "plan-on"
    page.locator("#plan-on").fill("2030-01-01")
    page.locator("#plan-due").fill("2031-01-01")
    page.get_by_role("button", name="Add the action").click()
    assert "in the future" in summary(page)
    page.get_by_role("button", name="Apply for funding").click()  # an empty application
    shown = summary(page)
    assert "Enter the improvement aim the money is for" in shown
    assert "Enter the rationale" in shown
    assert len(audit_actions(platform)) == before


def test_decision_maker_approves_and_spend_is_recorded(
    page: Page, forms_server: tuple[LiveServer, Platform]
) -> None:
    server, platform = forms_server
    open_page(page, server, Role.REGULATOR_DECISION_MAKER, f"/providers/{SECOND}/interventions")
    page.locator("#apply-stage").select_option("rsp")
    page.locator("#apply-aim").fill("Quality improvement faculty")
    page.locator("#apply-amount").fill("30000")
    page.locator("#apply-more_aims").fill("Ward leadership = 10,000")
    page.locator("#apply-on").fill("2025-10-01")
    page.locator("#apply-rationale").fill("Regional agreement")
    page.get_by_role("button", name="Apply for funding").click()
    page.wait_for_selector("#funding-approve")
    option = page.locator("#approve-application option", has_text="£40,000")
    page.locator("#approve-application").select_option(option.first.get_attribute("value"))
    page.locator("#approve-amount").fill("50000")
    page.locator("#approve-on").fill("2025-10-15")
    page.locator("#approve-rationale").fill("Meets the aims")
    page.get_by_role("button", name="Approve").click()
    assert "between £1 and the £40,000 applied for" in summary(page)
    page.locator("#approve-amount").fill("")
    page.locator("#approve-application").select_option(option.first.get_attribute("value"))
    page.get_by_role("button", name="Approve").click()
    page.wait_for_selector("#funding-spend")
    action, _, payload = last_action(platform, SECOND)
    assert (action, payload["approved_amount"]) == ("funding.approved", 40_000)
    assert payload["office"] == "Executive Medical Director"
    spend = page.locator("#spend-application option", has_text="£40,000")
    page.locator("#spend-application").select_option(spend.first.get_attribute("value"))
    page.locator("#spend-category").select_option("external_consultants")
    page.locator("#spend-amount").fill("45000")
    page.locator("#spend-on").fill("2025-11-01")
    page.locator("#spend-rationale").fill("Invoice paid")
    page.get_by_role("button", name="Record spend").click()
    assert "over the approved £40,000" in summary(page)
    page.locator("#spend-amount").fill("15000")
    page.get_by_role("button", name="Record spend").click()
    page.wait_for_selector("#funding-table")
    assert page.locator(".nhsuk-error-summary").count() == 0
    row = page.locator("#funding-table tr", has_text="£40,000")
    assert "£15,000" in row.first.inner_text()
    assert last_action(platform, SECOND)[0] == "funding.spent"


def test_deep_dive_and_leadership_change(
    page: Page, forms_server: tuple[LiveServer, Platform]
) -> None:
    server, platform = forms_server
    open_page(page, server, Role.REGULATOR_DECISION_MAKER)
    page.locator("#dive-topic").fill("Maternity escalation")
    page.locator("#dive-start").fill("2025-09-01")
    page.locator("#dive-end").fill("2025-08-01")
    page.locator("#dive-rationale").fill("Requested by the OAG")
    page.get_by_role("button", name="Record the deep dive").click()
    assert "Enter an end date on or after the start date" in summary(page)
    page.locator("#dive-end").fill("2025-10-01")
    page.get_by_role("button", name="Record the deep dive").click()
    page.wait_for_selector("#leader-add")
    assert last_action(platform)[0] == "plan.deep_dive"

    page.locator("#leader-post").select_option("medical_director")
    page.locator("#leader-holder").fill("Morgan Synthetic")
    page.locator("#leader-start").fill("2025-13-01")
    page.locator("#leader-rationale").fill("Board appointment")
    page.get_by_role("button", name="Record the holder").click()
    assert "Enter the start date as a real date" in summary(page)
    page.locator("#leader-start").fill("2025-07-01")
    page.locator("#leader-interim").select_option("yes")
    page.locator("#leader-previous_smq").select_option("yes")
    page.get_by_role("button", name="Record the holder").click()
    page.wait_for_selector("#leader-left")
    assert "Morgan Synthetic" in page.inner_text("#leadership-table")
    action, _, payload = last_action(platform)
    assert (action, payload["interim"], payload["previous_smq_experience"], payload["end"]) == (
        "leader.appointed", True, True, None,
    )  # fmt: skip
    option = page.locator("#end-term option", has_text="Morgan Synthetic")
    page.locator("#end-term").select_option(option.get_attribute("value"))
    page.locator("#end-end").fill("2025-11-15")
    page.locator("#end-rationale").fill("Left the trust")
    page.get_by_role("button", name="Record the departure").click()
    page.wait_for_selector("#leadership-table")
    action, _, payload = last_action(platform)
    assert (action, payload["holder"]) == ("leader.left", "Morgan Synthetic")
    # A past holder, with the day they left, as the JSON twin and the command line take it.
    page.locator("#leader-post").select_option("chair")
    page.locator("#leader-holder").fill("Casey Synthetic")
    page.locator("#leader-start").fill("2024-01-01")
    page.locator("#leader-end").fill("2024-12-31")
    page.locator("#leader-rationale").fill("Board history")
    page.get_by_role("button", name="Record the holder").click()
    page.wait_for_selector("#leadership-table")
    action, _, payload = last_action(platform)
    assert (action, payload["holder"], payload["end"], payload["previous_smq_experience"]) == (
        "leader.appointed", "Casey Synthetic", "2024-12-31", False,
    )  # fmt: skip


def test_other_roles_and_other_trusts_are_refused(
    page: Page, forms_server: tuple[LiveServer, Platform]
) -> None:
    server, platform = forms_server
    before = len(audit_actions(platform))
    # A trust user reads its interventions but is offered no form, and a forged post is refused.
    open_page(page, server, Role.TRUST_USER)
    assert page.locator("#record").count() == 0
    assert page.locator("form[action$='/funding']").count() == 0
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    forged = page.request.post(
        f"{server.url}/providers/{OWN}/funding",
        form={
            "csrf_token": token or "",
            "stage": "rsp",
            "aim": "x",
            "amount": "1",
            "on": "2025-11-01",
            "rationale": "x",
        },
        max_redirects=0,
    )
    assert forged.status == 403
    page.context.clear_cookies()
    # The Director is refused another trust's page and its forms, and approval on their own.
    open_page(page, server, Role.IMPROVEMENT_DIRECTOR)
    assert page.locator("#leader-add").count() == 0
    token = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    response = page.goto(f"{server.url}/providers/{FOREIGN}/interventions")
    assert response is not None
    assert response.status == 403
    for path, form in (
        (f"/providers/{FOREIGN}/funding", {"stage": "rsp", "aim": "x", "amount": "1"}),
        (f"/providers/{FOREIGN}/plan", {"finding": "x"}),
        (f"/providers/{OWN}/funding/approve", {"application": "1"}),
        (f"/providers/{OWN}/leaders", {"holder": "x"}),
    ):
        refused = page.request.post(f"{server.url}{path}", form={"csrf_token": token, **form},
                                    max_redirects=0)  # fmt: skip
        assert refused.status == 403, path
    assert len(audit_actions(platform)) == before
