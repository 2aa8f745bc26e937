"""Fixtures for end-to-end tests: a small loaded database on SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from factories import small_register
from specialmeasures.bootstrap import Platform, bootstrap
from specialmeasures.settings import Settings


@pytest.fixture
def small_db(sqlite_url: str) -> Iterator[tuple[str, Platform]]:
    """A SQLite database holding three synthetic trusts (see factories.small_register)."""
    platform = bootstrap(Settings(database_url=sqlite_url), upgrade=True)
    providers, inspections, episodes = small_register()
    repo = platform.repository
    with repo.transaction() as conn:
        repo.add_providers(conn, providers)
        repo.add_inspections(conn, inspections)
        for e in episodes:
            repo.add_episode(conn, e)
        repo.set_meta(conn, {"synthetic": "true", "label": "Synthetic test data"})
    try:
        yield sqlite_url, platform
    finally:
        platform.close()
