"""Helpers of the browser tests (tests/browser/): the live server's address and accounts, sign-in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from access_fixtures import PASSWORD
from specialmeasures.access import Account, Role


@dataclass(frozen=True)
class LiveServer:
    url: str
    accounts: dict[Role, Account]
    password: str = PASSWORD


def sign_in(page: Page, server: LiveServer, role: Role) -> None:
    """Sign in through the form, as a person would."""
    page.goto(f"{server.url}/providers")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill(server.accounts[role].username)
    page.get_by_label("Password").fill(server.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/providers")


#: axe-core, vendored (its release and hash are checked in test_accessibility.py).
AXE = Path(__file__).parent / "browser" / "vendor" / "axe.min.js"
#: The WCAG 2.x A/AA rule sets the pages are held to.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the page as it stands."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict[str, Any]]) -> list[str]:
    """One readable line per violation, for assertion messages."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
    ]


def serious_violations(page: Page) -> list[str]:
    return describe(axe_violations(page))
