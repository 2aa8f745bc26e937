"""Two workers over one database, and a change that bumps its data version (read-model tests)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from specialmeasures.bootstrap import Platform, bootstrap
from specialmeasures.settings import Settings
from specialmeasures.store import audit


@pytest.fixture
def two(database_url: str) -> Iterator[tuple[Platform, Platform]]:
    """Two platforms (two engines, as two workers have) over one migrated database."""
    first = bootstrap(Settings(database_url=database_url), upgrade=True)
    second = bootstrap(Settings(database_url=database_url))
    try:
        yield first, second
    finally:
        second.close()
        first.close()


def audited_change(platform: Platform) -> None:
    """An audited change to the data (it bumps the data version)."""
    with platform.repository.transaction() as conn:
        audit.append(
            conn, actor="a", role="r", action="decision.enter", entity="e", entity_key="k",
            payload={}, at=datetime(2026, 1, 1),
        )  # fmt: skip
