"""The demo as a newcomer meets it, in Chromium: the database built by ``specialmeasures demo``
(the command ``make demo`` runs), its printed accounts, one per role, signed in through the form.

Each role lands on its own start page and that page shows real work (the shared trust's current
episode, its Improvement Director, plan, funding, OAG, returns due and evidence); then the
journeys of the issue's acceptance end to end in the browser alone: the trust user submits the
monthly return, the researcher draws the sample and reads the impact page (sites as
pseudonyms), the administrator reads and filters the audit log, the Improvement Director reads
buddy suggestions for their trust and records a plan action. axe-core on every page visited.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import uvicorn
from click.testing import CliRunner
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from browser_support import describe, serious_violations
from specialmeasures.access import Role
from specialmeasures.bootstrap import Platform, bootstrap
from specialmeasures.cli.main import cli
from specialmeasures.cli.serve import default_today
from specialmeasures.settings import Settings
from specialmeasures.store.tables import providers
from specialmeasures.web.app import create_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: One line of the accounts the demo prints: role, username, password and scope.
ACCOUNT_LINE = re.compile(r"^  (\w+)\s+(demo-[\w-]+)\s+(\S+)(?:\s+scope: (\S+))?$", re.MULTILINE)


@dataclass(frozen=True)
class Demo:
    url: str
    platform: Platform
    logins: dict[Role, tuple[str, str]]  #: role -> (username, password), as printed
    trust: str  #: the scoped accounts' trust

    def username(self, role: Role) -> str:
        return self.logins[role][0]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """``specialmeasures demo --no-serve`` once, then the app served as ``serve`` serves it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo-journeys') / 'demo.db'}"
    result = CliRunner().invoke(
        cli, ["demo", "--no-serve"], env={"SPECIALMEASURES_DATABASE_URL": url}
    )
    assert result.exit_code == 0, result.output
    logins: dict[Role, tuple[str, str]] = {}
    scopes = set()
    for role, username, password, scope in ACCOUNT_LINE.findall(result.stdout):
        logins[Role(role)] = (username, password)
        if scope:
            scopes.add(scope)
    assert set(logins) == {r for r in Role if r is not Role.PUBLIC}
    (trust,) = scopes
    platform = bootstrap(Settings(database_url=url))
    app = create_app(platform, today=default_today(platform.repository.meta()))
    config = uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="warning",
                            lifespan="off", ws="none")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-demo-journeys", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("Uvicorn did not start")
        time.sleep(0.05)
    try:
        yield Demo(f"http://127.0.0.1:{config.port}", platform, logins, trust)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        platform.close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sign_in(page: Page, demo: Demo, role: Role) -> str:
    """Sign in through the form with the printed credentials; return where it lands."""
    username, password = demo.logins[role]
    page.goto(f"{demo.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, page.inner_text("main")
    return page.url.removeprefix(demo.url)


def accessible(page: Page) -> None:
    assert serious_violations(page) == describe([]), page.url


def table_rows(page: Page, selector: str) -> list[str]:
    """The body rows of a table, as text; a "None recorded." row is no row."""
    rows = page.locator(f"{selector} tbody tr").all_inner_texts()
    return [r for r in rows if "None recorded" not in r and "No entries" not in r]


# -- each role's start page ---------------------------------------------------------------


def test_trust_user_lands_on_their_trust_with_a_return_due(page: Page, demo: Demo) -> None:
    assert sign_in(page, demo, Role.TRUST_USER) == f"/providers/{demo.trust}"
    main = page.inner_text("main")
    assert "(synthetic)" in main
    assert "Recovery Support Programme" in main  # the trust's current episode
    accessible(page)
    due = page.locator("#work-due")
    assert "Monthly return" in due.inner_text()
    assert "Due, not yet submitted" in due.inner_text()
    assert "3 items that 3 bodies of the Oversight and Assurance Group ask for" in due.inner_text()
    due.get_by_role("link").first.click()
    page.wait_for_url(re.compile(rf"/providers/{demo.trust}/returns"))
    assert page.locator("form#return-form, form[action$='/returns']").count() == 1
    accessible(page)


def test_director_lands_on_their_caseload_and_reaches_the_trusts_work(
    page: Page, demo: Demo
) -> None:
    assert sign_in(page, demo, Role.IMPROVEMENT_DIRECTOR) == "/interventions/caseload"
    caseload = page.inner_text("main")
    assert "Showing your assigned trusts only" in caseload
    assert f"{demo.trust} (intensive)" in caseload or demo.trust in caseload
    accessible(page)
    page.goto(f"{demo.url}/providers/{demo.trust}/interventions")
    assert table_rows(page, "#plan-actions"), "no plan actions"
    assert table_rows(page, "#funding-table"), "no funding"
    assert "Synthetic Improvement Director" in page.inner_text("main")
    # Coded values read as words: the Director's background and phase, the funding's status.
    director = page.locator("#director-assignments tbody tr").first.inner_text()
    assert "Governance" in director
    assert "Intensive" in director
    assert "Approved" in page.locator("#funding-table tbody tr").first.inner_text()
    accessible(page)
    page.goto(f"{demo.url}/providers/{demo.trust}/oag")
    assert len(table_rows(page, "table")) >= 3  # members, items requested
    page.goto(f"{demo.url}/providers/{demo.trust}/evidence")
    assert "Synthetic interview" in page.inner_text("main")
    accessible(page)


def test_oag_member_lands_on_their_trust_and_reads_its_returns(page: Page, demo: Demo) -> None:
    assert sign_in(page, demo, Role.OAG_MEMBER) == f"/providers/{demo.trust}"
    accessible(page)
    page.goto(f"{demo.url}/providers/{demo.trust}/oag")
    text = page.inner_text("main")
    assert "Synthetic member" in text
    assert "Quality dashboard" in text
    page.goto(f"{demo.url}/providers/{demo.trust}/returns")
    assert page.locator("form[action$='/returns']").count() == 0  # reads, does not submit
    accessible(page)


@pytest.mark.parametrize("role", [Role.REGULATOR_ANALYST, Role.REGULATOR_DECISION_MAKER])
def test_regulators_land_on_the_national_overview(page: Page, demo: Demo, role: Role) -> None:
    assert sign_in(page, demo, role) == "/overview"
    text = page.inner_text("main")
    assert "217 providers" in text
    assert re.search(r"Recovery Support Programme\s+1", text)
    accessible(page)
    page.goto(f"{demo.url}/watchlist")
    assert page.locator("main table tbody tr").count() > 0


def test_researcher_lands_on_the_evaluation(page: Page, demo: Demo) -> None:
    assert sign_in(page, demo, Role.RESEARCHER) == "/evaluation/trajectories"
    text = page.inner_text("main")
    assert "217 trusts" in text
    assert "SITE-" in text
    accessible(page)


def test_administrator_lands_on_the_users(page: Page, demo: Demo) -> None:
    assert sign_in(page, demo, Role.ADMINISTRATOR) == "/admin/users"
    text = page.inner_text("main")
    for username, _ in demo.logins.values():
        assert username in text
    # Roles by their names, as in the form and the header.
    assert "Oversight and Assurance Group member" in text
    assert "Oag member" not in text
    accessible(page)


# -- the journeys ---------------------------------------------------------------------------


def test_trust_user_submits_the_monthly_return(page: Page, browser: Browser, demo: Demo) -> None:
    sign_in(page, demo, Role.TRUST_USER)
    page.goto(f"{demo.url}/providers/{demo.trust}/returns")
    accessible(page)
    period = page.get_by_label("Month (YYYY-MM)")
    month = period.input_value()
    assert re.fullmatch(r"\d{4}-\d{2}", month)
    page.get_by_label(re.compile("Quality dashboard")).fill("Synthetic: 4 of 5 metrics on target")
    page.get_by_label(re.compile("Must do actions progress")).fill("Synthetic: 1 action begun")
    page.get_by_label(re.compile("Finance and workforce summary")).fill("Synthetic: on plan")
    page.get_by_role("button", name="Submit return").click()
    page.wait_for_url(f"**/providers/{demo.trust}/returns?submitted={month}")
    text = page.inner_text("main")
    assert "No return submitted yet" not in text
    assert "Synthetic: 4 of 5 metrics on target" in text
    who = f"{demo.username(Role.TRUST_USER)} (Trust user)"
    assert who in text  # named as the audit log names them
    accessible(page)
    rows = audit_as_administrator(browser, demo, action="return.", entity="")
    mine = [r for r in rows if r["actor"] == demo.username(Role.TRUST_USER)]
    assert mine
    assert mine[0]["entity_key"].startswith(demo.trust)
    assert mine[0]["who"] == who


def audit_as_administrator(browser: Browser, demo: Demo, **filters: str) -> list[dict[str, object]]:
    context = browser.new_context()
    try:
        page = context.new_page()
        sign_in(page, demo, Role.ADMINISTRATOR)
        answer = page.request.get(f"{demo.url}/audit.json", params=filters)
        assert answer.ok, answer.text()
        rows: list[dict[str, object]] = answer.json()["rows"]
        return rows
    finally:
        context.close()


def test_researcher_draws_the_sample_and_reads_the_impact(page: Page, demo: Demo) -> None:
    with demo.platform.engine.connect() as conn:
        codes = {str(c) for c in conn.execute(select(providers.c.code)).scalars()}
    sign_in(page, demo, Role.RESEARCHER)
    page.goto(f"{demo.url}/evaluation/sample")
    accessible(page)
    page.get_by_label("Seed").fill("2020")
    page.get_by_role("button", name="Draw").click()
    page.wait_for_url("**/evaluation/sample?*seed=2020*")
    text = page.inner_text("main")
    assert "seed 2020" in text
    sites = set(re.findall(r"SITE-[0-9A-F]{8}", text))
    assert len(sites) >= 8, text[:2000]
    assert "In-depth" in text
    assert "High-level" in text
    assert {c for c in codes if re.search(rf"\b{c}\b", text)} == set()
    accessible(page)
    page.get_by_role("link", name="Impact", exact=True).click()
    page.wait_for_url("**/evaluation/impact*")
    page.locator("#f-indicator").select_option(label="A&E attendances seen within four hours")
    page.get_by_role("button", name="Estimate").click()
    page.wait_for_url("**/evaluation/impact?*indicator=ae_four_hour*", timeout=120_000)
    text = page.inner_text("main")
    assert "How to read this estimate" in text
    assert re.search(r"\d+ treated of \d+ trusts", text)
    assert page.locator("main table tbody tr").count() > 0
    assert {c for c in codes if re.search(rf"\b{c}\b", text)} == set()
    accessible(page)


def test_administrator_reads_and_filters_the_audit_log(page: Page, demo: Demo) -> None:
    sign_in(page, demo, Role.ADMINISTRATOR)
    response = page.goto(f"{demo.url}/audit")
    assert response is not None
    assert response.ok, page.url
    accessible(page)
    total = _count(page)
    assert total > 1000  # the demo's build is audited row by row
    # By entity.
    page.get_by_label("Entity").fill("account")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/audit?*entity=account*")
    by_entity = _count(page)
    assert 0 < by_entity < total
    assert all(": " in c or c == "account" for c in _column(page, 6))
    assert all(c.startswith("account") for c in _column(page, 6))
    # By action: the demo's accounts, made when it printed them.
    page.get_by_label("Action").fill("account.create")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/audit?*action=account.create*")
    assert _count(page) == len(demo.logins)
    assert set(_column(page, 4)) == {"account.create"}
    # Reads and writes told apart.
    assert set(_column(page, 5)) == {"Write"}
    # By actor: the administrator's own sign-in.
    page.get_by_label("Entity").fill("")
    page.get_by_label("Action").fill("")
    page.get_by_label("Actor (username)").fill(demo.username(Role.ADMINISTRATOR))
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    who = set(_column(page, 3))
    assert who == {f"{demo.username(Role.ADMINISTRATOR)} (Administrator)"}
    # By date: today (UTC) has this session's rows; a day long before the build has none.
    today = datetime.now(UTC).date().isoformat()
    page.get_by_label("Actor (username)").fill("")
    page.get_by_label("From (YYYY-MM-DD)").fill(today)
    page.get_by_label("To (YYYY-MM-DD)").fill(today)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    assert _count(page) > 0
    assert all(c.startswith(today) for c in _column(page, 2))
    page.get_by_label("From (YYYY-MM-DD)").fill("2001-01-01")
    page.get_by_label("To (YYYY-MM-DD)").fill("2001-12-31")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    assert _count(page) == 0
    accessible(page)


def _count(page: Page) -> int:
    return int(page.inner_text("#audit-count").split(" ")[0].replace(",", ""))


def _column(page: Page, n: int) -> list[str]:
    cells = page.locator(f"#audit-table tbody tr td:nth-child({n})").all_inner_texts()
    return [c.strip() for c in cells]


def test_director_reads_buddy_suggestions_and_records_a_plan_action(
    page: Page, browser: Browser, demo: Demo
) -> None:
    sign_in(page, demo, Role.IMPROVEMENT_DIRECTOR)
    page.goto(f"{demo.url}/providers/{demo.trust}")
    page.get_by_role("link", name="Buddy suggestions").first.click()
    page.wait_for_url(f"**/providers/{demo.trust}/buddies*")
    accessible(page)
    page.get_by_role("button", name="Show suggestions").click()
    page.wait_for_load_state()
    suggestions = page.locator("main table").first.locator("tbody tr")
    assert suggestions.count() >= 3
    assert "(synthetic)" in suggestions.first.inner_text()
    # Another trust's suggestions are not theirs to read.
    other = page.request.get(f"{demo.url}/providers/ZA7/buddies")
    assert other.status == 403

    page.goto(f"{demo.url}/providers/{demo.trust}/interventions")
    before = len(table_rows(page, "#plan-actions"))
    statuses = page.locator("#update-status option").all_inner_texts()
    assert {"Not started", "In progress", "Complete", "Dropped"} <= set(statuses)
    page.locator("#plan-finding_kind").select_option("should_do")
    page.get_by_label("The inspection's finding").fill("Synthetic finding: handover delays")
    page.get_by_label("Action", exact=True).fill("Synthetic action: hospital handover audit")
    page.locator("#plan-domain").select_option("external_partnerships")
    page.get_by_label("Owner").fill("Synthetic owner: director of operations")
    page.get_by_label("Due date").fill("2026-04-30")
    page.get_by_label("Date the action was set").fill("2025-11-20")
    page.locator("#plan-rationale").fill("Agreed at the OAG (synthetic)")
    page.get_by_role("button", name="Add the action").click()
    page.wait_for_selector("#recorded")
    assert len(table_rows(page, "#plan-actions")) == before + 1
    assert "hospital handover audit" in page.inner_text("#plan-actions")
    accessible(page)
    rows = audit_as_administrator(browser, demo, action="plan.action_added")
    assert rows[0]["actor"] == demo.username(Role.IMPROVEMENT_DIRECTOR)
    assert rows[0]["entity_key"] is not None
    assert rows[0]["who"] == f"{demo.username(Role.IMPROVEMENT_DIRECTOR)} (Improvement Director)"
