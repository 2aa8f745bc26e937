"""The Content Security Policy in a real Chromium: the pages' own scripts run, nothing they do
breaks the policy, and an inline script slipped into a page is refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from access_fixtures import OWN
from browser_support import LiveServer, sign_in
from specialmeasures.access import Role

pytestmark = pytest.mark.browser

#: Records every CSP violation of the page from before its first script runs.
WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""
PAGES = [
    "/providers",
    f"/providers/{OWN}",
    f"/providers/{OWN}/decisions",
    f"/providers/{OWN}/indicators",
    "/overview",
    "/systems",
    "/watchlist",
    "/interventions/caseload",
    "/evaluation/trajectories",
    "/backtest",
    "/account",
]


def test_no_page_breaks_the_policy_and_the_nhs_scripts_run(
    page: Page, live_server: LiveServer
) -> None:
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.add_init_script(WATCH)
    sign_in(page, live_server, Role.REGULATOR_DECISION_MAKER)
    for path in PAGES:
        response = page.goto(live_server.url + path)
        assert response is not None
        assert response.status == 200, path
        csp = response.headers["content-security-policy"]
        assert "'unsafe-inline'" not in next(
            d for d in csp.split(";") if d.strip().startswith("script-src")
        )
        page.wait_for_load_state("load")
        # init.js (a module from /static) ran the NHS.UK components' initialisation.
        assert page.evaluate("() => document.body.classList.contains('nhsuk-frontend-supported')")
        assert page.evaluate("() => window.__cspViolations") == [], path
    assert [m for m in console if "Content Security Policy" in m] == []


def test_an_inline_script_injected_into_a_page_is_refused(
    page: Page, live_server: LiveServer
) -> None:
    page.add_init_script(WATCH)
    page.goto(f"{live_server.url}/providers")
    page.evaluate(
        """() => {
          const s = document.createElement('script');
          s.textContent = 'window.__injected = true;';
          document.body.appendChild(s);
        }"""
    )
    page.wait_for_function("() => window.__cspViolations.length > 0")
    assert page.evaluate("() => window.__injected === true") is False
    assert page.evaluate("() => window.__cspViolations") == ["script-src-elem inline"]
