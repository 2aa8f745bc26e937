"""Migrations build the schema; the table definitions agree with them; versions are checked."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from specialmeasures.store import (
    DatabaseError,
    current_revision,
    ensure_current,
    head_revision,
    migrate,
    open_engine,
)
from specialmeasures.store.tables import metadata


def test_migrations_match_the_table_definitions(database_url: str) -> None:
    engine = open_engine(database_url)
    migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == []


def test_empty_database_is_refused_without_upgrade_and_built_with_it(database_url: str) -> None:
    engine = open_engine(database_url)
    with pytest.raises(DatabaseError, match="no specialmeasures schema"):
        ensure_current(engine, upgrade=False)
    assert ensure_current(engine, upgrade=True) == "empty"
    assert current_revision(engine) == head_revision()
    assert ensure_current(engine, upgrade=False) == "current"
    engine.dispose()


def test_database_at_an_unknown_migration_is_refused(database_url: str) -> None:
    engine = open_engine(database_url)
    migrate(engine)
    with engine.begin() as conn:
        # One row per head (the project tolerates branched heads): replace them all.
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('ffff9999')"))
    with pytest.raises(DatabaseError, match="'ffff9999', which this version"):
        ensure_current(engine, upgrade=True)
    engine.dispose()
