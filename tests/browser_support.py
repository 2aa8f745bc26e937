"""Helpers of the browser tests (tests/browser/): the live server's address and accounts, sign-in."""

from __future__ import annotations

from dataclasses import dataclass

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
