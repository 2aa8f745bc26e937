"""The composition root: turns Settings into an engine, a repository and services.

Nothing else in the package builds engines or reads settings; the CLI and the web app factory
call ``bootstrap`` and pass what it returns inward.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from specialmeasures.settings import Settings
from specialmeasures.store import Repository, audit, ensure_current, open_engine
from specialmeasures.store.audit_seal import AuditSeal

__all__ = ["Platform", "bootstrap"]


@dataclass(frozen=True, slots=True)
class Platform:
    """Everything a command or request needs, built once."""

    settings: Settings
    engine: Engine
    repository: Repository

    def close(self) -> None:
        self.engine.dispose()


def bootstrap(settings: Settings, *, upgrade: bool = False) -> Platform:
    """Open the database named by ``settings`` and check (or bring) its schema up to date.

    With ``upgrade`` false, a database that is empty, behind, or at an unknown migration raises
    ``DatabaseError``; with ``upgrade`` true the first two are migrated to the newest schema.
    """
    engine = open_engine(settings.database_url, echo=settings.echo_sql)
    try:
        files = settings.audit_files()
        audit.install(engine, AuditSeal.ephemeral() if files is None else AuditSeal.load(*files))
        ensure_current(engine, upgrade=upgrade)
    except Exception:
        engine.dispose()
        raise
    return Platform(settings=settings, engine=engine, repository=Repository(engine))
