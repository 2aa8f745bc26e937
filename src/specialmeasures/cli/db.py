"""``specialmeasures db``: schema migrations."""

from __future__ import annotations

import click

from specialmeasures.settings import Settings


@click.group()
def db() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""


@db.command()
def upgrade() -> None:
    """Bring the database to the newest schema (creates it when empty)."""
    from specialmeasures.store import current_revision, migrate, open_engine, safe_url

    settings = Settings.from_env()
    engine = open_engine(settings.database_url)
    try:
        before = current_revision(engine)
        after = migrate(engine)
    finally:
        engine.dispose()
    where = safe_url(settings.database_url)
    if before == after:
        click.echo(f"{where} is already at the newest migration ({after}).")
    else:
        click.echo(f"{where} upgraded from {before or 'empty'} to {after}.")


@db.command()
def status() -> None:
    """Show the migration the database is at and the newest one known."""
    from specialmeasures.store import current_revision, head_revision, open_engine, safe_url

    settings = Settings.from_env()
    engine = open_engine(settings.database_url)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    click.echo(f"database: {safe_url(settings.database_url)}")
    click.echo(f"current:  {current or 'empty'}")
    click.echo(f"newest:   {head_revision()}")


COMMANDS = [db]
