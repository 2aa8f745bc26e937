"""Fixtures for end-to-end tests: a small loaded database on SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from factories import SYNTHETIC_META, add_cli_accounts, load_small_register
from specialmeasures.bootstrap import Platform, bootstrap
from specialmeasures.settings import Settings


@pytest.fixture
def small_db(sqlite_url: str) -> Iterator[tuple[str, Platform]]:
    """A SQLite database holding three synthetic trusts (see factories.small_register), and
    the accounts command-line writes act as (factories.CLI_ACCOUNTS)."""
    platform = bootstrap(Settings(database_url=sqlite_url), upgrade=True)
    load_small_register(platform.repository, meta=SYNTHETIC_META)
    add_cli_accounts(platform.repository, trust="ZA1")
    try:
        yield sqlite_url, platform
    finally:
        platform.close()
